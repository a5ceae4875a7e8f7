"""Drift and the household's implied target, measured alike by every method and result."""

from __future__ import annotations

import numpy as np


def drift(
    holdings_value: np.ndarray,
    cash: float,
    target: np.ndarray,
    target_cash: float,
    identity: np.ndarray | None = None,
) -> float:
    """Half the sum of absolute weight differences, cash included (0 = on target, 1 = disjoint).

    `holdings_value` is USD per security. With `identity` (an index per security, see
    `Snapshot.identity`), substantially identical securities (one wash group) count as one holding:
    IVV held for a model's VOO is on target. An empty portfolio has drift 0.
    """
    total = float(holdings_value.sum()) + cash
    if total <= 0:
        return 0.0
    gap = holdings_value / total - target
    if identity is not None:
        gap = np.bincount(identity, weights=gap, minlength=int(identity.max(initial=-1)) + 1)
    return 0.5 * (float(np.abs(gap).sum()) + abs(cash / total - target_cash))


def household_target(
    values: np.ndarray, targets: np.ndarray, target_cash: np.ndarray
) -> tuple[np.ndarray, float]:
    """The value-weighted blend of account targets: the household's implied target."""
    total = float(values.sum())
    if total <= 0:
        return np.zeros(targets.shape[1]), 0.0
    w = values / total
    return w @ targets, float(w @ target_cash)
