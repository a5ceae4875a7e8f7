"""Tolerance bands in the QP: each band a constraint with a non-negative slack priced at
`BAND_PENALTY`, so the solve meets every band the hard limits allow and misses the others by as
little as it can (docs/optimizer.md, "Bands").

Per group with limits, variables (in order): the drift slack, one slack per asset class, the
tracking-error slack. Rows: 0.5 * (sum u + uc) - slack <= drift tolerance (u, uc the absolute
wash-identity and cash gaps the drift term already has); +-sum of the class's gaps y - slack <=
band; and, with a tracking-error cap, the second-order cone ||F y|| <= cap + slack, F'F = cov.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from trimtab.measures.bands import Breach, breaches
from trimtab.optimize.diagnose import binding_limits
from trimtab.optimize.problem import (
    BAND_PENALTY,
    Group,
    ProblemData,
    Solution,
    group_gaps,
    post_trade,
)
from trimtab.risk.model import psd_root

if TYPE_CHECKING:
    from trimtab.optimize.qp import _Rows


@dataclass(frozen=True)
class GroupVars:
    """Where a group's variables sit: its gaps y (S), cash gap yc, the first |u| of the identity
    pool (`u_start`, `u_size`), |uc|, and its first band slack."""

    ys: np.ndarray
    yc: int
    u_start: int
    u_size: int
    uc: int
    slack: int
    fs: np.ndarray | None = None
    """The factor variables f = B'y when the risk model is in factor form."""


def slack_count(g: Group) -> int:
    """Band slacks of a group: drift, one per class, tracking error (0 without limits)."""
    return 0 if g.limits is None else 2 + len(g.limits.class_names)


def add_band_rows(
    data: ProblemData, g: Group, v: GroupVars, ineq: _Rows, soc: _Rows, c: np.ndarray
) -> list[int]:
    """Add the group's band rows (in place) and return the sizes of its second-order cones."""
    lim = g.limits
    if lim is None:
        return []
    n_c = len(lim.class_names)
    slacks = v.slack + np.arange(2 + n_c)
    c[slacks] = g.share * BAND_PENALTY
    ineq.add(np.arange(2 + n_c), slacks, -np.ones(2 + n_c), np.zeros(2 + n_c))
    us = v.u_start + np.arange(v.u_size)
    if np.isfinite(lim.drift):
        ineq.add(
            np.zeros(v.u_size + 2, dtype=np.int64), np.concatenate([us, [v.uc, v.slack]]),
            np.concatenate([np.full(v.u_size + 1, 0.5), [-1.0]]), lim.drift,
        )  # fmt: skip
    banded = np.flatnonzero(np.isfinite(lim.class_band))
    if len(banded):  # +-(sum of the class's gaps) - slack <= band: rows 2j (+) and 2j + 1 (-)
        row_of = np.full(n_c, -1)
        row_of[banded] = 2 * np.arange(len(banded))
        members = np.flatnonzero(row_of[lim.asset_class] >= 0)
        first = row_of[lim.asset_class[members]]
        ones = np.ones(len(members))
        ineq.add(
            np.concatenate([first, first + 1, np.arange(2 * len(banded))]),
            np.concatenate([v.ys[members], v.ys[members], np.repeat(v.slack + 1 + banded, 2)]),
            np.concatenate([ones, -ones, -np.ones(2 * len(banded))]),
            np.repeat(lim.class_band[banded], 2),
        )
    if lim.tracking_error is None:
        return []
    soc.add([0], [v.slack + 1 + n_c], [-1.0], lim.tracking_error)
    if data.factors is not None and v.fs is not None:  # F y = (sqrt(specific) y, f)
        n_s, n_f = len(v.ys), len(v.fs)
        soc.add(np.arange(n_s), v.ys, -np.sqrt(data.factors.specific), np.zeros(n_s))
        soc.add(np.arange(n_f), v.fs, -np.ones(n_f), np.zeros(n_f))
        return [1 + n_s + n_f]
    factor = psd_root(data.cov).T  # F with F'F = cov
    rows, cols = np.nonzero(np.ones_like(factor, dtype=bool))
    soc.add(rows, v.ys[cols], -factor[rows, cols], np.zeros(len(factor)))
    return [1 + len(factor)]


def band_breaches(
    data: ProblemData, sells: np.ndarray, buys: np.ndarray, placed: np.ndarray | None = None
) -> list[tuple[int, list[Breach]]]:
    """(group index, bands missed) for each group whose bands the trades (fractions of scale,
    after rounding) do not meet, measured against the desk's bands."""
    holdings, cash = post_trade(data, sells, buys, placed)
    out = []
    for k, g in enumerate(data.groups):
        if g.limits is None:
            continue
        w, wc = group_gaps(g, holdings, cash)
        found = breaches(g.limits, w, wc, data.identity, data.cov)
        if found:
            out.append((k, found))
    return out


def is_household_group(g: Group) -> bool:
    """A group of several accounts, or with held-away holdings: a household's, not an account's
    own (its bands read `household ...`)."""
    return len(g.accounts) > 1 or bool(g.fixed.any())


def band_messages(
    data: ProblemData,
    missed: list[tuple[int, list[Breach]]],
    solved_excess: float,
    like: Solution | None = None,
) -> dict[int, tuple[str, ...]]:
    """Exception reasons per account of the problem: each band missed and the limit that binds
    (`binding_limits`; `like` is the solve of `data`), e.g. `drift 0.12 over tolerance 0.05:
    gain budget binds`; a household group's bands read `household drift ...` on each of its
    accounts."""
    if not missed:
        return {}
    why = binding_limits(data, solved_excess, like)
    out: dict[int, tuple[str, ...]] = {}
    for k, found in missed:
        g = data.groups[k]
        prefix = "household " if is_household_group(g) else ""
        lines = tuple(f"{prefix}{b.text()}: {why}" for b in found)
        for a in g.accounts:
            out[int(a)] = out.get(int(a), ()) + lines
    return out
