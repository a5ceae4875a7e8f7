"""Impossible inputs are refused with a clear error, and nothing is written."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from trimtab.book import read_book
from trimtab.cli import app

SMALL = Path(__file__).parent / "fixtures" / "small_book"


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(app, [str(a) for a in args])


@pytest.fixture
def book(tmp_path: Path) -> Path:
    folder = tmp_path / "book"
    shutil.copytree(SMALL, folder)
    return folder


@pytest.mark.parametrize("year", ["3000", "2027", "2017", "1"])
def test_a_tax_year_outside_the_history_is_refused(tmp_path: Path, year: str) -> None:
    out = tmp_path / "tax"
    result = run("tax-report", SMALL, "--out", out, "--year", year)
    assert result.exit_code == 2
    assert f"tax year {int(year)} is outside the book's history: 2018" in result.stderr
    assert "to 2026 (its as-of date 2026-11-20)" in result.stderr
    assert not out.exists()


@pytest.mark.parametrize("year", ["2018", "2026"])
def test_the_ends_of_the_history_are_years_of_the_book(tmp_path: Path, year: str) -> None:
    result = run("tax-report", SMALL, "--out", tmp_path / "tax", "--year", year)
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("where", [".", "sub", "sub/deeper"])
@pytest.mark.parametrize("command", ["rebalance", "tax-report"])
def test_outputs_inside_the_book_are_refused(book: Path, where: str, command: str) -> None:
    before = sorted(p.name for p in book.rglob("*"))
    result = run(command, book, "--out", book / where)
    assert result.exit_code == 2
    assert "is inside the book folder" in result.stderr
    assert sorted(p.name for p in book.rglob("*")) == before
    assert read_book(book)[1] == []


def test_a_frontier_file_inside_the_book_is_refused(book: Path) -> None:
    result = run("frontier", book, "--account", "A1", "--out", book / "frontier.csv")
    assert result.exit_code == 2
    assert "is inside the book folder" in result.stderr
    assert not (book / "frontier.csv").exists()


def test_outputs_beside_the_book_are_fine(book: Path) -> None:
    result = run("rebalance", book, "--out", book.parent / "proposal")
    assert result.exit_code == 0, result.output
