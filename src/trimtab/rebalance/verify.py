"""Check proposals with the tax engine: replay the book as if the trades were done on the day.

Used by the tests' invariants and the benchmarks: a proposal must never create a disallowed
loss, and its realized gains must be what the tax engine would report.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from trimtab.book import Book
from trimtab.domain import Transaction
from trimtab.names import Side
from trimtab.rebalance.proposal import Proposal
from trimtab.tax.ledger import replay


def as_transactions(
    proposals: Sequence[Proposal], on: date, roots: dict[str, str] | None = None
) -> list[Transaction]:
    """The proposed trades as book transactions on `on` (sells name their lots).

    `roots` maps the id of a wash-sale part (`ID.w1`) to the lot it was split from: a split made
    by a loss sale on `on` itself happens at the end of that day in the replay, so the sell names
    the original lot, which the replay relieves first.
    """
    roots = roots or {}
    out = []
    for p in proposals:
        for n, t in enumerate(p.trades):
            if t.side is Side.SELL:
                lot_id = roots.get(t.lot_id or "", t.lot_id)
            else:
                lot_id = f"proposed.{p.household_id}.{n}"
            out.append(Transaction(t.account_id, on, t.symbol, t.side, t.quantity, t.price, lot_id))
    return out


def apply_proposals(book: Book, proposals: Sequence[Proposal], on: date) -> Book:
    """The book with the proposals' trades appended to its history."""
    households = [p.household_id for p in proposals]
    ledger = replay(book, households)
    earlier = dataclasses.replace(
        book, transactions=tuple(t for t in book.transactions if t.date < on)
    )
    existing = {lot.lot_id for lot in replay(earlier, households).open_lots}
    roots = {
        lot.lot_id: ledger.origin(lot).root
        for lot in ledger.open_lots
        if lot.lot_id not in existing and ledger.origin(lot).root != lot.lot_id
    }
    extra = tuple(as_transactions(proposals, on, roots))
    return dataclasses.replace(book, transactions=book.transactions + extra)


def disallowed_losses(book: Book, households: Sequence[str] | None = None) -> Decimal:
    """Total wash-sale-disallowed loss (USD) in the book's replayed history."""
    ledger = replay(book, households)
    return sum((d.wash_sale_disallowed for d in ledger.dispositions), Decimal(0))


def wash_loss_created(book: Book, proposals: Sequence[Proposal], on: date) -> Decimal:
    """USD of losses the proposals would disallow (0 for a wash-safe proposal)."""
    households = [p.household_id for p in proposals]
    after = apply_proposals(book, proposals, on)
    return disallowed_losses(after, households) - disallowed_losses(book, households)
