"""money: the vectorized cents of float USD equal the scalar rounding, value for value."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from trimtab.money import rounded_cents, rounded_cents_all


def _same(values: np.ndarray) -> None:
    got = rounded_cents_all(values)
    want = [rounded_cents(v) for v in values.tolist()]
    # str() tells 0.00 from -0.00 and 1.00 from 1.0, which == does not
    assert [str(g) for g in got] == [str(w) for w in want]
    assert all(type(g) is Decimal for g in got)


def test_rounded_cents_rounds_to_six_decimals_first_then_half_to_even() -> None:
    assert rounded_cents(0.0049999999) == Decimal("0.00")  # 0.005 after 6 decimals: a tie
    assert rounded_cents(0.015) == Decimal("0.02")
    assert rounded_cents(0.025) == Decimal("0.02")
    assert str(rounded_cents(-0.004)) == "-0.00"


def test_ties_and_near_ties_match_the_scalar_rounding() -> None:
    k = np.arange(-20_000, 20_000, dtype=np.float64)
    for offset in (0.0, 0.5, 0.49999999, 0.50000001, 1e-9):
        for scale in (1e2, 1e4, 1e6, 1e7):
            _same((k * 997 + offset) / scale)
    _same(np.arange(-5_000, 5_000) / 128.0)  # exact binary ties at the 6th decimal
    _same(np.array([0.0, -0.0, 5e-7, -5e-7, 1.005, 2.675, 999_999_999.995, 1e9, -1e9, 3e12]))


@given(st.lists(st.floats(allow_nan=False, allow_infinity=False, width=64), max_size=50))
def test_any_finite_float_matches_the_scalar_rounding(values: list[float]) -> None:
    array = np.array(values, dtype=np.float64)
    try:
        want = [str(rounded_cents(v)) for v in values]
    except InvalidOperation:  # too many digits for a Decimal of 28: both refuse
        with pytest.raises(InvalidOperation):
            rounded_cents_all(array)
        return
    assert [str(g) for g in rounded_cents_all(array)] == want


def test_empty_and_not_a_number() -> None:
    assert rounded_cents_all(np.array([])) == []
    assert rounded_cents_all(np.array([np.nan]))[0].is_nan()
