"""A household's allocation by asset class against its target, before and after a proposal.

Fractions of the household's value (cash is its own class, `CASH`). Pure: a book slice and
optionally the trades in, rows out; the page draws them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from trimtab.book.book import Book
from trimtab.names import CASH, Side
from trimtab.tax.ledger import replay


@dataclass(frozen=True, slots=True)
class Slice:
    """One asset class: current, target and (with a proposal) after-trade weights, fractions."""

    label: str
    current: float
    target: float
    after: float | None


def allocation(
    book: Book, household_id: str, trades: Iterable[tuple[str, str, Decimal]] | None = None
) -> list[Slice]:
    """Rows by asset class, largest target first; empty for a household worth nothing.

    `trades` are (symbol, side, value USD) of a proposal: the `after` column applies them.
    """
    price = {s.symbol: s.price for s in book.securities}
    klass = {s.symbol: s.asset_class for s in book.securities}
    accounts = book.accounts_by_household.get(household_id, [])
    ledger = replay(book, [household_id])
    now: dict[str, Decimal] = defaultdict(Decimal)
    value_of: dict[str, Decimal] = defaultdict(Decimal)
    for lot in ledger.open_lots:
        v = lot.quantity * price[lot.symbol]
        now[klass[lot.symbol]] += v
        value_of[lot.account_id] += v
    for a in accounts:
        now[CASH] += a.cash
        value_of[a.account_id] += a.cash
    total = sum(now.values(), Decimal(0))
    if total <= 0:
        return []
    target: dict[str, Decimal] = defaultdict(Decimal)
    for a in accounts:
        model = book.model_of(a)
        weights = book.target_weights(model) if model else {}
        for symbol, w in (weights or {CASH: Decimal(1)}).items():
            target[CASH if symbol == CASH else klass.get(symbol, symbol)] += (
                w * value_of[a.account_id]
            )
    after = None
    if trades is not None:
        after = dict(now)
        for symbol, side, value in trades:
            sign = 1 if side == Side.BUY.value else -1
            k = klass.get(symbol, symbol)
            after[k] = after.get(k, Decimal(0)) + sign * value
            after[CASH] = after.get(CASH, Decimal(0)) - sign * value
    labels = sorted(set(now) | set(target), key=lambda k: (-target.get(k, 0), k))
    return [
        Slice(
            k,
            float(now.get(k, 0) / total),
            float(target.get(k, 0) / total),
            None if after is None else float(after.get(k, 0) / total),
        )
        for k in labels
    ]
