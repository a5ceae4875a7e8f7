"""The household's one problem: every managed account in one solve, tracked as a household.

Accounts without a model of their own form the household group, tracked against the household
model together with the held-away accounts (fixed holdings that count but never trade); an
account with its own model is a group of its own. A household cash request is placed by the
solve: withdrawals from any account of the household group (a tax_deferred distribution costs
the ordinary rate, a tax_exempt one `roth_withdrawal_cost`), deposits into its taxable accounts
(contribution limits keep them out of retirement accounts unless the request names one).
"""

from __future__ import annotations

from typing import TypedDict

import numpy as np

from trimtab.config import Settings
from trimtab.measures.location import drag_matrix
from trimtab.measures.substitutes import buy_list, sleeves
from trimtab.measures.targets import screened_target, split_pro_rata
from trimtab.names import AccountKind
from trimtab.optimize.build import (
    Carry,
    LotCosts,
    account_limits,
    group_limits,
    lot_bounds,
    risk_factors,
    tax_cap,
)
from trimtab.optimize.problem import Group, ProblemData, members_of
from trimtab.optimize.swapback import swap_back_lots, swap_back_no_buy
from trimtab.snapshot import Snapshot


class _Placement(TypedDict, total=False):
    """The `ProblemData` fields that place a household cash request (empty when none is left)."""

    placed_total: float
    placed_min: np.ndarray
    placed_max: np.ndarray
    placed_cost: np.ndarray


def household_problem(
    snap: Snapshot,
    settings: Settings,
    costs: LotCosts,
    *,
    extra_no_buy: frozenset[str] = frozenset(),
    extra_no_loss: frozenset[str] = frozenset(),
) -> tuple[ProblemData, np.ndarray, np.ndarray]:
    """The problem, the snapshot indices of its accounts (managed) and of its lots."""
    opt = settings.optimizer
    managed = np.flatnonzero(snap.managed)
    away = np.flatnonzero(~snap.managed)
    holdings = snap.holdings()
    values = holdings * snap.prices
    scale = float(values.sum() + snap.cash.sum() + snap.flows.sum() + snap.household_flow)
    if scale <= 0:
        worth = float(values.sum() + snap.cash.sum())
        raise ValueError(
            f"the cash requests of {worth - scale:,.2f} USD are more than the household is "
            f"worth ({worth:,.2f} USD): lower the withdrawals"
        )
    lots = np.flatnonzero(snap.managed[snap.lot_account])
    remap = np.full(len(snap.accounts), -1)
    remap[managed] = np.arange(len(managed))
    lot_min, lot_max, value = lot_bounds(
        snap, lots, scale, costs, extra_no_loss, opt.screen_max_tax
    )
    swap = swap_back_lots(snap, lots, costs.gain, costs.loss, opt.swap_back_max_gain, extra_no_buy)
    swap &= lot_max > 0
    lot_min = np.where(swap, lot_max, lot_min)
    identity = snap.identities
    can_buy = np.array([buy_list(snap, int(a), opt.substitute_min_correlation) for a in managed])
    can_buy &= ~(snap.no_buy[managed] | snap.exclude[managed] | snap.wash_no_buy[None, :])
    can_buy &= ~swap_back_no_buy(snap, lots, swap)[managed]
    can_buy &= ~members_of(identity, extra_no_buy)[None, :]
    members = np.flatnonzero([snap.accounts[a].model_id is None for a in managed])
    flows, placed = snap.flows.copy(), snap.household_flow
    if placed and len(members) == 0:  # no account follows the household model: the request
        post = values.sum(1) + snap.cash + snap.flows  # is split by value, as accounts do
        flows += split_pro_rata(placed, post, snap.managed)
        placed = 0.0
    groups = _groups(snap, settings, managed, members, away, values, scale, flows, placed)
    drag = drag_matrix(
        [snap.accounts[a] for a in managed], snap.securities, snap.household, settings.location
    )
    data = ProblemData(
        scale=scale,
        holdings=values[managed] / scale,
        cash=snap.cash[managed] / scale,
        flow=flows[managed] / scale,
        reserve=snap.reserve[managed] / scale,
        can_buy=can_buy,
        cost=np.full(len(snap.securities), settings.costs.bps / 1e4),
        location=drag * settings.location.years,
        lot_account=remap[snap.lot_account[lots]],
        lot_security=snap.lot_security[lots],
        lot_value=value,
        lot_min=lot_min,
        lot_max=lot_max,
        lot_tax=costs.tax[lots],
        lot_gain=costs.gain[lots],
        lot_tax_rate=costs.rate[lots],
        groups=groups,
        cov=snap.cov,
        factors=risk_factors(snap),
        risk_aversion=opt.risk_aversion,
        drift_penalty=opt.drift_penalty,
        gain_cap=_cap(snap, scale),
        tax_cap=tax_cap(snap, Carry(), scale),
        identity=snap.pool(),
        sleeve=sleeves(snap, opt.substitute_min_correlation),
        substitute_credit=opt.substitute_credit,
        account_ids=tuple(snap.accounts[a].account_id for a in managed),
        lot_no_sell=snap.no_sell[snap.lot_account[lots], snap.lot_security[lots]],
        **_placement(snap, settings, managed, members, values, scale, flows, placed),
    )
    return data, managed, lots


def _groups(
    snap: Snapshot,
    settings: Settings,
    managed: np.ndarray,
    members: np.ndarray,
    away: np.ndarray,
    values: np.ndarray,
    scale: float,
    flows: np.ndarray,
    placed: float,
) -> tuple[Group, ...]:
    """The household group (`members`, the managed accounts following the household model, and
    the held-away accounts) and one group per account with its own model.

    `flows` are USD cash requests per account; `placed` is the household request the solve
    places among the members (counted in the household group's value).
    """
    groups = []
    post = values.sum(1) + snap.cash + flows
    own = np.setdiff1d(np.arange(len(managed)), members)
    if len(members) or len(away):
        n_s = len(snap.securities)
        excluded = (
            snap.exclude[managed[members]].all(0) if len(members) else np.zeros(n_s, dtype=bool)
        )
        target, tcash = screened_target(snap.household_target, snap.household_target_cash, excluded)
        share = float(post[managed[members]].sum() + post[away].sum() + placed)
        if share <= 0:
            raise ValueError(
                f"the cash requests leave the accounts that follow the household model "
                f"{share:,.2f} USD: more is withdrawn than they are worth; lower the withdrawals"
            )
        fixed = values[away].sum(0) / scale
        fixed_cash = float(snap.cash[away].sum()) / scale
        own_tolerance = snap.household.drift_tolerance
        limits = group_limits(snap, settings, snap.household.model_id, own_tolerance)
        groups.append(Group(members, target, tcash, share / scale, fixed, fixed_cash, limits))
    for i in own:
        a = managed[i]
        target, tcash = screened_target(
            snap.targets[a], float(snap.target_cash[a]), snap.exclude[a]
        )
        zero = np.zeros(len(snap.securities))
        limits = account_limits(snap, int(a), settings)
        groups.append(
            Group(np.array([i]), target, tcash, float(post[a]) / scale, zero, 0.0, limits)
        )
    return tuple(groups)


def _placement(
    snap: Snapshot,
    settings: Settings,
    managed: np.ndarray,
    members: np.ndarray,
    values: np.ndarray,
    scale: float,
    flows: np.ndarray,
    placed: float,
) -> _Placement:
    """Bounds and costs of placing the household cash request (`placed` USD) among the group."""
    total = placed / scale
    if total == 0:
        return {}
    n = len(managed)
    kinds = [snap.accounts[a].kind for a in managed]
    in_group = np.isin(np.arange(n), members)
    if total < 0:
        room = (values[managed].sum(1) + snap.cash[managed] + flows[managed]) / scale
        low, high = np.where(in_group, -np.maximum(room, 0), 0.0), np.zeros(n)
    else:
        taxable = in_group & np.array([k is AccountKind.TAXABLE for k in kinds])
        ok = taxable if taxable.any() else in_group
        low, high = np.zeros(n), np.where(ok, total, 0.0)
    ordinary = float(snap.household.st_rate)
    cost = {
        AccountKind.TAXABLE: 0.0,
        AccountKind.TAX_DEFERRED: ordinary,
        AccountKind.TAX_EXEMPT: settings.location.roth_withdrawal_cost,
    }
    costs = np.array([cost[k] if total < 0 else 0.0 for k in kinds])
    return {"placed_total": total, "placed_min": low, "placed_max": high, "placed_cost": costs}


def _cap(snap: Snapshot, scale: float) -> float | None:
    budget = snap.household.gain_budget
    if budget is None:
        return None
    used = snap.realized_st_ytd + snap.realized_lt_ytd
    return max(float(budget) - used, 0.0) / scale
