"""A realistic sample book: households, ETF and direct-indexed models, lots bought along simulated
price paths, recent trades, restrictions and cash requests (see docs/sample-book.md)."""

from trimtab.generate.people import MEAN_ACCOUNTS
from trimtab.generate.sample import (
    DEFAULT_AS_OF,
    DEFAULT_HISTORY_DAYS,
    generate_book,
    write_sample_book,
)

__all__ = [
    "DEFAULT_AS_OF",
    "DEFAULT_HISTORY_DAYS",
    "MEAN_ACCOUNTS",
    "generate_book",
    "write_sample_book",
]
