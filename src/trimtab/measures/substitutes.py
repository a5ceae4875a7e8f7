"""Substitutes: which securities may stand in for a model's security, declared or measured.

A security stands in for a model security when the book declares it (the model security's wash
group, or an approved alternate in alternates.csv) or when the book's price history measures it
(same asset class, both estimated from history, return correlation at least
`optimizer.substitute_min_correlation`). Nothing else: without history, two single stocks (or
two funds nobody approved) are never taken as interchangeable. Shared by the problems (what an
account may buy, which holdings track which target) and the results (drift).
"""

from __future__ import annotations

import weakref
from collections.abc import Callable

import numpy as np

from trimtab.snapshot import Snapshot

_KEPT: weakref.WeakKeyDictionary[Snapshot, dict[tuple[str, float], np.ndarray]] = (
    weakref.WeakKeyDictionary()
)
"""Per snapshot, while it lives: `measured_close` and `sleeves` by threshold. Every account
problem of a household (and every wash-sale branch) asks for the same (S, S) answers; computing
them once per household took a fifth of building the problems. The arrays are shared: read only."""


def _kept(snap: Snapshot, what: str, min_corr: float, make: Callable[[], np.ndarray]) -> np.ndarray:
    kept = _KEPT.setdefault(snap, {})
    key = (what, float(min_corr))
    if key not in kept:
        kept[key] = make()
        kept[key].flags.writeable = False
    return kept[key]


def measured_close(snap: Snapshot, min_corr: float) -> np.ndarray:
    """(S, S) pairs the price history measures as close substitutes."""

    def make() -> np.ndarray:
        both = snap.measured[:, None] & snap.measured[None, :]
        return (snap.corr >= min_corr) & snap.same_class & both

    return _kept(snap, "measured", min_corr, make)


def declared_close(snap: Snapshot) -> np.ndarray:
    """(S, S) pairs declared interchangeable anywhere in the household (alternates, wash groups)."""
    n = len(snap.securities)
    close = snap.identity[:, None] == snap.identity[None, :]
    for stand in (*snap.stand_in, snap.household_stand_in):
        close[np.arange(n), stand] = True
        close[stand, np.arange(n)] = True
    return close


def sleeves(snap: Snapshot, min_corr: float) -> np.ndarray:
    """Groups of declared or measured substitutes, joined transitively. An integer per security."""
    return _kept(snap, "sleeves", min_corr, lambda: _sleeves(snap, min_corr))


def _sleeves(snap: Snapshot, min_corr: float) -> np.ndarray:
    n = len(snap.securities)
    close = declared_close(snap) | measured_close(snap, min_corr)
    label = np.arange(n)
    for _ in range(n):
        new = np.where(close, label[None, :], n).min(axis=1)
        if np.array_equal(new, label):
            break
        label = new
    return np.unique(label, return_inverse=True)[1].astype(np.int64)


def buy_list(snap: Snapshot, a: int, min_corr: float) -> np.ndarray:
    """What account `a` may buy: its model's securities, their declared stand-ins and measured
    substitutes, never two securities of one wash group (`one_per_identity`).

    Why: a tracking objective alone would happily replace one ETF by a basket of single stocks
    that happens to track it; desks buy the model's funds or designated alternates.
    """
    in_model = snap.targets[a] > 0
    if not in_model.any():
        return in_model
    declared = np.isfinite(snap.alt_rank[a])
    measured = measured_close(snap, min_corr)[in_model].any(0)
    return one_per_identity(snap, a, in_model | declared | measured)


def one_per_identity(snap: Snapshot, a: int, allowed: np.ndarray) -> np.ndarray:
    """`allowed` with at most one security per wash identity: the model's own (largest target),
    else the one held most, else the best-ranked alternate. Buying IVV for the model's VOO and
    VOO as a "substitute" side by side is harmless for tax but noise for a reviewer."""
    held = snap.holdings()[a] * snap.prices
    rank = np.where(np.isfinite(snap.alt_rank[a]), snap.alt_rank[a], 1e9)
    # lexicographic preference: target weight, then value held, then rank, then symbol order
    order = np.lexsort((np.arange(len(allowed)), rank, -held, -snap.targets[a]))
    candidates = order[allowed[order]]
    _, first = np.unique(snap.identity[candidates], return_index=True)
    out = np.zeros_like(allowed)
    out[candidates[first]] = True
    return out
