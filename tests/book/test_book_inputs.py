"""The spec's newer inputs: alternates.csv, security kind, gain_harvest and drift tolerances."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from trimtab.book import load_book, read_book, write_book
from trimtab.domain import Alternate
from trimtab.names import SecurityKind

SMALL = Path(__file__).parents[1] / "fixtures" / "small_book"

SECURITIES = """symbol,price,asset_class,tags,wash_group,kind
VTI,250.00,us_equity,,,fund
ITOT,120.00,us_equity,,,FUND
BND,72.50,us_bond,,,bond
AGG,98.10,us_bond,,,fund
XOM,110.00,us_equity,fossil_fuels,,
SPY,500.00,us_large,,sp500,fund
IVV,502.00,us_large,,sp500,fund
"""

ALTERNATES = """symbol,alternate,model_id,rank,one_way
VTI,ITOT,,1,
BND,AGG,M60,,true
SPY,IVV,EQ,2,false
"""


def _with_inputs(folder: Path) -> Path:
    shutil.copytree(SMALL, folder)
    (folder / "securities.csv").write_text(SECURITIES)
    (folder / "alternates.csv").write_text(ALTERNATES)
    hh = (folder / "households.csv").read_text().splitlines()
    hh[0] += ",gain_harvest,drift_tolerance"
    hh[1] += ",12000.50,0.05"
    hh[2] += ",,"
    (folder / "households.csv").write_text("\n".join(hh) + "\n")
    acc = (folder / "accounts.csv").read_text().splitlines()
    acc[0] += ",drift_tolerance"
    acc[1] += ",0.03"
    acc[2:] = [line + "," for line in acc[2:]]
    (folder / "accounts.csv").write_text("\n".join(acc) + "\n")
    return folder


def test_new_inputs_load_with_their_defaults(tmp_path: Path) -> None:
    book = load_book(_with_inputs(tmp_path / "b"))
    kinds = {s.symbol: s.kind for s in book.securities}
    assert kinds["VTI"] is SecurityKind.FUND and kinds["ITOT"] is SecurityKind.FUND
    assert kinds["BND"] is SecurityKind.BOND
    assert kinds["XOM"] is SecurityKind.STOCK  # blank: the default
    assert book.alternates == (
        Alternate("VTI", "ITOT", None, 1, False),
        Alternate("BND", "AGG", "M60", 1, True),
        Alternate("SPY", "IVV", "EQ", 2, False),
    )
    h1, h2 = book.household_by_id["H1"], book.household_by_id["H2"]
    assert (h1.gain_harvest, h1.drift_tolerance) == (Decimal("12000.50"), Decimal("0.05"))
    assert (h2.gain_harvest, h2.drift_tolerance) == (Decimal(0), None)
    assert book.account_by_id["A1"].drift_tolerance == Decimal("0.03")
    assert book.account_by_id["A2"].drift_tolerance is None


def test_a_book_without_the_new_inputs_takes_the_defaults() -> None:
    book = load_book(SMALL)
    assert book.alternates == ()
    assert {s.kind for s in book.securities} == {SecurityKind.STOCK}
    assert all(h.gain_harvest == 0 and h.drift_tolerance is None for h in book.households)
    assert all(a.drift_tolerance is None for a in book.accounts)


def test_alternate_pairs_follow_one_way() -> None:
    assert Alternate("A", "B").pairs() == (("A", "B"), ("B", "A"))
    assert Alternate("A", "B", one_way=True).pairs() == (("A", "B"),)


def test_new_inputs_round_trip_through_files(tmp_path: Path) -> None:
    book = load_book(_with_inputs(tmp_path / "b"))
    write_book(book, tmp_path / "out")
    assert (tmp_path / "out" / "alternates.csv").read_text().splitlines()[0] == (
        "symbol,alternate,model_id,rank,one_way"
    )
    assert load_book(tmp_path / "out") == book


def test_no_alternates_writes_no_file(tmp_path: Path) -> None:
    write_book(load_book(SMALL), tmp_path / "out")
    assert not (tmp_path / "out" / "alternates.csv").exists()


@pytest.mark.parametrize(
    ("row", "field", "message"),
    [
        ("VTI,NOPE,,1,", "alternate", "unknown symbol 'NOPE'"),
        ("NOPE,VTI,,1,", "symbol", "unknown symbol 'NOPE'"),
        ("VTI,AGG,M99,1,", "model_id", "unknown model 'M99'"),
        ("VTI,VTI,,1,", "alternate", "'VTI' cannot be its own alternate"),
        ("VTI,ITOT,,3,", "alternate", "already declared on line 2"),
        ("ITOT,VTI,,1,", "alternate", "already declared on line 2"),  # two-way covers reverse
        ("VTI,AGG,,0,", "rank", "must be 1 or more"),
        ("VTI,AGG,,x,", "rank", "not a whole number"),
        ("VTI,AGG,,1,maybe", "one_way", "expected true or false"),
    ],
)
def test_bad_alternates_are_named(tmp_path: Path, row: str, field: str, message: str) -> None:
    folder = _with_inputs(tmp_path / "b")
    with (folder / "alternates.csv").open("a") as handle:
        handle.write(row + "\n")
    book, problems = read_book(folder)
    assert book is None
    found = [(p.file, p.row, p.field) for p in problems]
    assert found == [("alternates.csv", 5, field)]
    assert message in problems[0].message


def test_reverse_of_a_one_way_alternate_may_be_declared(tmp_path: Path) -> None:
    folder = _with_inputs(tmp_path / "b")
    with (folder / "alternates.csv").open("a") as handle:
        handle.write("AGG,BND,M60,1,true\n")
    assert read_book(folder)[1] == []


@pytest.mark.parametrize(
    ("file", "column", "value", "message"),
    [
        ("securities.csv", "kind", "etf", "expected one of fund, stock, bond, other"),
        ("households.csv", "gain_harvest", "-5", "must be >= 0"),
        ("households.csv", "drift_tolerance", "1.5", "fraction between 0 and 1"),
        ("accounts.csv", "drift_tolerance", "-0.1", "fraction between 0 and 1"),
    ],
)
def test_bad_new_columns_are_named(
    tmp_path: Path, file: str, column: str, value: str, message: str
) -> None:
    folder = _with_inputs(tmp_path / "b")
    lines = (folder / file).read_text().splitlines()
    header = lines[0].split(",")
    cells = lines[1].split(",")
    cells[header.index(column)] = value
    lines[1] = ",".join(cells)
    (folder / file).write_text("\n".join(lines) + "\n")
    _, problems = read_book(folder)
    mine = [p for p in problems if p.file == file]  # a dropped row may orphan others' references
    assert [(p.file, p.row, p.field) for p in mine] == [(file, 2, column)]
    assert message in mine[0].message
