"""book -> store -> book is lossless, on SQLite and PostgreSQL."""

from __future__ import annotations

import tempfile
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import numpy as np
from hypothesis import HealthCheck, given, settings
from sqlalchemy import Engine
from store_books import books

from trimtab.book import Book, PriceHistory, write_book
from trimtab.store import export_book, import_book


def _files(book: Book, folder: Path) -> dict[str, bytes]:
    write_book(book, folder)
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def _assert_same(original: Book, back: Book) -> None:
    """Equal as books, written as identical files, every Decimal with the same digits."""
    assert back == original
    with tempfile.TemporaryDirectory() as tmp:
        assert _files(back, Path(tmp) / "b") == _files(original, Path(tmp) / "a")
    for before, after in zip(original.lots, back.lots, strict=True):
        assert after == before
        assert str(after.quantity.normalize()) == str(before.quantity.normalize())
        assert after.cost_basis.as_tuple().exponent == min(before.cost_basis.as_tuple().exponent, 0)


def test_small_book_round_trips(engine: Engine, small_book: Book) -> None:
    counts = import_book(engine, small_book)
    assert counts["lots"] == len(small_book.lots)
    assert counts["model_components"] == sum(len(m.components) for m in small_book.models)
    back = export_book(engine)
    _assert_same(small_book, back)
    assert back.lots == small_book.lots  # same order, not only the same set
    assert back.models == small_book.models  # component order kept
    assert [t.row for t in back.transactions] == [t.row for t in small_book.transactions]
    assert back.price_history is None
    assert back.settings.as_of == small_book.settings.as_of


def test_awkward_decimals_come_back_exactly(engine: Engine, small_book: Book) -> None:
    lot = small_book.lots[0]
    odd = (
        replace(lot, lot_id="tiny", quantity=Decimal("0.000001"), cost_basis=Decimal("0.10")),
        replace(
            lot, lot_id="big", quantity=Decimal("123456789.123456"), cost_basis=Decimal("1E+3")
        ),
    )
    book = replace(small_book, lots=small_book.lots + odd)
    import_book(engine, book)
    back = {x.lot_id: x for x in export_book(engine).lots}
    assert back["tiny"].quantity.as_tuple() == Decimal("0.000001").as_tuple()
    assert back["tiny"].cost_basis.as_tuple() == Decimal("0.10").as_tuple()  # scale kept
    assert back["big"].quantity.as_tuple() == Decimal("123456789.123456").as_tuple()
    assert back["big"].cost_basis == Decimal(1000)


def test_price_history_round_trips(engine: Engine, small_book: Book) -> None:
    history = PriceHistory(
        dates=np.array(["2026-11-18", "2026-11-19", "2026-11-18"], dtype="datetime64[D]"),
        symbols=np.array(["VTI", "VTI", "BND"], dtype=object),
        closes=np.array([250.125, 0.1 + 0.2, 72.5]),
    )
    book = replace(small_book, price_history=history)
    import_book(engine, book)
    back = export_book(engine)
    _assert_same(book, back)
    assert back.price_history is not None
    assert back.price_history.closes.tolist() == history.closes.tolist()  # bit for bit
    assert back.price_history.dates.dtype == history.dates.dtype


def test_empty_price_history_stays_empty_not_none(engine: Engine, small_book: Book) -> None:
    empty = PriceHistory(
        np.array([], dtype="datetime64[D]"), np.array([], dtype=object), np.array([])
    )
    import_book(engine, replace(small_book, price_history=empty))
    back = export_book(engine).price_history
    assert back is not None and len(back) == 0


def test_optional_tables_empty_come_back_as_empty_tuples(engine: Engine, small_book: Book) -> None:
    book = replace(small_book, restrictions=(), transactions=(), cash_flows=())
    import_book(engine, book)
    back = export_book(engine)
    assert (back.restrictions, back.transactions, back.cash_flows) == ((), (), ())
    _assert_same(book, back)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(book=books())
def test_generated_books_round_trip(engine: Engine, book: Book) -> None:
    """Each example replaces the previous one in the same database (import replaces)."""
    import_book(engine, book)
    _assert_same(book, export_book(engine))
