"""One account, one core: the production solve against the cvxpy reference, side by side.

    .venv/bin/python bench/bench_account.py [--repeat 20] [--seed 3] [--reference-repeat 3]

Builds account problems of the sizes issue 13 names, deterministic for a seed, each inside a
household universe larger than the account (as `optimize.build.account_problem` makes them):

* `etf`: an ETF account, 8-15 positions of a 150-security universe, about 3 lots each;
* `di`: a direct-indexed account, 100 securities, 400 lots, a factor risk model (10 factors
  plus specific risk);
* `di300`: 300 securities, 2,000 lots, the same factor model.

Each has the default bands (drift 0.10, class 0.05, tightened by the rounding margin), losses
and gains of both terms, a few lots blocked by wash sales or no_sell, and a few securities not
to buy; an account may buy its model's securities and three alternates (as `buy_list` allows).
Prints per kind the median CPU milliseconds of the production solve (`optimize.qp.solve`:
assembly, Clarabel, the objective's terms) and of the reference (`optimize.reference`, cvxpy
with Clarabel), their ratio, the objective gap (USD per USD of value) and whether the target is
met (ms at most the target, gap at most 1e-6). Times are the process's CPU time (one core: the
solve runs one thread), medians because the machine is shared; the load average is printed too.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import numpy as np

from trimtab.config import BandSettings, OptimizerSettings
from trimtab.measures.bands import limits_for
from trimtab.optimize.problem import Group, ProblemData

try:
    from trimtab.optimize.problem import FactorCov
except ImportError:  # the engine before the factor form (measured as "before"): dense cov only
    FactorCov = None  # type: ignore[assignment,misc]
from trimtab.optimize.qp import solve
from trimtab.optimize.reference import solve_reference

KINDS = {
    # name: (held securities, universe, lots, factors (0: class model), target ms)
    "etf": (12, 150, 36, 0, 1.0),
    "di": (100, 150, 400, 10, 5.0),
    "di300": (300, 320, 2000, 10, 50.0),
}
CLASSES = ("us_equity", "intl_equity", "us_bond", "intl_bond", "real_estate", "cash_like")


def factor_model(rng: np.random.Generator, n: int, k: int) -> Any:
    """Annual covariance B F B' + D: k uncorrelated factors (market first), specific risk 15-35%
    a year."""
    loadings = rng.normal(0.0, 0.3, (n, k))
    loadings[:, 0] = rng.uniform(0.7, 1.3, n)
    factor_vol = np.concatenate([[0.16], np.full(k - 1, 0.05)])
    specific = rng.uniform(0.15, 0.35, n) ** 2
    if FactorCov is None:
        return SimpleNamespace(loadings=loadings * factor_vol, specific=specific)
    return FactorCov(loadings * factor_vol, specific)


def class_cov(rng: np.random.Generator, classes: np.ndarray) -> np.ndarray:
    """Funds: one factor per asset class, classes correlated, small specific risk."""
    n_c = len(CLASSES)
    vol = rng.uniform(0.04, 0.2, n_c)
    corr = np.full((n_c, n_c), 0.5) + 0.5 * np.eye(n_c)
    fund_vol = vol[classes]
    cov = corr[np.ix_(classes, classes)] * np.outer(fund_vol, fund_vol)
    return cov + np.diag((0.05 * fund_vol) ** 2)


def problem(kind: str, seed: int) -> ProblemData:
    """A synthetic account problem of `kind` (see the module docstring)."""
    n_held, n_s, n_l, n_f, _ = KINDS[kind]
    rng = np.random.default_rng(seed)
    classes = rng.integers(0, len(CLASSES) if n_f == 0 else 2, n_s)
    factors = None if n_f == 0 else factor_model(rng, n_s, n_f)
    if factors is None:
        cov = class_cov(rng, classes)
    else:
        cov = factors.loadings @ factors.loadings.T + np.diag(factors.specific)
    held = np.sort(rng.choice(n_s, n_held, replace=False))
    target = np.zeros(n_s)
    target[held] = rng.dirichlet(np.full(n_held, 2.0)) * 0.98
    lot_security = np.sort(np.r_[held, rng.choice(held, n_l - n_held)])
    lot_value = rng.dirichlet(np.ones(n_l)) * 0.97
    lot_value *= rng.uniform(0.8, 1.25, n_l)  # drifted from the model
    lot_value *= 0.97 / lot_value.sum()
    gain = rng.uniform(-0.4, 0.8, n_l)
    long_term = rng.random(n_l) < 0.7
    rate = np.where(long_term, 0.238, 0.408)
    tax = np.where(gain >= 0, gain * rate, gain * np.maximum(rate - 0.5 * 0.238, 0.0))
    lot_max = np.where(rng.random(n_l) < 0.03, 0.0, lot_value)
    holdings = np.bincount(lot_security, weights=lot_value, minlength=n_s)[None, :]
    can_buy = np.ones((1, n_s), dtype=bool)
    can_buy[0, rng.choice(held, max(1, n_held // 20), replace=False)] = False
    can_buy[0] &= target > 0  # an account buys its model's securities (`buy_list`)
    can_buy[0, rng.choice(n_s, 3, replace=False)] = True  # and a few declared alternates
    limits = limits_for(BandSettings(), None, [CLASSES[c] for c in classes]).tightened(0.002)
    opt = OptimizerSettings()
    identity = np.arange(n_s)
    identity[1] = identity[0]  # one wash group of two securities
    return ProblemData(
        scale=1.0,
        holdings=holdings,
        cash=np.array([0.03]),
        flow=np.zeros(1),
        reserve=np.array([0.005]),
        can_buy=can_buy,
        cost=np.full(n_s, 5e-4),
        location=np.zeros((1, n_s)),
        lot_account=np.zeros(n_l, dtype=np.int64),
        lot_security=lot_security,
        lot_value=lot_value,
        lot_min=np.zeros(n_l),
        lot_max=lot_max,
        lot_tax=tax,
        lot_gain=gain,
        lot_tax_rate=rate,
        groups=(Group(np.array([0]), target, 0.02, 1.0, np.zeros(n_s), 0.0, limits),),
        cov=cov,
        risk_aversion=opt.risk_aversion,
        drift_penalty=opt.drift_penalty,
        gain_cap=None,
        tax_cap=None,
        identity=identity,
        lot_no_sell=lot_max == 0,
        **({} if FactorCov is None else {"factors": factors}),
    )


def median_ms(run: Callable[[], object], repeat: int) -> float:
    """Median CPU milliseconds of the process per call (a busy neighbour on a shared machine
    inflates wall time far more than the process's own CPU time)."""
    times = []
    for _ in range(repeat):
        started = time.process_time()
        run()
        times.append(1000 * (time.process_time() - started))
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--reference-repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--kinds", default=",".join(KINDS))
    args = parser.parse_args()
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print(f"CPUs available to this process: {cpus}; load average {os.getloadavg()[0]:.2f}")
    print(
        f"{'kind':<6} {'secs':>5} {'lots':>5} {'ours ms':>9} {'ref ms':>9} {'ratio':>7} "
        f"{'obj gap':>9} {'target':>7} {'met':>4}"
    )
    for kind in args.kinds.split(","):
        data = problem(kind, args.seed)
        ours = solve(data)
        ref = solve_reference(data)
        gap = abs(ours.objective - ref.objective)
        ms = median_ms(lambda d=data: solve(d), args.repeat)
        ref_ms = median_ms(lambda d=data: solve_reference(d), args.reference_repeat)
        target = KINDS[kind][4]
        met = ms <= target and gap <= 1e-6
        n_s = int(np.count_nonzero(data.holdings))
        print(
            f"{kind:<6} {n_s:>5} {len(data.lot_value):>5} {ms:>9.2f} {ref_ms:>9.1f} "
            f"{ref_ms / ms:>6.0f}x {gap:>9.1e} {target:>7.0f} {'yes' if met else 'no':>4}"
        )


if __name__ == "__main__":
    main()
