"""Reconciliation: the custodian's positions against the holdings the store derives.

A difference is a *break*: stored with the feed, listed by size (USD), and turned into a
`reconciliation` exception on the household's proposal. Nothing is ever "fixed" here: the lots
stay as the book's history makes them until a feed brings the missing transactions.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from trimtab.book import Book
from trimtab.money import cents
from trimtab.tax.ledger import replay


@dataclass(frozen=True, slots=True)
class PositionBreak:
    """Shares the store derives vs shares the custodian reports; `value` USD of the gap."""

    account_id: str
    household_id: str
    symbol: str
    store_quantity: Decimal
    custodian_quantity: Decimal
    value: Decimal


def reconcile(book: Book, positions: list[tuple[int, dict[str, Any]]]) -> list[PositionBreak]:
    """Breaks for every account the custodian lists (a symbol it omits counts as 0 shares),
    largest first. Accounts it does not list are not reconciled."""
    listed = {v["account_id"] for _, v in positions}
    if not listed:
        return []
    households = {book.account_by_id[a].household_id for a in listed}
    ledger = replay(book, households)
    held: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for lot in ledger.open_lots:
        if lot.account_id in listed:
            held[(lot.account_id, lot.symbol)] += lot.quantity
    custodian: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for _, v in positions:
        custodian[(v["account_id"], v["symbol"])] += v["quantity"]
    prices = {s.symbol: s.price for s in book.securities}
    out = []
    for key in sorted(set(held) | set(custodian)):
        ours, theirs = held.get(key, Decimal(0)), custodian.get(key, Decimal(0))
        if ours != theirs:
            account, symbol = key
            value = cents(abs(ours - theirs) * prices[symbol])
            hid = book.account_by_id[account].household_id
            out.append(PositionBreak(account, hid, symbol, ours, theirs, value))
    return sorted(out, key=lambda b: (-b.value, b.account_id, b.symbol))
