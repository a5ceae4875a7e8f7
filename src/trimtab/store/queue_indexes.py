"""The review queue's indexes (migration 0005): one per sort key and direction, one to count.

Each starts with the day and `is_current`, so a day's current proposals are one contiguous range
of index entries with no probe of `current_proposals`; then the sort key in the order the queue
sorts (descending keys are stored descending, since ties always break by household ascending),
then `household_id` and `proposal_id` (the tie-breaks), then the filter columns `status`, `state`
and `value_key`. Filtering, sorting, skipping to any offset and counting are walks of one index,
never a sort of the day and never a read of a proposal's row (SQLite keeps payloads in the rows).
The proposal index also holds every sort key: proposals found by key (an advisor's, a rule's)
are looked up there and sorted without reading their rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Index

from trimtab.store import workflow_tables as w

KEYS = {"value": "value_key", "tax": "est_tax_key", "exceptions": "exceptions", "trades": "trades"}
"""Queue sort keys held in an index of their own (both directions), and their columns."""

FILTERS = ("status", "state", "value_key")

COUNT = ("as_of", "is_current", "status", "state", "value_key")
"""The count's index: a status filter (with or without a state) counts one range of it."""


def _index(name: str, key: str | None, descending: bool = False, also: Sequence[str] = ()) -> Index:
    """(as_of, is_current, [key,] household_id, proposal_id, filters and `also` not yet named)."""
    p = w.proposals.c
    order: list[Any] = []
    if key is not None:
        order.append(p[key].desc() if descending else p[key])
    ties = [c for c in ("household_id", "proposal_id") if c != key]
    rest = [c for c in dict.fromkeys((*FILTERS, *also)) if c != key]
    return Index(
        f"ix_proposals_queue_{name}", p.as_of, p.is_current, *order, *(p[c] for c in ties + rest)
    )


QUEUE_INDEXES = [
    Index("ix_proposals_queue_count", *(w.proposals.c[c] for c in COUNT)),
    _index("household", None),
    _index("proposal", "proposal_id", also=tuple(KEYS.values())),
    *(_index(f"{c}_{d}", c, d == "desc") for c in KEYS.values() for d in ("asc", "desc")),
]
