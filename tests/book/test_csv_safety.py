"""No CSV trimtab writes can run as a spreadsheet formula, and the book still round-trips.

Ids that start like a formula are refused at validation (test_bounds); free text (a household's
name) may start with anything and is written with a protective leading quote, removed on reading.
"""

from __future__ import annotations

import csv
import dataclasses
import re
from pathlib import Path

from hostile import copy_small, set_cell
from typer.testing import CliRunner

from trimtab.book import load_book, write_book
from trimtab.cli import app
from trimtab.store import export_book, make_engine, upgrade
from trimtab.store.repository import import_book

NAMES = ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)", "'=already quoted", "O'Neil"]
NUMBER = re.compile(r"[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?")


def formula_cells(folder: Path) -> list[tuple[str, str]]:
    """Every cell of every CSV under `folder` that a spreadsheet would run as a formula."""
    found = []
    for path in sorted(folder.rglob("*.csv")):
        with path.open(newline="", encoding="utf-8") as handle:
            for row in csv.reader(handle):
                for cell in row:
                    if cell[:1] in ("=", "+", "-", "@", "\t", "\r") and not NUMBER.fullmatch(cell):
                        found.append((path.name, cell))
    return found


def _named_book(tmp_path: Path) -> Path:
    folder = copy_small(tmp_path)
    set_cell(folder, "households.csv", 2, "name", NAMES[0])
    set_cell(folder, "households.csv", 3, "name", NAMES[1])
    return folder


def test_formula_like_names_are_quoted_in_the_exported_book_and_read_back_exactly(
    tmp_path: Path,
) -> None:
    small = load_book(copy_small(tmp_path))
    for n, name in enumerate(NAMES):
        first = dataclasses.replace(small.households[0], name=name)
        book = dataclasses.replace(small, households=(first, *small.households[1:]))
        write_book(book, tmp_path / f"out{n}")
        assert formula_cells(tmp_path / f"out{n}") == []
        again = load_book(tmp_path / f"out{n}")
        assert again == book
        assert again.household_by_id["H1"].name == name


def test_a_quoted_cell_in_a_book_means_the_text_after_the_quote(tmp_path: Path) -> None:
    folder = copy_small(tmp_path)
    set_cell(folder, "households.csv", 2, "name", "'=SUM(A1)")
    set_cell(folder, "households.csv", 3, "name", "'tis")
    book = load_book(folder)
    assert book.household_by_id["H1"].name == "=SUM(A1)"
    assert book.household_by_id["H2"].name == "'tis"


def test_the_store_keeps_the_name_and_exports_it_quoted(tmp_path: Path, db_url: str) -> None:
    book = load_book(_named_book(tmp_path))
    engine = make_engine(db_url)
    upgrade(engine)
    import_book(engine, book)
    stored = export_book(engine)
    engine.dispose()
    assert stored.household_by_id["H1"].name == NAMES[0]
    write_book(stored, tmp_path / "exported")
    assert formula_cells(tmp_path / "exported") == []
    assert load_book(tmp_path / "exported") == book


def test_no_output_of_any_command_holds_a_formula(tmp_path: Path) -> None:
    folder = _named_book(tmp_path)
    runner = CliRunner()
    for args in (
        ["rebalance", str(folder), "--out", str(tmp_path / "rebalance")],
        ["tax-report", str(folder), "--out", str(tmp_path / "tax")],
        ["frontier", str(folder), "--account", "A1", "--out", str(tmp_path / "f" / "f.csv")],
    ):
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
    assert formula_cells(tmp_path) == [
        ("households.csv", NAMES[0]),  # the input book itself, as the user wrote it
        ("households.csv", NAMES[1]),
    ]
