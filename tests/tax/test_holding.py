from datetime import date, timedelta

import numpy as np
import pytest

from trimtab.names import Term
from trimtab.tax.holding import days_to_long_term, is_long_term, long_term_from, term_of


@pytest.mark.parametrize(
    ("acquired", "first_long"),
    [
        ("2023-02-05", "2024-02-06"),
        ("2024-02-29", "2025-03-01"),
        ("2024-02-28", "2025-03-01"),
        ("2023-02-28", "2024-03-01"),
        ("2023-02-27", "2024-02-28"),
        ("2023-12-31", "2025-01-01"),
        ("2022-03-01", "2023-03-02"),
    ],
)
def test_long_term_from(acquired: str, first_long: str) -> None:
    a, f = date.fromisoformat(acquired), date.fromisoformat(first_long)
    assert long_term_from(a) == f
    assert term_of(a, f) is Term.LONG
    assert term_of(a, f - timedelta(days=1)) is Term.SHORT


def test_vectorized_matches_scalar_over_four_years() -> None:
    days = [date(2022, 1, 1) + timedelta(days=i) for i in range(0, 4 * 366)]
    acquired = np.array(days, dtype="datetime64[D]")
    for on in (date(2024, 2, 29), date(2025, 3, 1), date(2024, 3, 1), date(2025, 12, 31)):
        expected = np.array([term_of(d, on) is Term.LONG for d in days])
        assert np.array_equal(is_long_term(acquired, on), expected)
        wait = days_to_long_term(acquired, on)
        exp_wait = [max(0, (long_term_from(d) - on).days) for d in days]
        assert wait.tolist() == exp_wait
