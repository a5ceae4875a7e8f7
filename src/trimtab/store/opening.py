"""Opening the store for a command: a read creates nothing, a write prepares the schema.

Reads (`db export`, `rebalance` without a book folder...) must never change what they read: a
missing SQLite file is reported, not created; an empty database or one at another schema
revision is reported, not migrated. Every failure to connect names the database and the real
reason (refused, unknown host, bad password), not the step that happened to connect first.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from trimtab.errors import StoreError
from trimtab.store.engine import (
    current_revision,
    default_url,
    head_revision,
    make_engine,
    sqlite_file,
    upgrade,
)


def open_store(url: str | None = None, *, write: bool) -> Engine:
    """An engine on the store, checked: reachable, and for a write upgraded to this trimtab."""
    url = url or default_url()
    if not write:
        _require_sqlite_file(url)
    engine = make_engine(url)
    file = sqlite_file(engine.url)
    if write and file is not None:
        file.parent.mkdir(parents=True, exist_ok=True)
    require_reachable(engine)
    found, wanted = current_revision(engine), head_revision()
    if write:
        if found != wanted:
            upgrade(engine)
        return engine
    if found is None:
        raise StoreError(
            f"no book is stored in {where(engine)}: import one first (trimtab db import BOOK)"
        )
    if found != wanted:
        raise StoreError(
            f"the store in {where(engine)} has schema revision {found}, this trimtab needs "
            f"{wanted}: run `trimtab db upgrade` first (a read never changes the store)"
        )
    return engine


def require_reachable(engine: Engine) -> None:
    """Connect once; StoreError naming the database and the reason when it cannot be reached."""
    try:
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
    except SQLAlchemyError as exc:
        orig = getattr(exc, "orig", None)
        reason = str(orig if orig is not None else exc).strip().splitlines()
        raise StoreError(
            f"cannot reach the database {where(engine)}: {reason[0] if reason else exc}"
        ) from exc


def where(engine: Engine) -> str:
    """The database's URL for a message (password hidden)."""
    return engine.url.render_as_string(hide_password=True)


def _require_sqlite_file(url: str) -> None:
    try:
        parsed = make_url(url)
    except ArgumentError:
        return  # make_engine reports it
    file = sqlite_file(parsed)
    if file is None:
        return
    if not file.exists():
        raise StoreError(
            f"no store at {file}: the SQLite file does not exist (import a book first: "
            "trimtab db import BOOK); nothing was created"
        )
    if not file.is_file():
        raise StoreError(f"the store path {file} is not a file")
