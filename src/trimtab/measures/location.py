"""Asset location: the yearly tax drag of a class in an account kind, and the location score.

Drag (fraction of value per year), with st = ordinary rate, lt = long-term rate, r = expected
return, y = income yield, i = the rate on the income in a taxable account (st ordinary, lt
qualified, 0 tax-exempt), g = growth_realization:
- taxable:      y * i + (r - y) * lt * g
- tax_deferred: y * (st - i) + (r - y) * (st - lt)   (withdrawals are ordinary income: income
  taxed lower outside and capital growth both lose their lower rate)
- tax_exempt:   0
So bonds belong in tax-deferred accounts, growth in tax-exempt ones and municipal bonds in taxable
ones, as far as the household's room and the taxes of moving allow.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy.optimize import linprog

from trimtab.config import LocationSettings
from trimtab.domain import Account, Household, Security
from trimtab.measures.assumptions import assumption
from trimtab.names import AccountKind, TaxCharacter

KINDS = (AccountKind.TAXABLE, AccountKind.TAX_DEFERRED, AccountKind.TAX_EXEMPT)


def class_drag(
    asset_class: str, hh: Household, settings: LocationSettings
) -> dict[AccountKind, float]:
    """Yearly drag of holding `asset_class` in each account kind, for this household's rates."""
    a = assumption(asset_class, settings)
    st, lt = float(hh.st_rate), float(hh.lt_rate)
    income = {TaxCharacter.ORDINARY: st, TaxCharacter.QUALIFIED: lt, TaxCharacter.TAX_EXEMPT: 0.0}
    i = income[a.character]
    growth = max(a.expected_return - a.income_yield, 0.0)
    return {
        AccountKind.TAXABLE: a.income_yield * i + growth * lt * settings.growth_realization,
        AccountKind.TAX_DEFERRED: a.income_yield * (st - i) + growth * (st - lt),
        AccountKind.TAX_EXEMPT: 0.0,
    }


def drag_matrix(
    accounts: Sequence[Account],
    securities: Sequence[Security],
    hh: Household,
    settings: LocationSettings,
) -> np.ndarray:
    """(A, S) yearly drag per USD held of each security in each account.

    The drag depends only on (account kind, asset class): one `class_drag` per distinct class
    makes a (kind, class) table, and the matrix picks from it by index.
    """
    if not accounts:
        return np.array([])
    names = dict.fromkeys(s.asset_class for s in securities)
    by_class = {name: class_drag(name, hh, settings) for name in names}
    column = {name: k for k, name in enumerate(by_class)}
    table = np.array([[drag[kind] for drag in by_class.values()] for kind in KINDS])
    rows = [KINDS.index(a.kind) for a in accounts]
    cols = [column[s.asset_class] for s in securities]
    return table[np.ix_(rows, cols)]


def location_score(values: np.ndarray, drag: np.ndarray, classes: Sequence[str]) -> float | None:
    """0-100: where the household's yearly drag sits between the worst and best placement.

    `values[a, s]` USD held. The best and worst placements keep each class's total and each
    account's invested total and only move classes between accounts (a transport problem).
    100 = the least drag possible for these holdings, 0 = the most; None when nothing can move
    (every placement has the same drag, e.g. all accounts of one kind).
    """
    names = sorted(set(classes))
    index = {name: k for k, name in enumerate(names)}
    col = np.array([index[c] for c in classes], dtype=np.intp)
    held = np.zeros((values.shape[0], len(names)))
    np.add.at(held, (slice(None), col), values)
    per_class = _class_max(drag, col, len(names))
    actual = float((held * per_class).sum())
    rows, totals = _merged(held, per_class)
    if len(rows) < 2:
        return None
    best, worst = _extremes(totals, held.sum(0), rows, actual)
    if worst - best <= 1e-9 * max(abs(worst), abs(best), 1e-300):
        return None
    return float(np.clip(100 * (worst - actual) / (worst - best), 0, 100))


def _class_max(drag: np.ndarray, col: np.ndarray, n_classes: int) -> np.ndarray:
    """(A, K) the largest drag among each class's securities, per account (`col[s]` is security
    s's class, every class 0..K-1 has one): one segmented max over the class-sorted columns."""
    if n_classes == 0:
        return np.zeros((drag.shape[0], 0))
    order = np.argsort(col, kind="stable")
    starts = np.searchsorted(col[order], np.arange(n_classes))
    return np.maximum.reduceat(drag[:, order], starts, axis=1)


def _merged(held: np.ndarray, drag: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct drag rows of the accounts that hold anything, and each one's invested total.

    Accounts with the same drag row (the same kind) are one source of the transport problem:
    any placement among them costs the same, so merging them is exact and leaves at most three
    rows (taxable, tax-deferred, tax-exempt).
    """
    invested = held.sum(1)
    live = invested > 0
    rows, inverse = _unique_rows(drag[live])
    totals = np.bincount(inverse, weights=invested[live], minlength=len(rows))
    return rows, totals


def _unique_rows(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """`np.unique(matrix, axis=0, return_inverse=True)` for a few rows: the distinct rows in
    lexicographic order and each row's index among them, by Python tuples (np.unique's
    structured sort costs far more than the handful of rows an account list has)."""
    keys = [tuple(row) for row in matrix.tolist()]
    distinct = sorted(set(keys))
    position = {key: i for i, key in enumerate(distinct)}
    rows = np.array(distinct, dtype=float).reshape(len(distinct), matrix.shape[1])
    return rows, np.array([position[key] for key in keys], dtype=np.intp)


def _extremes(
    totals: np.ndarray, per_class: np.ndarray, drag: np.ndarray, actual: float
) -> tuple[float, float]:
    """(least, most) drag of placing `per_class` USD into sources of `totals` USD with costs
    `drag[r, c]`: exact by a greedy fill for two sources, a linear program beyond."""
    if len(totals) == 2:
        order = np.argsort(drag[0] - drag[1], kind="stable")
        best = _fill(totals[0], per_class, drag, order)
        return best, _fill(totals[0], per_class, drag, order[::-1])
    return _linear_program(totals, per_class, drag, actual)


def _fill(first: float, per_class: np.ndarray, drag: np.ndarray, order: np.ndarray) -> float:
    """Drag when source 0 takes classes in `order` until it holds `first` USD, source 1 the rest
    (the optimum of a two-source transport problem for the right order)."""
    before = np.concatenate([[0.0], np.cumsum(per_class[order])[:-1]])
    take = np.zeros(len(per_class))
    take[order] = np.clip(first - before, 0.0, per_class[order])
    return float(take @ drag[0] + (per_class - take) @ drag[1])


def _linear_program(
    totals: np.ndarray, per_class: np.ndarray, drag: np.ndarray, actual: float
) -> tuple[float, float]:
    """Three or more sources: HiGHS (a failed solve counts as the actual placement)."""
    n_a, n_c = drag.shape
    a_eq = np.zeros((n_a + n_c, n_a * n_c))
    for a in range(n_a):
        a_eq[a, a * n_c : (a + 1) * n_c] = 1
    for c in range(n_c):
        a_eq[n_a + c, c::n_c] = 1
    b_eq = np.concatenate([totals, per_class])
    out = []
    for sign in (1.0, -1.0):
        res = linprog(sign * drag.ravel(), A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
        out.append(float(drag.ravel() @ res.x) if res.success else actual)
    return out[0], out[1]
