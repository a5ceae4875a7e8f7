"""Read a book folder into records, collecting every problem with file, row and field.

Public: `read_book` / `load_book` (a folder), and the steps others reuse so that what they read
is checked exactly as a book is: `parse_rows` (one file's text against its `FileSpec`),
`build_transactions` (records from parsed transaction rows) and `build_book` (a `Book` from
parsed `Tables`). The day's feed (`trimtab.workflow.feed_read`) reads its files with them.
"""

from __future__ import annotations

import csv
import io
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

from trimtab.book.book import Book, PriceHistory
from trimtab.book.bounds import check_future_lots
from trimtab.book.checks import check_references
from trimtab.book.folding import Fold, closest_column
from trimtab.book.schema import FILES, FileSpec
from trimtab.book.source import MISSING, read_text
from trimtab.config import FILE as SETTINGS_FILE
from trimtab.config import Settings, parse_settings
from trimtab.domain import (
    Account,
    Alternate,
    CashFlow,
    Household,
    Lot,
    Model,
    ModelComponent,
    Restriction,
    Security,
    Transaction,
)
from trimtab.errors import BookError, Problem
from trimtab.files import book_text
from trimtab.names import Side

Row = tuple[int, dict[str, Any]]
"""A parsed row: its line in the file (header = 1) and its values by column."""


@dataclass
class Tables:
    """Parsed rows of every file, before records are built; `present` lists files found.

    `fold` records the rows and files that could not be read, so that the problems they cause
    elsewhere are counted on them rather than listed one by one.
    """

    rows: dict[str, list[Row]] = field(default_factory=dict)
    present: set[str] = field(default_factory=set)
    fold: Fold = field(default_factory=Fold)


def read_book(path: Path | str, *, as_of: date | None = None) -> tuple[Book | None, list[Problem]]:
    """Read and validate a book; the Book is None when any problem was found."""
    folder = Path(path)
    if not folder.is_dir():
        return None, [Problem(str(folder), None, None, "book folder not found")]
    problems: list[Problem] = []
    known = {spec.name for spec in FILES} | {SETTINGS_FILE}
    for extra in sorted(p.name for p in folder.iterdir() if p.is_file()):
        if extra.endswith(".csv") and extra not in known:
            problems.append(Problem(extra, None, None, "unknown file in the book"))
    tables = Tables()
    for spec in FILES:
        text, unreadable = read_text(folder / spec.name, spec.name)
        tables.rows[spec.name] = []
        if unreadable and unreadable[0].message == MISSING:
            if spec.required:
                problems += unreadable
                tables.fold.reject_file(spec.name, problems[-1], None)
            continue
        tables.present.add(spec.name)
        if unreadable:
            problems += unreadable
            tables.fold.reject_file(spec.name, problems[-1], None)  # rows unknown
        if text is not None:
            tables.rows[spec.name] = list(parse_rows(text, spec, problems, tables.fold))
    settings, settings_problems = _read_settings(folder / SETTINGS_FILE)
    problems += settings_problems
    book = build_book(tables, settings)
    problems += check_references(book, tables, as_of or settings.as_of)
    problems += check_future_lots(tables, as_of or settings.as_of)
    problems = tables.fold.annotate(problems)
    return (None if problems else book), problems


def load_book(path: Path | str, *, as_of: date | None = None) -> Book:
    """Read a valid book or raise BookError carrying every problem."""
    book, problems = read_book(path, as_of=as_of)
    if book is None:
        raise BookError(problems, f"the book at {path} has {len(problems)} problem(s)")
    return book


def _read_settings(path: Path) -> tuple[Settings, list[Problem]]:
    """trimtab.toml when present: read as safely as the CSV files (a FIFO must not hang us)."""
    text, problems = read_text(path, SETTINGS_FILE)
    if text is None:
        return Settings(), [p for p in problems if p.message != MISSING]
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        return Settings(), [Problem(SETTINGS_FILE, None, None, f"not valid TOML: {exc}")]
    return parse_settings(data, SETTINGS_FILE)


def parse_rows(text: str, spec: FileSpec, problems: list[Problem], fold: Fold) -> Iterator[Row]:
    """The rows of one CSV file's text, parsed and checked against `spec` as a book's are.

    Yields (line, values) for each good row (blank lines skipped; optional columns absent from
    the header take their defaults). Every problem (unknown, duplicate or missing column, a
    value its column refuses, unreadable CSV) is appended to `problems` with file, row and field;
    `fold` records the rows and files dropped, so that the problems they cause elsewhere are
    counted on them (see `Tables`). Used for a book's files and a day's feed alike.
    """
    name = spec.name
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip() for h in next(reader, [])]
    except csv.Error as exc:
        problems.append(Problem(name, 1, None, f"unreadable CSV: {exc}"))
        fold.reject_file(name, problems[-1], 0)
        return
    columns = {c.name: c for c in spec.columns}
    first = len(problems)
    problems += _header_problems(name, header, spec)
    if len(problems) > first:
        fold.reject_file(name, problems[first], _count_rows(reader))
        return
    last_line = 1
    try:
        for cells in reader:
            line = last_line + 1
            last_line = reader.line_num
            if not any(c.strip() for c in cells):
                continue
            before = len(problems)
            row = _parse_row(name, line, header, cells, columns, problems)
            if row is not None:
                yield line, row
            elif len(problems) > before:
                fold.reject_row(name, dict(zip(header, cells, strict=False)), problems[before])
    except csv.Error as exc:
        problems.append(Problem(name, last_line + 1, None, f"unreadable CSV: {exc}"))


def _header_problems(name: str, header: list[str], spec: FileSpec) -> list[Problem]:
    """Unknown (with the closest known column suggested), duplicate and missing columns; a
    missing column that an unknown one is a typo of is reported once, as the typo."""
    out = []
    missing = [c.name for c in spec.columns if c.name not in header]
    meant: set[str] = set()
    for h in header:
        if h not in spec.column_names:
            guess = closest_column(h, [m for m in missing if m not in meant])
            if guess is None:
                out.append(Problem(name, 1, h, "unknown column"))
            else:
                meant.add(guess)
                out.append(Problem(name, 1, h, f"unknown column; did you mean `{guess}`?"))
    for dup in sorted({h for h in header if header.count(h) > 1}):
        out.append(Problem(name, 1, dup, "duplicate column"))
    for col in spec.columns:
        if col.required and col.name not in header and col.name not in meant:
            out.append(Problem(name, 1, col.name, "missing required column"))
    return out


def _count_rows(reader: Iterator[list[str]]) -> int:
    """Data rows left in a file (blank lines not counted); 0 when the rest cannot be read."""
    try:
        return sum(1 for cells in reader if any(c.strip() for c in cells))
    except csv.Error:
        return 0


def _parse_row(
    name: str,
    line: int,
    header: list[str],
    cells: list[str],
    columns: dict[str, Any],
    problems: list[Problem],
) -> dict[str, Any] | None:
    if len(cells) > len(header):
        problems.append(Problem(name, line, None, f"{len(cells)} cells, header has {len(header)}"))
        return None
    values: dict[str, Any] = {}
    ok = True
    for h, cell in zip(header, cells + [""] * (len(header) - len(cells)), strict=True):
        cell = book_text(cell.strip())
        col = columns[h]
        if not cell:
            if col.required:
                problems.append(Problem(name, line, h, "required value is missing"))
                ok = False
            continue
        try:
            values[h] = col.parse(cell)
        except ValueError as exc:
            problems.append(Problem(name, line, h, str(exc)))
            ok = False
    for col in columns.values():
        values.setdefault(col.name, col.default)
    return values if ok else None


def build_book(tables: Tables, settings: Any) -> Book:
    """Records from parsed rows; ids absent from the file are generated deterministically."""
    r = tables.rows
    securities = tuple(
        Security(v["symbol"], v["price"], v["asset_class"], v["tags"], v["wash_group"], v["kind"])
        for _, v in r["securities.csv"]
    )
    households = tuple(Household(**v) for _, v in r["households.csv"])
    accounts = tuple(Account(**v) for _, v in r["accounts.csv"])
    lots = _lots(r["lots.csv"])
    transactions = build_transactions(r["transactions.csv"], {lot.lot_id for lot in lots})
    models: dict[str, list[ModelComponent]] = {}
    for _, v in r["models.csv"]:
        models.setdefault(v["model_id"], []).append(ModelComponent(v["component"], v["weight"]))
    return Book(
        securities=securities,
        households=households,
        accounts=accounts,
        lots=lots,
        models=tuple(Model(mid, tuple(comps)) for mid, comps in models.items()),
        restrictions=tuple(Restriction(**v) for _, v in r["restrictions.csv"]),
        alternates=tuple(Alternate(**v) for _, v in r["alternates.csv"]),
        transactions=transactions,
        cash_flows=tuple(CashFlow(**v) for _, v in r["cash_flows.csv"]),
        price_history=_price_history(r["price_history.csv"], tables),
        settings=settings,
    )


def _lots(rows: list[Row]) -> tuple[Lot, ...]:
    given = {v["lot_id"] for _, v in rows if v["lot_id"]}
    out = []
    for _, v in rows:
        lot_id = v["lot_id"] or _fresh_id(f"{v['account_id']}.{v['symbol']}.{v['acquired']}", given)
        out.append(
            Lot(lot_id, v["account_id"], v["symbol"], v["quantity"], v["cost_basis"], v["acquired"])
        )
    return tuple(out)


def build_transactions(rows: list[Row], lot_ids: set[str]) -> tuple[Transaction, ...]:
    """Transactions from parsed `transactions.csv` rows (`parse_rows`), in file order.

    A buy without a `lot_id` gets one, deterministically (`ACCOUNT.SYMBOL.DATE`, then `.2`,
    `.3` ...), unique among `lot_ids` (the lot ids already taken: the book's lots, and for a feed
    the stored transactions') and the ids the rows name. Each keeps its file line, for messages.
    """
    given = lot_ids | {v["lot_id"] for _, v in rows if v["lot_id"]}
    out = []
    for line, v in rows:
        lot_id = v["lot_id"]
        if v["side"] is Side.BUY and not lot_id:
            lot_id = _fresh_id(f"{v['account_id']}.{v['symbol']}.{v['date']}", given)
        out.append(
            Transaction(
                v["account_id"], v["date"], v["symbol"], v["side"], v["quantity"], v["price"],
                lot_id, line,
            )
        )  # fmt: skip
    return tuple(out)


def _fresh_id(base: str, taken: set[str]) -> str:
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base}.{n}"
    taken.add(candidate)
    return candidate


def _price_history(rows: list[Row], tables: Tables) -> PriceHistory | None:
    if "price_history.csv" not in tables.present:
        return None
    return PriceHistory(
        dates=np.array([v["date"] for _, v in rows], dtype="datetime64[D]"),
        symbols=np.array([v["symbol"] for _, v in rows], dtype=object),
        closes=np.array([float(v["close"]) for _, v in rows], dtype=float),
    )
