"""Swap back: a stand-in held in place of a model security returns to it when that is cheap.

After a harvest an account holds an alternate (SCHX for the model's VOO). Once the wash window
has passed (VOO may be bought again without washing the harvested loss) and selling the
alternate costs little or no tax (a loss, or a gain of at most `optimizer.swap_back_max_gain` of
the lot's value; any lot in a tax-deferred or tax-exempt account), the lot must be sold and the
alternate may not be bought in that account, so the account returns to its model's own security.
A loss sale that would itself be washed (the alternate bought in the last 30 days, or of the
model security's own wash group) is not swapped, nor is anything in an account that must raise
cash (its cash after requests below its reserve): the swap would compete with the withdrawal.
Trades it causes carry the reason `swap_back`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from trimtab.decision import Decision, Reason
from trimtab.optimize.problem import ProblemData, members_of
from trimtab.snapshot import Snapshot

if TYPE_CHECKING:
    from trimtab.config import Settings
    from trimtab.optimize.build import LotCosts


def swap_back_lots(
    snap: Snapshot,
    lots: np.ndarray,
    gain: np.ndarray,
    loss: np.ndarray,
    max_gain: float,
    blocked: frozenset[str] | set[str] = frozenset(),
) -> np.ndarray:
    """Which of `lots` (snapshot lot indices) return to their model security now (bool mask).

    `gain`/`loss` are per snapshot lot (`LotCosts.gain`, gain per USD sold, 0 outside taxable
    accounts; `LotCosts.loss`); `blocked` are wash identities this proposal may not buy (a loss
    harvested elsewhere in it). Under a gain or tax budget only lots at a loss (or no gain)
    return, so a swap back never spends the budget.
    """
    hh = snap.household
    if hh.gain_budget is not None or hh.tax_budget is not None:
        max_gain = min(max_gain, 0.0)
    acct, sec = snap.lot_account[lots], snap.lot_security[lots]
    model_sec = snap.stand_in[acct, sec]
    stand_in = (model_sec != sec) & snap.managed[acct]
    can_return = ~(
        snap.wash_no_buy[model_sec] | snap.no_buy[acct, model_sec] | snap.exclude[acct, model_sec]
    )
    can_return &= ~members_of(snap.identities[model_sec], blocked)
    loss = loss[lots]
    washed = loss & (snap.lot_loss_blocked[lots] | (snap.identity[model_sec] == snap.identity[sec]))
    cheap = gain[lots] <= max_gain
    short = snap.cash + snap.flows + min(snap.household_flow, 0.0) < snap.reserve
    return stand_in & can_return & cheap & ~washed & ~snap.no_sell[acct, sec] & ~short[acct]


def swap_back_no_buy(snap: Snapshot, lots: np.ndarray, swap: np.ndarray) -> np.ndarray:
    """(A, S) securities an account may not buy while it swaps them back."""
    out = np.zeros(snap.targets.shape, dtype=bool)
    out[snap.lot_account[lots[swap]], snap.lot_security[lots[swap]]] = True
    return out


def mark_swap_back(snap: Snapshot, decision: Decision, lots: np.ndarray, swap: np.ndarray) -> None:
    """Add `swap_back` to the reasons of the swapped lots' sells and of the model securities
    bought back in their accounts."""
    sold = lots[swap & (decision.lot_sells[lots] > 0)]
    for a, s in zip(snap.lot_account[sold], snap.lot_security[sold], strict=True):
        a, s = int(a), int(s)
        for key in ((a, s), (a, int(snap.stand_in[a, s]))):
            if key == (a, s) or decision.buys[key] > 0:
                why = decision.reasons.get(key, "")
                if Reason.SWAP_BACK not in why.split(";"):
                    decision.reasons[key] = f"{why};{Reason.SWAP_BACK}" if why else Reason.SWAP_BACK


def swapped(
    snap: Snapshot, data: ProblemData, lots: np.ndarray, costs: LotCosts, settings: Settings
) -> np.ndarray:
    """The lots of a solved problem that were forced out by a swap back (a bool per lot)."""
    max_gain = settings.optimizer.swap_back_max_gain
    return swap_back_lots(snap, lots, costs.gain, costs.loss, max_gain) & (data.lot_min > 0)
