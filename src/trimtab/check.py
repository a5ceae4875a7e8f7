"""Full validation of a book: its files, its references, and a clean replay of its history."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from trimtab.book import Book, read_book
from trimtab.errors import BookError, DataError, Problem


def check_book(path: Path | str, *, as_of: date | None = None) -> tuple[Book | None, list[Problem]]:
    """Every problem of the book, the tax replay's included (a sell of shares not held...)."""
    book, problems = read_book(path, as_of=as_of)
    if book is None:
        return None, problems
    from trimtab.tax.ledger import replay

    try:
        replay(book)
    except DataError as exc:
        return None, list(exc.problems)
    return book, []


def load_checked(path: Path | str, *, as_of: date | None = None) -> Book:
    """A book that passed every check, or BookError with all its problems."""
    book, problems = check_book(path, as_of=as_of)
    if book is None:
        raise BookError(problems, f"the book at {path} has {len(problems)} problem(s)")
    return book
