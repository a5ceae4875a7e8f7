"""Read and validate a day's feed against the stored book: the merged book, or every problem.

A feed is a folder of optional CSV files (docs/daily-run.md): `prices.csv`, `transactions.csv`,
`cash.csv`, `cash_flows.csv`, `models.csv`, `restrictions.csv` and `custodian_positions.csv`.
Book files keep the book's columns and are parsed and checked by the book's own code, so a feed
is validated as strictly as a book (file, row and field); the merged book's history is replayed
for the households it touches. Pure: the caller reads the stored book and writes the result.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np

from trimtab.book import Book
from trimtab.book import read as book_read
from trimtab.book.book import PriceHistory
from trimtab.book.checks import check_references
from trimtab.book.schema import (
    CASH_FLOWS,
    MODELS,
    RESTRICTIONS,
    TRANSACTIONS,
    Column,
    FileSpec,
    decimal,
    iso_date,
    non_negative,
    positive,
    text,
)
from trimtab.book.source import read_text
from trimtab.domain import CashFlow, Model, ModelComponent, Restriction, Transaction
from trimtab.errors import BookError, DataError, Problem
from trimtab.names import Side
from trimtab.tax.ledger import replay

PRICES = FileSpec(
    "prices.csv",
    (Column("symbol", text, True), Column("price", positive, True), Column("date", iso_date)),
    required=False,
)
"""A day's closes: `price` USD per share; `date` defaults to the feed's as-of date."""
CASH = FileSpec(
    "cash.csv", (Column("account_id", text, True), Column("cash", decimal, True)), required=False
)
"""The custodian's cash balance of an account (USD), after the feed's transactions."""
POSITIONS = FileSpec(
    "custodian_positions.csv",
    (
        Column("account_id", text, True),
        Column("symbol", text, True),
        Column("quantity", non_negative, True),
    ),
    required=False,
)
"""The custodian's positions (shares) of the accounts it lists, for reconciliation."""

FEED_FILES: tuple[FileSpec, ...] = (
    PRICES,
    TRANSACTIONS,
    CASH,
    CASH_FLOWS,
    MODELS,
    RESTRICTIONS,
    POSITIONS,
)

Rows = list[tuple[int, dict[str, Any]]]


@dataclass(frozen=True, eq=False)
class Feed:
    """A validated feed: the merged book and what changed."""

    as_of: date
    book: Book
    rows: dict[str, Rows]
    new_transactions: tuple[Transaction, ...] = ()
    changed_models: tuple[str, ...] = ()
    cash_accounts: tuple[str, ...] = ()
    """Accounts whose cash the feed changed (transactions or cash.csv)."""
    positions: Rows = field(default_factory=list)

    def has(self, name: str) -> bool:
        return name in self.rows


def read_feed(folder: Path, stored: Book, as_of: date) -> Feed:
    """The stored book with the feed applied, or BookError with every problem of the feed."""
    folder = Path(folder)
    problems: list[Problem] = []
    if not folder.is_dir():
        raise BookError([Problem(str(folder), None, None, "feed folder not found")])
    known = {s.name for s in FEED_FILES}
    for extra in sorted(p.name for p in folder.iterdir() if p.is_file()):
        if extra not in known:
            problems.append(Problem(extra, None, None, "unknown file in the feed"))
    rows: dict[str, Rows] = {}
    parsed = book_read.Tables()  # its `fold` tracks rows dropped, as a book's reader does
    for spec in FEED_FILES:
        if not (folder / spec.name).exists():
            continue
        body, unreadable = read_text(folder / spec.name, spec.name)  # as safely as a book
        problems += unreadable
        if body is not None:
            rows[spec.name] = list(book_read.parse_rows(body, spec, problems, parsed.fold))
    if not rows and not problems:
        problems.append(Problem(str(folder), None, None, "the feed has no file"))
    if problems:
        raise BookError(problems, f"the feed at {folder} has {len(problems)} problem(s)")
    feed = _merge(stored, rows, as_of)
    problems += _check(feed, parsed)
    if problems:
        raise BookError(problems, f"the feed at {folder} has {len(problems)} problem(s)")
    return feed


def _merge(stored: Book, rows: dict[str, Rows], as_of: date) -> Feed:
    book, changes = stored, {}
    prices = {v["symbol"]: v["price"] for _, v in rows.get("prices.csv", ())}
    if prices:
        securities = tuple(
            dataclasses.replace(s, price=prices[s.symbol]) if s.symbol in prices else s
            for s in book.securities
        )
        book = dataclasses.replace(book, securities=securities)
        book = dataclasses.replace(book, price_history=_history(book, rows["prices.csv"], as_of))
    new: tuple[Transaction, ...] = ()
    if "transactions.csv" in rows:
        taken = {lot.lot_id for lot in book.lots} | {
            t.lot_id for t in book.transactions if t.lot_id
        }
        new = book_read.build_transactions(rows["transactions.csv"], taken)
        book = dataclasses.replace(book, transactions=book.transactions + new)
    cash = _cash(book, new, rows.get("cash.csv", []))
    if cash:
        accounts = tuple(
            dataclasses.replace(a, cash=cash[a.account_id]) if a.account_id in cash else a
            for a in book.accounts
        )
        book = dataclasses.replace(book, accounts=accounts)
    if "cash_flows.csv" in rows:
        flows = tuple(CashFlow(**v) for _, v in rows["cash_flows.csv"])
        book = dataclasses.replace(book, cash_flows=flows)
    changed: tuple[str, ...] = ()
    if "models.csv" in rows:
        book, changed = _models(book, rows["models.csv"])
    if "restrictions.csv" in rows:
        scopes = {v["scope"] for _, v in rows["restrictions.csv"]}
        kept = tuple(r for r in book.restrictions if r.scope not in scopes)
        added = tuple(Restriction(**v) for _, v in rows["restrictions.csv"])
        book = dataclasses.replace(book, restrictions=kept + added)
    changes = {"new_transactions": new, "changed_models": changed, "cash_accounts": tuple(cash)}
    positions = rows.get("custodian_positions.csv", [])
    return Feed(as_of, book, rows, positions=positions, **changes)  # type: ignore[arg-type]


def _history(book: Book, rows: Rows, as_of: date) -> PriceHistory | None:
    """The price history with the day's closes added (replacing a close of the same day)."""
    history = book.price_history
    if history is None:
        return None
    new = {(v["symbol"], v["date"] or as_of): float(v["price"]) for _, v in rows}
    days = history.dates.astype("datetime64[D]").astype(object)
    keep = np.array([(s, d) not in new for s, d in zip(history.symbols, days, strict=True)])
    keys = sorted(new, key=lambda k: (k[1], k[0]))
    return PriceHistory(
        dates=np.concatenate(
            [history.dates[keep], np.array([k[1] for k in keys], dtype="datetime64[D]")]
        ),
        symbols=np.concatenate(
            [history.symbols[keep], np.array([k[0] for k in keys], dtype=object)]
        ),
        closes=np.concatenate([history.closes[keep], np.array([new[k] for k in keys])]),
    )


def _cash(book: Book, new: Iterable[Transaction], rows: Rows) -> dict[str, Decimal]:
    """New cash by account: each trade's value moves it (buy -, sell +); cash.csv has the last
    word (the custodian's balance)."""
    out: dict[str, Decimal] = {}
    accounts = book.account_by_id
    for t in new:
        if t.account_id in accounts:
            base = out.get(t.account_id, accounts[t.account_id].cash)
            out[t.account_id] = base + (t.value if t.side is Side.SELL else -t.value)
    for _, v in rows:
        out[v["account_id"]] = v["cash"]
    return out


def _models(book: Book, rows: Rows) -> tuple[Book, tuple[str, ...]]:
    grouped: dict[str, list[ModelComponent]] = {}
    for _, v in rows:
        grouped.setdefault(v["model_id"], []).append(ModelComponent(v["component"], v["weight"]))
    new = {mid: Model(mid, tuple(c)) for mid, c in grouped.items()}
    old = book.model_by_id
    changed = tuple(m for m in new if m not in old or old[m].components != new[m].components)
    models = tuple(new.get(m.model_id, m) for m in book.models)
    models += tuple(m for mid, m in new.items() if mid not in old)
    return dataclasses.replace(book, models=models), changed


def _check(feed: Feed, tables: book_read.Tables) -> list[Problem]:
    book, r = feed.book, feed.rows
    for spec in book_read.FILES:
        tables.rows[spec.name] = list(r.get(spec.name, []))
    # stored lots take part in the lot-id checks; they were validated when the book came in
    tables.rows["lots.csv"] = [
        (0, {"account_id": lot.account_id, "symbol": lot.symbol}) for lot in book.lots
    ]
    problems = check_references(book, tables, feed.as_of)
    problems += _check_prices(book, r.get("prices.csv", []), feed.as_of)
    problems += _check_accounts(book, r.get("cash.csv", []), "cash.csv", ("account_id",))
    positions = r.get("custodian_positions.csv", [])
    problems += _check_accounts(
        book, positions, "custodian_positions.csv", ("account_id", "symbol")
    )
    if problems or not feed.new_transactions:
        return problems
    touched = {book.account_by_id[t.account_id].household_id for t in feed.new_transactions}
    try:
        replay(book, touched)
    except DataError as exc:
        problems += list(exc.problems)
    return problems


def _check_prices(book: Book, rows: Rows, as_of: date) -> list[Problem]:
    out = []
    counts = Counter((v["symbol"], v["date"] or as_of) for _, v in rows)
    for line, v in rows:
        if v["symbol"] not in book.security_by_symbol:
            out.append(Problem("prices.csv", line, "symbol", f"unknown symbol {v['symbol']!r}"))
        if v["date"] is not None and v["date"] > as_of:
            out.append(Problem("prices.csv", line, "date", f"after the as-of date {as_of}"))
        if counts[(v["symbol"], v["date"] or as_of)] > 1:
            out.append(Problem("prices.csv", line, "symbol", f"{v['symbol']} priced twice"))
    return out


def _check_accounts(book: Book, rows: Rows, file: str, keys: tuple[str, ...]) -> list[Problem]:
    out = []
    counts = Counter(tuple(v[k] for k in keys) for _, v in rows)
    for line, v in rows:
        if v["account_id"] not in book.account_by_id:
            out.append(Problem(file, line, "account_id", f"unknown account {v['account_id']!r}"))
        if "symbol" in keys and v["symbol"] not in book.security_by_symbol:
            out.append(Problem(file, line, "symbol", f"unknown symbol {v['symbol']!r}"))
        if counts[tuple(v[k] for k in keys)] > 1:
            out.append(Problem(file, line, keys[-1], "listed twice"))
    return out
