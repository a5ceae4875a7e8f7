"""The production path: the problem assembled as one sparse QP and solved by Clarabel.

Variables, in order: lot sells q (L), buys b (one per allowed account-security pair), per group
the weight deviations y (S) and cash deviation yc, and the absolute deviations u of each wash
identity (K: substantially identical securities pooled) and uc of cash, the household request
per account z (when placed), and the groups' band slacks (`bands.py`).
Clarabel solves  min 1/2 x'Px + c'x  s.t.  Ax + s = b,  s in {0}^E x R+^I x SOC (bands).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

import clarabel
import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from trimtab.errors import InfeasibleError, OptimizationError
from trimtab.optimize.bands import GroupVars, add_band_rows, slack_count
from trimtab.optimize.problem import ProblemData, Solution, objective_terms
from trimtab.optimize.reduce import reduced
from trimtab.optimize.resolve import Assembled, known_solution

_OK = {clarabel.SolverStatus.Solved, clarabel.SolverStatus.AlmostSolved}
_INFEASIBLE = {clarabel.SolverStatus.PrimalInfeasible, clarabel.SolverStatus.AlmostPrimalInfeasible}


@dataclass
class _Rows:
    """Sparse rows collected as triplets, with their right-hand sides."""

    rows: list[np.ndarray]
    cols: list[np.ndarray]
    vals: list[np.ndarray]
    rhs: list[np.ndarray]
    count: int = 0

    def add(self, r: npt.ArrayLike, c: npt.ArrayLike, v: npt.ArrayLike, rhs: npt.ArrayLike) -> None:
        self.rows.append(np.asarray(r, dtype=np.int64) + self.count)
        self.cols.append(np.asarray(c, dtype=np.int64))
        self.vals.append(np.asarray(v, dtype=float))
        self.rhs.append(np.atleast_1d(np.asarray(rhs, dtype=float)))
        self.count += len(self.rhs[-1])


def _stacked(parts: tuple[_Rows, ...], n: int) -> tuple[sp.csc_matrix, np.ndarray]:
    """The parts' rows one under the other, as one sparse matrix (built once, in CSC)."""
    offsets = np.cumsum([0] + [p.count for p in parts])
    rows = [r + off for p, off in zip(parts, offsets, strict=False) for r in p.rows]
    cols = [c for p in parts for c in p.cols]
    vals = [v for p in parts for v in p.vals]
    rhs = [b for p in parts for b in p.rhs]
    empty = np.zeros(0, dtype=np.int64)
    a = _csc(
        np.concatenate(rows) if rows else empty,
        np.concatenate(cols) if cols else empty,
        np.concatenate(vals) if vals else np.zeros(0),
        (int(offsets[-1]), n),
    )
    return a, (np.concatenate(rhs) if rhs else np.zeros(0))


def _csc(
    rows: np.ndarray, cols: np.ndarray, vals: np.ndarray, shape: tuple[int, int]
) -> sp.csc_matrix:
    """Triplets to CSC by one sort (scipy's COO conversion checks and copies far more: a third
    of the assembly's time). Entries must not repeat a position; if some do, they are summed by
    scipy as before."""
    key = cols * shape[0] + rows
    order = np.argsort(key, kind="stable")  # a radix sort on integers: 5x quicker here
    if len(key) > 1 and np.any(np.diff(key[order]) == 0):
        return sp.csc_matrix((vals[order], (rows[order], cols[order])), shape=shape)
    indptr = np.zeros(shape[1] + 1, dtype=np.int32)
    np.cumsum(np.bincount(cols, minlength=shape[1]), out=indptr[1:])
    return sp.csc_matrix((vals[order], rows[order].astype(np.int32), indptr), shape=shape)


def _new() -> _Rows:
    return _Rows([], [], [], [])


def solve(data: ProblemData, like: Solution | None = None) -> Solution:
    """Solve with Clarabel; raises InfeasibleError, or OptimizationError on a numerical failure.

    Securities nothing in the problem can touch are left out of the solve (`reduce.py`, exact);
    the solution and its terms are over all of them. When `data` is the problem `like` solved
    but for its lots' bounds, `like`'s solver solves it again with the new bounds (`resolve.py`:
    the same bits, without assembly and setup); when its bounds are `like`'s too, the problem
    is the one `like` solved and `like`'s trades are the answer (a re-solve gives the same bits:
    a contested second pass often poses an account the problem of its first)."""
    small, keep = reduced(data)
    small = _risk_form(small)
    before = like.assembled if like is not None else None
    if isinstance(before, Assembled) and before.fits(small, keep):
        if like is not None and before.same_problem(small, like, data.holdings.shape):
            return known_solution(data, like, before)
        raw, assembled = _again(before, small)
    else:
        raw, assembled = _solve(small, keep)
    buys = raw.buys
    if keep is not None:
        buys = np.zeros(data.holdings.shape)
        buys[:, keep] = raw.buys
    terms = objective_terms(data, raw.sells, buys, raw.placed)
    return Solution(raw.sells, buys, sum(terms.values()), terms, raw.status, raw.placed, assembled)


def _again(before: Assembled, data: ProblemData) -> tuple[_Raw, Assembled | None]:
    """`before`'s problem with `data`'s lot bounds, on `before`'s solver; a solve that does not
    end cleanly is done afresh (the tolerance ladder decides it as for any problem)."""
    _precheck(data)
    b = before.rhs(data)
    before.solver.update(b=b)
    result = before.solver.solve()
    if result.status != clarabel.SolverStatus.Solved:
        return _solve(data, before.keep)
    assembled = dataclasses.replace(before, data=data, b=b)
    return _extract(data, result, TOLERANCES[0], before.pairs, before.offsets), assembled


def _risk_form(data: ProblemData) -> ProblemData:
    """The problem with the cheaper of the two exact forms of its tracking term: factors when
    there are at most half as many as securities (k rows of S loadings against S^2 / 2 entries
    of a dense block), else the dense covariance (a small ETF account: 1.69 -> 1.54 ms)."""
    if data.factors is None or 2 * data.factors.loadings.shape[1] <= data.holdings.shape[1]:
        return data
    return dataclasses.replace(data, factors=None)


class _Raw(NamedTuple):
    """A solve's trades (fractions of scale) and status, before the objective's terms."""

    sells: np.ndarray
    buys: np.ndarray
    placed: np.ndarray | None
    status: str


def _solve(data: ProblemData, keep: np.ndarray | None) -> tuple[_Raw, Assembled | None]:
    _precheck(data)
    n_a, n_s, n_l = data.shape
    ba, bs = data.buy_pairs()
    n_b, n_g = len(ba), len(data.groups)
    o_b, o_y = n_l, n_l + n_b
    o_yc = o_y + n_g * n_s
    pools = data.drift_pools()
    n_k = sum(size for _, size, _ in pools)
    o_u = o_yc + n_g
    o_uc = o_u + n_g * n_k
    o_z = o_uc + n_g
    n_z = n_a if data.places_flow else 0
    o_band = o_z + n_z
    slacks = np.cumsum([0] + [slack_count(g) for g in data.groups])
    o_f = o_band + int(slacks[-1])
    n_f = 0 if data.factors is None else data.factors.loadings.shape[1]
    n = o_f + n_g * n_f
    eq, ineq, soc = _new(), _new(), _new()
    cones: list[int] = []
    members = [np.zeros(n_a, dtype=bool) for _ in data.groups]
    for k, g in enumerate(data.groups):
        members[k][g.accounts] = True
    lot_in = [m[data.lot_account] for m in members]
    buy_in = [m[ba] for m in members]
    p_parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    c = np.zeros(n)
    c[:n_l] = data.lot_tax + data.cost[data.lot_security]
    c[:n_l] -= data.location[data.lot_account, data.lot_security]
    c[o_b:o_y] = data.cost[bs] + data.location[ba, bs]
    for k, g in enumerate(data.groups):
        ys = o_y + k * n_s + np.arange(n_s)
        held = data.holdings[g.accounts].sum(0) + g.fixed
        lots, buys = np.flatnonzero(lot_in[k]), np.flatnonzero(buy_in[k])
        eq.add(
            np.concatenate([np.arange(n_s), bs[buys], data.lot_security[lots]]),
            np.concatenate([ys, o_b + buys, lots]),
            np.concatenate([np.full(n_s, g.share), -np.ones(len(buys)), np.ones(len(lots))]),
            held - g.share * g.target,
        )
        cash = float((data.cash + data.flow)[g.accounts].sum()) + g.fixed_cash
        zs = o_z + g.accounts if n_z else np.zeros(0, dtype=np.int64)
        eq.add(
            np.zeros(1 + len(lots) + len(buys) + len(zs)),
            np.concatenate([[o_yc + k], lots, o_b + buys, zs]),
            np.concatenate([[g.share], -np.ones(len(lots)), np.ones(len(buys)), -np.ones(len(zs))]),
            cash - g.share * g.target_cash,
        )
        start = o_u + k * n_k
        for pool, size, weight in pools:  # +-(pooled gaps) - u <= 0
            us = start + np.arange(size)
            rows = np.arange(size)
            ineq.add(
                np.concatenate([pool, rows, size + pool, size + rows]),
                np.concatenate([ys, us, ys, us]),
                np.concatenate([np.ones(n_s), -np.ones(size), -np.ones(n_s), -np.ones(size)]),
                np.zeros(2 * size),
            )
            c[us] = g.share * data.drift_penalty * 0.5 * weight
            start += size
        ineq.add([0, 0, 1, 1], [o_yc + k, o_uc + k] * 2, [1.0, -1.0, -1.0, -1.0], [0.0, 0.0])
        c[o_uc + k] = g.share * data.drift_penalty * 0.5
        fs = o_f + k * n_f + np.arange(n_f)
        where = GroupVars(
            ys, o_yc + k, o_u + k * n_k, pools[0][1], o_uc + k, o_band + slacks[k], fs
        )
        cones += add_band_rows(data, g, where, ineq, soc, c)
        p_parts += _risk(data, 2 * data.risk_aversion * g.share, ys, fs, eq)
    _account_rows(data, ineq, ba, o_b, o_z if n_z else None)
    bounds_at = ineq.count  # the lots' maximum rows, among the inequalities
    _bound_rows(data, ineq, n_l, n_b, o_b)
    if n_z:
        _placement_rows(data, eq, ineq, c, o_z)
    max_rows = eq.count + bounds_at + np.arange(n_l)  # the inequalities follow all equalities
    raw, solver, b = _run(data, n, p_parts, c, (eq, ineq, soc, cones), (ba, bs), (o_b, o_z))
    if solver is None:
        return raw, None
    return raw, Assembled(data, keep, solver, b, max_rows, (ba, bs), (o_b, o_z))


def _risk(
    data: ProblemData, weight: float, ys: np.ndarray, fs: np.ndarray, eq: _Rows
) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """The tracking term weight * y'cov y as entries (row, col, value) of P's upper triangle.

    Dense: the S x S block. In factor form (`data.factors`): f = B'y as k equality rows, and
    P = weight * (diag(specific) on y, identity on f), the same quadratic.
    """
    if data.factors is None:
        r, c = _upper(len(ys))
        return [(ys[r], ys[c], weight * data.cov[r, c])]
    loadings = data.factors.loadings
    n_s, n_f = loadings.shape
    eq.add(
        np.concatenate([np.arange(n_f), np.repeat(np.arange(n_f), n_s)]),
        np.concatenate([fs, np.tile(ys, n_f)]),
        np.concatenate([np.ones(n_f), -loadings.T.ravel()]),
        np.zeros(n_f),
    )
    return [(ys, ys, weight * data.factors.specific), (fs, fs, np.full(n_f, weight))]


def _account_rows(
    data: ProblemData, ineq: _Rows, ba: np.ndarray, o_b: int, o_z: int | None
) -> None:
    """Cash after trades at or above the reserve, and the household's gain and tax caps."""
    n_l = len(data.lot_value)
    n_a = data.holdings.shape[0]
    z_rows = np.arange(n_a) if o_z is not None else np.zeros(0, dtype=np.int64)
    ineq.add(
        np.concatenate([data.lot_account, ba, z_rows]),
        np.concatenate([np.arange(n_l), o_b + np.arange(len(ba)), (o_z or 0) + z_rows]),
        np.concatenate([-np.ones(n_l), np.ones(len(ba)), -np.ones(len(z_rows))]),
        data.cash + data.flow - data.reserve,
    )
    if data.gain_cap is not None:
        ineq.add(np.zeros(n_l), np.arange(n_l), data.lot_gain, data.gain_cap)
    if data.tax_cap is not None:
        ineq.add(np.zeros(n_l), np.arange(n_l), data.lot_gain * data.lot_tax_rate, data.tax_cap)


def _placement_rows(data: ProblemData, eq: _Rows, ineq: _Rows, c: np.ndarray, o_z: int) -> None:
    """The household request sums to its total; each account's share within its bounds."""
    n_a = data.holdings.shape[0]
    zs = o_z + np.arange(n_a)
    eq.add(np.zeros(n_a), zs, np.ones(n_a), data.placed_total)
    ineq.add(np.arange(n_a), zs, np.ones(n_a), data.placed_max)
    ineq.add(np.arange(n_a), zs, -np.ones(n_a), -data.placed_min)
    sign = -1.0 if data.placed_total < 0 else 1.0
    c[zs] = sign * data.placed_cost


def _bound_rows(data: ProblemData, ineq: _Rows, n_l: int, n_b: int, o_b: int) -> None:
    """min <= q <= max per lot, b >= 0."""
    idx = np.arange(n_l)
    ineq.add(idx, idx, np.ones(n_l), data.lot_max)
    ineq.add(idx, idx, -np.ones(n_l), -data.lot_min)
    ineq.add(np.arange(n_b), o_b + np.arange(n_b), -np.ones(n_b), np.zeros(n_b))


def _precheck(data: ProblemData) -> None:
    """Infeasibility any account shows on its own: a cash need beyond all it may sell (and any
    deposit it may be given). Caught here, exactly, rather than left to a marginal solve."""
    n_a = data.holdings.shape[0]
    sellable = np.bincount(data.lot_account, weights=data.lot_max, minlength=n_a)
    incoming = data.placed_max if data.places_flow and data.placed_max is not None else 0.0
    room = data.cash + data.flow + incoming + sellable - data.reserve
    if np.any(room < -1e-12) or np.any(data.lot_min > data.lot_max + 1e-15):
        raise InfeasibleError("an account cannot meet its cash need")


TOLERANCES = (1e-9, 1e-7, 1e-5)
"""Clarabel's gap and feasibility tolerances, tried in turn: a solve that stalls (insufficient
progress, iteration limit) at one is retried at the next; its answer is taken, flagged
"inaccurate", only when the solver says almost solved or the point satisfies every constraint
within 1e-7."""


def _settings(tolerance: float, refine: bool = True) -> clarabel.DefaultSettings:
    settings = clarabel.DefaultSettings()
    settings.verbose = False
    settings.tol_gap_abs = settings.tol_gap_rel = tolerance
    settings.tol_feas = tolerance
    settings.direct_solve_method = "qdldl"  # "auto" picks a slower factorization at 300 securities
    settings.max_threads = 1  # one core per solve: the book runs households in parallel
    settings.iterative_refinement_enable = refine
    return settings


def _fast(
    p: sp.csc_matrix, c: np.ndarray, a: sp.csc_matrix, b: np.ndarray, cones: list[object]
) -> tuple[clarabel.DefaultSolver, clarabel.DefaultSolution] | None:
    """The first try, without iterative refinement of each step's linear solve: 1.6x quicker
    on a direct-indexed account (7.2 -> 4.5 ms, the same 17.5 iterations, objectives within
    6e-10). Only a clean "solved" is taken from it; anything else (infeasible included) is
    decided by the refined solves of the tolerance ladder, as before. (solver, result)."""
    solver = clarabel.DefaultSolver(p, c, a, b, cones, _settings(TOLERANCES[0], False))
    result = solver.solve()
    return (solver, result) if result.status == clarabel.SolverStatus.Solved else None


def _feasible(a: sp.csc_matrix, b: np.ndarray, n_eq: int, n_soc: int, x: np.ndarray) -> bool:
    """Whether a point satisfies the equalities and linear inequalities within 1e-7 (the band
    cones have slacks: any point meets them)."""
    if len(x) != a.shape[1] or not np.all(np.isfinite(x)):
        return False
    r = a @ x - b
    linear = r[n_eq : len(r) - n_soc]
    return bool(np.all(np.abs(r[:n_eq]) <= 1e-7) and np.all(linear <= 1e-7))


def _run(
    data: ProblemData,
    n: int,
    p_parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]],
    c: np.ndarray,
    constraints: tuple[_Rows, _Rows, _Rows, list[int]],
    pairs: tuple[np.ndarray, np.ndarray],
    offsets: tuple[int, int],
) -> tuple[_Raw, clarabel.DefaultSolver | None, np.ndarray]:
    """Solve: (trades, the solver when it may solve again with another right-hand side, the
    right-hand side). `constraints` are the equality, inequality and second-order cone rows,
    and the cones' sizes."""
    eq, ineq, soc, socs = constraints
    rows, cols, vals = (np.concatenate(part) for part in zip(*p_parts, strict=True))
    p = _csc(rows, cols, vals, (n, n))
    a, b = _stacked((eq, ineq, soc), n)
    cones = [clarabel.ZeroConeT(eq.count), clarabel.NonnegativeConeT(ineq.count)]
    cones += [clarabel.SecondOrderConeT(k) for k in socs]
    fast = _fast(p, c, a, b, cones)
    if fast is not None:
        solver, result = fast
        reusable = solver if solver.is_data_update_allowed() else None
        return _extract(data, result, TOLERANCES[0], pairs, offsets), reusable, b
    result, tolerance = _ladder(p, c, (a, b, cones), eq.count, soc.count)
    return _extract(data, result, tolerance, pairs, offsets), None, b


def _extract(
    data: ProblemData,
    result: clarabel.DefaultSolution,
    tolerance: float,
    pairs: tuple[np.ndarray, np.ndarray],
    offsets: tuple[int, int],
) -> _Raw:
    """The trades of a solver's answer (fractions of scale), within the lots' bounds."""
    o_b, o_z = offsets
    x = np.asarray(result.x)
    n_a, _, n_l = data.shape
    sells = np.clip(x[:n_l], data.lot_min, data.lot_max)
    buys = np.zeros(data.holdings.shape)
    buys[pairs] = np.maximum(x[o_b : o_b + len(pairs[0])], 0.0)
    placed = np.asarray(x[o_z : o_z + n_a], dtype=float) if data.places_flow else None
    status = "solved" if result.status == clarabel.SolverStatus.Solved else "inaccurate"
    if tolerance != TOLERANCES[0]:
        status += f" (retried at tolerance {tolerance:g})"
    return _Raw(sells, buys, placed, status)


def _ladder(
    p: sp.csc_matrix,
    c: np.ndarray,
    constraints: tuple[sp.csc_matrix, np.ndarray, list[object]],
    n_eq: int,
    n_soc: int,
) -> tuple[clarabel.DefaultSolution, float]:
    """The refined solves at each tolerance in turn (`TOLERANCES`): (result, its tolerance)."""
    a, b, cones = constraints
    for tolerance in TOLERANCES:
        result = clarabel.DefaultSolver(p, c, a, b, cones, _settings(tolerance)).solve()
        if result.status in _INFEASIBLE:
            raise InfeasibleError("no trades satisfy the constraints")
        if result.status in _OK or _feasible(a, b, n_eq, n_soc, np.asarray(result.x)):
            return result, tolerance
    raise OptimizationError(f"solver stopped: {result.status}")


@lru_cache(maxsize=16)
def _upper(size: int) -> tuple[np.ndarray, np.ndarray]:
    """Row and column indices of the upper triangle of a square block (kept for the last few
    sizes: the accounts of a household ask again and again)."""
    return np.triu_indices(size)
