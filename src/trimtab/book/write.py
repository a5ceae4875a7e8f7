"""Write a Book back to its folder of CSV files, in the spec's column order."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from enum import StrEnum
from pathlib import Path

import numpy as np

from trimtab.book.book import Book
from trimtab.book.schema import FILES, FileSpec
from trimtab.config import FILE as SETTINGS_FILE
from trimtab.config import dump_toml, settings_to_dict
from trimtab.files import staged_dir, write_csv
from trimtab.money import fmt


def cell(value: object) -> str:
    """Canonical CSV text of a value: numbers without exponent or trailing zeros (`0.20` is
    `0.2`, `173.0` is `173`), so a book written, read and written again is byte-identical."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return fmt(value)
    if isinstance(value, StrEnum):
        return value.value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, frozenset):
        return ";".join(sorted(value))
    if isinstance(value, float):
        return fmt(Decimal(repr(value)))
    return str(value)


def write_book(book: Book, folder: Path | str) -> None:
    """Write every table (optional ones only when they have rows) into `folder`, all or nothing."""
    owned = [spec.name for spec in FILES] + [SETTINGS_FILE]
    with staged_dir(Path(folder), owned) as stage:
        for spec in FILES:
            rows = list(_rows(book, spec))
            if rows or spec.required:
                write_csv(stage / spec.name, spec.column_names, rows)
        settings = settings_to_dict(book.settings)
        if settings:
            (stage / SETTINGS_FILE).write_text(dump_toml(settings), encoding="utf-8")


def _rows(book: Book, spec: FileSpec) -> Iterator[list[str]]:
    names = spec.column_names
    if spec.name == "models.csv":
        for m in book.models:
            for c in m.components:
                yield [m.model_id, c.component, cell(c.weight)]
        return
    if spec.name == "price_history.csv":
        ph = book.price_history
        if ph is not None:
            for d, s, c in zip(np.datetime_as_string(ph.dates), ph.symbols, ph.closes, strict=True):
                yield [str(d), str(s), fmt(Decimal(repr(float(c))))]
        return
    records = {
        "securities.csv": book.securities,
        "households.csv": book.households,
        "accounts.csv": book.accounts,
        "lots.csv": book.lots,
        "restrictions.csv": book.restrictions,
        "alternates.csv": book.alternates,
        "transactions.csv": book.transactions,
        "cash_flows.csv": book.cash_flows,
    }[spec.name]
    for record in records:
        yield [cell(getattr(record, n)) for n in names]
