"""Gain harvesting: realize long-term gains up to the household's `gain_harvest`, basis stepped up.

A household in a low bracket (0% on long-term gains up to a limit) gains by realizing long-term
gains it would pay nothing on now: the shares are sold and bought straight back, so the holdings,
the drift and the cash do not move, and the basis rises to today's price. A gain never washes
(the wash-sale rule disallows losses only), so the rebuy is safe for the lots sold; it must not
wash anyone else's loss, which is why an identity qualifies only when nothing of it was sold at a
loss in the household in the last 30 days or in this proposal, and the household holds none of
it at a loss in a taxable account (a rebuy would block that loss's harvest for 30 days).
Documented in docs/household.md, "Gain harvesting".
"""

from __future__ import annotations

import numpy as np

from trimtab.config import Settings
from trimtab.decision import Decision, Reason
from trimtab.names import AccountKind
from trimtab.snapshot import Snapshot
from trimtab.tax.costs import LotArrays, sale_tax


def harvest_gains(snap: Snapshot, settings: Settings, decision: Decision) -> Decision:
    """The decision with long-term gain lots sold and rebought (reason `gain_harvest`) until the
    household's net realized gain of the year (YTD plus this proposal, taxable accounts) reaches
    `gain_harvest` USD, never beyond it nor beyond the gain or tax budget. In place; returned."""
    target = float(snap.household.gain_harvest)
    if target <= 0 or len(snap.lots) == 0:
        return decision
    per_share = snap.prices[snap.lot_security] - np.divide(
        snap.lot_basis, snap.lot_qty, out=np.zeros_like(snap.lot_basis), where=snap.lot_qty > 0
    )
    taxable = np.array([a.kind is AccountKind.TAXABLE for a in snap.accounts])[snap.lot_account]
    proposed = float((decision.lot_sells * per_share)[taxable].sum())
    room = _room(snap, settings, target, proposed)
    if room <= 0:
        return decision
    lots = _candidates(snap, decision, per_share, taxable)
    order = lots[np.argsort(-per_share[lots] / snap.prices[snap.lot_security[lots]], kind="stable")]
    shares = _fill(snap, decision, order, per_share, room, settings)
    for i in np.flatnonzero(shares > 0):
        a, s = int(snap.lot_account[i]), int(snap.lot_security[i])
        decision.lot_sells[i] += shares[i]
        decision.buys[a, s] += shares[i]
        why = decision.reasons.get((a, s))
        if why is None or Reason.GAIN_HARVEST not in why.split(";"):
            decision.reasons[(a, s)] = (
                f"{why};{Reason.GAIN_HARVEST}" if why else Reason.GAIN_HARVEST
            )
    return decision


def _room(snap: Snapshot, settings: Settings, target: float, proposed: float) -> float:
    """USD of gain still to realize: up to `gain_harvest`, within the gain and tax budgets."""
    hh = snap.household
    used = snap.realized_st_ytd + snap.realized_lt_ytd + proposed
    room = target - used
    if hh.gain_budget is not None:
        room = min(room, float(hh.gain_budget) - used)
    if hh.tax_budget is not None:
        niit = settings.tax.niit_rate if settings.tax.niit else 0.0
        lt = float(hh.lt_rate) + niit
        taxed = max(snap.realized_st_ytd * float(hh.st_rate) + snap.realized_lt_ytd * lt, 0.0)
        taxed += proposed * lt  # at most: the proposal's short-term part, if any, is in `used`
        room = min(room, (float(hh.tax_budget) - taxed) / lt if lt > 0 else room)
    return room


def _candidates(
    snap: Snapshot, decision: Decision, per_share: np.ndarray, taxable: np.ndarray
) -> np.ndarray:
    """Lots that may be harvested: long-term gains in managed taxable accounts, free to sell and
    to buy back, of identities no loss in the household stands in the way of."""
    a, s = snap.lot_account, snap.lot_security
    arrays = LotArrays(snap.lot_qty, snap.lot_basis, snap.lot_acquired)
    taxes = sale_tax(arrays, snap.prices[s], snap.as_of, 0.0, 0.0)
    left = snap.lot_qty - decision.lot_sells
    ok = taxable & snap.managed[a] & taxes.is_long & (per_share > 0) & (left >= 1)
    ok &= ~(snap.no_sell[a, s] | snap.no_buy[a, s] | snap.exclude[a, s] | snap.wash_no_buy[s])
    ok &= np.array([i not in decision.exceptions for i in range(len(snap.accounts))])[a]
    identity = snap.identity
    loss_now = (decision.lot_sells > 0) & (per_share < 0) & taxable
    loss_held = (per_share < 0) & taxable & (left > 0)
    blocked = np.zeros(int(identity.max(initial=-1)) + 1, dtype=bool)
    blocked[identity[s[loss_now | loss_held]]] = True
    ok &= ~blocked[identity[s]]
    sold = np.zeros(snap.targets.shape, dtype=bool)  # (a, s) the decision already sells
    sold[a[decision.lot_sells > 0], s[decision.lot_sells > 0]] = True
    ok &= ~sold[a, s]
    return np.flatnonzero(ok)


def _fill(
    snap: Snapshot,
    decision: Decision,
    order: np.ndarray,
    per_share: np.ndarray,
    room: float,
    settings: Settings,
) -> np.ndarray:
    """Whole shares per lot, in `order`, whose gains add up to at most `room` USD: whole lots
    while they fit, then part of the next; trades under the account's minimum are left out."""
    shares = np.zeros(len(snap.lots))
    if len(order) == 0:
        return shares
    avail = np.floor(snap.lot_qty[order] - decision.lot_sells[order])
    gain = avail * per_share[order]
    before = np.concatenate([[0.0], np.cumsum(gain)[:-1]])
    take = np.where(before + gain <= room, avail, 0.0)
    first_partial = np.flatnonzero(before + gain > room)
    if len(first_partial):
        k = first_partial[0]
        take[k + 1 :] = 0.0
        take[k] = np.floor((room - before[k]) / per_share[order[k]])
    value = take * snap.prices[snap.lot_security[order]]
    floor = np.maximum(snap.min_trade, settings.optimizer.dust_usd)[snap.lot_account[order]]
    shares[order] = np.where(value >= floor, take, 0.0)
    return shares
