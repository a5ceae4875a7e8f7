"""The baseline: "snap to target", tax-blind, what naive tools do.

Each managed account is set to its model's weights in whole shares (fractional accounts: to
1e-4 share), never leaving cash below its reserve, honouring no_buy / no_sell / exclude, and
relieving lots by the account's lot method. Smarter methods are measured against it.
"""

from __future__ import annotations

from decimal import Decimal

import numpy as np

from trimtab.config import Settings
from trimtab.decision import Decision, Reason
from trimtab.domain import Lot
from trimtab.measures.targets import screened_target, split_pro_rata
from trimtab.snapshot import Snapshot
from trimtab.tax.relief import relieve

FRACTION_STEP = 1e-4
"""Smallest share step in a fractional account."""


def baseline(snap: Snapshot, settings: Settings, only: np.ndarray | None = None) -> Decision:
    """Snap every managed account to target; a household cash request is split pro rata.

    `only` (a boolean per account) limits the work to those accounts: the others neither trade
    nor get reasons or exceptions, and the rest is as without it (each account is snapped on
    its own, the request split over all). The baseline's tax needs its taxable accounts alone.
    """
    n_a, n_s = snap.targets.shape
    holdings = snap.holdings()
    values = snap.account_values(holdings)
    flows = snap.flows + split_pro_rata(snap.household_flow, values, snap.managed)
    buys = np.zeros((n_a, n_s))
    lot_sells = np.zeros(len(snap.lots))
    reasons: dict[tuple[int, int], str] = {}
    exceptions: dict[int, tuple[str, ...]] = {}
    for a in np.flatnonzero(snap.managed if only is None else snap.managed & only):
        sells, buys[a], problems = _account(
            snap, int(a), holdings[a], values[a] + flows[a], flows[a]
        )
        reasons.update(_reasons(snap, int(a), sells, buys[a], float(flows[a])))
        lot_sells += _relieve(snap, int(a), sells)
        if problems:
            exceptions[int(a)] = problems
    return Decision(buys, lot_sells, flows, reasons, exceptions)


def _account(
    snap: Snapshot, a: int, held: np.ndarray, value_after_flow: float, flow: float
) -> tuple[np.ndarray, np.ndarray, tuple[str, ...]]:
    prices = snap.prices
    step = FRACTION_STEP if snap.fractional[a] else 1.0
    target, _ = screened_target(snap.targets[a], snap.target_cash[a], snap.exclude[a])
    desired = np.floor(target * max(value_after_flow, 0) / prices / step) * step
    desired = np.where(snap.exclude[a], 0.0, desired)
    can_sell = ~snap.no_sell[a]
    sells = np.where(can_sell & (held > desired), held - desired, 0.0)
    small = sells * prices < snap.min_trade[a]
    sells[small & ~snap.exclude[a]] = 0.0
    cash = snap.cash[a] + flow + float(sells @ prices)
    problems: list[str] = []
    if cash < snap.reserve[a]:
        extra = _raise_cash(snap, a, held - sells, snap.reserve[a] - cash, step, can_sell)
        sells += extra
        cash += float(extra @ prices)
        if cash < snap.reserve[a] - 1e-6:
            problems.append(
                f"cash: {snap.reserve[a] - cash:,.2f} USD short of the cash reserve after "
                "selling all that may be sold"
            )
    can_buy = ~(snap.no_buy[a] | snap.exclude[a])
    wanted = np.where(can_buy & (desired > held), desired - held, 0.0)
    wanted[wanted * prices < max(snap.min_trade[a], 1e-9)] = 0.0
    budget = cash - snap.reserve[a]
    cost = float(wanted @ prices)
    if cost > max(budget, 0.0):
        wanted = np.floor(wanted * max(budget, 0) / cost / step) * step
    return sells, wanted, tuple(problems)


def _raise_cash(
    snap: Snapshot, a: int, held: np.ndarray, shortfall: float, step: float, can_sell: np.ndarray
) -> np.ndarray:
    """Sell from the largest sellable positions until `shortfall` USD is raised."""
    extra = np.zeros_like(held)
    order = np.argsort(-(held * snap.prices))
    for s in order:
        if shortfall <= 0 or not can_sell[s] or held[s] <= 0:
            continue
        need = np.ceil(shortfall / snap.prices[s] / step) * step
        take = min(held[s], need)
        extra[s] = take
        shortfall -= take * snap.prices[s]
    return extra


def _relieve(snap: Snapshot, a: int, sells: np.ndarray) -> np.ndarray:
    """Per-lot shares sold, choosing lots by the account's lot method."""
    account = snap.accounts[a]
    hh = snap.household
    groups = _lots_by_security(snap, a)
    amounts = sells.tolist()
    where: list[int] = []
    taken: list[float] = []
    for s in np.flatnonzero(sells > 0).tolist():
        position, lots, held = groups.get(s, ({}, [], Decimal(0)))
        qty = min(Decimal(repr(round(amounts[s], 6))), held)
        picks = relieve(
            account.lot_method, lots, qty, price=snap.securities[s].price, on=snap.as_of,
            st_rate=hh.st_rate, lt_rate=hh.lt_rate,
        )  # fmt: skip
        for lot, shares in picks:
            where.append(position[lot.lot_id])
            taken.append(float(shares))
    out = np.zeros(len(snap.lots))
    out[where] = taken  # a lot is relieved at most once: the same as adding to 0.0
    return out


def _lots_by_security(
    snap: Snapshot, a: int
) -> dict[int, tuple[dict[str, int], list[Lot], Decimal]]:
    """Per security index: account `a`'s lots of it in lot order (with each one's index among
    the snapshot's lots, by lot_id) and their shares in all, from one pass over the lots instead
    of a mask over all of them per security sold."""
    out: dict[int, tuple[dict[str, int], list[Lot], Decimal]] = {}
    mine = np.flatnonzero(snap.lot_account == a)
    for i, s in zip(mine.tolist(), snap.lot_security[mine].tolist(), strict=True):
        lot = snap.lots[i]
        position, lots, held = out.get(s) or ({}, [], Decimal(0))
        position[lot.lot_id] = i
        lots.append(lot)
        out[s] = (position, lots, held + lot.quantity)
    return out


def _reasons(
    snap: Snapshot, a: int, sells: np.ndarray, buys: np.ndarray, flow: float
) -> dict[tuple[int, int], str]:
    """Why account `a` trades each security it sells or buys (shares), by (account, security)."""
    selling = sells > 0
    excluded, sold = snap.exclude[a].tolist(), selling.tolist()
    return {
        (a, s): _reason(excluded[s], flow, sold[s])
        for s in np.flatnonzero(selling | (buys > 0)).tolist()
    }


def _reason(excluded: bool, flow: float, selling: bool) -> str:
    if excluded and selling:
        return Reason.SCREEN
    if flow < 0 and selling:
        return Reason.CASH_RAISE
    if flow > 0 and not selling:
        return Reason.DEPOSIT
    return Reason.DRIFT
