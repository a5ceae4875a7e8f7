"""Fixtures for the daily run: a small generated book stored on SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import Engine

from trimtab.book import Book
from trimtab.generate import generate_book
from trimtab.store import import_book, make_engine, upgrade

QUIET: dict[str, object] = {
    "drift": 1.0, "cash_usd": 1e15, "loss_usd": 1e15, "restrictions": False,
    "model_change": False, "review_days": 100_000, "new_households": False,
}  # fmt: skip
"""Screening with every trigger off (out of reach: TOML has no null, None would not be
stored)."""


@pytest.fixture(scope="session")
def day_book() -> Book:
    """8 generated households with history, restrictions, cash requests and price history."""
    return generate_book(8, seed=11)


@pytest.fixture
def stored(db_url: str, day_book: Book) -> Iterator[Callable[..., Engine]]:
    """Make an engine on a fresh database holding `day_book` (settings may be changed)."""
    engines: list[Engine] = []

    def make(
        book: Book | None = None, *, quiet: bool = False, **changes: dict[str, object]
    ) -> Engine:
        """Settings changes by section; the baseline comparison is off unless asked for, and
        `quiet` turns every screening trigger off (households cost a snapshot, not a solve)."""
        book = book or day_book
        defaults: dict[str, dict[str, object]] = {"workflow": {"compare_baseline": False}}
        if quiet:
            defaults["screen"] = QUIET
        changes = defaults | changes
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
