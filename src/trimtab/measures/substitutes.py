"""Substitutes: which securities may stand in for a model's security, as groups and buy lists.

Shared by the problems (what an account may buy, which holdings track which target) and the
results (drift with substitutes pooled).
"""

from __future__ import annotations

import numpy as np

from trimtab.snapshot import Snapshot


def sleeves(snap: Snapshot, min_corr: float) -> np.ndarray:
    """Groups of close substitutes: same asset class and return correlation at least `min_corr`,
    joined transitively (wash identities always share a group). An integer per security."""
    n = len(snap.securities)
    close = ((snap.corr >= min_corr) & snap.same_class) | (
        snap.identity[:, None] == snap.identity[None, :]
    )
    label = np.arange(n)
    for _ in range(n):
        new = np.where(close, label[None, :], n).min(axis=1)
        if np.array_equal(new, label):
            break
        label = new
    return np.unique(label, return_inverse=True)[1].astype(np.int64)


def buy_list(snap: Snapshot, a: int, min_corr: float) -> np.ndarray:
    """What account `a` may buy: its model's securities and their close same-class substitutes.

    Why: a tracking objective alone would happily replace one ETF by a basket of single stocks
    that happens to track it; desks buy the model's funds or designated alternates.
    """
    in_model = snap.targets[a] > 0
    if not in_model.any():
        return in_model
    close = (snap.corr[in_model] >= min_corr) & snap.same_class[in_model]
    return in_model | close.any(0)
