"""Database engines and schema upgrades. Nothing is created at import: callers make an engine.

Any SQLAlchemy URL works; SQLite (a file in the user's data folder) is the default and PostgreSQL
(`postgresql+psycopg://...`) is the production server. Alembic is the one schema source: its
migrations live in this package (`store/migrations`), so users need no `alembic.ini`.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import platformdirs
import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError

from trimtab.errors import StoreError

ENV_URL = "TRIMTAB_DATABASE_URL"
"""Environment variable naming the database; unset means the default SQLite file."""

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def default_url() -> str:
    """`TRIMTAB_DATABASE_URL`, else `trimtab.sqlite` in the user's data folder (created here)."""
    url = os.environ.get(ENV_URL, "").strip()
    if url:
        return url
    folder = Path(platformdirs.user_data_dir("trimtab"))
    folder.mkdir(parents=True, exist_ok=True)
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
        cursor.execute("PRAGMA busy_timeout = 30000")
        if not in_memory:
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: sa.Connection) -> None:
        connection.exec_driver_sql("BEGIN")


def alembic_config(engine: Engine | None = None) -> Config:
    """An Alembic Config for the packaged migrations; with an engine, migrations run on it."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("path_separator", "os")
    if engine is not None:
        config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine) -> None:
    """Create or migrate the schema to the newest revision (idempotent); StoreError on failure."""
    try:
        command.upgrade(alembic_config(engine), "head")
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
