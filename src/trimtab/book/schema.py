"""The book's files and columns, as data: one place that says what each CSV may hold.

A parser takes the cell text (already stripped, never empty) and returns the value or raises
ValueError with a message for the user. Blank optional cells take the column's default.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from trimtab.book.bounds import (
    alternate_rank,
    book_date,
    bounded_precision,
    free_text,
    identifier,
    lot_identifier,
    money,
    money_non_negative,
    prefixed,
    price,
    quantity,
    tag_list,
)
from trimtab.names import AccountKind, FilingStatus, LotMethod, Rule, SecurityKind, Side

Parser = Callable[[str], Any]


def text(cell: str) -> str:
    return cell


def decimal(cell: str) -> Decimal:
    try:
        value = Decimal(cell)
    except InvalidOperation:
        raise ValueError(f"not a number: {cell!r}{_separator_hint(cell)}") from None
    if not value.is_finite():
        raise ValueError(f"not a finite number: {cell!r}")
    return bounded_precision(value, cell)


def _separator_hint(cell: str) -> str:
    """A hint for `1,819.77`: the book takes `.` decimals and no thousands separators."""
    plain = cell.replace(",", "")
    if "," in cell and plain.replace(".", "", 1).lstrip("+-").isdigit():
        return f" (write {plain}: no thousands separators)"
    return ""


def positive(cell: str) -> Decimal:
    value = decimal(cell)
    if value <= 0:
        raise ValueError(f"must be > 0, got {cell}")
    return value


def non_negative(cell: str) -> Decimal:
    value = decimal(cell)
    if value < 0:
        raise ValueError(f"must be >= 0, got {cell}")
    return value


def fraction(cell: str) -> Decimal:
    value = decimal(cell)
    if not 0 <= value <= 1:
        raise ValueError(f"must be a fraction between 0 and 1, got {cell}")
    return value


def rank(cell: str) -> int:
    try:
        value = int(cell)
    except ValueError:
        raise ValueError(f"not a whole number: {cell!r}") from None
    if value < 1:
        raise ValueError(f"must be 1 or more, got {cell}")
    return value


def iso_date(cell: str) -> date:
    try:
        return date.fromisoformat(cell)
    except ValueError:
        raise ValueError(f"not a date YYYY-MM-DD: {cell!r}") from None


def boolean(cell: str) -> bool:
    lowered = cell.lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    raise ValueError(f"expected true or false, got {cell!r}")


def tags(cell: str) -> frozenset[str]:
    return frozenset(t.strip() for t in cell.split(";") if t.strip())


def enum(kind: type[StrEnum]) -> Parser:
    allowed = ", ".join(m.value for m in kind)

    def parse(cell: str) -> StrEnum:
        try:
            return kind(cell.lower())
        except ValueError:
            raise ValueError(f"expected one of {allowed}, got {cell!r}") from None

    return parse


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    parse: Parser
    required: bool = False
    default: Any = None


@dataclass(frozen=True, slots=True)
class FileSpec:
    name: str
    columns: tuple[Column, ...]
    required: bool = True

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)


def _req(name: str, parse: Parser = text) -> Column:
    return Column(name, parse, required=True)


ZERO = Decimal(0)
ID = identifier
"""Every id column: bounded, printable, never formula-like (trimtab.book.bounds)."""

SECURITIES = FileSpec(
    "securities.csv",
    (
        _req("symbol", ID),
        _req("price", price),
        _req("asset_class", ID),
        Column("tags", tag_list, default=frozenset()),
        Column("wash_group", ID),
        Column("kind", enum(SecurityKind), default=SecurityKind.STOCK),
    ),
)
HOUSEHOLDS = FileSpec(
    "households.csv",
    (
        _req("household_id", ID),
        Column("name", free_text, default=""),
        Column("st_rate", fraction, default=Decimal("0.37")),
        Column("lt_rate", fraction, default=Decimal("0.20")),
        Column("model_id", ID),
        Column("gain_budget", money),
        Column("tax_budget", money_non_negative),
        Column("realized_st_ytd", money, default=ZERO),
        Column("realized_lt_ytd", money, default=ZERO),
        Column("loss_carryforward_st", money_non_negative, default=ZERO),
        Column("loss_carryforward_lt", money_non_negative, default=ZERO),
        Column("filing_status", enum(FilingStatus), default=FilingStatus.MARRIED_JOINT),
        Column("gain_harvest", money_non_negative, default=ZERO),
        Column("drift_tolerance", fraction),
        Column("advisor", text),
    ),
)
ACCOUNTS = FileSpec(
    "accounts.csv",
    (
        _req("account_id", ID),
        _req("household_id", ID),
        _req("kind", enum(AccountKind)),
        Column("model_id", ID),
        Column("cash", money, default=ZERO),
        Column("cash_reserve", money_non_negative, default=ZERO),
        Column("min_trade", money_non_negative, default=ZERO),
        Column("fractional", boolean, default=False),
        Column("lot_method", enum(LotMethod), default=LotMethod.FIFO),
        Column("managed", boolean, default=True),
        Column("drift_tolerance", fraction),
    ),
)
LOTS = FileSpec(
    "lots.csv",
    (
        _req("account_id", ID),
        _req("symbol", ID),
        _req("quantity", quantity),
        _req("cost_basis", money_non_negative),
        _req("acquired", book_date),
        Column("lot_id", lot_identifier),
    ),
)
MODELS = FileSpec(
    "models.csv",
    (_req("model_id", ID), _req("component", prefixed("model:")), _req("weight", fraction)),
)
RESTRICTIONS = FileSpec(
    "restrictions.csv",
    (_req("scope", ID), _req("target", prefixed("tag:")), _req("rule", enum(Rule))),
    required=False,
)
ALTERNATES = FileSpec(
    "alternates.csv",
    (
        _req("symbol", ID),
        _req("alternate", ID),
        Column("model_id", ID),
        Column("rank", alternate_rank, default=1),
        Column("one_way", boolean, default=False),
    ),
    required=False,
)
TRANSACTIONS = FileSpec(
    "transactions.csv",
    (
        _req("account_id", ID),
        _req("date", book_date),
        _req("symbol", ID),
        _req("side", enum(Side)),
        _req("quantity", quantity),
        _req("price", price),
        Column("lot_id", lot_identifier),
    ),
    required=False,
)
CASH_FLOWS = FileSpec(
    "cash_flows.csv",
    (_req("scope", ID), _req("amount", money)),
    required=False,
)
PRICE_HISTORY = FileSpec(
    "price_history.csv",
    (_req("date", book_date), _req("symbol", ID), _req("close", price)),
    required=False,
)

FILES: tuple[FileSpec, ...] = (
    SECURITIES,
    HOUSEHOLDS,
    ACCOUNTS,
    LOTS,
    MODELS,
    RESTRICTIONS,
    ALTERNATES,
    TRANSACTIONS,
    CASH_FLOWS,
    PRICE_HISTORY,
)
