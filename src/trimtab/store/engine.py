"""Database engines and schema upgrades. Nothing is created at import: callers make an engine.

Any SQLAlchemy URL works; SQLite (a file in the user's data folder) is the default and PostgreSQL
(`postgresql+psycopg://...`) is the production server. Alembic is the one schema source: its
migrations live in this package (`store/migrations`), so users need no `alembic.ini`.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any

import platformdirs
import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError, SQLAlchemyError

from trimtab.errors import StoreError

ENV_URL = "TRIMTAB_DATABASE_URL"
"""Environment variable naming the database; unset means the default SQLite file."""

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def default_url() -> str:
    """`TRIMTAB_DATABASE_URL`, else `trimtab.sqlite` in the user's data folder.

    Nothing is created here: `upgrade` (a write) creates the folder and the file on first use.
    """
    url = os.environ.get(ENV_URL, "").strip()
    if url:
        return url
    folder = Path(platformdirs.user_data_dir("trimtab"))
    return f"sqlite:///{folder / 'trimtab.sqlite'}"


def make_engine(url: str | None = None) -> Engine:
    """An engine for `url` (default: `default_url()`); raises StoreError when it cannot be made.

    `postgresql://` means psycopg 3 (the driver trimtab ships with). SQLite connections get
    foreign keys enforced, WAL journaling for files (readers do not block the writer), a busy
    timeout, and real transactions (BEGIN emitted by us, so reads and writes are atomic together).
    """
    try:
        parsed = make_url(url or default_url())
        if parsed.drivername in ("postgresql", "postgres"):
            parsed = parsed.set(drivername="postgresql+psycopg")
        engine = sa.create_engine(parsed)
    except (ArgumentError, NoSuchModuleError, ImportError, ValueError) as exc:
        raise StoreError(f"cannot use database URL {url!r}: {exc}") from exc
    if engine.dialect.name == "sqlite":
        _configure_sqlite(engine, parsed)
    return engine


def _configure_sqlite(engine: Engine, url: URL) -> None:
    in_memory = url.database in (None, "", ":memory:") or "mode=memory" in str(url)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves, below
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute(f"PRAGMA busy_timeout = {int(lock_wait_s() * 1000)}")
        if not in_memory:
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: sa.Connection) -> None:
        # A writer takes the write lock at BEGIN (waiting busy_timeout for it): a deferred
        # transaction that read first could not wait for it later (SQLITE_BUSY at once).
        writer = connection.get_execution_options().get(WRITER_OPTION, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if writer else "BEGIN")


def alembic_config(engine: Engine | None = None) -> Config:
    """An Alembic Config for the packaged migrations; with an engine, migrations run on it."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("path_separator", "os")
    if engine is not None:
        config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine) -> None:
    """Create or migrate the schema to the newest revision (idempotent); StoreError on failure.

    A write: it creates the SQLite file (and its folder) when missing, and holds the store's
    writer lock (`lock_for_writing`) so two processes upgrading at once do it once.
    """
    _create_sqlite_folder(engine)
    try:
        command.upgrade(alembic_config(engine), "head")
    except StoreError:
        raise
    except OperationalError as exc:
        raise busy_error(exc) from exc
    except SQLAlchemyError as exc:
        raise StoreError(f"cannot upgrade the database schema: {exc}") from exc


def head_revision() -> str:
    """The newest migration revision shipped with this version of trimtab."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:
        raise StoreError("no migrations found in the trimtab package")
    return head


def current_revision(engine: Engine) -> str | None:
    """The schema revision of the database (None when it was never upgraded)."""
    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    except SQLAlchemyError as exc:
        raise StoreError(f"cannot read the database schema revision: {exc}") from exc


WRITER_OPTION = "trimtab_writer"
"""Connection execution option marking a writer: SQLite begins it with BEGIN IMMEDIATE."""
WAIT_ENV = "TRIMTAB_LOCK_WAIT_S"
DEFAULT_LOCK_WAIT_S = 30.0
WRITER_LOCK_KEY = 0x7472696D746162  # "trimtab" in ASCII: the PostgreSQL advisory lock's key


def lock_wait_s() -> float:
    """Seconds a writer waits for another writer to finish: TRIMTAB_LOCK_WAIT_S, else 30."""
    try:
        wait = float(os.environ.get(WAIT_ENV, "") or DEFAULT_LOCK_WAIT_S)
    except ValueError:
        raise StoreError(f"{WAIT_ENV} must be a number of seconds") from None
    return wait if wait > 0 else DEFAULT_LOCK_WAIT_S


@contextmanager
def write_transaction(engine: Engine) -> Iterator[Connection]:
    """A transaction holding the store's one writer lock; StoreError when it stays busy.

    Every writer takes it, so two imports (or an import and an upgrade) run one after the
    other, never interleaved: SQLite by BEGIN IMMEDIATE, PostgreSQL by a transaction-level
    advisory lock. A writer waits `lock_wait_s()` for the other one, then gives up.
    """
    with engine.connect() as conn:
        conn.execution_options(**{WRITER_OPTION: True})
        try:
            trans = conn.begin()
            lock_for_writing(conn)
        except OperationalError as exc:
            raise busy_error(exc) from exc
        with trans:
            yield conn


def lock_for_writing(conn: Connection) -> None:
    """Take the writer lock inside the open transaction (PostgreSQL; SQLite took it at BEGIN)."""
    if conn.dialect.name != "postgresql":
        return
    conn.exec_driver_sql(f"SET LOCAL lock_timeout = '{int(lock_wait_s() * 1000)}ms'")
    conn.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": WRITER_LOCK_KEY})
    conn.exec_driver_sql("SET LOCAL lock_timeout = 0")


def read_transaction(engine: Engine) -> AbstractContextManager[Connection]:
    """A transaction that reads one consistent state of the store, whatever commits meanwhile.

    SQLite (WAL) keeps one snapshot per read transaction already; PostgreSQL needs REPEATABLE
    READ for it (its default, READ COMMITTED, could read one table before an import's commit
    and the next one after it).
    """
    if engine.dialect.name == "postgresql":
        return engine.execution_options(isolation_level="REPEATABLE READ").begin()
    return engine.begin()


def busy_error(exc: OperationalError) -> StoreError:
    """A writer-lock wait that ran out, else the database's own reason, as a StoreError."""
    orig = getattr(exc, "orig", None)
    text = str(orig if orig is not None else exc).strip().splitlines()[0]
    if getattr(orig, "sqlstate", None) == "55P03" or "database is locked" in text:
        return StoreError(
            f"the store is busy: another trimtab process has been writing to it for over "
            f"{lock_wait_s():g} s; nothing was changed, try again when it is done ({text})"
        )
    return StoreError(f"cannot write to the database: {text}")


def sqlite_file(url: URL) -> Path | None:
    """The file of a SQLite URL; None for another database or an in-memory one."""
    if not url.drivername.startswith("sqlite") or url.database in (None, "", ":memory:"):
        return None
    if "mode=memory" in str(url) or url.database.startswith("file:"):
        return None
    return Path(url.database)


def _create_sqlite_folder(engine: Engine) -> None:
    file = sqlite_file(engine.url)
    if file is not None:
        file.parent.mkdir(parents=True, exist_ok=True)
