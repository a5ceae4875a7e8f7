"""The book: trimtab's CSV folder interface (see docs/book-format.md)."""

from trimtab.book.book import Book, PriceHistory
from trimtab.book.read import load_book, read_book
from trimtab.book.write import write_book

__all__ = ["Book", "PriceHistory", "load_book", "read_book", "write_book"]
