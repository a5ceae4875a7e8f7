"""Reads never write: a missing store is reported, not created; an unreachable server is named."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner, Result

from trimtab.cli import app
from trimtab.store import current_revision, head_revision, make_engine, upgrade

SMALL = Path(__file__).resolve().parents[1] / "fixtures" / "small_book"


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(app, [str(a) for a in args])


def tables_of(url: str) -> list[str]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return sorted(sa.inspect(conn).get_table_names())
    finally:
        engine.dispose()


@pytest.mark.parametrize(
    "command",
    [("db", "export", "OUT"), ("rebalance", "--out", "OUT"), ("tax-report", "--out", "OUT")],
)
def test_a_read_of_a_missing_sqlite_store_creates_nothing(
    tmp_path: Path, command: tuple[str, ...]
) -> None:
    store = tmp_path / "none" / "trimtab.sqlite"
    out = tmp_path / "out"
    args = [out if a == "OUT" else a for a in command]
    result = run(*args, "--db", f"sqlite:///{store}")
    assert result.exit_code == 2
    assert f"no store at {store}" in result.stderr
    assert "nothing was created" in result.stderr
    assert not store.exists() and not store.parent.exists()
    assert not out.exists()


def test_an_unreachable_postgresql_is_named_as_unreachable(tmp_path: Path) -> None:
    url = "postgresql+psycopg://postgres@127.0.0.1:1/trimtab"
    for args in (("db", "export", tmp_path / "out"), ("db", "import", SMALL)):
        result = run(*args, "--db", url)
        assert result.exit_code == 2
        assert "cannot reach the database postgresql+psycopg://postgres@127.0.0.1:1/trimtab" in (
            result.stderr
        )
        assert "upgrade" not in result.stderr
    assert not (tmp_path / "out").exists()


def test_a_read_of_an_empty_database_creates_no_table(db_url: str, tmp_path: Path) -> None:
    if db_url.startswith("sqlite"):
        make_engine(db_url).dispose()
        with sa.create_engine(db_url).connect() as conn:  # an existing, empty SQLite file
            conn.exec_driver_sql("CREATE TABLE unrelated (x INTEGER)")
            conn.commit()
    before = tables_of(db_url)
    result = run("db", "export", tmp_path / "out", "--db", db_url)
    assert result.exit_code == 2
    assert "no book is stored" in result.stderr
    assert tables_of(db_url) == before


def test_a_read_never_migrates_and_db_upgrade_does(db_url: str, tmp_path: Path) -> None:
    engine = make_engine(db_url)
    upgrade(engine)
    assert run("db", "import", SMALL, "--db", db_url).exit_code == 0
    with engine.begin() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '0000_older'")
    result = run("db", "export", tmp_path / "out", "--db", db_url)
    assert result.exit_code == 2
    assert "has schema revision 0000_older" in result.stderr
    assert "trimtab db upgrade" in result.stderr
    assert current_revision(engine) == "0000_older"
    with engine.begin() as conn:
        conn.exec_driver_sql(f"UPDATE alembic_version SET version_num = '{head_revision()}'")
    assert run("db", "export", tmp_path / "out", "--db", db_url).exit_code == 0
    engine.dispose()


def test_db_upgrade_creates_the_store(tmp_path: Path) -> None:
    store = tmp_path / "new" / "trimtab.sqlite"
    result = run("db", "upgrade", "--db", f"sqlite:///{store}")
    assert result.exit_code == 0, result.output
    assert current_revision(make_engine(f"sqlite:///{store}")) == head_revision()
