"""The book: a generated book from files to the store to stored proposals (`trimtab run`).

Usage:
  .venv/bin/python bench/bench_book.py [--accounts 100000] [--db sqlite|postgres|URL]...
      [--workers N] [--chunk-size N] [--direct-share 0.3] [--seed S] [--book DIR]
  .venv/bin/python bench/bench_book.py --profile --accounts 2000
      one process, no pool: seconds by phase (load, snapshot, screen, solve, baseline, codec,
      rules, save)
  .venv/bin/python bench/bench_book.py --risk class --risk factors --accounts 2000
      the same book under each risk model: `dense` (default: the Ledoit-Wolf estimate from the
      generated price history), `factors` (that estimate in factor form, optimizer.risk_factors
      = 10) and `class` (no price history: the class model, exactly a factor model)
  .venv/bin/python bench/bench_book.py --dask --accounts 5000 --risk factors [--dask-defaults]
      the same run on a local Dask cluster of 1, then 2 worker processes (1 thread each), and
      the scale-out factor (throughput with 2 / throughput with 1); the cluster starts with
      `trimtab.batch.BATCH_CONFIG` (no stack profiler, a 1 s event-loop check), or with Dask's
      own defaults

The book is issue 13's mix by default: 30% of accounts direct-indexed (~100 stocks), the rest on
ETF models of 9 positions, a third of households managed as one portfolio on a household model.
It is written as CSV files (`--book DIR` reuses or keeps them), then for each database (default
SQLite in a temporary folder; `postgres` a fresh database on the local server, dropped after) it
is read and checked (`db import` does the same), imported and run once, a first run: every
household is new, so every one is solved. Printed: seconds per step, households/s and
accounts/s of the run, peak memory (resident set, this process and the largest worker) and CPU
seconds (this process, the workers; how busy that kept the cores).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bench_day import database
from memory import PeakMemory
from trimtab.batch import BATCH_CONFIG, DaskExecutor, Executor, SequentialExecutor, make
from trimtab.check import load_checked
from trimtab.generate import MEAN_ACCOUNTS, write_sample_book
from trimtab.optimize import engine as engine_module
from trimtab.optimize import qp as qp_module
from trimtab.optimize import washsafe as washsafe_module
from trimtab.rebalance import methods as methods_module
from trimtab.store import import_book, make_engine, upgrade
from trimtab.workflow import run as run_module
from trimtab.workflow import task as task_module
from trimtab.workflow.run import RunResult, run_day


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--db", action="append", default=None, help="sqlite, postgres or a URL")
    parser.add_argument("--workers", type=int, default=None, help="default: all cores")
    parser.add_argument("--chunk-size", type=int, default=None)
    parser.add_argument("--direct-share", type=float, default=0.3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--book", type=Path, default=None, help="book folder to reuse or keep")
    parser.add_argument(
        "--risk", action="append", choices=RISKS, default=None, help="dense, factors or class"
    )
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--profile", action="store_true", help="seconds by phase, one process")
    mode.add_argument("--dask", action="store_true", help="1 vs 2 Dask workers")
    parser.add_argument(
        "--dask-defaults",
        action="store_true",
        help="with --dask: Dask's own defaults, not BATCH_CONFIG (worker profiler on...)",
    )
    args = parser.parse_args()
    print(f"cores: {os.cpu_count()}, load average: {_load()}")
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.book or Path(tmp) / "book"
        if not (folder / "accounts.csv").exists():
            households = max(1, round(args.accounts / MEAN_ACCOUNTS))
            start = time.perf_counter()
            write_sample_book(folder, households, seed=args.seed, direct_share=args.direct_share)
            print(f"generate  {time.perf_counter() - start:7.1f} s")
        if args.dask:
            risk = (args.risk or ["dense"])[0]
            scale_out(with_risk(folder, Path(tmp) / f"book-{risk}", risk), Path(tmp), args)
            return
        for risk in args.risk or ["dense"]:
            book = with_risk(folder, Path(tmp) / f"book-{risk}", risk)
            for target in args.db or ["sqlite"]:
                with database(target, Path(tmp)) as url:
                    print(f"\nrisk model: {risk}")
                    one_database(book, url, args)
    print(f"load average after: {_load()}")


RISKS = ("dense", "factors", "class")
FACTORS = 10
"""optimizer.risk_factors of `--risk factors`."""


def with_risk(folder: Path, copy: Path, risk: str) -> Path:
    """The generated book as it is (`dense`), or a copy of it whose price-history estimate is in
    factor form (`factors`) or that has no price history (`class`)."""
    if risk == "dense":
        return folder
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(folder, copy)
    if risk == "class":
        (copy / "price_history.csv").unlink(missing_ok=True)
        return copy
    toml = copy / "trimtab.toml"
    text = toml.read_text() if toml.exists() else ""
    if "[optimizer]" in text:
        text = text.replace("[optimizer]", f"[optimizer]\nrisk_factors = {FACTORS}", 1)
    else:
        text += f"\n[optimizer]\nrisk_factors = {FACTORS}\n"
    toml.write_text(text)
    return copy


def one_database(folder: Path, url: str, args: argparse.Namespace) -> None:
    engine = make_engine(url)
    upgrade(engine)
    print(f"\n{engine.dialect.name}")
    start = time.perf_counter()
    book = load_checked(folder)
    read = time.perf_counter() - start
    counts = import_book(engine, book)
    print(f"  read      {read:7.1f} s   (read and check the CSV files)")
    print(f"  import    {time.perf_counter() - start - read:7.1f} s   {_rows(counts)}")
    accounts = len(book.accounts)
    del book
    executor: Executor = SequentialExecutor() if args.profile else make(args.workers)
    print(f"  executor  {executor.name} ({getattr(executor, 'workers', 1)} workers)")
    with PeakMemory() as peak:
        if args.profile:
            with phases() as report:
                result, seconds = timed_run(engine, executor, args)
            report(seconds)
        else:
            result, seconds = timed_run(engine, executor, args)
    print_run(result, seconds, accounts)
    print(f"  peak memory of the run: {peak.text()}")
    print(f"  CPU of the run: {peak.cpu_text(seconds)}")
    engine.dispose()


def timed_run(engine: Any, executor: Executor, args: argparse.Namespace) -> tuple[RunResult, float]:
    start = time.perf_counter()
    result = run_day(engine, actor="bench", executor=executor, chunk_size=args.chunk_size)
    return result, time.perf_counter() - start


def print_run(result: RunResult, seconds: float, accounts: int) -> None:
    hh = result.households
    print(
        f"  run       {seconds:7.1f} s   {hh:,} households ({hh / seconds:,.1f}/s), "
        f"{accounts:,} accounts ({accounts / seconds:,.1f}/s)"
    )
    print(f"    {result.summary['by_status']}")


def scale_out(folder: Path, tmp: Path, args: argparse.Namespace) -> None:
    """The same first run on a local Dask cluster of 1 then 2 single-threaded workers."""
    import dask
    from distributed import Client, LocalCluster

    seed = tmp / "seed.sqlite"
    engine = make_engine(f"sqlite:///{seed}")
    upgrade(engine)
    book = load_checked(folder)
    import_book(engine, book)
    accounts = len(book.accounts)
    del book
    engine.dispose()
    rate = {}
    config = {} if args.dask_defaults else BATCH_CONFIG
    print(f"dask config: {config or 'Dask defaults'}")
    for n in (1, 2):
        copy = tmp / f"dask{n}.sqlite"
        shutil.copy(seed, copy)
        engine = make_engine(f"sqlite:///{copy}")
        with (
            dask.config.set(config),
            LocalCluster(n_workers=n, threads_per_worker=1, processes=True) as cluster,
            Client(cluster) as client,
        ):
            print(f"\ndask, {n} worker{'s' if n > 1 else ''} (load average {_load()})")
            with PeakMemory() as usage:
                result, seconds = timed_run(engine, DaskExecutor(client=client), args)
        print_run(result, seconds, accounts)
        print(f"  CPU of the run: {usage.cpu_text(seconds)}")
        rate[n] = result.households / seconds
        engine.dispose()
    print(f"\nscale-out factor, 2 workers / 1: {rate[2] / rate[1]:.2f}x")


PHASES = {
    "export_book": (run_module, "load: the book from the store, but its lots"),
    "read_lots": (run_module, "load: lots, chunk by chunk"),
    "contexts": (run_module, "load: contexts (last solved, models, breaks)"),
    "shared_inputs": (run_module, "load: shared inputs (risk model)"),
    "current_proposals": (run_module, "load: current proposals"),
    "replay": (task_module, "snapshot: replay the ledger"),
    "build_snapshots": (task_module, "snapshot: build"),
    "household_text": (task_module, "codec: household inputs"),
    "triggers": (task_module, "screen"),
    "check": (task_module, "rules"),
    "_outcome": (task_module, "codec: payload"),
    "save_outcomes": (run_module, "save"),
    "day_summary": (run_module, "summary"),
}


SOLVES = {
    "_solve": (qp_module, "built and set up afresh"),
    "_again": (qp_module, "solved again on a kept solver (only lot bounds changed)"),
    "known_solution": (qp_module, "not solved: the very problem just solved"),
    "optimize_accounts": (methods_module, "households solved account by account"),
    "_in_order": (engine_module, "passes over their accounts (a second when contested)"),
    "optimize_household": (methods_module, "households solved as one portfolio"),
    "clashes": (washsafe_module, "wash-sale checks of a solution"),
}
"""Functions counted (and timed) by `--profile`: how many QP solves a household costs and why
(a re-solve that does not end cleanly is also counted as built afresh)."""


@contextmanager
def phases() -> Iterator[Callable[[float], None]]:
    """Time the run's phases (wrapping the functions the run calls) and profile it."""
    spent: dict[str, float] = defaultdict(float)
    saved = []

    def wrap(label: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*a: Any, **k: Any) -> Any:
            start = time.perf_counter()
            value = fn(*a, **k)
            if isinstance(value, Iterator):
                value = list(value)
            spent[label] += time.perf_counter() - start
            return value

        return timed

    for name, (module, label) in PHASES.items():
        saved.append((module, name, getattr(module, name)))
        setattr(module, name, wrap(label, getattr(module, name)))
    solve = task_module.rebalance_snapshot

    def rebalance(snap: Any, settings: Any, method: str) -> Any:
        label = "baseline (compare_baseline)" if method == "baseline" else f"solve ({method})"
        return wrap(label, solve)(snap, settings, method)

    saved.append((task_module, "rebalance_snapshot", solve))
    task_module.rebalance_snapshot = rebalance  # type: ignore[assignment]
    counted: dict[str, list[float]] = defaultdict(lambda: [0, 0.0, 0])

    def count(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def counting(*a: Any, **k: Any) -> Any:
            start = time.perf_counter()
            value = fn(*a, **k)
            tally = counted[name]
            tally[0] += 1
            tally[1] += time.perf_counter() - start
            tally[2] += bool(value) if name == "clashes" else 0
            return value

        return counting

    for name, (module, _) in SOLVES.items():
        saved.append((module, name, getattr(module, name)))
        setattr(module, name, count(name, getattr(module, name)))

    def report(total: float) -> None:
        print(f"  phases of the run (one process; total {total:.1f} s):")
        for label, s in sorted(spent.items(), key=lambda kv: -kv[1]):
            print(f"    {label:<45} {s:7.1f} s  {100 * s / total:5.1f}%")
        rest = total - sum(spent.values())
        other = "other (chunking, digests, executor)"
        print(f"    {other:<45} {rest:7.1f} s  {100 * rest / total:5.1f}%")
        _report_solves(counted)

    try:
        yield report
    finally:
        for module, name, fn in saved:
            setattr(module, name, fn)


def _report_solves(counted: dict[str, list[float]]) -> None:
    """QP solves by path, with seconds each (assembly, setup and solve; not the objective's
    terms), and what multiplies them: second passes and wash-sale conflicts."""
    fresh, again = counted["_solve"], counted["_again"]
    solves = int(fresh[0] + again[0])
    if not solves:
        return
    print(f"  QP solves: {solves:,}")
    for name, (_, label) in SOLVES.items():
        n, seconds, hits = counted[name]
        each = f"{1000 * seconds / n:6.2f} ms each" if n and name in ("_solve", "_again") else ""
        clash = f" ({int(hits):,} found a conflict)" if name == "clashes" else ""
        print(f"    {int(n):>9,} {label}{clash} {each}")


def _rows(counts: dict[str, int]) -> str:
    keys = ("households", "accounts", "lots", "transactions")
    return ", ".join(f"{counts[k]:,} {k}" for k in keys if k in counts)


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


if __name__ == "__main__":
    sys.exit(main())
