"""The location score: exact shortcuts (one kind of account, two kinds) against a plain LP."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import linprog

from trimtab.measures.location import _class_max, _unique_rows, location_score

CLASSES = ["us_equity", "us_bond", "muni", "reit"]


def lp_score(values: np.ndarray, drag: np.ndarray) -> float | None:
    """The score from the transport LP over every account (no merging), for comparison."""
    n_a, n_c = values.shape
    a_eq = np.zeros((n_a + n_c, n_a * n_c))
    for a in range(n_a):
        a_eq[a, a * n_c : (a + 1) * n_c] = 1
    for c in range(n_c):
        a_eq[n_a + c, c::n_c] = 1
    b_eq = np.concatenate([values.sum(1), values.sum(0)])
    ends = []
    for sign in (1.0, -1.0):
        res = linprog(sign * drag.ravel(), A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
        ends.append(float(drag.ravel() @ res.x))
    best, worst = ends
    if worst - best <= 1e-9 * worst:
        return None
    return 100 * (worst - float((values * drag).sum())) / (worst - best)


def household(kinds: list[int], seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Values (accounts x classes, one security per class) and drag rows by account kind."""
    rng = np.random.default_rng(seed)
    by_kind = rng.uniform(0.0, 0.03, (3, len(CLASSES)))
    values = rng.uniform(0, 1e5, (len(kinds), len(CLASSES)))
    values *= rng.random(values.shape) < 0.7
    return values, by_kind[kinds]


@pytest.mark.parametrize("kinds", [[0], [1, 1], [0, 0, 0, 0], [2, 2, 2]])
def test_accounts_of_one_kind_have_no_score(kinds: list[int]) -> None:
    # every placement has the same drag: None, never a spurious 0 or 100 from LP noise
    for seed in range(20):
        values, drag = household(kinds, seed)
        assert location_score(values, drag, CLASSES) is None


@pytest.mark.parametrize("kinds", [[0, 1], [1, 0, 1], [0, 2, 2, 0], [0, 1, 2], [2, 1, 0, 1, 2]])
def test_score_matches_the_transport_lp(kinds: list[int]) -> None:
    for seed in range(20):
        values, drag = household(kinds, seed)
        ours, plain = location_score(values, drag, CLASSES), lp_score(values, drag)
        if plain is None:
            assert ours is None
        else:
            assert ours is not None and abs(ours - plain) <= 1e-7


def test_unique_rows_match_numpy_unique() -> None:
    rng = np.random.default_rng(3)
    for n in range(7):
        matrix = rng.choice(np.array([0.0, 0.01, 0.02, -0.01]), size=(n, 3))
        if n > 1:
            matrix[-1] = matrix[0]
        rows, inverse = _unique_rows(matrix)
        want_rows, want_inverse = np.unique(matrix, axis=0, return_inverse=True)
        assert rows.shape == want_rows.shape and np.array_equal(rows, want_rows)
        assert np.array_equal(inverse, want_inverse.ravel())


def test_class_max_is_the_largest_drag_of_each_class_per_account() -> None:
    rng = np.random.default_rng(4)
    col = np.array([2, 0, 1, 0, 2, 2])
    drag = rng.uniform(0, 0.02, size=(3, len(col)))
    want = np.stack([drag[:, col == k].max(axis=1) for k in range(3)], axis=1)
    assert np.array_equal(_class_max(drag, col, 3), want)
    assert _class_max(drag[:, :0], col[:0], 0).shape == (3, 0)
