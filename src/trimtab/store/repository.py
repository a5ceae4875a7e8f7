"""Put a whole Book into the store and get it back. The store speaks `Book`, never table rows.

A stored book is replaced as a whole, in one transaction: an import that fails part-way (a broken
record, a lost connection, a full disk) leaves the previous book exactly as it was.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import UTC, datetime
from itertools import islice
from typing import Any, TypeVar

import sqlalchemy as sa
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, Engine, Table
from sqlalchemy.exc import SQLAlchemyError

from trimtab.book.book import Book
from trimtab.config import Settings, dump_toml, parse_settings, settings_to_dict
from trimtab.domain import Lot
from trimtab.errors import StoreError
from trimtab.store import rows as r
from trimtab.store import tables as t
from trimtab.store.engine import head_revision, read_transaction, write_transaction

_T = TypeVar("_T")

BATCH = 10_000
"""Rows per executemany call: large enough to be fast, small enough to bound memory."""


def import_book(engine: Engine, book: Book) -> dict[str, int]:
    """Replace the stored book with `book`, all or nothing; returns rows written per table.

    The caller validates first (`load_book` raises BookError); this guarantees atomicity. A
    schema older than this trimtab, a record the database refuses or a lost connection raises
    StoreError and leaves the previous contents untouched.
    """
    plan = _import_plan(book)
    try:
        with write_transaction(engine) as conn:
            _require_current_schema(conn)
            for table in reversed(t.BOOK_TABLES):
                conn.execute(table.delete())
            return {table.name: _insert(conn, table, rows) for table, rows in plan}
    except SQLAlchemyError as exc:
        raise StoreError(f"import failed, the stored book is unchanged: {_reason(exc)}") from exc


def export_book(engine: Engine, *, lots: bool = True) -> Book:
    """The stored book, records in the order they were imported; StoreError when none is stored.

    Empty optional tables come back as `()`. A book imported without price history (None) comes
    back without it; one imported with an empty history comes back with an empty one.
    `lots=False` leaves the lots out (`()`): a run reads them a chunk at a time (`read_lots`),
    so the calling process never holds them all (they are most of a book: 4 million of 100,000
    accounts).
    """
    try:
        with read_transaction(engine) as conn:
            _require_current_schema(conn)
            info = conn.execute(sa.select(t.book.c.has_price_history, t.book.c.settings_toml))
            head = info.one_or_none()
            if head is None:
                raise StoreError("no book is stored: import one first (trimtab db import BOOK)")
            has_history, settings_toml = head
            return Book(
                securities=_read(conn, t.securities, r.SECURITY_COLUMNS, r.securities_from),
                households=_read(conn, t.households, r.HOUSEHOLD_COLUMNS, r.households_from),
                accounts=_read(conn, t.accounts, r.ACCOUNT_COLUMNS, r.accounts_from),
                lots=_read(conn, t.lots, r.LOT_COLUMNS, r.lots_from) if lots else (),
                models=_read(conn, t.model_components, r.MODEL_COLUMNS, r.models_from),
                restrictions=_read(
                    conn, t.restrictions, r.RESTRICTION_COLUMNS, r.restrictions_from
                ),
                transactions=_read(
                    conn, t.transactions, r.TRANSACTION_COLUMNS, r.transactions_from
                ),
                cash_flows=_read(conn, t.cash_flows, r.CASH_FLOW_COLUMNS, r.cash_flows_from),
                alternates=_read(conn, t.alternates, r.ALTERNATE_COLUMNS, r.alternates_from),
                price_history=(
                    _read(conn, t.price_history, r.PRICE_COLUMNS, r.price_history_from)
                    if has_history
                    else None
                ),
                settings=_settings_from(settings_toml),
            )
    except SQLAlchemyError as exc:
        raise StoreError(f"cannot read the stored book: {_reason(exc)}") from exc
    except ValueError as exc:  # an enum value or date this version does not know
        raise StoreError(f"the stored book has a value trimtab cannot read: {exc}") from exc


def read_lots(
    engine: Engine, account_ids: Sequence[str], imported_at: datetime | None
) -> dict[str, list[Lot]]:
    """The stored lots of these accounts, each account's in book order (an account without lots
    is absent). StoreError when the stored book is no longer the one imported at `imported_at`
    (`book_imported_at`): re-imported while a run reads it, the book's halves would not match."""
    out: dict[str, list[Lot]] = {}
    try:
        with read_transaction(engine) as conn:
            if conn.execute(sa.select(t.book.c.imported_at)).scalar_one_or_none() != imported_at:
                raise StoreError("the book was re-imported during the run: run again")
            for ids in _batches(account_ids, IDS_PER_QUERY):
                stmt = (
                    sa.select(*(t.lots.c[c] for c in r.LOT_COLUMNS))
                    .where(t.lots.c.account_id.in_(ids))
                    .order_by(t.lots.c.seq)
                )
                for lot in r.lots_from(conn.execute(stmt)):
                    out.setdefault(lot.account_id, []).append(lot)
    except SQLAlchemyError as exc:
        raise StoreError(f"cannot read the stored book: {_reason(exc)}") from exc
    except ValueError as exc:  # a value this version does not know
        raise StoreError(f"the stored book has a value trimtab cannot read: {exc}") from exc
    return out


def book_imported_at(engine: Engine) -> datetime | None:
    """When the stored book was imported (None: no book): what `read_lots` checks."""
    with engine.connect() as conn:
        return conn.execute(sa.select(t.book.c.imported_at)).scalar_one_or_none()


IDS_PER_QUERY = 500
"""Accounts per lot query: well under every database's limit on bound parameters."""


def has_book(engine: Engine) -> bool:
    """Whether a book is stored (False for a database never upgraded or never imported into)."""
    try:
        with engine.connect() as conn:
            if not sa.inspect(conn).has_table(t.book.name):
                return False
            return conn.execute(sa.select(sa.func.count()).select_from(t.book)).scalar_one() > 0
    except SQLAlchemyError as exc:
        raise StoreError(f"cannot read the database: {_reason(exc)}") from exc


def _import_plan(book: Book) -> list[tuple[Table, Iterable[dict[str, Any]]]]:
    """Rows for every table, parents first; generators, so a big book is never all in memory."""
    info = {
        "id": 1,
        "imported_at": datetime.now(UTC),
        "has_price_history": book.price_history is not None,
        "settings_toml": dump_toml(settings_to_dict(book.settings)),
    }
    return [
        (t.book, [info]),
        (t.securities, r.security_rows(book.securities)),
        (t.households, r.household_rows(book.households)),
        (t.accounts, r.account_rows(book.accounts)),
        (t.lots, r.lot_rows(book.lots)),
        (t.model_components, r.model_rows(book.models)),
        (t.restrictions, r.restriction_rows(book.restrictions)),
        (t.alternates, r.alternate_rows(book.alternates)),
        (t.transactions, r.transaction_rows(book.transactions)),
        (t.cash_flows, r.cash_flow_rows(book.cash_flows)),
        (t.price_history, r.price_rows(book.price_history)),
    ]


def _insert(conn: Connection, table: Table, rows: Iterable[dict[str, Any]]) -> int:
    """Insert rows (COPY on PostgreSQL + psycopg, else batched executemany); returns how many."""
    if conn.dialect.name == "postgresql" and conn.dialect.driver == "psycopg":
        return _copy(conn, table, rows)
    count = 0
    for batch in _batches(rows, BATCH):
        conn.execute(table.insert(), batch)
        count += len(batch)
    return count


def _copy(conn: Connection, table: Table, rows: Iterable[dict[str, Any]]) -> int:
    """Stream rows with PostgreSQL's COPY, on the connection's open transaction.

    About 5x faster than executemany for big books. It skips SQLAlchemy's bind processing, which
    for this store's column types on psycopg changes nothing (ExactDecimal passes Decimals as is).
    """
    names = [c.name for c in table.columns]
    quote = conn.dialect.identifier_preparer
    columns = ", ".join(quote.quote(n) for n in names)
    sql = f"COPY {quote.format_table(table)} ({columns}) FROM STDIN"
    dbapi = conn.connection.dbapi_connection
    count = 0
    try:
        with dbapi.cursor() as cursor, cursor.copy(sql) as copy:  # type: ignore[union-attr]
            for row in rows:
                copy.write_row([row[n] for n in names])
                count += 1
    except conn.dialect.loaded_dbapi.Error as exc:
        raise sa.exc.DBAPIError(sql, None, exc) from exc
    return count


def _batches(rows: Iterable[_T], size: int) -> Iterator[list[_T]]:
    it = iter(rows)
    while batch := list(islice(it, size)):
        yield batch


def _read(
    conn: Connection,
    table: Table,
    columns: Sequence[str],
    build: Callable[[Iterable[Sequence[Any]]], Any],
) -> Any:
    """Build records from the table's rows in `seq` order (the order they were imported in)."""
    order = [table.c.seq] if "position" not in table.c else [table.c.seq, table.c.position]
    stmt = sa.select(*(table.c[c] for c in columns)).order_by(*order)
    return build(conn.execute(stmt))


def _settings_from(text: str) -> Settings:
    try:
        settings, problems = parse_settings(tomllib.loads(text), "stored settings")
    except tomllib.TOMLDecodeError as exc:
        raise StoreError(f"the stored settings are not valid TOML: {exc}") from exc
    if problems:
        raise StoreError(
            "the stored settings do not fit this trimtab: " + "; ".join(map(str, problems))
        )
    return settings


def _require_current_schema(conn: Connection) -> None:
    found = MigrationContext.configure(conn).get_current_revision()
    wanted = head_revision()
    if found != wanted:
        raise StoreError(
            f"the database schema is at revision {found or 'none'}, this trimtab needs {wanted}: "
            "upgrade it first (trimtab.store.upgrade)"
        )


def _reason(exc: SQLAlchemyError) -> str:
    """The database's own message, without SQLAlchemy's statement-and-parameters dump."""
    orig = getattr(exc, "orig", None)
    return str(orig if orig is not None else exc).strip().splitlines()[0]
