"""Substitutes are declared (wash group, alternates.csv) or measured (price history), only."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import numpy as np

from trimtab.book import Book, PriceHistory
from trimtab.config import Settings
from trimtab.domain import Account, Alternate, Household, Lot, Model, ModelComponent, Security
from trimtab.measures.substitutes import buy_list, one_per_identity
from trimtab.names import AccountKind, SecurityKind
from trimtab.snapshot import Snapshot, build_snapshots
from trimtab.tax.ledger import replay

AS_OF = date(2026, 6, 15)
FUND = SecurityKind.FUND
SECURITIES = (
    Security("VTI", Decimal(100), "us_large", kind=FUND),
    Security("ITOT", Decimal(100), "us_large", kind=FUND),  # tracks VTI in the history
    Security("QQQ", Decimal(100), "us_large", kind=FUND),  # its own path in the history
    Security("VOO", Decimal(100), "us_large", wash_group="sp500", kind=FUND),
    Security("IVV", Decimal(100), "us_large", wash_group="sp500", kind=FUND),
    Security("AAA", Decimal(100), "us_large"),
    Security("BBB", Decimal(100), "us_large"),
    Security("BND", Decimal(100), "us_aggregate", kind=FUND),
)


def _history(days: int = 300) -> PriceHistory:
    rng = np.random.default_rng(42)
    market = rng.normal(0, 0.01, days)
    paths = {
        "VTI": market + rng.normal(0, 0.0005, days),
        "ITOT": market + rng.normal(0, 0.0005, days),
        "QQQ": rng.normal(0, 0.01, days),
        "BND": rng.normal(0, 0.003, days),
    }
    start = AS_OF - timedelta(days=days)
    dates, symbols, closes = [], [], []
    for sym, rets in paths.items():
        for i, price in enumerate(100 * np.exp(np.cumsum(rets))):
            dates.append(start + timedelta(days=i))
            symbols.append(sym)
            closes.append(float(price))
    return PriceHistory(
        np.array(dates, dtype="datetime64[D]"), np.array(symbols, dtype=object), np.array(closes)
    )


def _snap(book: Book) -> Snapshot:
    (snap,) = build_snapshots(book, replay(book), AS_OF)
    return snap


def _book(**changes: object) -> Book:
    model = Model(
        "M", (ModelComponent("VTI", Decimal("0.5")), ModelComponent("VOO", Decimal("0.5")))
    )
    lots = (Lot("L1", "A", "AAA", Decimal(10), Decimal(1000), date(2020, 1, 1)),)
    book = Book(
        SECURITIES,
        (Household("H"),),
        (Account("A", "H", AccountKind.TAXABLE, "M", Decimal(1000)),),
        lots,
        (model,),
        settings=Settings(as_of=AS_OF),
    )
    return replace(book, **changes)


def _buyable(snap: Snapshot) -> set[str]:
    allowed = buy_list(snap, 0, 0.9)
    return {s for s, ok in zip(snap.symbols, allowed, strict=True) if ok}


def test_without_history_only_declared_stand_ins_are_substitutes() -> None:
    snap = _snap(_book())
    assert "ITOT" not in snap.symbols and "QQQ" not in snap.symbols  # same class, undeclared
    assert _buyable(snap) == {"VTI", "VOO"}  # IVV is VOO's wash group: one fund per group
    assert "AAA" not in _buyable(snap)  # a stock held is no substitute for anything


def test_measured_substitutes_come_from_the_price_history() -> None:
    snap = _snap(_book(price_history=_history()))
    assert snap.measured[snap.symbols.index("ITOT")]
    assert "ITOT" in _buyable(snap)  # measured: correlation with VTI near 1
    assert "QQQ" not in snap.symbols  # measured, but not close
    itot = snap.symbols.index("ITOT")
    assert snap.stand_in[0, itot] == itot  # measured is not declared: drift_* counts it off model


def test_declared_alternates_are_substitutes_and_stand_ins() -> None:
    snap = _snap(_book(alternates=(Alternate("VTI", "QQQ", rank=2),)))
    assert "QQQ" in _buyable(snap)
    qqq, vti = snap.symbols.index("QQQ"), snap.symbols.index("VTI")
    assert snap.stand_in[0, qqq] == vti and snap.alt_rank[0, qqq] == 2


def test_one_fund_per_wash_group_prefers_the_model_then_holdings() -> None:
    snap = _snap(_book())
    voo, ivv = snap.symbols.index("VOO"), snap.symbols.index("IVV")
    allowed = np.zeros(len(snap.symbols), dtype=bool)
    allowed[[voo, ivv]] = True
    assert one_per_identity(snap, 0, allowed).tolist() == (np.arange(len(allowed)) == voo).tolist()
    # outside the model, the member held most is the one that may be bought
    book = _book(
        models=(Model("M", (ModelComponent("VTI", Decimal(1)),)),),
        lots=(
            Lot("L1", "A", "IVV", Decimal(20), Decimal(1000), date(2020, 1, 1)),
            Lot("L2", "A", "VOO", Decimal(10), Decimal(1000), date(2020, 1, 1)),
        ),
    )
    snap = _snap(book)
    voo, ivv = snap.symbols.index("VOO"), snap.symbols.index("IVV")
    allowed = np.zeros(len(snap.symbols), dtype=bool)
    allowed[[voo, ivv]] = True
    assert one_per_identity(snap, 0, allowed)[ivv] and not one_per_identity(snap, 0, allowed)[voo]
