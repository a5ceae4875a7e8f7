"""The tax / tracking frontier: proposals from "ignore taxes" to "no realized gains".

The tax term is scaled by a weight from 0 (taxes ignored) upward, and a last point caps the net
realized gain at zero. Each point is solved before rounding to shares, so the frontier is smooth;
it reports the tax actually due (at the household's rates, not the weighted cost), the realized
net gain, the annual tracking error and the drift.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import numpy as np

from trimtab.book import Book
from trimtab.errors import ConfigError, InfeasibleError
from trimtab.measures.targets import split_pro_rata
from trimtab.optimize.build import Carry, LotCosts, account_problem, lot_costs
from trimtab.optimize.problem import ProblemData, post_trade
from trimtab.optimize.qp import solve
from trimtab.snapshot import Snapshot, build_snapshots
from trimtab.tax.ledger import replay

WEIGHTS = (0.0, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0)


@dataclass(frozen=True, slots=True)
class FrontierPoint:
    """One proposal: `tax_weight` (None = gains capped at 0), tax USD, net gain USD, tracking
    error (annual, fraction), drift (fraction), traded USD; `feasible` False when none exists."""

    tax_weight: float | None
    est_tax: float
    realized_gain: float
    tracking_error: float
    drift: float
    traded: float
    feasible: bool = True


def frontier(
    book: Book,
    *,
    account_id: str | None = None,
    household_id: str | None = None,
    as_of: date | None = None,
) -> list[FrontierPoint]:
    """The frontier of one account, or of one household managed as one portfolio."""
    if (account_id is None) == (household_id is None):
        raise ConfigError("name exactly one of an account or a household")
    if account_id is not None and account_id not in book.account_by_id:
        raise ConfigError(f"unknown account {account_id!r}")
    if household_id is not None and household_id not in book.household_by_id:
        raise ConfigError(f"unknown household {household_id!r}")
    hid = household_id or book.account_by_id[account_id].household_id  # type: ignore[index]
    day = book.as_of(as_of)
    snap = next(build_snapshots(book, replay(book, [hid]), day, [hid]))
    costs = lot_costs(snap, book.settings)
    build = (
        _account_builder(snap, book, account_id) if account_id else _household_builder(snap, book)
    )
    points = [_point(build, costs, w, capped=False) for w in WEIGHTS]
    points.append(_point(build, costs, 1.0, capped=True))
    return points


def _account_builder(
    snap: Snapshot, book: Book, account_id: str
) -> Callable[[LotCosts], ProblemData]:
    a = next(i for i, acc in enumerate(snap.accounts) if acc.account_id == account_id)
    if not snap.managed[a]:
        raise ConfigError(f"account {account_id!r} is held away (managed=false)")
    flows = snap.flows + split_pro_rata(snap.household_flow, snap.account_values(), snap.managed)

    def build(costs: LotCosts) -> ProblemData:
        return account_problem(snap, a, float(flows[a]), book.settings, costs, Carry())[0]

    return build


def _household_builder(snap: Snapshot, book: Book) -> Callable[[LotCosts], ProblemData]:
    from trimtab.household.problem import household_problem

    if snap.household_target is None:
        raise ConfigError("the household has no model_id: ask for one of its accounts instead")

    def build(costs: LotCosts) -> ProblemData:
        return household_problem(snap, book.settings, costs)[0]

    return build


def _point(
    build: Callable[[LotCosts], ProblemData], costs: LotCosts, weight: float, *, capped: bool
) -> FrontierPoint:
    data = build(dataclasses.replace(costs, tax=costs.tax * weight))
    if capped:
        cap = 0.0 if data.gain_cap is None else min(data.gain_cap, 0.0)
        data = dataclasses.replace(data, gain_cap=cap)
    try:
        sol = solve(data)
    except InfeasibleError:
        return FrontierPoint(None if capped else weight, 0, 0, 0, 0, 0, feasible=False)
    usd = data.scale
    gain = float(data.lot_gain @ sol.sells) * usd
    tax = float((data.lot_gain * data.lot_tax_rate) @ sol.sells) * usd
    holdings, _ = post_trade(data, sol.sells, sol.buys, sol.placed)
    variance = 0.0
    for g in data.groups:
        w = (holdings[g.accounts].sum(0) + g.fixed) / g.share - g.target
        variance += g.share * float(w @ data.cov @ w)
    traded = (float(sol.sells.sum()) + float(sol.buys.sum())) * usd
    drift = sol.terms["drift"] / data.drift_penalty if data.drift_penalty > 0 else float("nan")
    return FrontierPoint(
        None if capped else weight, tax, gain, float(np.sqrt(max(variance, 0.0))), drift, traded
    )
