"""Every trade says why: the reason of each (account, security) trade of the optimizer."""

from __future__ import annotations

import numpy as np

from trimtab.decision import Reason
from trimtab.optimize.build import LotCosts
from trimtab.snapshot import Snapshot


def trade_reasons(
    snap: Snapshot,
    a: int,
    lots: np.ndarray,
    sells: np.ndarray,
    buys: np.ndarray,
    costs: LotCosts,
    flow: float,
) -> dict[tuple[int, int], str]:
    """Reasons keyed by (account, security); several are joined with `;`.

    screen: an excluded holding sold; loss_harvest: a loss lot sold; cash_raise: a sale when cash
    is requested; invest_cash: a buy with a deposit; substitute: a buy outside the model, in
    place of a model security (harvested or wash-blocked); drift: anything else. Household mode
    adds asset_location to trades that move a security between the household's accounts.
    """
    out: dict[tuple[int, int], list[str]] = {}
    sold_sec = snap.lot_security[lots]
    for i in np.flatnonzero(sells > 0):
        s = int(sold_sec[i])
        why = out.setdefault((a, s), [])
        if snap.exclude[a, s]:
            _add(why, Reason.SCREEN)
        elif costs.loss[lots[i]]:
            _add(why, Reason.LOSS_HARVEST)
        elif flow < 0:
            _add(why, Reason.CASH_RAISE)
        else:
            _add(why, Reason.DRIFT)
    for s in np.flatnonzero(buys > 0):
        why = out.setdefault((a, int(s)), [])
        if snap.targets[a, s] <= 0:
            _add(why, Reason.SUBSTITUTE)
        elif flow > 0:
            _add(why, Reason.DEPOSIT)
        else:
            _add(why, Reason.DRIFT)
    return {k: ";".join(v) for k, v in out.items()}


def _add(reasons: list[str], reason: str) -> None:
    if reason not in reasons:
        reasons.append(reason)
