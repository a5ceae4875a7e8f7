"""One bad cell is one problem: what follows from it is counted on it, not listed."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from trimtab.book import read_book
from trimtab.book.folding import closest_column
from trimtab.errors import Problem

SMALL = Path(__file__).parents[1] / "fixtures" / "small_book"


@pytest.fixture
def book(tmp_path: Path) -> Path:
    folder = tmp_path / "book"
    shutil.copytree(SMALL, folder)
    return folder


def _edit(folder: Path, name: str, old: str, new: str) -> None:
    path = folder / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _problems(folder: Path) -> list[Problem]:
    _, problems = read_book(folder)
    return problems


def test_a_price_of_zero_is_one_problem_with_the_rows_it_affects(book: Path) -> None:
    _edit(book, "securities.csv", "VTI,250.00", "VTI,0")
    (p,) = _problems(book)
    assert (p.file, p.row, p.field) == ("securities.csv", 2, "price")
    # L1, L2, L7 in lots.csv; EQ's VTI in models.csv; the buy in transactions.csv
    assert p.message == (
        "must be > 0, got 0 (5 rows of lots.csv, models.csv, transactions.csv refer to 'VTI' "
        "and were not checked)"
    )


def test_a_header_typo_suggests_the_column_and_is_one_problem(book: Path) -> None:
    _edit(book, "lots.csv", "quantity", "quantty")
    (p,) = _problems(book)
    assert (p.file, p.row, p.field) == ("lots.csv", 1, "quantty")
    assert p.message.startswith("unknown column; did you mean `quantity`?")
    assert "lots.csv was not read: 7 rows" in p.message
    # the sell of lot L3 cannot find its lot: counted, not listed
    assert "1 row of transactions.csv refers to the ids of lots.csv" in p.message


def test_a_thousands_separator_is_one_problem_with_a_hint(book: Path) -> None:
    _edit(book, "accounts.csv", "A3,H2,taxable,,20000", 'A3,H2,taxable,,"20,000.50"')
    (p,) = _problems(book)
    assert (p.file, p.row, p.field) == ("accounts.csv", 4, "cash")
    assert p.message == (
        "not a number: '20,000.50' (write 20000.50: no thousands separators) "
        "(1 row of cash_flows.csv refers to 'A3' and was not checked)"
    )


def test_a_bad_weight_does_not_also_report_the_model_sum(book: Path) -> None:
    _edit(book, "models.csv", "EQ,SPY,0.3", "EQ,SPY,thirty")
    (p,) = _problems(book)
    assert (p.file, p.row, p.field) == ("models.csv", 3, "weight")


def test_a_missing_file_is_one_problem(book: Path) -> None:
    (book / "accounts.csv").unlink()
    problems = _problems(book)
    assert [(p.file, p.row) for p in problems] == [("accounts.csv", None)]
    assert "rows of cash_flows.csv, lots.csv, restrictions.csv, transactions.csv" in (
        problems[0].message
    )


def test_problems_of_their_own_are_still_listed(book: Path) -> None:
    _edit(book, "securities.csv", "VTI,250.00", "VTI,0")
    with (book / "lots.csv").open("a", encoding="utf-8") as f:
        f.write("A1,ZZZ,1,1,2020-01-01,L99\nA9,BND,1,1,2020-01-01,L98\n")
    problems = _problems(book)
    assert [(p.file, p.row, p.field) for p in problems] == [
        ("securities.csv", 2, "price"),
        ("lots.csv", 9, "symbol"),
        ("lots.csv", 10, "account_id"),
    ]
    assert problems[1].message == "unknown symbol 'ZZZ'"


def test_closest_column() -> None:
    names = ["account_id", "quantity", "cost_basis", "acquired"]
    assert closest_column("quantty", names) == "quantity"
    assert closest_column("Cost Basis", names) == "cost_basis"
    assert closest_column("colour", names) is None
