"""A hostile book is refused before the store is touched, the same way on SQLite and PostgreSQL.

Before validation bounded them, SQLite took a NUL byte or a 10,000-character id that PostgreSQL
refused with a bare driver error and no file or row.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from trimtab.book import load_book
from trimtab.cli import app
from trimtab.store import export_book, make_engine

SMALL = Path(__file__).resolve().parents[1] / "fixtures" / "small_book"

HOSTILE = [
    ("securities.csv", "VTI,250.00,", "V\x00TI,250.00,", "securities.csv:2 [symbol]"),
    ("accounts.csv", "A4,H2,", "A4" + "x" * 10_000 + ",H2,", "accounts.csv:5 [account_id]"),
    ("accounts.csv", "M60,1000,", "M60,1e308,", "accounts.csv:2 [cash]"),
    ("lots.csv", "2020-03-15,L1", "2030-03-15,L1", "lots.csv:2 [acquired]"),
    ("households.csv", "H1,Smith", "=H1,Smith", "households.csv:2 [household_id]"),
]


@pytest.mark.parametrize(("file", "old", "new", "where"), HOSTILE)
def test_a_hostile_import_is_refused_by_file_row_field_and_the_store_is_untouched(
    db_url: str, tmp_path: Path, file: str, old: str, new: str, where: str
) -> None:
    runner = CliRunner()
    assert runner.invoke(app, ["db", "import", str(SMALL), "--db", db_url]).exit_code == 0
    folder = tmp_path / "hostile"
    shutil.copytree(SMALL, folder)
    text = (folder / file).read_text(encoding="utf-8")
    assert old in text
    (folder / file).write_text(text.replace(old, new, 1), encoding="utf-8")
    result = runner.invoke(app, ["db", "import", str(folder), "--db", db_url])
    assert result.exit_code == 1
    assert where in result.stderr
    engine = make_engine(db_url)
    assert export_book(engine) == load_book(SMALL)
    engine.dispose()
