"""A run reads the book without its lots and then the lots a chunk of accounts at a time
(`export_book(lots=False)`, `read_lots`), on SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import Engine

from trimtab.book import Book
from trimtab.errors import StoreError
from trimtab.generate import generate_book
from trimtab.store import book_imported_at, export_book, import_book, read_lots, repository


def test_the_book_without_lots_is_the_book_but_its_lots(engine: Engine, small_book: Book) -> None:
    import_book(engine, small_book)
    assert export_book(engine, lots=False) == dataclasses.replace(small_book, lots=())


def test_lots_read_by_account_are_each_accounts_lots_in_book_order(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    book = generate_book(6, seed=5, direct_share=0.5)
    import_book(engine, book)
    stamp = book_imported_at(engine)
    ids = [a.account_id for a in reversed(book.accounts)] + ["no-such-account"]
    monkeypatch.setattr(repository, "IDS_PER_QUERY", 4)  # several queries per call
    found = read_lots(engine, ids, stamp)
    assert found == book.lots_by_account  # every account with lots, each in book order
    assert read_lots(engine, [], stamp) == {}
    some = [book.accounts[1].account_id]
    assert read_lots(engine, some, stamp) == {some[0]: book.lots_by_account[some[0]]}


def test_a_book_re_imported_meanwhile_is_refused(engine: Engine, small_book: Book) -> None:
    import_book(engine, small_book)
    stamp = book_imported_at(engine)
    import_book(engine, small_book)  # the same records, a new import
    assert book_imported_at(engine) != stamp
    with pytest.raises(StoreError, match="re-imported during the run"):
        read_lots(engine, [small_book.accounts[0].account_id], stamp)


def test_no_book_has_no_import_time(engine: Engine) -> None:
    assert book_imported_at(engine) is None
