"""Cross-file checks: every reference resolves, ids are unique, models are sound.

An unknown reference that follows from a row or file the reader could not read is not reported
here: `Tables.fold` counts it on the root problem instead (see `trimtab.book.folding`).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from trimtab.book.alternates import check_alternates
from trimtab.errors import DataError, Problem
from trimtab.names import CASH, Side

if TYPE_CHECKING:
    from trimtab.book.book import Book
    from trimtab.book.folding import Fold
    from trimtab.book.read import Tables
    from trimtab.domain import Account

WEIGHT_TOLERANCE = Decimal("1e-6")


def check_references(book: Book, tables: Tables, as_of: date | None) -> list[Problem]:
    """Every cross-file problem, each with the file, row and field it is found at."""
    r = tables.rows
    problems: list[Problem] = []
    problems += _unique(r["securities.csv"], "securities.csv", "symbol")
    problems += _unique(r["households.csv"], "households.csv", "household_id")
    problems += _unique(r["accounts.csv"], "accounts.csv", "account_id")
    problems += _unique_lot_ids(book, tables)
    symbols = set(book.security_by_symbol)
    households = book.household_by_id
    accounts = book.account_by_id
    models = set(book.model_by_id)
    fold = tables.fold

    for line, v in r["households.csv"]:
        if v["model_id"] and v["model_id"] not in models:
            if fold.caused(["model"], v["model_id"], "households.csv"):
                continue
            problems.append(
                _p("households.csv", line, "model_id", f"unknown model {v['model_id']!r}")
            )
    for line, v in r["accounts.csv"]:
        hh = households.get(v["household_id"])
        if hh is None and not fold.caused(["household"], v["household_id"], "accounts.csv"):
            problems.append(
                _p("accounts.csv", line, "household_id", f"unknown household {v['household_id']!r}")
            )
        if v["model_id"] and v["model_id"] not in models:
            if not fold.caused(["model"], v["model_id"], "accounts.csv"):
                problems.append(
                    _p("accounts.csv", line, "model_id", f"unknown model {v['model_id']!r}")
                )
        elif not v["model_id"] and hh is not None and not hh.model_id and v["managed"]:
            problems.append(
                _p("accounts.csv", line, "model_id", "required: the household has no model_id")
            )
    problems += _check_account_symbol(r["lots.csv"], "lots.csv", accounts, symbols, fold)
    problems += _check_account_symbol(
        r["transactions.csv"], "transactions.csv", accounts, symbols, fold
    )
    problems += _check_models(book, r["models.csv"], symbols, fold)
    problems += _check_restrictions(book, r["restrictions.csv"], fold)
    problems += check_alternates(book, r["alternates.csv"])
    for line, v in r["cash_flows.csv"]:
        if v["scope"] not in accounts and v["scope"] not in households:
            if fold.caused(["account", "household"], v["scope"], "cash_flows.csv"):
                continue
            problems.append(
                _p("cash_flows.csv", line, "scope", f"unknown account or household {v['scope']!r}")
            )
    problems += _check_transactions(book, r["transactions.csv"], as_of, fold)
    problems += _check_prices(r["price_history.csv"], symbols, fold)
    return problems


def _p(file: str, line: int | None, field: str | None, message: str) -> Problem:
    return Problem(file, line, field, message)


def _unique(rows: list[tuple[int, dict[str, Any]]], file: str, key: str) -> list[Problem]:
    seen: dict[str, int] = {}
    out = []
    for line, v in rows:
        if v[key] in seen:
            out.append(
                _p(file, line, key, f"duplicate {key} {v[key]!r} (first on line {seen[v[key]]})")
            )
        else:
            seen[v[key]] = line
    return out


def _unique_lot_ids(book: Book, tables: Tables) -> list[Problem]:
    seen: dict[str, str] = {}
    out = []
    for (line, _), lot in zip(tables.rows["lots.csv"], book.lots, strict=True):
        if lot.lot_id in seen:
            out.append(
                _p(
                    "lots.csv",
                    line,
                    "lot_id",
                    f"duplicate lot_id {lot.lot_id!r} ({seen[lot.lot_id]})",
                )
            )
        seen.setdefault(lot.lot_id, f"lots.csv line {line}")
    for t in book.transactions:
        if t.side is Side.BUY and t.lot_id:
            if t.lot_id in seen:
                out.append(
                    _p(
                        "transactions.csv",
                        t.row,
                        "lot_id",
                        f"duplicate lot_id {t.lot_id!r} ({seen[t.lot_id]})",
                    )
                )
            seen.setdefault(t.lot_id, f"transactions.csv line {t.row}")
    return out


def _check_account_symbol(
    rows: list[tuple[int, dict[str, Any]]],
    file: str,
    accounts: dict[str, Account],
    symbols: set[str],
    fold: Fold,
) -> list[Problem]:
    out = []
    for line, v in rows:
        account, symbol = v["account_id"], v["symbol"]
        if account not in accounts and not fold.caused(["account"], account, file):
            out.append(_p(file, line, "account_id", f"unknown account {account!r}"))
        if symbol not in symbols and not fold.caused(["symbol"], symbol, file):
            out.append(_p(file, line, "symbol", f"unknown symbol {symbol!r}"))
    return out


def _check_models(
    book: Book, rows: list[tuple[int, dict[str, Any]]], symbols: set[str], fold: Fold
) -> list[Problem]:
    out: list[Problem] = []
    totals: dict[str, Decimal] = defaultdict(Decimal)
    first_line: dict[str, int] = {}
    seen: set[tuple[str, str]] = set()
    for line, v in rows:
        mid, comp = v["model_id"], v["component"]
        first_line.setdefault(mid, line)
        totals[mid] += v["weight"]
        if (mid, comp) in seen:
            out.append(
                _p("models.csv", line, "component", f"{comp!r} listed twice in model {mid!r}")
            )
        seen.add((mid, comp))
        if comp.startswith("model:"):
            if comp[6:] not in book.model_by_id and not fold.caused(
                ["model"], comp[6:], "models.csv"
            ):
                out.append(_p("models.csv", line, "component", f"unknown model {comp[6:]!r}"))
        elif (
            comp != CASH and comp not in symbols and not fold.caused(["symbol"], comp, "models.csv")
        ):
            out.append(_p("models.csv", line, "component", f"unknown symbol {comp!r}"))
    for mid, total in totals.items():
        if abs(total - 1) > WEIGHT_TOLERANCE and not fold.dropped_id("model", mid):
            out.append(
                _p(
                    "models.csv",
                    first_line[mid],
                    "weight",
                    f"weights of model {mid!r} sum to {total}, not 1",
                )
            )
    reported: set[str] = set()
    for mid in book.model_by_id:
        try:
            book.target_weights(mid)
        except DataError as exc:
            message = exc.problems[0].message
            if message.startswith("model cycle") and message not in reported:
                reported.add(message)
                out.append(_p("models.csv", first_line[mid], "component", message))
            elif message.startswith("models nested") and "depth" not in reported:
                reported.add("depth")  # a long chain: once, at its outermost model
                out.append(_p("models.csv", first_line[mid], "component", message))
    return out


def _check_restrictions(
    book: Book, rows: list[tuple[int, dict[str, Any]]], fold: Fold
) -> list[Problem]:
    out = []
    all_tags = set().union(*(s.tags for s in book.securities)) if book.securities else set()
    file = "restrictions.csv"
    for line, v in rows:
        scope = v["scope"]
        known = scope in book.account_by_id or scope in book.household_by_id
        if not known and not fold.caused(["account", "household"], scope, file):
            out.append(_p(file, line, "scope", f"unknown account or household {scope!r}"))
        target = v["target"]
        if target.startswith("tag:"):
            if target[4:] not in all_tags and not fold.caused(["symbol"], None, file):
                out.append(_p(file, line, "target", f"no security has tag {target[4:]!r}"))
        elif target not in book.security_by_symbol and not fold.caused(["symbol"], target, file):
            out.append(_p(file, line, "target", f"unknown symbol {target!r}"))
    return out


def _check_transactions(
    book: Book, rows: list[tuple[int, dict[str, Any]]], as_of: date | None, fold: Fold
) -> list[Problem]:
    out = []
    lots = {lot.lot_id: lot for lot in book.lots}
    buys = {t.lot_id: t for t in book.transactions if t.side is Side.BUY}
    for line, v in rows:
        if as_of is not None and v["date"] > as_of:
            out.append(_p("transactions.csv", line, "date", f"after the as-of date {as_of}"))
        if v["side"] is Side.SELL and v["lot_id"]:
            lot = lots.get(v["lot_id"]) or buys.get(v["lot_id"])
            if lot is None:
                if not fold.caused(["lot"], v["lot_id"], "transactions.csv"):
                    out.append(
                        _p("transactions.csv", line, "lot_id", f"unknown lot {v['lot_id']!r}")
                    )
            elif (lot.account_id, lot.symbol) != (v["account_id"], v["symbol"]):
                out.append(
                    _p(
                        "transactions.csv",
                        line,
                        "lot_id",
                        f"lot {v['lot_id']!r} is not {v['symbol']} in {v['account_id']}",
                    )
                )
    return out


def _check_prices(
    rows: list[tuple[int, dict[str, Any]]], symbols: set[str], fold: Fold
) -> list[Problem]:
    out = []
    counts = Counter((v["date"], v["symbol"]) for _, v in rows)
    for line, v in rows:
        if v["symbol"] not in symbols and not fold.caused(
            ["symbol"], v["symbol"], "price_history.csv"
        ):
            out.append(_p("price_history.csv", line, "symbol", f"unknown symbol {v['symbol']!r}"))
        if counts[(v["date"], v["symbol"])] > 1:
            out.append(
                _p(
                    "price_history.csv",
                    line,
                    "date",
                    f"{v['symbol']} has two closes on {v['date']}",
                )
            )
    return out
