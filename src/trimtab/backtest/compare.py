"""Run several strategies on one setup, in parallel processes when asked (each run is pure)."""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor

from trimtab.backtest.setup import Setup
from trimtab.backtest.simulate import Run, simulate
from trimtab.backtest.strategies import Screen, Strategy


def _one(args: tuple[Setup, Strategy, Screen]) -> Run:
    setup, strategy, screen = args
    return simulate(setup, strategy, screen=screen)


def compare(
    setup: Setup,
    strategies: Sequence[Strategy],
    *,
    screen: Screen | None = None,
    workers: int = 1,
) -> list[Run]:
    """One run per strategy, in the order given. With `workers` > 1 the runs share a process
    pool, the slowest (the engine) started first."""
    jobs = [(setup, s, screen or Screen()) for s in strategies]
    if workers <= 1 or len(jobs) < 2:
        return [_one(j) for j in jobs]
    order = sorted(range(len(jobs)), key=lambda i: jobs[i][1].method != "optimize")
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = {i: pool.submit(_one, jobs[i]) for i in order}
        return [futures[i].result() for i in range(len(jobs))]
