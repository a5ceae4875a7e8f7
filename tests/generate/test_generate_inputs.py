"""The sample book's newer inputs: security kinds, approved alternates, gain harvest."""

from __future__ import annotations

from decimal import Decimal

import pytest

from trimtab.book import Book
from trimtab.generate import generate_book
from trimtab.names import SecurityKind


@pytest.fixture(scope="module")
def book() -> Book:
    return generate_book(300, seed=3, history_days=0)


def test_funds_and_stocks_say_what_they_are(book: Book) -> None:
    by_kind: dict[SecurityKind, list[str]] = {}
    for s in book.securities:
        by_kind.setdefault(s.kind, []).append(s.symbol)
    assert set(by_kind) == {SecurityKind.FUND, SecurityKind.STOCK}
    assert len(by_kind[SecurityKind.STOCK]) == 100
    assert {"VOO", "IVV", "AGG", "MUB"} <= set(by_kind[SecurityKind.FUND])


def test_every_model_fund_has_an_approved_alternate_of_its_class(book: Book) -> None:
    secs = book.security_by_symbol
    partners: dict[str, set[str]] = {}
    for alt in book.alternates:
        assert alt.model_id is None and not alt.one_way  # firm-wide, two-way
        assert secs[alt.symbol].asset_class == secs[alt.alternate].asset_class
        assert secs[alt.symbol].kind is secs[alt.alternate].kind is SecurityKind.FUND
        for a, b in alt.pairs():
            partners.setdefault(a, set()).add(b)
    model_funds = {
        sym
        for m in book.models
        for sym in book.target_weights(m.model_id)
        if sym in secs and secs[sym].kind is SecurityKind.FUND
    }
    assert model_funds and model_funds <= set(partners)
    # every model fund has an alternate outside its wash group: one it can harvest a loss into
    for sym in model_funds:
        assert any(secs[p].identity != secs[sym].identity for p in partners[sym]), sym
    ranks = {(a.symbol, a.alternate): a.rank for a in book.alternates}
    assert ranks[("VOO", "IVV")] == 1 and ranks[("VOO", "SCHX")] == 2


def test_some_low_bracket_households_harvest_gains(book: Book) -> None:
    harvesting = [h for h in book.households if h.gain_harvest > 0]
    assert 0 < len(harvesting) < 0.2 * len(book.households)
    assert all(h.lt_rate == Decimal("0.15") for h in harvesting)
    assert all(h.drift_tolerance is None for h in book.households)  # the settings' default
    assert all(a.drift_tolerance is None for a in book.accounts)
