"""The optimizer versus the baseline on a generated sample book: drift, gains, tax, time.

    .venv/bin/python bench/bench_rebalance.py [--households 300] [--seed 7]
        [--set optimizer.drift_penalty=0.05 ...]

Prints one row per method: mean drift before and after, drift reduction, realized short- and
long-term gains (USD, taxable accounts), estimated tax, losses the trades would disallow as wash
sales (replayed through the tax engine), traded value, exceptions, seconds.
"""

from __future__ import annotations

import argparse
import dataclasses
import tempfile
import time
from pathlib import Path

from trimtab.check import load_checked
from trimtab.config import Settings
from trimtab.generate import write_sample_book
from trimtab.rebalance.run import rebalance_book
from trimtab.rebalance.summary import figures
from trimtab.rebalance.verify import wash_loss_created


def with_overrides(settings: Settings, pairs: list[str]) -> Settings:
    """Apply `section.key=value` overrides (floats, ints, true/false)."""
    for pair in pairs:
        key, text = pair.split("=", 1)
        section, name = key.split(".")
        current = getattr(settings, section)
        old = getattr(current, name)
        value: object = text.lower() == "true" if isinstance(old, bool) else type(old or 0.0)(text)
        settings = dataclasses.replace(
            settings, **{section: dataclasses.replace(current, **{name: value})}
        )
    return settings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--households", type=int, default=300)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--methods", default="baseline,optimize")
    parser.add_argument("--set", action="append", default=[], dest="overrides")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "book"
        write_sample_book(folder, households=args.households, seed=args.seed)
        book = load_checked(folder)
    book = dataclasses.replace(book, settings=with_overrides(book.settings, args.overrides))
    print(f"sample book: {args.households} households, {len(book.accounts)} accounts")
    print(
        f"{'method':<10} {'drift before':>12} {'after':>7} {'reduced':>8} {'realized ST':>12} "
        f"{'realized LT':>12} {'est tax':>10} {'washed':>9} {'traded':>12} {'exc':>4} {'s':>6}"
    )
    for method in args.methods.split(","):
        started = time.perf_counter()
        proposals = rebalance_book(book, method=method)
        took = time.perf_counter() - started
        f = figures(proposals)
        washed = float(wash_loss_created(book, proposals, book.as_of()))
        print(
            f"{method:<10} {f['mean_drift_before']:>12.4f} {f['mean_drift_after']:>7.4f} "
            f"{f['mean_drift_before'] - f['mean_drift_after']:>8.4f} "
            f"{f['realized_st_usd']:>12,.0f} {f['realized_lt_usd']:>12,.0f} "
            f"{f['est_tax_usd']:>10,.0f} {washed:>9,.0f} {f['bought_usd'] + f['sold_usd']:>12,.0f} "
            f"{f['accounts_exception']:>4} {took:>6.1f}"
        )


if __name__ == "__main__":
    main()
