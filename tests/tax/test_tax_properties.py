"""Invariants of the ledger on random household histories (hypothesis)."""

from __future__ import annotations

import dataclasses
import random
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st
from tax_books import household_book

from trimtab.book import Book
from trimtab.domain import Lot, Transaction
from trimtab.money import cents
from trimtab.names import Side
from trimtab.tax.ledger import Ledger, replay

START = date(2025, 1, 1)
ACCOUNTS = ("T1", "T2", "IRA")
SYMBOLS = ("XYZ", "SPY", "IVV")

step = st.tuples(
    st.integers(0, 45),  # day
    st.sampled_from(ACCOUNTS),
    st.sampled_from(SYMBOLS),
    st.booleans(),  # buy?
    st.integers(1, 40),  # shares (halved when odd below)
    st.integers(100, 3000),  # price in cents
)
opening = st.tuples(
    st.sampled_from(ACCOUNTS), st.sampled_from(SYMBOLS), st.integers(1, 60),
    st.integers(0, 200_000), st.integers(-400, -1),
)  # fmt: skip


@st.composite
def histories(draw: st.DrawFn) -> tuple[Book, bool]:
    ira_buys = draw(st.booleans())
    lots = []
    for i, (acct, sym, qty, basis, age) in enumerate(draw(st.lists(opening, max_size=5))):
        age = min(age, -60) if acct == "IRA" else age
        lots.append(Lot(f"O{i}", acct, sym, Decimal(qty), Decimal(basis) / 100,
                        START + timedelta(days=age)))  # fmt: skip
    held: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for x in lots:
        held[(x.account_id, x.symbol)] += x.quantity
    txns: list[Transaction] = []
    steps = sorted(draw(st.lists(step, max_size=14)), key=lambda s: (s[0], not s[3]))
    for day, acct, sym, buy, qty, price in steps:
        shares = Decimal(qty) / 2 if qty % 7 == 0 else Decimal(qty)
        if buy and acct == "IRA" and not ira_buys:
            continue
        if not buy:
            shares = min(shares, held[(acct, sym)])
            if shares <= 0:
                continue
        held[(acct, sym)] += shares if buy else -shares
        txns.append(Transaction(acct, START + timedelta(days=day), sym,
                                Side.BUY if buy else Side.SELL, shares,
                                Decimal(price) / 100, f"B{len(txns)}" if buy else None,
                                len(txns) + 2))  # fmt: skip
    return household_book(lots, txns), ira_buys


def _sums(ledger: Ledger, book: Book) -> tuple[Decimal, Decimal, Decimal]:
    opening = sum((x.cost_basis for x in book.lots), Decimal(0))
    bought = sum((cents(t.quantity * t.price) for t in book.transactions if t.side is Side.BUY),
                 Decimal(0))  # fmt: skip
    after = sum((x.cost_basis for x in ledger.open_lots), Decimal(0))
    after += sum((d.cost_basis for d in ledger.dispositions), Decimal(0))
    return opening + bought, after, sum((d.wash_sale_disallowed for d in ledger.dispositions),
                                        Decimal(0))  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(histories())
def test_disallowed_never_exceeds_the_loss(case: tuple[Book, bool]) -> None:
    book, _ = case
    for d in replay(book).dispositions:
        assert d.gain == d.proceeds - d.cost_basis + d.wash_sale_disallowed
        assert d.wash_sale_disallowed >= 0
        if d.wash_sale_disallowed > 0:
            assert d.taxable and d.washed
            assert d.wash_sale_disallowed <= d.cost_basis - d.proceeds


@settings(max_examples=60, deadline=None)
@given(histories())
def test_shares_are_conserved(case: tuple[Book, bool]) -> None:
    book, _ = case
    ledger = replay(book)
    flow: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for x in book.lots:
        flow[(x.account_id, x.symbol)] += x.quantity
    for t in book.transactions:
        flow[(t.account_id, t.symbol)] += t.quantity if t.side is Side.BUY else -t.quantity
    held: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for x in ledger.open_lots:
        assert x.quantity > 0
        held[(x.account_id, x.symbol)] += x.quantity
    assert {k: v for k, v in flow.items() if v} == dict(held)
    sold = sum((d.quantity for d in ledger.dispositions), Decimal(0))
    assert sold == sum((t.quantity for t in book.transactions if t.side is Side.SELL), Decimal(0))


@settings(max_examples=60, deadline=None)
@given(histories())
def test_basis_is_conserved(case: tuple[Book, bool]) -> None:
    book, ira_buys = case
    before, after, disallowed = _sums(replay(book), book)
    added = after - before  # the disallowed losses added to replacement lots
    assert 0 <= added <= disallowed
    if not ira_buys:
        assert added == disallowed


@settings(max_examples=40, deadline=None)
@given(histories(), st.integers(0, 2**32 - 1))
def test_row_order_changes_nothing(case: tuple[Book, bool], seed: int) -> None:
    book, _ = case
    rng = random.Random(seed)
    lots, txns = list(book.lots), list(book.transactions)
    rng.shuffle(lots)
    rng.shuffle(txns)
    shuffled = dataclasses.replace(book, lots=tuple(lots), transactions=tuple(txns))
    assert replay(shuffled) == replay(book)
