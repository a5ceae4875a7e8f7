"""Effective targets and requests: the model after the account's screens, a household request
spread over its accounts."""

from __future__ import annotations

import numpy as np


def screened_target(
    target: np.ndarray, target_cash: float, excluded: np.ndarray
) -> tuple[np.ndarray, float]:
    """Move the weight of excluded securities pro rata onto the model's remaining securities.

    Why: a screened client still wants the model's risk, not a cash drag; when the screen removes
    every security the freed weight goes to cash.
    """
    t = np.where(excluded, 0.0, target)
    freed = float(target[excluded].sum())
    if freed <= 0:
        return t, target_cash
    kept = float(t.sum())
    if kept <= 0:
        return t, target_cash + freed
    return t * (1 + freed / kept), target_cash


def split_pro_rata(amount: float, values: np.ndarray, managed: np.ndarray) -> np.ndarray:
    """A household cash request (USD) spread over its managed accounts by value (USD, A,)."""
    weights = np.where(managed, np.maximum(values, 0), 0.0)
    total = weights.sum()
    if amount == 0 or total <= 0:
        return np.zeros_like(values)
    return amount * weights / total
