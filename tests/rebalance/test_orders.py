"""Block orders: one per symbol, side and price, allocated back to accounts exactly."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from trimtab.names import Side
from trimtab.rebalance.orders import Allocation, BlockOrder, block_orders


@dataclass(frozen=True)
class T:
    account_id: str
    symbol: str
    side: Side
    quantity: Decimal
    price: Decimal


def test_lots_of_one_account_become_one_allocation() -> None:
    trades = [
        T("A2", "VOO", Side.SELL, Decimal(5), Decimal("500")),
        T("A1", "VOO", Side.SELL, Decimal(6), Decimal("500")),
        T("A1", "VOO", Side.SELL, Decimal("1.5"), Decimal("500")),
        T("A1", "AGG", Side.BUY, Decimal(97), Decimal("98.1")),
        T("A1", "VOO", Side.BUY, Decimal(2), Decimal("500")),
    ]
    assert block_orders(trades) == [
        BlockOrder("AGG", Side.BUY, Decimal("98.1"), Decimal(97), (Allocation("A1", Decimal(97)),)),
        BlockOrder("VOO", Side.BUY, Decimal(500), Decimal(2), (Allocation("A1", Decimal(2)),)),
        BlockOrder(
            "VOO",
            Side.SELL,
            Decimal(500),
            Decimal("12.5"),
            (Allocation("A1", Decimal("7.5")), Allocation("A2", Decimal(5))),
        ),
    ]
    assert block_orders(trades)[0].value == Decimal("9515.70")
    assert block_orders(trades)[2].accounts == 2


def test_different_prices_stay_separate_orders_and_zero_trades_vanish() -> None:
    trades = [
        T("A1", "VOO", Side.BUY, Decimal(1), Decimal(500)),
        T("A1", "VOO", Side.BUY, Decimal(1), Decimal(501)),
        T("A2", "VOO", Side.BUY, Decimal(0), Decimal(500)),
    ]
    orders = block_orders(trades)
    assert [(o.price, o.quantity, o.accounts) for o in orders] == [
        (Decimal(500), Decimal(1), 1),
        (Decimal(501), Decimal(1), 1),
    ]


trade = st.builds(
    T,
    st.sampled_from(["A1", "A2", "A3"]),
    st.sampled_from(["VOO", "AGG"]),
    st.sampled_from(list(Side)),
    st.decimals(0, 1000, places=4),
    st.sampled_from([Decimal("10.5"), Decimal(98)]),
)


@given(st.lists(trade, max_size=30))
def test_allocations_sum_to_the_order_and_every_share_is_ordered(trades: list[T]) -> None:
    orders = block_orders(trades)
    for o in orders:
        assert sum(a.quantity for a in o.allocations) == o.quantity > 0
        assert [a.account_id for a in o.allocations] == sorted(
            {a.account_id for a in o.allocations}
        )
    assert sum(o.quantity for o in orders) == sum(t.quantity for t in trades)
    keys = [(o.symbol, o.side.value, o.price) for o in orders]
    assert keys == sorted(set(keys))
