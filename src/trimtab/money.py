"""Exact money: Decimal everywhere money is reported, rounded to cents at one boundary."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation

CENT = Decimal("0.01")
ZERO = Decimal(0)


def D(  # noqa: N802
    value: str | int | float | Decimal,
) -> Decimal:
    """Decimal from text or numbers; floats go through their shortest repr so 0.1 stays 0.1."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        return Decimal(repr(value))
    try:
        return Decimal(value)
    except InvalidOperation as exc:
        raise ValueError(f"not a number: {value!r}") from exc


def cents(value: Decimal | float | int) -> Decimal:
    """Round USD to cents, half to even (banker's rounding keeps sums unbiased)."""
    return D(value).quantize(CENT, rounding=ROUND_HALF_EVEN)


def fmt(value: Decimal) -> str:
    """Canonical text of a Decimal: no exponent, no trailing zeros after the point."""
    if value == 0:
        return "0"
    text = format(value.normalize(), "f")
    return text
