"""Two writers at once, as two real processes: they run one after the other, never interleaved.

Process A imports a book and stays inside its transaction (after its first table) until the test
releases it; process B, the real `trimtab db import`, starts meanwhile. B must wait for A, then
replace the whole book: the store ends holding B's book exactly, never a mix of the two.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

import trimtab
from trimtab.book import load_book
from trimtab.store import export_book, make_engine, upgrade
from trimtab.store.engine import DEFAULT_LOCK_WAIT_S, lock_wait_s

SRC = str(Path(trimtab.__file__).resolve().parents[1])
SMALL = Path(__file__).resolve().parents[1] / "fixtures" / "small_book"

SLOW_IMPORT = """
import sys, time
from pathlib import Path
from trimtab.book import load_book
from trimtab.store import import_book, make_engine
import trimtab.store.repository as repo

url, book, ready, release = sys.argv[1:5]
inner = repo._insert

def slow(conn, table, rows):
    count = inner(conn, table, rows)
    if table.name == "securities":
        Path(ready).write_text("inside")
        deadline = time.monotonic() + 120
        while not Path(release).exists() and time.monotonic() < deadline:
            time.sleep(0.05)
    return count

repo._insert = slow
import_book(make_engine(url), load_book(book))
"""


def _env(**extra: str) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": SRC, **extra}


def _start_slow_import(url: str, book: Path, tmp_path: Path) -> subprocess.Popen:
    """A process importing `book` that stays inside its transaction until `tmp_path/release`."""
    ready = tmp_path / "ready"
    child = subprocess.Popen(
        [sys.executable, "-c", SLOW_IMPORT, url, str(book), str(ready), str(tmp_path / "release")],
        env=_env(),
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while not ready.exists():
        assert child.poll() is None, child.stderr.read() if child.stderr else ""
        assert time.monotonic() < deadline, "the slow import never started"
        time.sleep(0.05)
    return child


def _cli(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    code = "from trimtab.cli import main; main()"
    return subprocess.run(
        [sys.executable, "-c", code, *args], env=_env(**env), capture_output=True, text=True
    )


@pytest.fixture(scope="module")
def other_book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated book sharing no account or household id with the small book (no price
    history, so the second process reaches the store quickly)."""
    folder = tmp_path_factory.mktemp("other") / "book"
    assert _cli("generate", str(folder), "--households", "2", "--seed", "3").returncode == 0
    (folder / "price_history.csv").unlink()
    return folder


def _waiting_for_the_lock(url: str, second: subprocess.Popen) -> bool:
    """Whether `second` is blocked on the writer lock (PostgreSQL shows it in pg_locks; SQLite
    does not, so there it is given a few seconds, more than enough to get there)."""
    if not url.startswith("postgresql"):
        time.sleep(4)
        return True
    engine = make_engine(url)
    deadline = time.monotonic() + 60
    try:
        while second.poll() is None and time.monotonic() < deadline:
            with engine.connect() as conn:
                waiting = conn.exec_driver_sql(
                    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
                ).scalar()
            if waiting:
                return True
            time.sleep(0.05)
        return False
    finally:
        engine.dispose()


def test_two_imports_at_once_never_mix_two_books(
    db_url: str, tmp_path: Path, other_book: Path
) -> None:
    engine = make_engine(db_url)
    upgrade(engine)
    first = _start_slow_import(db_url, SMALL, tmp_path)
    code = "from trimtab.cli import main; main()"
    second = subprocess.Popen(
        [sys.executable, "-c", code, "db", "import", str(other_book), "--db", db_url],
        env=_env(),
        stderr=subprocess.PIPE,
        text=True,
    )
    assert _waiting_for_the_lock(db_url, second)
    assert second.poll() is None  # still waiting: it did not interleave with the first
    (tmp_path / "release").touch()
    assert first.wait(60) == 0, first.stderr.read() if first.stderr else ""
    assert second.wait(60) == 0, second.stderr.read() if second.stderr else ""
    assert export_book(engine) == load_book(other_book)
    engine.dispose()


def test_a_writer_that_waits_too_long_is_refused_clearly_and_changes_nothing(
    db_url: str, tmp_path: Path, other_book: Path
) -> None:
    engine = make_engine(db_url)
    upgrade(engine)
    first = _start_slow_import(db_url, SMALL, tmp_path)
    second = _cli("db", "import", str(other_book), "--db", db_url, TRIMTAB_LOCK_WAIT_S="1")
    (tmp_path / "release").touch()
    assert first.wait(60) == 0
    assert second.returncode == 2
    assert "the store is busy" in second.stderr
    assert "Traceback" not in second.stderr
    assert export_book(engine) == load_book(SMALL)
    engine.dispose()


def test_writers_wait_thirty_seconds_by_default(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TRIMTAB_LOCK_WAIT_S", raising=False)
    assert lock_wait_s() == DEFAULT_LOCK_WAIT_S == 30
    engine = make_engine(sqlite_url)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30_000
    engine.dispose()
