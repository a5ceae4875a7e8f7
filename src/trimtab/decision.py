"""The raw output of a rebalancing method, in floats, before the one rounding boundary."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


class Reason:
    """Why a trade is proposed (the `reason` column); several may be joined with `;`."""

    DRIFT = "drift"
    LOSS_HARVEST = "loss_harvest"
    CASH_RAISE = "cash_raise"
    DEPOSIT = "invest_cash"
    SCREEN = "screen"
    MODEL_CHANGE = "model_change"
    GAIN_BUDGET = "gain_budget"
    SUBSTITUTE = "substitute"
    LOCATION = "asset_location"
    GAIN_HARVEST = "gain_harvest"
    SWAP_BACK = "swap_back"


@dataclass(frozen=True, eq=False)
class Decision:
    """Trades chosen by a method for one snapshot.

    `buys[a, s]` shares to buy; `lot_sells[l]` shares sold from lot l; `flows[a]` the USD cash
    requests the decision assigns to each account (household requests placed); `reasons[(a, s)]`
    why security s trades in account a; `exceptions[a]` why account a needs a person;
    `objective[a]`/`objective_terms[a]` the documented objective, when the method has one.
    """

    buys: np.ndarray
    lot_sells: np.ndarray
    flows: np.ndarray
    reasons: dict[tuple[int, int], str] = field(default_factory=dict)
    exceptions: dict[int, tuple[str, ...]] = field(default_factory=dict)
    objective: dict[int, float] = field(default_factory=dict)
    objective_terms: dict[int, dict[str, float]] = field(default_factory=dict)
