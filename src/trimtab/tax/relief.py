"""Lot relief: which open lots a sell takes shares from when it names no lot.

Each method is a small function that orders an account's lots of one symbol; `relieve` then takes
shares from them in that order. A sell that names a lot (specific identification, Treas. Reg.
§1.1012-1(c)) never comes here: the ledger relieves that lot directly. Ties are broken by
`acquired`, then `lot_id`, so the result never depends on the order the lots were listed in.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal

from trimtab.domain import Lot
from trimtab.errors import TaxRuleError
from trimtab.names import LotMethod, Term
from trimtab.tax.holding import term_of

Order = Callable[[Sequence[Lot], Decimal, date, Decimal, Decimal], list[Lot]]
"""(lots, price USD/share, sale date, st_rate, lt_rate) -> the lots in relief order."""


def _fifo(lots: Sequence[Lot], price: Decimal, on: date, st: Decimal, lt: Decimal) -> list[Lot]:
    """First in, first out: the earliest holding-period start first."""
    return sorted(lots, key=lambda lot: (lot.acquired, lot.lot_id))


def _lifo(lots: Sequence[Lot], price: Decimal, on: date, st: Decimal, lt: Decimal) -> list[Lot]:
    """Last in, first out: the latest holding-period start first."""
    by_id = sorted(lots, key=lambda lot: lot.lot_id)
    return sorted(by_id, key=lambda lot: lot.acquired, reverse=True)


def _hifo(lots: Sequence[Lot], price: Decimal, on: date, st: Decimal, lt: Decimal) -> list[Lot]:
    """Highest cost per share first (smallest gain or largest loss on every share sold)."""
    return sorted(lots, key=lambda lot: (-lot.unit_cost, lot.acquired, lot.lot_id))


def _min_tax(lots: Sequence[Lot], price: Decimal, on: date, st: Decimal, lt: Decimal) -> list[Lot]:
    """Losses first (largest tax benefit per share first), then the cheapest gains to realize.

    Tax per share is (price - cost per share) times the household's short- or long-term rate, by
    the term the sale on `on` would have.
    """

    def key(lot: Lot) -> tuple[bool, Decimal, Decimal, date, str]:
        gain = price - lot.unit_cost
        rate = lt if term_of(lot.acquired, on) is Term.LONG else st
        return (gain >= 0, gain * rate, gain, lot.acquired, lot.lot_id)

    return sorted(lots, key=key)


RELIEF: dict[LotMethod, Order] = {
    LotMethod.FIFO: _fifo,
    LotMethod.LIFO: _lifo,
    LotMethod.HIFO: _hifo,
    LotMethod.MIN_TAX: _min_tax,
}
"""The lot relief methods, keyed by the account's `lot_method`."""


def relieve(
    method: LotMethod,
    lots: Sequence[Lot],
    quantity: Decimal,
    *,
    price: Decimal,
    on: date,
    st_rate: Decimal,
    lt_rate: Decimal,
) -> list[tuple[Lot, Decimal]]:
    """The (lot, shares taken) pairs a sell of `quantity` shares at `price` on `on` relieves.

    `lots` are the account's open lots of the symbol sold; the rates (fractions) matter only for
    `min_tax`. Raises TaxRuleError when the lots hold fewer than `quantity` shares.
    """
    held = sum((lot.quantity for lot in lots), Decimal(0))
    if quantity > held:
        raise TaxRuleError(f"cannot sell {quantity} shares: only {held} held")
    out: list[tuple[Lot, Decimal]] = []
    left = quantity
    # a single lot has one order whatever the method (most sells: one lot per position)
    order = lots if len(lots) < 2 else RELIEF[method](lots, price, on, st_rate, lt_rate)
    for lot in order:
        if left <= 0:
            break
        take = min(left, lot.quantity)
        out.append((lot, take))
        left -= take
    return out
