"""What a medium sample book holds: realistic mixes, consistent prices, lots and trades."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import timedelta
from decimal import Decimal

import pytest

from trimtab.book import Book
from trimtab.generate import DEFAULT_AS_OF, generate_book
from trimtab.names import AccountKind, LotMethod, Side

AS_OF = DEFAULT_AS_OF


@pytest.fixture(scope="module")
def book() -> Book:
    return generate_book(400, seed=7)


@pytest.fixture(scope="module")
def closes(book: Book) -> dict[tuple[str, str], Decimal]:
    ph = book.price_history
    assert ph is not None
    return {
        (str(d), str(s)): Decimal(repr(float(c)))
        for d, s, c in zip(ph.dates.astype(str), ph.symbols, ph.closes, strict=True)
    }


def test_households_have_one_to_five_accounts_of_mixed_kinds(book: Book) -> None:
    sizes = Counter(len(v) for v in book.accounts_by_household.values())
    assert set(sizes) == {1, 2, 3, 4, 5}
    kinds = Counter(a.kind for a in book.accounts)
    assert all(kinds[k] > 0.1 * len(book.accounts) for k in AccountKind)


def test_household_models_and_account_models(book: Book) -> None:
    with_model = [h for h in book.households if h.model_id]
    assert 0.2 < len(with_model) / len(book.households) < 0.45
    for h in with_model:
        assert all(a.model_id is None for a in book.accounts_by_household[h.household_id])
    for a in book.accounts:
        if a.managed:
            assert book.model_of(a) is not None
    away = [a for a in book.accounts if not a.managed]
    assert 0 < len(away) < 0.08 * len(book.accounts)
    direct = [a for a in book.accounts if a.model_id and a.model_id.startswith("DI_")]
    assert direct and all(a.kind is AccountKind.TAXABLE for a in direct)


def test_tax_profiles_and_account_settings_vary(book: Book) -> None:
    assert len({h.st_rate for h in book.households}) >= 4
    assert len({h.filing_status for h in book.households}) >= 3
    assert any(h.gain_budget is not None for h in book.households)
    assert any(h.tax_budget is not None for h in book.households)
    methods = Counter(a.lot_method for a in book.accounts)
    assert methods[LotMethod.FIFO] > 0.6 * len(book.accounts)
    assert methods[LotMethod.HIFO] > 0 and methods[LotMethod.MIN_TAX] > 0
    assert any(a.fractional for a in book.accounts)
    assert all(a.cash >= 0 and a.cash_reserve >= 0 for a in book.accounts)


def test_lots_have_gains_losses_short_and_long_terms(book: Book) -> None:
    price = {s.symbol: s.price for s in book.securities}
    year_ago = AS_OF - timedelta(days=365)
    gains = [lot.quantity * price[lot.symbol] - lot.cost_basis for lot in book.lots]
    assert sum(g > 0 for g in gains) > 0.3 * len(gains)
    assert sum(g < 0 for g in gains) > 0.1 * len(gains)
    short = sum(lot.acquired > year_ago for lot in book.lots)
    assert 0.1 * len(book.lots) < short < 0.5 * len(book.lots)
    assert min(lot.acquired for lot in book.lots) < AS_OF - timedelta(days=5 * 365)
    fractional = {a.account_id for a in book.accounts if a.fractional}
    for lot in book.lots:
        if lot.account_id not in fractional:
            assert lot.quantity == lot.quantity.to_integral_value()


def test_cost_basis_is_quantity_times_that_days_close(
    book: Book, closes: dict[tuple[str, str], Decimal]
) -> None:
    checked = 0
    for lot in book.lots:
        close = closes.get((lot.acquired.isoformat(), lot.symbol))
        if close is not None:
            assert abs(lot.cost_basis - lot.quantity * close) <= Decimal("0.005")
            checked += 1
    assert checked > 100


def test_transactions_are_recent_priced_and_after_the_lots(
    book: Book, closes: dict[tuple[str, str], Decimal]
) -> None:
    ts = book.transactions
    assert ts and {t.side for t in ts} == {Side.BUY, Side.SELL}
    latest_lot = max(lot.acquired for lot in book.lots)
    for t in ts:
        assert AS_OF - timedelta(days=45) <= t.date <= AS_OF
        assert t.date > latest_lot
        assert t.price == closes[(t.date.isoformat(), t.symbol)]
    inside = sum(t.date > AS_OF - timedelta(days=30) for t in ts)
    assert 0 < inside < len(ts)
    sells = [t for t in ts if t.side is Side.SELL]
    assert any(t.lot_id for t in sells) and any(not t.lot_id for t in sells)


def test_sells_never_exceed_holdings(book: Book) -> None:
    held: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    lot_left = {lot.lot_id: lot.quantity for lot in book.lots}
    for lot in book.lots:
        held[lot.account_id, lot.symbol] += lot.quantity
    for t in sorted(book.transactions, key=lambda t: (t.date, t.side is Side.SELL)):
        key = (t.account_id, t.symbol)
        if t.side is Side.BUY:
            held[key] += t.quantity
            lot_left[t.lot_id or ""] = t.quantity
            continue
        assert t.quantity <= held[key]
        held[key] -= t.quantity
        if t.lot_id:
            assert t.quantity <= lot_left[t.lot_id]
            lot_left[t.lot_id] -= t.quantity


def test_restrictions_and_cash_flows(book: Book) -> None:
    rules = Counter((r.rule.value, r.tag is not None) for r in book.restrictions)
    assert rules["exclude", True] > 0
    assert rules["no_sell", False] > 0 and rules["no_buy", False] > 0
    households = {h.household_id for h in book.households}
    assert any(r.scope in households for r in book.restrictions)
    flows = book.cash_flows
    assert any(f.amount > 0 for f in flows) and any(f.amount < 0 for f in flows)
    assert all(abs(f.amount) >= 100 for f in flows)
