"""The backtest experiments of docs/backtest.md, each one command printing its table and time.

Usage: .venv/bin/python bench/bench_backtest.py {daily|literature|household} [--end 2022-12-31]
- daily: the acceptance run (`trimtab backtest` defaults: engine daily, 4 strategies, 2 workers).
- literature: engine monthly before costs against the baseline and buy-and-hold (35%/15%).
- household: taxable + IRA + Roth on one 60/40 model, household mode against account by account.
"""

from __future__ import annotations

import argparse
import dataclasses
import time
from decimal import Decimal

import numpy as np
from rich.console import Console

from trimtab.backtest.compare import compare
from trimtab.backtest.market import sp500, with_bonds
from trimtab.backtest.metrics import measure_all
from trimtab.backtest.setup import household_accounts, single_account
from trimtab.backtest.simulate import Run
from trimtab.backtest.strategies import strategy
from trimtab.backtest.table import metrics_table
from trimtab.config import CostSettings, OptimizerSettings, Settings


def runs_for(which: str, end: np.datetime64) -> tuple[list[Run], np.ndarray, str]:
    if which == "household":
        market = with_bonds(sp500()).between(None, end)
        runs = []
        for together in (True, False):
            settings = Settings(optimizer=OptimizerSettings(household=together))
            setup = household_accounts(market, settings=settings)
            (run,) = compare(setup, [strategy("engine", frequency="monthly")])
            name = "household" if together else "account_by_account"
            runs.append(dataclasses.replace(run, strategy=name))
        return runs, market.closes, "account_by_account"
    market = sp500().between(None, end)
    if which == "literature":
        setup = single_account(market, settings=Settings(costs=CostSettings(bps=0.0)))
        names, frequency = ("engine", "baseline", "hold"), "monthly"
    else:
        setup = single_account(market, cash=Decimal(1_000_000))
        names, frequency = ("engine", "baseline", "bands", "hold"), "daily"
    chosen = [strategy(n, frequency=frequency) for n in names]
    return compare(setup, chosen, workers=2), market.closes, "baseline"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("which", choices=("daily", "literature", "household"))
    parser.add_argument("--end", default="2022-12-31", help="last day (shorter: quicker)")
    args = parser.parse_args()
    start = time.perf_counter()
    runs, closes, base = runs_for(args.which, np.datetime64(args.end))
    metrics = measure_all(runs, np.round(closes, 2), base)
    Console(width=140).print(metrics_table(metrics, f"{args.which} (against {base})"))
    print(f"seconds {time.perf_counter() - start:.1f}")


if __name__ == "__main__":
    main()
