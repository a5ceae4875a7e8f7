"""Block orders: the trades of many accounts gathered into one order per security, side and price.

A desk sends one order per security and side to the market and then allocates the fill back to the
accounts; `block_orders` is that aggregation as a pure function of the trades, so a rebalance's
outputs and the daily run's order release (`trimtab orders`) build the very same orders.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from trimtab.money import cents
from trimtab.names import Side


class OrderedTrade(Protocol):
    """What aggregation needs of a trade: `quantity` in shares, `price` in USD per share."""

    @property
    def account_id(self) -> str: ...
    @property
    def symbol(self) -> str: ...
    @property
    def side(self) -> Side: ...
    @property
    def quantity(self) -> Decimal: ...
    @property
    def price(self) -> Decimal: ...


@dataclass(frozen=True, slots=True)
class Allocation:
    """One account's share of a block order, in shares (a sell of several lots is one share)."""

    account_id: str
    quantity: Decimal


@dataclass(frozen=True, slots=True)
class BlockOrder:
    """One order to the market: `quantity` shares at the proposal's `price` (USD per share).

    `allocations` (by account id) sum exactly to `quantity`: what the fill is split back into.
    """

    symbol: str
    side: Side
    price: Decimal
    quantity: Decimal
    allocations: tuple[Allocation, ...]

    @property
    def value(self) -> Decimal:
        """USD, to the cent: quantity times price."""
        return cents(self.quantity * self.price)

    @property
    def accounts(self) -> int:
        return len(self.allocations)


def block_orders(trades: Iterable[OrderedTrade]) -> list[BlockOrder]:
    """One order per (symbol, side, price), sorted so; zero-share trades are left out.

    Trades at different prices for one symbol (proposals made on different days) stay separate
    orders: an order carries one price, the one every trade it allocates to was proposed at.
    """
    shares: dict[tuple[str, Side, Decimal], dict[str, Decimal]] = defaultdict(
        lambda: defaultdict(Decimal)
    )
    for t in trades:
        if t.quantity:
            shares[(t.symbol, Side(t.side), t.price)][t.account_id] += t.quantity
    orders = []
    for (symbol, side, price), by_account in sorted(shares.items(), key=_order_key):
        allocations = tuple(Allocation(a, q) for a, q in sorted(by_account.items()))
        total = sum((a.quantity for a in allocations), Decimal(0))
        orders.append(BlockOrder(symbol, side, price, total, allocations))
    return orders


def _order_key(item: tuple[tuple[str, Side, Decimal], object]) -> tuple[str, str, Decimal]:
    symbol, side, price = item[0]
    return symbol, side.value, price
