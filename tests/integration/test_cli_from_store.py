"""Commands that read the book from the store when no book folder is given (`--db`)."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner, Result

from trimtab.cli import app

SMALL = Path(__file__).parents[1] / "fixtures" / "small_book"


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(app, [str(a) for a in args])


def test_rebalance_from_the_store_matches_the_folder(db_url: str, tmp_path: Path) -> None:
    assert run("db", "import", SMALL, "--db", db_url).exit_code == 0
    stored = run("rebalance", "--out", tmp_path / "stored", "--db", db_url)
    assert stored.exit_code == 0, stored.output
    folder = run("rebalance", SMALL, "--out", tmp_path / "folder")
    assert folder.exit_code == 0, folder.output
    for name in ("trades.csv", "accounts_summary.csv", "households_summary.csv", "orders.csv"):
        assert (tmp_path / "stored" / name).read_text() == (tmp_path / "folder" / name).read_text()
    report = run("tax-report", "--out", tmp_path / "tax", "--db", db_url)
    assert report.exit_code == 0, report.output
    assert (tmp_path / "tax" / "realized.csv").exists()
    frontier = run("frontier", "--account", "A1", "--db", db_url)
    assert frontier.exit_code == 0, frontier.output


def test_an_empty_store_is_a_clear_error(sqlite_url: str, tmp_path: Path) -> None:
    result = run("rebalance", "--out", tmp_path / "out", "--db", sqlite_url)
    assert result.exit_code == 2
    assert "db import" in result.stderr
    assert not (tmp_path / "out").exists()
