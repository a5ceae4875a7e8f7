"""Fixtures for the daily run: a small generated book stored on SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import Engine

from trimtab.book import Book
from trimtab.generate import generate_book
from trimtab.store import import_book, make_engine, upgrade


@pytest.fixture(scope="session")
def day_book() -> Book:
    """8 generated households with history, restrictions, cash requests and price history."""
    return generate_book(8, seed=11)


@pytest.fixture
def stored(db_url: str, day_book: Book) -> Iterator[Callable[..., Engine]]:
    """Make an engine on a fresh database holding `day_book` (settings may be changed)."""
    engines: list[Engine] = []

    def make(**changes: dict[str, object]) -> Engine:
        """Settings changes by section; the baseline comparison is off unless asked for."""
        book = day_book
        changes = {"workflow": {"compare_baseline": False}} | changes
        for section, values in changes.items():
            current = getattr(book.settings, section)
            new = dataclasses.replace(current, **values)  # type: ignore[arg-type]
            book = dataclasses.replace(
                book, settings=dataclasses.replace(book.settings, **{section: new})
            )
        engine = make_engine(db_url)
        upgrade(engine)
        import_book(engine, book)
        engines.append(engine)
        return engine

    yield make
    for engine in engines:
        engine.dispose()
