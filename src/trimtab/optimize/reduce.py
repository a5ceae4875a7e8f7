"""Universe reduction: a problem without the securities nothing in it can touch.

An account problem carries the whole household's universe (every security of the snapshot), but
a security the problem neither holds (in a lot or a position, fixed ones included), may buy, nor
targets has its weight gap fixed at zero: no trade can move it. Dropping it removes a gap
variable, its covariance row and column, and its wash identity's or sleeve's drift variables
when no member is left, and changes no objective value and no feasible trade (an exact
reduction, not an approximation): every term at a zero gap is zero, and the tracking-error cone
of the kept block measures the same norm (`(F y)'(F y) = y' cov y` with `F'F` the kept block).
An ETF account in a household of a few hundred securities keeps only its model's funds, their
alternates and what it holds.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from trimtab.optimize.problem import FactorCov, Group, ProblemData


def active_securities(data: ProblemData) -> np.ndarray:
    """A bool per security: held, in a lot, buyable, or targeted or fixed by some group."""
    keep = (data.holdings != 0).any(axis=0) | data.can_buy.any(axis=0)
    keep[data.lot_security] = True
    for g in data.groups:
        keep |= (g.target != 0) | (g.fixed != 0)
    return keep


def reduced(data: ProblemData) -> tuple[ProblemData, np.ndarray | None]:
    """The problem over its active securities, and their indices (None: nothing dropped, the
    problem itself is returned)."""
    keep = active_securities(data)
    if keep.all():
        return data, None
    idx = np.flatnonzero(keep)
    remap = np.full(len(keep), -1, dtype=np.int64)
    remap[idx] = np.arange(len(idx))
    small = dataclasses.replace(
        data,
        holdings=data.holdings[:, idx],
        can_buy=data.can_buy[:, idx],
        cost=data.cost[idx],
        location=data.location[:, idx],
        lot_security=remap[data.lot_security],
        groups=tuple(_group(g, idx) for g in data.groups),
        cov=data.cov[np.ix_(idx, idx)],
        identity=_renumber(data.identity[idx]),
        sleeve=None if data.sleeve is None else _renumber(data.sleeve[idx]),
        factors=None if data.factors is None else _factors(data.factors, idx),
    )
    return small, idx


def _group(g: Group, idx: np.ndarray) -> Group:
    limits = g.limits
    if limits is not None:
        limits = dataclasses.replace(limits, asset_class=limits.asset_class[idx])
    return dataclasses.replace(g, target=g.target[idx], fixed=g.fixed[idx], limits=limits)


def _factors(factors: FactorCov, idx: np.ndarray) -> FactorCov:
    return FactorCov(factors.loadings[idx], factors.specific[idx])


def _renumber(labels: np.ndarray) -> np.ndarray:
    """Labels renumbered 0..k-1, in their old order (pools without a member dropped)."""
    present = np.zeros(int(labels.max(initial=-1)) + 1, dtype=np.int64)
    present[labels] = 1
    return (np.cumsum(present) - 1)[labels]
