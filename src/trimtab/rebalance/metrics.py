"""Portfolio metrics shared by every method: drift, turnover, value weights."""

from __future__ import annotations

import numpy as np


def drift(holdings_value: np.ndarray, cash: float, target: np.ndarray, target_cash: float) -> float:
    """Half the sum of absolute weight differences, cash included (0 = on target, 1 = disjoint).

    `holdings_value` is USD per security; an empty portfolio has drift 0 when its target is empty.
    """
    total = float(holdings_value.sum()) + cash
    if total <= 0:
        return 0.0
    w = holdings_value / total
    return 0.5 * (float(np.abs(w - target).sum()) + abs(cash / total - target_cash))


def household_target(
    values: np.ndarray, targets: np.ndarray, target_cash: np.ndarray
) -> tuple[np.ndarray, float]:
    """The value-weighted blend of account targets: the household's implied target."""
    total = float(values.sum())
    if total <= 0:
        return np.zeros(targets.shape[1]), 0.0
    w = values / total
    return w @ targets, float(w @ target_cash)
