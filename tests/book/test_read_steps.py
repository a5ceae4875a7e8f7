"""The public steps of book/read.py that the day's feed reuses: parse_rows, build_transactions."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from trimtab.book.folding import Fold
from trimtab.book.read import build_transactions, parse_rows
from trimtab.book.schema import TRANSACTIONS
from trimtab.errors import Problem
from trimtab.names import Side

HEADER = "account_id,date,symbol,side,quantity,price,lot_id\n"


def test_parse_rows_yields_good_rows_with_their_line_and_reports_bad_ones() -> None:
    text = (
        HEADER
        + "A1,2026-01-05,VTI,buy,10,200,\n"
        + "\n"
        + "A1,2026-01-06,VTI,sell,-3,201,L1\n"
        + "A1,2026-01-07,VTI,sell,2,202,L1\n"
    )
    problems: list[Problem] = []
    fold = Fold()
    rows = list(parse_rows(text, TRANSACTIONS, problems, fold))
    assert [line for line, _ in rows] == [2, 5]
    assert rows[0][1]["quantity"] == Decimal(10) and rows[0][1]["side"] is Side.BUY
    assert [(p.file, p.row, p.field) for p in problems] == [("transactions.csv", 4, "quantity")]


def test_parse_rows_reports_a_header_typo_and_yields_nothing() -> None:
    problems: list[Problem] = []
    text = HEADER.replace("symbol", "symbl") + "A1,2026-01-05,VTI,buy,10,200,\n"
    assert list(parse_rows(text, TRANSACTIONS, problems, Fold())) == []
    assert any("did you mean `symbol`" in p.message for p in problems)


def test_build_transactions_names_unnamed_buys_uniquely_and_keeps_lines() -> None:
    problems: list[Problem] = []
    text = HEADER + "A1,2026-01-05,VTI,buy,10,200,\nA1,2026-01-05,VTI,buy,1,200,\n"
    rows = list(parse_rows(text, TRANSACTIONS, problems, Fold()))
    taken = {"A1.VTI.2026-01-05"}
    made = build_transactions(rows, taken)
    assert not problems
    assert [t.lot_id for t in made] == ["A1.VTI.2026-01-05.2", "A1.VTI.2026-01-05.3"]
    assert [t.row for t in made] == [2, 3]
    assert made[0].date == date(2026, 1, 5)
