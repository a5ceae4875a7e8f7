"""The optimizer versus the baseline, and household mode versus account by account.

    .venv/bin/python bench/bench_rebalance.py [--households 300] [--seed 7] [--book sample|direct]
        [--set optimizer.drift_penalty=0.05 ...]

Runs three configurations on one generated book: the tax-blind `baseline`, the optimizer
account by account (`optimizer.household=false`), and the optimizer with households that have a
model managed as one portfolio. `--book sample` is the generator's default mix; `--book direct`
(or `both`, the default) makes every eligible taxable account direct-index (the generator's
`DIRECT_INDEX_P` set to 1 and `DI_MINIMUM` lowered to 100,000 USD), where single stocks, their
concentrations and their gains dominate.

Prints, per configuration: mean account drift symbol by symbol ("strict"), the reported drift
(`drift_*`: wash groups and, where the book declares them, alternates pooled), the same with
close substitutes pooled ("equiv"), mean household drift, realized short- and long-term gains
(USD, taxable accounts), estimated tax, losses the trades would disallow as wash sales (replayed
through the tax engine), the estimated yearly tax drag of where assets are held (USD), traded
value, the share of accounts in exception and seconds. Strict drift is computed here from the
book and the trades, so the same script measures any version of the engine.
"""

from __future__ import annotations

import argparse
import dataclasses
import tempfile
import time
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

import numpy as np

from trimtab.book import Book
from trimtab.check import load_checked
from trimtab.config import Settings
from trimtab.generate import people as generator_people
from trimtab.generate import write_sample_book
from trimtab.names import CASH, Side
from trimtab.rebalance.proposal import Proposal
from trimtab.rebalance.run import rebalance_book
from trimtab.rebalance.summary import figures
from trimtab.rebalance.verify import wash_loss_created
from trimtab.tax.ledger import replay

try:
    from trimtab.measures.drift import drift
except ImportError:  # the code before issue 9 (measured as "before")
    from trimtab.rebalance.metrics import drift  # type: ignore[no-redef]

CONFIGS = (
    ("baseline", "baseline", ["optimizer.household=false"]),
    ("accounts", "optimize", ["optimizer.household=false"]),
    ("household", "optimize", ["optimizer.household=true"]),
)

DIRECT = {"DIRECT_INDEX_P": 1.0, "DI_MINIMUM": 100_000.0}
"""Generator knobs of the direct-indexing-heavy book."""


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


def generated(households: int, seed: int, kind: str) -> Book:
    """The generated book; `direct` turns the generator's direct-indexing knobs up."""
    saved = {k: getattr(generator_people, k) for k in DIRECT}
    if kind == "direct":
        for k, v in DIRECT.items():
            setattr(generator_people, k, v)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            write_sample_book(Path(tmp) / "book", households=households, seed=seed)
            return load_checked(Path(tmp) / "book")
    finally:
        for k, v in saved.items():
            setattr(generator_people, k, v)


def strict_drift(book: Book, proposals: Sequence[Proposal]) -> tuple[float, float]:
    """Mean account drift before and after, symbol by symbol (nothing pooled)."""
    households = [p.household_id for p in proposals]
    held: dict[str, dict[str, Decimal]] = {}
    for lot in replay(book, households).open_lots:
        pos = held.setdefault(lot.account_id, {})
        pos[lot.symbol] = pos.get(lot.symbol, Decimal(0)) + lot.quantity
    accounts = {a.account_id: a for a in book.accounts}
    price = {s.symbol: float(s.price) for s in book.securities}
    before, after = [], []
    for p in proposals:
        moved: dict[str, dict[str, float]] = {}
        for t in p.trades:
            sign = 1.0 if t.side is Side.BUY else -1.0
            pos = moved.setdefault(t.account_id, {})
            pos[t.symbol] = pos.get(t.symbol, 0.0) + sign * float(t.quantity)
        for r in p.accounts:
            model = book.model_of(accounts[r.account_id])
            if not model:
                continue
            weights = book.target_weights(model)
            now = {k: float(v) for k, v in held.get(r.account_id, {}).items()}
            later = dict(now)
            for k, v in moved.get(r.account_id, {}).items():
                later[k] = later.get(k, 0.0) + v
            symbols = sorted((set(weights) - {CASH}) | set(now) | set(later))
            target = np.array([float(weights.get(s, 0)) for s in symbols])
            tcash = float(weights.get(CASH, 0))
            for out, pos, cash in ((before, now, r.cash_before), (after, later, r.cash_after)):
                value = np.array([pos.get(s, 0.0) * price[s] for s in symbols])
                out.append(drift(value, float(cash), target, tcash))
    return float(np.mean(before)), float(np.mean(after))


def run(book: Book, method: str) -> dict[str, float]:
    started = time.perf_counter()
    proposals = rebalance_book(book, method=method)
    f = figures(proposals)
    f["seconds"] = time.perf_counter() - started
    f["washed_usd"] = float(wash_loss_created(book, proposals, book.as_of()))
    f["strict_before"], f["strict_after"] = strict_drift(book, proposals)
    return f


HEADER = (
    f"{'config':<10} {'strict drift':>15} {'drift':>15} {'equiv drift':>15} {'hh drift':>15} "
    f"{'real. ST':>10} {'real. LT':>11} {'est tax':>9} {'washed':>8} {'drag/yr':>15} "
    f"{'traded':>11} {'exc %':>6} {'s':>6}"
)


def line(name: str, f: dict[str, float]) -> str:
    share = 100 * f["accounts_exception"] / max(f["accounts"], 1)
    return (
        f"{name:<10} {f['strict_before']:>6.4f}->{f['strict_after']:.4f} "
        f"{f['mean_drift_before']:>6.4f}->{f['mean_drift_after']:.4f} "
        f"{f['equiv_drift_before']:>6.4f}->{f['equiv_drift_after']:.4f} "
        f"{f['household_drift_before']:>6.4f}->{f['household_drift_after']:.4f} "
        f"{f['realized_st_usd']:>10,.0f} {f['realized_lt_usd']:>11,.0f} "
        f"{f['est_tax_usd']:>9,.0f} {f['washed_usd']:>8,.0f} "
        f"{f['tax_drag_before_usd']:>7,.0f}->{f['tax_drag_after_usd']:<7,.0f} "
        f"{f['bought_usd'] + f['sold_usd']:>11,.0f} {share:>6.1f} {f['seconds']:>6.1f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--households", type=int, default=300)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--book", choices=("sample", "direct", "both"), default="both")
    parser.add_argument("--set", action="append", default=[], dest="overrides")
    args = parser.parse_args()
    kinds = ("sample", "direct") if args.book == "both" else (args.book,)
    for kind in kinds:
        book = generated(args.households, args.seed, kind)
        with_model = sum(1 for h in book.households if h.model_id)
        direct = sum(1 for a in book.accounts if (a.model_id or "").startswith("DI"))
        print(
            f"{kind} book: seed {args.seed}, {len(book.households)} households "
            f"({with_model} with a household model), {len(book.accounts)} accounts "
            f"({direct} direct-indexed)"
        )
        print(HEADER)
        for name, method, extra in CONFIGS:
            settings = with_overrides(book.settings, [*extra, *args.overrides])
            print(line(name, run(dataclasses.replace(book, settings=settings), method)), flush=True)
        print()


if __name__ == "__main__":
    main()
