"""Import replaces the stored book all or nothing; export and has_book say what is there."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from decimal import Decimal

import pytest
import sqlalchemy as sa
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError

from trimtab.book import Book
from trimtab.domain import Lot, Security
from trimtab.errors import StoreError
from trimtab.store import export_book, has_book, import_book, make_engine, repository


def _other_book(book: Book) -> Book:
    """A different book: fewer lots, one more security, a changed account."""
    first = book.accounts[0]
    return replace(
        book,
        securities=(*book.securities, Security("NEW", Decimal("1.5"), "us_equity")),
        accounts=(replace(first, cash=Decimal("7.77")), *book.accounts[1:]),
        lots=book.lots[:2],
        cash_flows=(),
    )


def test_has_book(engine: Engine, small_book: Book) -> None:
    assert not has_book(engine)
    import_book(engine, small_book)
    assert has_book(engine)


def test_has_book_on_a_database_never_upgraded(sqlite_url: str) -> None:
    assert not has_book(make_engine(sqlite_url))


def test_reimport_replaces_everything(engine: Engine, small_book: Book) -> None:
    import_book(engine, small_book)
    other = _other_book(small_book)
    counts = import_book(engine, other)
    assert counts["lots"] == 2 and counts["cash_flows"] == 0
    back = export_book(engine)
    assert back == other
    assert back != small_book
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM lots")).scalar() == 2


def test_failure_part_way_leaves_the_previous_book(
    engine: Engine, small_book: Book, monkeypatch: pytest.MonkeyPatch
) -> None:
    import_book(engine, small_book)
    real_insert = repository._insert
    done: list[str] = []

    def failing_insert(conn: sa.Connection, table: sa.Table, rows: object) -> int:
        if table.name == "model_components":  # book, securities ... lots already written
            raise OperationalError("INSERT", {}, Exception("disk full"))
        done.append(table.name)
        return real_insert(conn, table, rows)  # type: ignore[arg-type]

    monkeypatch.setattr(repository, "_insert", failing_insert)
    with pytest.raises(StoreError, match="unchanged: disk full"):
        import_book(engine, _other_book(small_book))
    assert "lots" in done
    monkeypatch.undo()
    assert export_book(engine) == small_book


def test_a_non_database_error_part_way_also_rolls_back(
    engine: Engine, small_book: Book, monkeypatch: pytest.MonkeyPatch
) -> None:
    import_book(engine, small_book)

    def failing_rows(records: object) -> Iterator[dict[str, object]]:
        """Fails when first iterated, i.e. while inserting, after the lots are written."""
        if records is not None:
            raise RuntimeError("bug while building rows")
        yield {}

    monkeypatch.setattr(repository.r, "cash_flow_rows", failing_rows)
    with pytest.raises(RuntimeError):
        import_book(engine, _other_book(small_book))
    monkeypatch.undo()
    assert export_book(engine) == small_book


def test_a_record_the_database_refuses_leaves_the_previous_book(
    engine: Engine, small_book: Book
) -> None:
    import_book(engine, small_book)
    orphan = Lot(
        "ORPHAN", "NO-SUCH-ACCOUNT", "VTI", Decimal(1), Decimal(1), small_book.lots[0].acquired
    )
    with pytest.raises(StoreError, match="stored book is unchanged"):
        import_book(engine, replace(small_book, lots=(*small_book.lots, orphan)))
    duplicate = replace(small_book.lots[1], lot_id=small_book.lots[0].lot_id)
    with pytest.raises(StoreError, match="stored book is unchanged"):
        import_book(engine, replace(small_book, lots=(*small_book.lots, duplicate)))
    assert export_book(engine) == small_book


def test_a_failed_first_import_stores_nothing(engine: Engine, small_book: Book) -> None:
    bad = replace(small_book, securities=(*small_book.securities, small_book.securities[0]))
    with pytest.raises(StoreError):
        import_book(engine, bad)
    assert not has_book(engine)


def test_tags_that_cannot_round_trip_are_refused_before_writing(
    engine: Engine, small_book: Book
) -> None:
    import_book(engine, small_book)
    bad = Security("BAD", Decimal(1), "x", frozenset({"a;b"}))
    with pytest.raises(StoreError, match="cannot be stored"):
        import_book(engine, replace(small_book, securities=(*small_book.securities, bad)))
    assert export_book(engine) == small_book


def test_export_without_a_book_says_so(engine: Engine) -> None:
    with pytest.raises(StoreError, match="no book is stored"):
        export_book(engine)


def test_an_unupgraded_database_is_refused(sqlite_url: str, small_book: Book) -> None:
    engine = make_engine(sqlite_url)
    with pytest.raises(StoreError, match="upgrade it first"):
        import_book(engine, small_book)
    with pytest.raises(StoreError, match="upgrade it first"):
        export_book(engine)
