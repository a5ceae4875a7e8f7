"""Which security counts as which model security: declared alternates and wash-group members.

A security held in place of a model security counts as it in `drift` only when the book says so:
it shares the model security's wash group, or `alternates.csv` approves it for the model (or
firm-wide). Everything else counts as itself, so `strict_drift` and `drift` differ exactly by
the declared stand-ins. Pure arrays over a snapshot's securities; no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

NOT_ALTERNATE = np.inf
"""Rank of a security that stands in for no model security."""


def rank_matrix(symbols: Sequence[str], pairs: Mapping[tuple[str, str], int]) -> np.ndarray:
    """(S, S) rank of security j as a stand-in for security i (inf: not approved)."""
    index = {s: i for i, s in enumerate(symbols)}
    ranks = np.full((len(symbols), len(symbols)), NOT_ALTERNATE)
    for (model_sec, stand_in), rank in pairs.items():
        i, j = index.get(model_sec), index.get(stand_in)
        if i is not None and j is not None:
            ranks[i, j] = min(ranks[i, j], float(rank))
    return ranks


def stand_ins(
    targeted: np.ndarray, identity: np.ndarray, ranks: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(stand_in, rank) per security: the targeted security it counts as, and how preferred.

    A targeted security counts as itself (rank 0); another counts as the targeted security of its
    wash group (rank 0) or, failing that, the targeted security it is the best-ranked declared
    alternate of; else itself (rank inf). `targeted` is a bool mask (S,), `identity` ints (S,).
    """
    n = len(targeted)
    own = np.arange(n)
    if not targeted.any():
        return own, np.where(targeted, 0.0, NOT_ALTERNATE)
    cand = np.where(identity[:, None] == identity[None, :], 0.0, ranks)
    cand = np.where(targeted[:, None], cand, NOT_ALTERNATE)
    best = cand.argmin(axis=0)
    rank = cand[best, own]
    stand = np.where(np.isfinite(rank), best, own)
    stand = np.where(targeted, own, stand)
    rank = np.where(targeted, 0.0, rank)
    return stand.astype(np.int64), rank
