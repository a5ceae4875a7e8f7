"""Fixtures for the store's tests: an upgraded engine on each backend, and books to store."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from trimtab.book import Book, load_book
from trimtab.store import make_engine, upgrade

SMALL_BOOK = Path(__file__).resolve().parents[1] / "fixtures" / "small_book"


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """An engine on a fresh database (SQLite and PostgreSQL), schema upgraded to head."""
    eng = make_engine(db_url)
    upgrade(eng)
    yield eng
    eng.dispose()


@pytest.fixture(scope="session")
def small_book() -> Book:
    return load_book(SMALL_BOOK)
