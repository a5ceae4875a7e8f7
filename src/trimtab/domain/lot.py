"""Tax lots and the trades that open and relieve them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from trimtab.names import Side


@dataclass(frozen=True, slots=True)
class Lot:
    """An open tax lot: `quantity` shares (> 0) with total `cost_basis` USD.

    `acquired` is the date its holding period starts from (the trade date, or an earlier date
    tacked on by a wash sale); the holding period itself begins the day after.
    """

    lot_id: str
    account_id: str
    symbol: str
    quantity: Decimal
    cost_basis: Decimal
    acquired: date

    @property
    def unit_cost(self) -> Decimal:
        """USD per share."""
        return self.cost_basis / self.quantity


@dataclass(frozen=True, slots=True)
class Transaction:
    """A trade since the opening lots were taken (`quantity` shares > 0 at `price` USD/share).

    For a buy, `lot_id` is the lot it opens; for a sell, the lot it relieves (specific
    identification), or None to follow the account's lot method. `row` is the line it came from in
    transactions.csv (0 when built in code), kept only to name it in error messages.
    """

    account_id: str
    date: date
    symbol: str
    side: Side
    quantity: Decimal
    price: Decimal
    lot_id: str | None = None
    row: int = 0

    @property
    def value(self) -> Decimal:
        return self.quantity * self.price
