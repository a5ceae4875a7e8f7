"""The reference: the documented problem written plainly in cvxpy, to check the production path.

Slow (cvxpy canonicalises on every call) and used only by tests and for diagnosis; it reads the
same `ProblemData` but builds the formulation straight from docs/optimizer.md, independently
of the sparse assembly in `qp.py`.
"""

from __future__ import annotations

import cvxpy as cp
import numpy as np
import scipy.sparse as sp

from trimtab.optimize.problem import BAND_PENALTY, Group, ProblemData, Solution, objective_terms


def solve_reference(data: ProblemData) -> Solution:
    n_a, n_s, n_l = data.shape
    q = cp.Variable(n_l)
    b = cp.Variable((n_a, n_s))
    rows = data.lot_account * n_s + data.lot_security
    gather = sp.csr_matrix((np.ones(n_l), (rows, np.arange(n_l))), shape=(n_a * n_s, n_l))
    sold_m = cp.reshape(gather @ q, (n_a, n_s), order="C")
    holdings = data.holdings + b - sold_m
    cash = data.cash + data.flow + cp.sum(sold_m, axis=1) - cp.sum(b, axis=1)
    z = cp.Variable(n_a) if data.places_flow else None
    if z is not None:
        cash = cash + z
    tracking, drift, bands = 0, 0, 0
    sqrt_cov = _sqrt_psd(data.cov)
    pools = []
    for index, size, weight in data.drift_pools():
        matrix = np.zeros((size, n_s))
        matrix[index, np.arange(n_s)] = 1.0
        pools.append((matrix, weight))
    for g in data.groups:
        rows = list(g.accounts)
        w = (cp.sum(holdings[rows, :], axis=0) + g.fixed) / g.share - g.target
        wc = (cp.sum(cash[rows]) + g.fixed_cash) / g.share - g.target_cash
        tracking += g.share * data.risk_aversion * cp.sum_squares(sqrt_cov @ w)
        l1 = cp.abs(wc) + sum(weight * cp.norm1(matrix @ w) for matrix, weight in pools)
        drift += g.share * data.drift_penalty * 0.5 * l1
        bands += g.share * BAND_PENALTY * _band_excess(data, g, w, wc, pools[0][0], sqrt_cov)
    tax = data.lot_tax @ q
    cost = cp.sum(b @ data.cost) + data.cost[data.lot_security] @ q
    location = cp.sum(cp.multiply(data.location, holdings))
    moved = 0.0 if z is None else data.placed_cost @ cp.abs(z)
    constraints = [
        q >= data.lot_min,
        q <= data.lot_max,
        b >= 0,
        cp.multiply((~data.can_buy).astype(float), b) == 0,
        cash >= data.reserve,
    ]
    if z is not None:
        constraints += [cp.sum(z) == data.placed_total, z >= data.placed_min, z <= data.placed_max]
    if data.gain_cap is not None:
        constraints.append(data.lot_gain @ q <= data.gain_cap)
    if data.tax_cap is not None:
        constraints.append((data.lot_gain * data.lot_tax_rate) @ q <= data.tax_cap)
    problem = cp.Problem(
        cp.Minimize(tracking + drift + tax + cost + location + moved + bands), constraints
    )
    problem.solve(solver=cp.CLARABEL)
    if q.value is None:
        empty = np.zeros(n_l)
        return Solution(empty, np.zeros((n_a, n_s)), float("inf"), {}, str(problem.status))
    sells = np.asarray(q.value, dtype=float)
    buys = np.where(data.can_buy, np.asarray(b.value, dtype=float), 0.0)
    placed = None if z is None else np.asarray(z.value, dtype=float)
    terms = objective_terms(data, sells, buys, placed)
    return Solution(sells, buys, float(problem.value), terms, str(problem.status), placed)


def _band_excess(
    data: ProblemData,
    g: Group,
    w: cp.Expression,
    wc: cp.Expression,
    pooled: np.ndarray,
    sqrt_cov: np.ndarray,
) -> cp.Expression | float:
    """How far the group misses its bands: drift, each class, tracking error (docs)."""
    lim = g.limits
    if lim is None:
        return 0.0
    out = cp.pos(0.5 * (cp.norm1(pooled @ w) + cp.abs(wc)) - lim.drift)
    for k in np.flatnonzero(np.isfinite(lim.class_band)):
        members = (lim.asset_class == k).astype(float)
        out += cp.pos(cp.abs(members @ w) - lim.class_band[k])
    if lim.tracking_error is not None:
        out += cp.pos(cp.norm(sqrt_cov @ w) - lim.tracking_error)
    return out


def _sqrt_psd(cov: np.ndarray) -> np.ndarray:
    """A matrix R with R'R = cov (eigen square root), so the quadratic is a sum of squares."""
    vals, vecs = np.linalg.eigh((cov + cov.T) / 2)
    return (vecs * np.sqrt(np.maximum(vals, 0))).T
