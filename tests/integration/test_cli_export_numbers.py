"""`db export` writes numbers canonically, as docs/book-format.md says, so round trips are exact."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

from typer.testing import CliRunner, Result

from trimtab.book import load_book
from trimtab.cli import app

SMALL = Path(__file__).parents[1] / "fixtures" / "small_book"
DOC = Path(__file__).parents[2] / "docs" / "book-format.md"


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(app, [str(a) for a in args])


def _cells(path: Path, column: str) -> list[str]:
    with path.open(newline="", encoding="utf-8") as f:
        return [row[column] for row in csv.DictReader(f)]


def _awkward(tmp_path: Path) -> Path:
    """The small book with 0.20-style rates, 14000.00-style money, 0.450000-style weights, and
    price history closes written 173.0, 173 and 94.50."""
    book = tmp_path / "book"
    shutil.copytree(SMALL, book)
    (book / "price_history.csv").write_text(
        "date,symbol,close\n2026-11-18,VTI,173.0\n2026-11-19,VTI,173\n2026-11-20,VTI,94.50\n",
        encoding="utf-8",
    )
    models = (
        (book / "models.csv").read_text(encoding="utf-8").replace("EQ,VTI,0.7", "EQ,VTI,0.700000")
    )
    (book / "models.csv").write_text(models, encoding="utf-8")
    return book


def test_export_writes_canonical_numbers_and_round_trips_exactly(
    tmp_path: Path, db_url: str
) -> None:
    book = _awkward(tmp_path)
    assert run("db", "import", book, "--db", db_url).exit_code == 0
    first = tmp_path / "first"
    assert run("db", "export", first, "--db", db_url).exit_code == 0
    assert _cells(first / "households.csv", "lt_rate") == ["0.2", "0.15"]
    assert _cells(first / "lots.csv", "cost_basis")[0] == "20000"
    assert _cells(first / "models.csv", "weight")[0] == "0.7"
    assert _cells(first / "price_history.csv", "close") == ["173", "173", "94.5"]
    assert load_book(first) == load_book(book)  # the same values
    # and again: export -> import -> export is byte for byte the same book
    assert run("db", "import", first, "--db", db_url).exit_code == 0
    second = tmp_path / "second"
    assert run("db", "export", second, "--db", db_url).exit_code == 0
    files = sorted(p.name for p in first.iterdir())
    assert files == sorted(p.name for p in second.iterdir())
    for name in files:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_the_docs_state_the_canonical_form() -> None:
    text = " ".join(DOC.read_text(encoding="utf-8").split())
    assert "`0.20` becomes `0.2`" in text and "`173.0` becomes `173`" in text
