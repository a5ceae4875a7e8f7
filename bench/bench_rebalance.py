"""The optimizer versus the baseline, and household mode versus account by account.

    .venv/bin/python bench/bench_rebalance.py [--households 300] [--seed 7]
        [--set optimizer.drift_penalty=0.05 ...]

Runs three configurations on one generated sample book: the tax-blind `baseline`, the optimizer
account by account (`optimizer.household=false`), and the optimizer with households that have a
model managed as one portfolio. Prints, per configuration: mean account drift (the spec's, wash
identities pooled), the same with close substitutes pooled ("equiv"), mean household drift,
realized short- and long-term gains (USD, taxable accounts), estimated tax, losses the trades
would disallow as wash sales (replayed through the tax engine), the estimated yearly tax drag of
where assets are held (USD), traded value, exceptions and seconds.
"""

from __future__ import annotations

import argparse
import dataclasses
import tempfile
import time
from pathlib import Path

from trimtab.book import Book
from trimtab.check import load_checked
from trimtab.config import Settings
from trimtab.generate import write_sample_book
from trimtab.rebalance.run import rebalance_book
from trimtab.rebalance.summary import figures
from trimtab.rebalance.verify import wash_loss_created

CONFIGS = (
    ("baseline", "baseline", ["optimizer.household=false"]),
    ("accounts", "optimize", ["optimizer.household=false"]),
    ("household", "optimize", ["optimizer.household=true"]),
)


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


def run(book: Book, method: str) -> dict[str, float]:
    started = time.perf_counter()
    proposals = rebalance_book(book, method=method)
    f = figures(proposals)
    f["seconds"] = time.perf_counter() - started
    f["washed_usd"] = float(wash_loss_created(book, proposals, book.as_of()))
    return f


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--households", type=int, default=300)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--set", action="append", default=[], dest="overrides")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        write_sample_book(Path(tmp) / "book", households=args.households, seed=args.seed)
        book = load_checked(Path(tmp) / "book")
    with_model = sum(1 for h in book.households if h.model_id)
    print(
        f"sample book: seed {args.seed}, {len(book.households)} households "
        f"({with_model} with a household model), {len(book.accounts)} accounts"
    )
    print(
        f"{'config':<10} {'acct drift':>15} {'equiv drift':>15} {'hh drift':>15} {'real. ST':>10} "
        f"{'real. LT':>11} {'est tax':>9} {'washed':>8} {'drag/yr':>15} {'traded':>11} "
        f"{'exc':>4} {'s':>6}"
    )
    for name, method, extra in CONFIGS:
        settings = with_overrides(book.settings, [*extra, *args.overrides])
        f = run(dataclasses.replace(book, settings=settings), method)
        print(
            f"{name:<10} {f['mean_drift_before']:>6.4f}->{f['mean_drift_after']:.4f} "
            f"{f['equiv_drift_before']:>6.4f}->{f['equiv_drift_after']:.4f} "
            f"{f['household_drift_before']:>6.4f}->{f['household_drift_after']:.4f} "
            f"{f['realized_st_usd']:>10,.0f} {f['realized_lt_usd']:>11,.0f} "
            f"{f['est_tax_usd']:>9,.0f} {f['washed_usd']:>8,.0f} "
            f"{f['tax_drag_before_usd']:>7,.0f}->{f['tax_drag_after_usd']:<7,.0f} "
            f"{f['bought_usd'] + f['sold_usd']:>11,.0f} {f['accounts_exception']:>4} "
            f"{f['seconds']:>6.1f}"
        )


if __name__ == "__main__":
    main()
