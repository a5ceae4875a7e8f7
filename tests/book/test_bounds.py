"""Every number, date and id is bounded to what a real book holds; the rest is refused by name."""

from __future__ import annotations

from pathlib import Path

import pytest
from hostile import copy_small, set_cell

from trimtab.book import read_book
from trimtab.errors import Problem

CASES = [
    # file, line, column, value, words of the message
    ("accounts.csv", 2, "cash", "1e308", "between"),
    ("accounts.csv", 2, "cash", "-1e13", "between"),
    ("accounts.csv", 2, "cash", "1e999999", "between"),
    ("accounts.csv", 2, "cash", "nan", "finite"),
    ("accounts.csv", 2, "cash", "inf", "finite"),
    ("accounts.csv", 2, "min_trade", "2e12", "between"),
    ("accounts.csv", 2, "cash_reserve", "1E+400", "between"),
    ("lots.csv", 2, "cost_basis", "1e999999", "between"),
    ("lots.csv", 2, "quantity", "1e-30", "between"),
    ("lots.csv", 2, "quantity", "1e12", "between"),
    ("lots.csv", 2, "acquired", "9999-12-31", "between"),
    ("lots.csv", 2, "acquired", "1066-10-14", "between"),
    ("lots.csv", 2, "acquired", "2026-11-21", "after the as-of date 2026-11-20"),
    ("securities.csv", 2, "price", "1e-30", "between"),
    ("securities.csv", 2, "price", "2e7", "between"),
    ("securities.csv", 2, "price", "0", "must be > 0"),
    ("households.csv", 2, "gain_budget", "-1e300", "between"),
    ("households.csv", 2, "realized_st_ytd", "5e12", "between"),
    ("models.csv", 2, "weight", "1e999999", "fraction"),
    ("cash_flows.csv", 2, "amount", "-1e13", "between"),
    ("cash_flows.csv", 2, "amount", "1e-999999", "decimal places"),
    ("models.csv", 2, "weight", "0." + "0" * 30 + "1", "decimal places"),
    ("accounts.csv", 2, "cash", "1." + "1" * 40, "decimal places"),
    ("accounts.csv", 2, "cash", "1" * 12 + "." + "1" * 23, "significant digits"),
    ("transactions.csv", 2, "price", "1e-9", "between"),
    ("transactions.csv", 2, "date", "2300-01-01", "between"),
    ("securities.csv", 2, "symbol", "=HYPERLINK(1)", "formula"),
    ("accounts.csv", 2, "account_id", "+A1", "formula"),
    ("households.csv", 2, "household_id", "@H1", "formula"),
    ("lots.csv", 2, "lot_id", "-L1", "formula"),
    ("securities.csv", 2, "symbol", "V\x00TI", "control character"),
    ("households.csv", 2, "name", "Smi\x00th", "control character"),
    ("accounts.csv", 2, "account_id", "A" * 65, "longer than 64"),
    ("lots.csv", 2, "lot_id", "L" * 201, "longer than 200"),
    ("households.csv", 2, "name", "n" * 201, "longer than 200"),
    ("securities.csv", 6, "tags", "ok;=bad", "formula"),
    ("restrictions.csv", 2, "target", "tag:=x", "formula"),
]


@pytest.mark.parametrize(("file", "line", "column", "value", "words"), CASES)
def test_an_out_of_bounds_cell_is_refused_with_file_row_and_field(
    tmp_path: Path, file: str, line: int, column: str, value: str, words: str
) -> None:
    folder = copy_small(tmp_path)
    set_cell(folder, file, line, column, value)
    book, problems = read_book(folder)
    assert book is None
    mine = [p for p in problems if (p.file, p.row, p.field) == (file, line, column)]
    assert mine, problems
    assert words in mine[0].message
    assert len(mine[0].message) < 200  # a huge cell is shown cut short


def test_values_at_the_bounds_are_accepted(tmp_path: Path) -> None:
    folder = copy_small(tmp_path)
    set_cell(folder, "securities.csv", 8, "price", "0.000001")  # IVV, held by nobody
    set_cell(folder, "accounts.csv", 4, "cash", "1000000000000")
    set_cell(folder, "households.csv", 2, "name", "=Smith + Jones")  # free text: any start
    set_cell(folder, "lots.csv", 2, "acquired", "2026-11-20")  # on the as-of date itself
    book, problems = read_book(folder)
    assert problems == []
    assert book is not None
    assert book.household_by_id["H1"].name == "=Smith + Jones"


def test_future_lots_are_refused_against_today_without_an_as_of(tmp_path: Path) -> None:
    folder = copy_small(tmp_path)
    (folder / "trimtab.toml").unlink()
    set_cell(folder, "lots.csv", 2, "acquired", "2199-01-01")
    _, problems = read_book(folder)
    assert Problem("lots.csv", 2, "acquired", "") in [
        Problem(p.file, p.row, p.field, "") for p in problems
    ]
