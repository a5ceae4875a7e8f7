"""docs/book-format.md's example: its orders and allocations aggregate its trades, as written."""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal
from pathlib import Path

from test_orders import T

from trimtab.book.write import cell
from trimtab.names import Side
from trimtab.rebalance.orders import block_orders

DOC = Path(__file__).parents[2] / "docs" / "book-format.md"


def _example_outputs() -> dict[str, list[dict[str, str]]]:
    text = DOC.read_text(encoding="utf-8")
    section = text[text.index("### The example's outputs") :]
    block = re.search(r"```csv\n(.*?)```", section, re.S)
    assert block is not None
    files: dict[str, list[dict[str, str]]] = {}
    for chunk in block.group(1).split("\n# "):
        name, _, body = chunk.lstrip("# ").partition("\n")
        files[name.strip()] = list(csv.DictReader(io.StringIO(body.strip() + "\n")))
    return files


def test_the_documented_orders_and_allocations_follow_from_the_documented_trades() -> None:
    files = _example_outputs()
    trades = [
        T(
            t["account_id"],
            t["symbol"],
            Side(t["side"]),
            Decimal(t["quantity"]),
            Decimal(t["price"]),
        )
        for t in files["trades.csv"]
    ]
    orders = block_orders(trades)
    assert [
        [
            o.symbol,
            o.side.value,
            cell(o.quantity),
            cell(o.price),
            cell(o.value),
            str(o.accounts),
        ]
        for o in orders
    ] == [list(r.values()) for r in files["orders.csv"]]
    assert [
        [o.symbol, o.side.value, cell(o.price), a.account_id, cell(a.quantity)]
        for o in orders
        for a in o.allocations
    ] == [list(r.values()) for r in files["allocations.csv"]]
