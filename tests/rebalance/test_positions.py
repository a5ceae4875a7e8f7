"""positions.csv and household_positions.csv: holdings before and after against target."""

from __future__ import annotations

import csv
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

from books import small_books
from hypothesis import HealthCheck, given, settings

from trimtab.book import Book
from trimtab.names import CASH, Side
from trimtab.rebalance.outputs import write_outputs
from trimtab.rebalance.run import rebalance_book

SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))


@SETTINGS
@given(small_books())
def test_positions_add_up_to_the_trades_and_weights_to_one(book: Book) -> None:
    (proposal,) = rebalance_book(book, method="baseline")
    traded: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for t in proposal.trades:
        traded[(t.account_id, t.symbol)] += t.value if t.side is Side.BUY else -t.value
    by_account = defaultdict(list)
    for p in proposal.positions:
        by_account[p.account_id].append(p)
        if p.symbol != CASH:
            assert abs(
                p.value_after - p.value_before - traded[(p.account_id, p.symbol)]
            ) <= Decimal("0.02")
    results = {r.account_id: r for r in proposal.accounts}
    for account_id, rows in by_account.items():
        r = results[account_id]
        if r.value > 0:
            assert abs(sum(p.weight_before for p in rows) - 1) < 1e-9
        if sum(p.value_after for p in rows) > 0:  # an emptied account has no weights after
            assert abs(sum(p.weight_after for p in rows) - 1) < 1e-9
        cash = [p for p in rows if p.symbol == CASH]
        if cash:
            assert cash[0].value_before == r.cash_before and cash[0].value_after == r.cash_after
        assert sum(p.target_weight for p in rows) <= 1 + 1e-9
    assert {(t.account_id, t.symbol) for t in proposal.trades} <= {
        (p.account_id, p.symbol) for p in proposal.positions
    }
    household_total = sum(p.value_before for p in proposal.household_positions)
    assert abs(household_total - sum(p.value_before for p in proposal.positions)) < Decimal("0.05")


@settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck))
@given(small_books())
def test_order_and_position_files_follow_the_spec(tmp_path_factory, book: Book) -> None:  # type: ignore[no-untyped-def]
    proposals = rebalance_book(book, method="baseline")
    out = tmp_path_factory.mktemp("out")
    write_outputs(proposals, out)
    positions = _rows(out / "positions.csv")
    assert _header(out / "positions.csv") == [
        "account_id", "household_id", "symbol", "target_weight", "weight_before",
        "weight_after", "value_before", "value_after",
    ]  # fmt: skip
    assert _header(out / "household_positions.csv")[0] == "household_id"
    assert _header(out / "orders.csv")[:4] == ["symbol", "side", "quantity", "price"]
    orders = _rows(out / "orders.csv")
    allocations = _rows(out / "allocations.csv")
    for o in orders:
        mine = [
            a for a in allocations if (a["symbol"], a["side"], a["price"]) ==
            (o["symbol"], o["side"], o["price"])
        ]  # fmt: skip
        assert sum(Decimal(a["quantity"]) for a in mine) == Decimal(o["quantity"])
        assert len(mine) == int(o["accounts"])
        trades = [
            t for t in proposals[0].trades if (t.symbol, t.side.value) == (o["symbol"], o["side"])
        ]
        assert Decimal(o["price"]) == trades[0].price
    for row in positions:
        assert 0 <= float(row["weight_before"]) <= 1 and 0 <= float(row["weight_after"]) <= 1


def _header(path: Path) -> list[str]:
    with path.open(newline="", encoding="utf-8") as f:
        return next(csv.reader(f))


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))
