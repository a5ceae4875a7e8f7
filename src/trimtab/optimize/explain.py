"""Every trade says why: the reason of each (account, security) trade of the optimizer."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from trimtab.config import Settings
from trimtab.decision import Reason
from trimtab.optimize.build import LotCosts
from trimtab.optimize.problem import ProblemData
from trimtab.snapshot import Snapshot

BUDGET_SLACK = 1e-6
"""A cap this close (fraction of the problem's value) to what the trades use is binding."""


@dataclass(frozen=True, slots=True)
class Context:
    """What a trade's reason depends on beyond the trade: whether the account's model changed
    (`[model_change]`) and whether the household's gain or tax budget binds (the solve uses all
    of it: gain sales were held back by it, loss sales made room under it)."""

    model_changed: bool = False
    budget_binds: bool = False


def context(
    snap: Snapshot, a: int, data: ProblemData, sells: np.ndarray, settings: Settings
) -> Context:
    """The context of account `a`'s trades in problem `data`; `sells` is the solve's (fractions of
    scale, before rounding trims them under a binding cap)."""
    account = snap.accounts[a]
    model = account.model_id or snap.household.model_id
    binds = False
    for unit, cap in (
        (data.lot_gain, data.gain_cap),
        (data.lot_gain * data.lot_tax_rate, data.tax_cap),
    ):
        binds |= cap is not None and float(unit @ sells) >= cap - BUDGET_SLACK
    return Context(model in settings.model_change.models, binds)


def trade_reasons(
    snap: Snapshot,
    a: int,
    lots: np.ndarray,
    sells: np.ndarray,
    buys: np.ndarray,
    costs: LotCosts,
    flow: float,
    why: Context | None = None,
) -> dict[tuple[int, int], str]:
    """Reasons keyed by (account, security); several are joined with `;`.

    screen: an excluded holding sold; loss_harvest: a loss lot sold; cash_raise: a sale when cash
    is requested; invest_cash: a buy with a deposit; substitute: a buy outside the model, in
    place of a model security (harvested or wash-blocked); model_change: what would be drift in
    an account whose model changed; drift: anything else. gain_budget is added to every sale
    that realizes a gain or a loss while the gain or tax budget binds: the budget held the
    gains back, and the losses were sold to make room under it.
    Household mode adds asset_location to trades that move a security between the household's
    accounts.
    """
    why = why or Context()
    drift = Reason.MODEL_CHANGE if why.model_changed else Reason.DRIFT
    out: dict[tuple[int, int], list[str]] = {}
    sold_sec = snap.lot_security[lots]
    for i in np.flatnonzero(sells > 0):
        s = int(sold_sec[i])
        reasons = out.setdefault((a, s), [])
        if snap.exclude[a, s]:
            _add(reasons, Reason.SCREEN)
        elif costs.loss[lots[i]]:
            _add(reasons, Reason.LOSS_HARVEST)
        elif flow < 0:
            _add(reasons, Reason.CASH_RAISE)
        else:
            _add(reasons, drift)
        if why.budget_binds and costs.gain[lots[i]] != 0:
            _add(reasons, Reason.GAIN_BUDGET)
    for s in np.flatnonzero(buys > 0):
        reasons = out.setdefault((a, int(s)), [])
        if snap.targets[a, s] <= 0:
            _add(reasons, Reason.SUBSTITUTE)
        elif flow > 0:
            _add(reasons, Reason.DEPOSIT)
        else:
            _add(reasons, drift)
    return {k: ";".join(v) for k, v in out.items()}


def _add(reasons: list[str], reason: str) -> None:
    if reason not in reasons:
        reasons.append(reason)
