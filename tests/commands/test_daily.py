"""The daily commands open the store as docs/guarantees.md says: reads never create or migrate."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from trimtab.cli import app
from trimtab.store import current_revision, head_revision, make_engine

SMALL = Path(__file__).resolve().parents[1] / "fixtures" / "small_book"

READS = [
    ("proposals",),
    ("proposals", "--json"),
    ("audit",),
    ("breaks",),
    ("orders", "--release", "1", "--out", "OUT"),
]
"""Every read-only daily command (`orders --release N` writes files, never the store)."""


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(app, [str(a) for a in args])


def _args(command: tuple[str, ...], out: Path) -> list[str | Path]:
    return [out if a == "OUT" else a for a in command]


@pytest.mark.parametrize("command", READS, ids=" ".join)
def test_a_daily_read_of_a_missing_sqlite_store_creates_nothing(
    tmp_path: Path, command: tuple[str, ...]
) -> None:
    store = tmp_path / "none" / "trimtab.sqlite"
    result = run(*_args(command, tmp_path / "out"), "--db", f"sqlite:///{store}")
    assert result.exit_code == 2, result.output
    assert f"no store at {store}" in result.stderr
    assert "nothing was created" in result.stderr
    assert not store.exists() and not store.parent.exists()
    assert not (tmp_path / "out").exists()


def test_daily_reads_never_migrate_an_older_store(db_url: str, tmp_path: Path) -> None:
    assert run("db", "import", SMALL, "--db", db_url).exit_code == 0
    engine = make_engine(db_url)
    with engine.begin() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '0000_older'")
    for command in READS:
        result = run(*_args(command, tmp_path / "out"), "--db", db_url)
        assert result.exit_code == 2, (command, result.output)
        assert "has schema revision 0000_older" in result.stderr
        assert "trimtab db upgrade" in result.stderr
        assert current_revision(engine) == "0000_older"
    assert not (tmp_path / "out").exists()
    with engine.begin() as conn:
        conn.exec_driver_sql(f"UPDATE alembic_version SET version_num = '{head_revision()}'")
    for command in READS[:4]:
        assert run(*command, "--db", db_url).exit_code == 0, command
    engine.dispose()


def test_a_daily_read_of_an_empty_database_says_no_book_is_stored(pg_url: str) -> None:
    for command in READS[:4]:
        result = run(*command, "--db", pg_url)
        assert result.exit_code == 2
        assert "no book is stored" in result.stderr
    assert current_revision(make_engine(pg_url)) is None


@pytest.mark.parametrize(
    "command", [*READS, ("run",), ("approve", "--clean"), ("orders", "--out", "OUT")], ids=" ".join
)
def test_an_unreachable_server_is_named_by_every_daily_command(
    tmp_path: Path, command: tuple[str, ...]
) -> None:
    url = "postgresql+psycopg://postgres:secret@127.0.0.1:1/trimtab"
    result = run(*_args(command, tmp_path / "out"), "--db", url)
    assert result.exit_code == 2, result.output
    assert "cannot reach the database postgresql+psycopg://postgres:***@127.0.0.1:1/trimtab" in (
        result.stderr
    )
    assert "secret" not in result.stderr
    assert not (tmp_path / "out").exists()


def test_a_daily_write_creates_the_missing_sqlite_store(tmp_path: Path) -> None:
    store = tmp_path / "new" / "trimtab.sqlite"
    result = run("approve", "--clean", "--db", f"sqlite:///{store}", "--actor", "ann")
    assert result.exit_code == 0, result.output
    assert "approved 0 proposal(s)" in result.output
    assert current_revision(make_engine(f"sqlite:///{store}")) == head_revision()


def test_audit_times_are_utc_on_both_engines(db_url: str) -> None:
    assert run("db", "import", SMALL, "--db", db_url).exit_code == 0
    assert run("run", "--db", db_url, "--workers", "1", "--actor", "ann").exit_code == 0
    result = run("audit", "--db", db_url)
    assert result.exit_code == 0, result.output
    events = [json.loads(line) for line in result.stdout.splitlines()]
    assert {"import", "run_start", "propose", "run_finish"} <= {e["action"] for e in events}
    assert all(e["at"].endswith("+00:00") for e in events)
