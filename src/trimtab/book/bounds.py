"""What a real book can hold: bounds on every number, date and text cell, checked at reading.

A value outside these bounds is refused with its file, row and field (docs/guarantees.md lists
them), so nothing absurd (a cash of 1e308, a cost basis of 1e999999, a price of 1e-30, a lot
acquired in 9999) reaches the engine, where it could overflow floats or Decimal contexts.
The bounds are wide: ten times anything a real desk holds, never a limit on a real book.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from trimtab.errors import Problem

if TYPE_CHECKING:
    from trimtab.book.read import Tables

MIN_PRICE = Decimal("0.000001")
"""USD per share: the smallest price (and close) accepted; sub-penny stocks trade at 0.0001."""
MAX_PRICE = Decimal("10000000")
"""USD per share: ten times the highest share price ever quoted (BRK.A is below 1,000,000)."""
MIN_QUANTITY = Decimal("0.000001")
"""Shares: the smallest lot or trade (fractional shares go to 6 decimals at most brokers)."""
MAX_QUANTITY = Decimal("100000000000")
"""Shares: 1e11, more than the float of any listed company."""
MAX_MONEY = Decimal("1000000000000")
"""USD: 1e12, the largest absolute cash, cost basis, budget, YTD gain, carryforward or flow."""
MAX_DECIMALS = 24
MAX_DIGITS = 34
"""Precision of any number: more is not data but noise (or an attack on the writer)."""
MIN_DATE = date(1900, 1, 1)
MAX_DATE = date(2199, 12, 31)
"""Dates outside these years are typos (a lot acquired 9999-12-31) and refused."""
MAX_RANK = 1000
"""An alternate's rank: a preference order, never more than a few per security."""
MAX_ID_LENGTH = 64
"""Characters of an identifier (symbol, account, household, model, class, group, scope, tag)."""
MAX_LOT_ID_LENGTH = 200
"""Characters of a lot id: generated ones join account, symbol and date, so they run longer."""
MAX_TEXT_LENGTH = 200
"""Characters of free text (a household's name)."""
FORMULA_START = ("=", "+", "-", "@", "'")
"""First characters refused in identifiers: spreadsheets read them as formulas (or quoting)."""

Parser = Callable[[str], Any]


def _show(cell: str) -> str:
    return cell if len(cell) <= 24 else cell[:20] + "..."


def _number(cell: str) -> Decimal:
    """A finite Decimal; its range is checked before its precision (the clearer message)."""
    try:
        value = Decimal(cell)
    except InvalidOperation:
        from trimtab.book.schema import decimal

        decimal(cell)  # raises the reader's message (with its thousands-separator hint)
        raise
    if not value.is_finite():
        raise ValueError(f"not a finite number: {cell!r}")
    return value


def _within(value: Decimal, cell: str, low: Decimal, high: Decimal, unit: str) -> Decimal:
    if not low <= value <= high:
        raise ValueError(f"must be between {low:,f} and {high:,f} {unit}, got {_show(cell)}")
    return bounded_precision(value, cell)


def bounded_precision(value: Decimal, cell: str) -> Decimal:
    """`value` unless it has more than MAX_DECIMALS decimals or MAX_DIGITS significant digits
    (1e-999999 would be written back as a million digits); exact zeros of any form become 0."""
    if value == 0:
        return Decimal(0)
    _, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int)  # finite: checked by the caller
    while digits[-1] == 0 and exponent < 0:  # trailing zeros after the point are no precision
        digits, exponent = digits[:-1], exponent + 1
    if exponent < -MAX_DECIMALS:
        raise ValueError(f"more than {MAX_DECIMALS} decimal places: {_show(cell)}")
    if len(digits) > MAX_DIGITS:
        raise ValueError(f"more than {MAX_DIGITS} significant digits: {_show(cell)}")
    return value


def _positive(cell: str) -> Decimal:
    value = _number(cell)
    if value <= 0:
        raise ValueError(f"must be > 0, got {_show(cell)}")
    return value


def price(cell: str) -> Decimal:
    """A price or close, USD per share."""
    return _within(_positive(cell), cell, MIN_PRICE, MAX_PRICE, "USD")


def quantity(cell: str) -> Decimal:
    """A number of shares held or traded."""
    return _within(_positive(cell), cell, MIN_QUANTITY, MAX_QUANTITY, "shares")


def money(cell: str) -> Decimal:
    """A signed amount, USD (cash, budget, YTD gain, flow)."""
    return _within(_number(cell), cell, -MAX_MONEY, MAX_MONEY, "USD")


def money_non_negative(cell: str) -> Decimal:
    """An amount that cannot be negative, USD (cost basis, reserve, carryforward)."""
    value = _number(cell)
    if value < 0:
        raise ValueError(f"must be >= 0, got {_show(cell)}")
    return _within(value, cell, Decimal(0), MAX_MONEY, "USD")


def alternate_rank(cell: str) -> int:
    """An alternate's rank: a whole number from 1 to MAX_RANK."""
    from trimtab.book.schema import rank

    if len(cell) > 9 or rank(cell) > MAX_RANK:
        raise ValueError(f"must be between 1 and {MAX_RANK}, got {_show(cell)}")
    return rank(cell)


def book_date(cell: str) -> date:
    """An ISO date between MIN_DATE and MAX_DATE."""
    from trimtab.book.schema import iso_date

    value = iso_date(cell)
    if not MIN_DATE <= value <= MAX_DATE:
        raise ValueError(f"must be between {MIN_DATE} and {MAX_DATE}, got {cell}")
    return value


def _clean(cell: str, limit: int) -> str:
    if len(cell) > limit:
        raise ValueError(f"longer than {limit} characters ({len(cell)}): {_show(cell)!r}")
    bad = next((c for c in cell if unicodedata.category(c) in ("Cc", "Cs")), None)
    if bad is not None:
        raise ValueError(f"contains a control character (U+{ord(bad):04X}): {_show(cell)!r}")
    return cell


def identifier(cell: str) -> str:
    """An id: printable, at most MAX_ID_LENGTH characters, not starting like a formula."""
    return _no_formula(_clean(cell, MAX_ID_LENGTH))


def lot_identifier(cell: str) -> str:
    """A lot id: as `identifier`, up to MAX_LOT_ID_LENGTH characters."""
    return _no_formula(_clean(cell, MAX_LOT_ID_LENGTH))


def _no_formula(cell: str) -> str:
    if cell.startswith(FORMULA_START):
        raise ValueError(
            f"an id may not start with {cell[0]!r} (a spreadsheet would run it as a formula): "
            f"{_show(cell)!r}"
        )
    return cell


def free_text(cell: str) -> str:
    """Free text (a name): printable, at most MAX_TEXT_LENGTH characters; any first character
    (outputs quote formula-like text, see trimtab.files.spreadsheet_safe)."""
    return _clean(cell, MAX_TEXT_LENGTH)


def tag_list(cell: str) -> frozenset[str]:
    """`;`-separated tags, each an identifier."""
    return frozenset(identifier(t.strip()) for t in cell.split(";") if t.strip())


def prefixed(prefix: str, rest: Parser = identifier) -> Parser:
    """An identifier that may carry `prefix` (`model:`, `tag:`): the part after it is checked."""

    def parse(cell: str) -> str:
        if cell.startswith(prefix):
            rest(cell[len(prefix) :])
            return cell
        return identifier(cell)

    return parse


def check_future_lots(tables: Tables, as_of: date | None) -> list[Problem]:
    """Lots acquired after the as-of date (today when the book names none) cannot exist yet."""
    day = as_of or date.today()
    return [
        Problem("lots.csv", line, "acquired", f"after the as-of date {day}: {v['acquired']}")
        for line, v in tables.rows.get("lots.csv", [])
        if v["acquired"] > day
    ]
