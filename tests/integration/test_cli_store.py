"""`trimtab db import` / `db export` end to end, on SQLite and PostgreSQL (the `db_url` fixture)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from trimtab.book import load_book
from trimtab.cli import app
from trimtab.store import has_book, make_engine

SMALL = Path(__file__).parents[1] / "fixtures" / "small_book"


def run(*args: str | Path, env: dict[str, str | None] | None = None) -> Result:
    return CliRunner(env=env).invoke(app, [str(a) for a in args])


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def stored(url: str) -> bool:
    engine = make_engine(url)
    try:
        return has_book(engine)
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated 6-household book: history, restrictions and price history included."""
    folder = tmp_path_factory.mktemp("store_gen") / "book"
    result = run("generate", folder, "--households", 6, "--seed", 5)
    assert result.exit_code == 0, result.output
    return folder


def oversold(tmp_path: Path) -> Path:
    """The small book plus a sale of 50 XOM from A1, which holds 30 (a tax-replay problem)."""
    folder = tmp_path / "oversold"
    shutil.copytree(SMALL, folder)
    with (folder / "transactions.csv").open("a") as handle:
        handle.write("A1,2026-11-10,XOM,sell,50,100.00,\n")
    return folder


def bare(tmp_path: Path) -> Path:
    """The small book without any optional file (no restrictions, history, flows or settings)."""
    folder = tmp_path / "bare"
    folder.mkdir()
    for name in ("securities.csv", "households.csv", "accounts.csv", "lots.csv", "models.csv"):
        shutil.copy(SMALL / name, folder / name)
    return folder


@pytest.mark.parametrize("which", ["small", "generated"])
def test_import_then_export_round_trips(
    tmp_path: Path, db_url: str, generated: Path, which: str
) -> None:
    book = SMALL if which == "small" else generated
    imported = run("db", "import", book, "--db", db_url)
    assert imported.exit_code == 0, imported.output
    assert "imported into" in imported.stdout
    assert "lots:" in imported.stdout
    out = tmp_path / "exported"
    exported = run("db", "export", out, "--db", db_url)
    assert exported.exit_code == 0, exported.output
    assert load_book(out) == load_book(book)


def test_import_replaces_the_stored_book(tmp_path: Path, db_url: str, generated: Path) -> None:
    assert run("db", "import", generated, "--db", db_url).exit_code == 0
    assert run("db", "import", SMALL, "--db", db_url).exit_code == 0
    assert run("db", "export", tmp_path / "out", "--db", db_url).exit_code == 0
    assert load_book(tmp_path / "out") == load_book(SMALL)


def test_broken_import_leaves_the_database_as_it_was(tmp_path: Path, db_url: str) -> None:
    assert run("db", "import", SMALL, "--db", db_url).exit_code == 0
    assert run("db", "export", tmp_path / "before", "--db", db_url).exit_code == 0
    result = run("db", "import", oversold(tmp_path), "--db", db_url)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "transactions.csv:4" in result.stderr
    assert run("db", "export", tmp_path / "after", "--db", db_url).exit_code == 0
    assert files_of(tmp_path / "after") == files_of(tmp_path / "before")


def test_broken_first_import_stores_no_book(tmp_path: Path, db_url: str) -> None:
    result = run("db", "import", oversold(tmp_path), "--db", db_url)
    assert result.exit_code == 1
    assert "problem(s)" in result.stderr
    assert not stored(db_url)
    out = tmp_path / "out"
    exported = run("db", "export", out, "--db", db_url)
    assert exported.exit_code == 2
    assert "no book is stored" in exported.stderr
    assert not out.exists()


def test_database_url_from_the_environment(tmp_path: Path, db_url: str) -> None:
    env: dict[str, str | None] = {"TRIMTAB_DATABASE_URL": db_url}
    result = run("db", "import", SMALL, env=env)
    assert result.exit_code == 0, result.output
    assert stored(db_url)
    assert run("db", "export", tmp_path / "via_option", "--db", db_url).exit_code == 0
    assert run("db", "export", tmp_path / "via_env", env=env).exit_code == 0
    assert files_of(tmp_path / "via_env") == files_of(tmp_path / "via_option")
    assert load_book(tmp_path / "via_env") == load_book(SMALL)


def test_db_option_wins_over_the_environment(tmp_path: Path, sqlite_url: str) -> None:
    elsewhere = f"sqlite:///{tmp_path / 'elsewhere.sqlite'}"
    env: dict[str, str | None] = {"TRIMTAB_DATABASE_URL": elsewhere}
    assert run("db", "import", SMALL, "--db", sqlite_url, env=env).exit_code == 0
    assert stored(sqlite_url)
    assert not stored(elsewhere)


def test_export_into_a_used_folder_is_exactly_the_stored_book(tmp_path: Path, db_url: str) -> None:
    """A book folder is a whole: re-exporting must not leave the previous book's optional files
    (restrictions.csv, transactions.csv, cash_flows.csv, trimtab.toml) beside the new one."""
    out = tmp_path / "out"
    assert run("db", "import", SMALL, "--db", db_url).exit_code == 0
    assert run("db", "export", out, "--db", db_url).exit_code == 0
    book = bare(tmp_path)
    assert run("db", "import", book, "--db", db_url).exit_code == 0
    assert run("db", "export", out, "--db", db_url).exit_code == 0
    back = load_book(out)
    assert (back.transactions, back.restrictions) == ((), ()), "the first book's files survived"
    assert back == load_book(book)
    assert sorted(files_of(out)) == sorted(files_of(book))


def test_unusable_database_url_is_an_error(tmp_path: Path) -> None:
    result = run("db", "import", SMALL, "--db", "not-a-url")
    assert result.exit_code == 2
    assert "cannot use database URL" in result.stderr
    result = run("db", "export", tmp_path / "out", "--db", "not-a-url")
    assert result.exit_code == 2
    assert not (tmp_path / "out").exists()
