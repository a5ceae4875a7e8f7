"""The optimization problem as plain arrays: the documented formulation's data, nothing solved.

All money is in fractions of `scale` (the USD value of the accounts in the problem after cash
requests), so every term of the objective reads as USD per USD of value. The production solver
(`qp.py`) and the cvxpy reference (`reference.py`) both read this one structure.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from trimtab.measures.bands import Limits, measure

BAND_PENALTY = 100.0
"""Cost per unit (fraction of value) by which a band is missed: far above any tax or trading
cost per USD traded (at most about 0.6), so a band gives way only where a hard limit leaves no
way to meet it (an exact penalty: the solve meets every band it can)."""


@dataclass(frozen=True, eq=False)
class Group:
    """A set of accounts tracked together against one target.

    `fixed[s]` and `fixed_cash` are holdings of held-away accounts that count but never trade
    (fractions of the problem scale); `share` is the group's value over the problem's; `limits`
    its tolerance bands (None: none), already tightened by the rounding margin.
    """

    accounts: np.ndarray
    target: np.ndarray
    target_cash: float
    share: float
    fixed: np.ndarray
    fixed_cash: float
    limits: Limits | None = None


@dataclass(frozen=True, eq=False)
class FactorCov:
    """A factor risk model: cov = loadings @ loadings.T + diag(specific).

    `loadings` (S, k) are the securities' exposures already scaled by the factors' covariance
    (B L with L L' the factor covariance), `specific` (S,) the specific variances. With it the
    solve's tracking term is sparse (k factor variables and a diagonal) instead of a dense S x S
    block: the cost of a solve then grows with S and k, not S squared.
    """

    loadings: np.ndarray
    specific: np.ndarray


@dataclass(frozen=True, eq=False)
class ProblemData:
    """Data of one solve. Shapes: A accounts, S securities, L lots, G groups.

    Lots: `lot_account`, `lot_security`; `lot_value` (max sale), `lot_min` (forced sale, screens),
    `lot_max` (0 when the lot may not be sold); `lot_tax` tax cost per unit sold (negative =
    benefit); `lot_gain` realized gain per unit sold (taxable accounts only, else 0);
    `lot_tax_rate` the rate of that gain. Accounts: `holdings` (A, S), `cash`, `flow`, `reserve`;
    `can_buy` (A, S); `cost[s]` cost per unit traded; `location[a, s]` yearly tax drag per unit
    held (asset location). `gain_cap`/`tax_cap`: the most net realized gain / tax allowed (None:
    no cap). `cov` is the annual covariance (S, S). `identity[s]` numbers wash identities: drift
    counts substantially identical securities as one holding; `sleeve[s]` numbers groups of close
    substitutes, credited by `substitute_credit` (see `drift_pools`). `placed_total` is a household
    cash request the solve spreads over the accounts (z[a] within `placed_min`/`placed_max`,
    summing to it), each USD withdrawn costing `placed_cost[a]` (income tax on a distribution).
    `lot_no_sell[l]` marks lots held by a no_sell restriction (the rest with `lot_max` 0 are
    wash-sale blocks): what names the limit that binds when a band cannot be met. `factors`, when
    given, is `cov` in factor form (equal to it: the production solve uses it, the reference and
    the measures `cov`).
    """

    scale: float
    holdings: np.ndarray
    cash: np.ndarray
    flow: np.ndarray
    reserve: np.ndarray
    can_buy: np.ndarray
    cost: np.ndarray
    location: np.ndarray
    lot_account: np.ndarray
    lot_security: np.ndarray
    lot_value: np.ndarray
    lot_min: np.ndarray
    lot_max: np.ndarray
    lot_tax: np.ndarray
    lot_gain: np.ndarray
    lot_tax_rate: np.ndarray
    groups: tuple[Group, ...]
    cov: np.ndarray
    risk_aversion: float
    drift_penalty: float
    gain_cap: float | None
    tax_cap: float | None
    identity: np.ndarray
    sleeve: np.ndarray | None = None
    substitute_credit: float = 0.0
    account_ids: tuple[str, ...] = ()
    placed_total: float = 0.0
    placed_min: np.ndarray | None = None
    placed_max: np.ndarray | None = None
    placed_cost: np.ndarray | None = None
    lot_no_sell: np.ndarray | None = None
    factors: FactorCov | None = None

    @property
    def places_flow(self) -> bool:
        """Whether a household cash request is left for the solve to place among the accounts."""
        return self.placed_min is not None and self.placed_total != 0

    @property
    def shape(self) -> tuple[int, int, int]:
        return (*self.holdings.shape, len(self.lot_value))

    @property
    def n_identities(self) -> int:
        return int(self.identity.max(initial=-1)) + 1

    def drift_pools(self) -> list[tuple[np.ndarray, int, float]]:
        """(pool of each security, number of pools, weight) for the drift term's L1 parts.

        Wash identities always pool; with `sleeve`, a share `substitute_credit` of the drift is
        measured with close substitutes pooled too, so a fund held in place of the model's costs
        only the rest.
        """
        theta = self.substitute_credit if self.sleeve is not None else 0.0
        pools = [(self.identity, self.n_identities, 1.0 - theta)]
        if theta > 0 and self.sleeve is not None:
            pools.append((self.sleeve, int(self.sleeve.max(initial=-1)) + 1, theta))
        return pools

    def buy_pairs(self) -> tuple[np.ndarray, np.ndarray]:
        """(account, security) index pairs where a buy variable exists."""
        return np.nonzero(self.can_buy)


@dataclass(frozen=True, eq=False)
class Solution:
    """Trades in fractions of the scale: `sells[l]` per lot, `buys[a, s]`, `placed[a]` the
    household cash request each account takes; the objective and its terms. `assembled` is the
    solver's own record of the problem (`optimize.resolve.Assembled`; None from the reference or
    a retried solve), from which a problem differing only in lot bounds is solved again."""

    sells: np.ndarray
    buys: np.ndarray
    objective: float
    terms: dict[str, float]
    status: str
    placed: np.ndarray | None = None
    assembled: object | None = None


def post_trade(
    data: ProblemData, sells: np.ndarray, buys: np.ndarray, placed: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Holdings (A, S) and cash (A,) after trades and cash requests (placed ones included)."""
    n_a, n_s, _ = data.shape
    sold = np.zeros((n_a, n_s))
    np.add.at(sold, (data.lot_account, data.lot_security), sells)
    holdings = data.holdings + buys - sold
    cash = data.cash + data.flow + sold.sum(1) - buys.sum(1)
    if placed is not None:
        cash = cash + placed
    return holdings, cash


def objective_terms(
    data: ProblemData, sells: np.ndarray, buys: np.ndarray, placed: np.ndarray | None = None
) -> dict[str, float]:
    """The documented objective's terms at given trades (fractions of scale = USD per USD)."""
    holdings, cash = post_trade(data, sells, buys, placed)
    moved = 0.0
    if placed is not None and data.placed_cost is not None:
        moved = float(data.placed_cost @ np.abs(placed))
    tracking = drift = bands = 0.0
    for g in data.groups:
        w, wc = group_gaps(g, holdings, cash)
        tracking += g.share * data.risk_aversion * float(w @ data.cov @ w)
        bands += g.share * BAND_PENALTY * band_excess(data, g, w, wc)
        l1 = abs(wc)
        for pool, size, weight in data.drift_pools():
            l1 += weight * float(np.abs(np.bincount(pool, weights=w, minlength=size)).sum())
        drift += g.share * data.drift_penalty * 0.5 * l1
    traded = float(data.cost @ buys.sum(0))
    traded += float(data.cost[data.lot_security] @ sells)
    return {
        "tracking": tracking,
        "drift": drift,
        "tax": float(data.lot_tax @ sells),
        "cost": traded,
        "location": float((data.location * holdings).sum()),
        "withdrawal_tax": moved,
        "bands": bands,
    }


def group_gaps(g: Group, holdings: np.ndarray, cash: np.ndarray) -> tuple[np.ndarray, float]:
    """A group's weight gaps (actual - target) per security and for cash, fractions of its value."""
    w = (holdings[g.accounts].sum(0) + g.fixed) / g.share - g.target
    wc = float(cash[g.accounts].sum() + g.fixed_cash) / g.share - g.target_cash
    return w, wc


def band_excess(data: ProblemData, g: Group, w: np.ndarray, wc: float) -> float:
    """By how much (fractions of the group's value, summed) gaps miss the group's bands."""
    if g.limits is None:
        return 0.0
    lim = g.limits
    drift, by_class, te = measure(lim, w, wc, data.identity, data.cov)
    out = max(drift - lim.drift, 0.0) + float(np.maximum(by_class - lim.class_band, 0.0).sum())
    if lim.tracking_error is not None:
        out += max(te - lim.tracking_error, 0.0)
    return out


def members_of(labels: np.ndarray, names: set[str] | frozenset[str]) -> np.ndarray:
    """Whether each label (wash identity) is one of `names`: np.isin without its cost when
    `names` is empty, as it is for most accounts."""
    if not names:
        return np.zeros(len(labels), dtype=bool)
    return np.isin(labels, list(names))
