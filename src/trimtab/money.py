"""Exact money: Decimal everywhere money is reported, rounded to cents at one boundary."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation

import numpy as np

CENT = Decimal("0.01")
ZERO = Decimal(0)
_MINUS_CENT = Decimal("-0.01")
_FAST_BELOW = 1e9
"""|USD| under which a float rounded to 6 decimals has at most 15 significant digits."""


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
    if type(value) is Decimal:  # the common case, without `D`'s checks
        return value.quantize(CENT, ROUND_HALF_EVEN)
    return D(value).quantize(CENT, rounding=ROUND_HALF_EVEN)


def rounded_cents(value: float) -> Decimal:
    """USD to the cent after rounding the float to 6 decimals first, so float noise (0.004999999
    for 0.005) does not decide a cent; then half to even."""
    return cents(Decimal(repr(round(float(value), 6))))


def rounded_cents_all(values: np.ndarray) -> list[Decimal]:
    """`rounded_cents` of each float64 USD value, exactly, without Python arithmetic per value.

    `round(v, 6)` keeps m / 1e6, m = |v| * 1e6 rounded half to even (its repr is that decimal
    while |v| < 1e9: 15 significant digits round-trip), and half-to-even cents of m / 1e6 are
    integer arithmetic on m; the sign is v's (-0.004 is -0.00). The float product |v| * 1e6 is
    within half an ulp of the exact one, so it rounds like it unless it lies within an ulp of a
    half-integer: those values, |v| >= 1e9 and non-finite ones take the scalar path.
    """
    v = np.asarray(values, dtype=np.float64).ravel()
    fast = np.isfinite(v) & (np.abs(v) < _FAST_BELOW)
    scaled = np.where(fast, np.abs(v), 0.0) * 1e6
    fast &= np.abs(scaled - np.floor(scaled) - 0.5) > np.spacing(scaled)
    q, rem = np.divmod(np.rint(scaled).astype(np.int64), 10_000)
    whole = q + ((rem > 5_000) | ((rem == 5_000) & (q % 2 == 1)))
    out = np.where(np.signbit(v), _MINUS_CENT, CENT) * whole.astype(object)
    for i in np.flatnonzero(~fast).tolist():
        out[i] = rounded_cents(float(v[i]))
    return out.tolist()


def fmt(value: Decimal) -> str:
    """Canonical text of a Decimal: no exponent, no trailing zeros after the point."""
    if value == 0:
        return "0"
    text = format(value.normalize(), "f")
    return text
