"""The book's validation for records changed in code (the service), not read from files.

A change arrives as values by column name; `parse_values` runs them through the very column
parsers that read the CSV files, and `check_records` runs the book's cross-file checks and the
tax replay on a Book (a whole book or one household's slice of it). So a record the service
accepts is one the book folder would accept, and problems name the same files and fields.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from trimtab.book.book import Book
from trimtab.book.checks import check_references
from trimtab.book.read import Row, Tables
from trimtab.book.schema import FILES, FileSpec
from trimtab.book.write import cell
from trimtab.errors import DataError, Problem

SPECS: dict[str, FileSpec] = {spec.name: spec for spec in FILES}


def parse_values(
    file: str, values: Mapping[str, object], *, partial: bool = False
) -> tuple[dict[str, Any], list[Problem]]:
    """Values of one row of `file`, parsed and checked as the book reader does.

    `values` maps column names to values (text, numbers, dates, booleans; None or "" for blank).
    With `partial`, only the columns given are parsed (an update); otherwise missing columns take
    their defaults and missing required ones are problems. Unknown columns are problems.
    """
    spec = SPECS[file]
    columns = {c.name: c for c in spec.columns}
    problems = [
        Problem(file, None, name, "unknown column") for name in values if name not in columns
    ]
    out: dict[str, Any] = {}
    for col in spec.columns:
        if col.name not in values and partial:
            continue
        text = _text(values.get(col.name))
        if not text:
            if col.required:
                problems.append(Problem(file, None, col.name, "required value is missing"))
            out[col.name] = col.default
            continue
        try:
            out[col.name] = col.parse(text)
        except ValueError as exc:
            problems.append(Problem(file, None, col.name, str(exc)))
    return out, problems


def _text(value: object) -> str:
    """The cell text of a value; a Decimal keeps its digits (2500.50 stays 2500.50)."""
    if isinstance(value, Decimal):
        return format(value, "f") if value.is_finite() else str(value)
    return cell(value).strip()


def check_records(book: Book, as_of: date | None = None) -> list[Problem]:
    """Every problem the book reader would report for these records, the tax replay's included.

    Price history is taken as already checked (it is not edited record by record).
    """
    problems = check_references(book, tables_of(book), as_of or book.settings.as_of)
    if problems:
        return problems
    from trimtab.tax.ledger import replay

    try:
        replay(book)
    except DataError as exc:
        return list(exc.problems)
    return []


def tables_of(book: Book) -> Tables:
    """The parsed-rows view of a Book that the cross-file checks read; line = position + 2."""
    tables = Tables()
    for spec in FILES:
        rows = [] if spec.name == "price_history.csv" else list(_rows(book, spec))
        tables.rows[spec.name] = rows
        if rows or spec.required:
            tables.present.add(spec.name)
    return tables


_RECORDS = {
    "securities.csv": "securities",
    "households.csv": "households",
    "accounts.csv": "accounts",
    "lots.csv": "lots",
    "restrictions.csv": "restrictions",
    "transactions.csv": "transactions",
    "cash_flows.csv": "cash_flows",
    "alternates.csv": "alternates",
}


def _rows(book: Book, spec: FileSpec) -> Iterator[Row]:
    if spec.name == "models.csv":
        line = 2
        for m in book.models:
            for c in m.components:
                yield line, {"model_id": m.model_id, "component": c.component, "weight": c.weight}
                line += 1
        return
    attr = _RECORDS.get(spec.name)
    if attr is None:
        return
    for i, record in enumerate(getattr(book, attr)):
        values = {c.name: getattr(record, c.name, c.default) for c in spec.columns}
        yield i + 2, values
