"""The review queue and decisions: list current proposals, approve or reject them.

A decision moves a proposal `proposed -> approved | rejected` (an approved one may still be
rejected before release, a rejected one approved); released proposals are final. Every decision
is written with who, when and why, and logged in the audit log in the same transaction.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Engine

from trimtab.errors import StoreError
from trimtab.store import workflow_tables as w
from trimtab.store.engine import write_transaction
from trimtab.workflow import audit, codec

STATES = ("proposed", "approved", "rejected", "released")
SORTS = ("household", "value", "tax", "exceptions", "trades", "advisor")
"""Sort keys of the queue; `-key` sorts descending."""

_MOVES = {"approve": ("proposed", "rejected"), "reject": ("proposed", "approved")}
_TARGET = {"approve": "approved", "reject": "rejected"}


@dataclass(frozen=True, slots=True)
class ProposalFilter:
    """Which current proposals: every field None means no condition on it."""

    as_of: date | None = None
    ids: tuple[int, ...] | None = None
    state: str | None = None
    status: str | None = None
    rule: str | None = None
    """Has an exception of this rule."""
    household: str | None = None
    advisor: str | None = None
    min_value: Decimal | None = None
    max_value: Decimal | None = None
    clean: bool | None = None
    """True: trades and no exception; False: has an exception."""


@dataclass(frozen=True, slots=True)
class ProposalRow:
    """One line of the queue. Money USD; `rules` names the exceptions' rules."""

    proposal_id: int
    run_id: int
    as_of: date
    household_id: str
    advisor: str | None
    state: str
    status: str
    screen: str
    value: Decimal
    est_tax: Decimal
    baseline_tax: Decimal | None
    trades: int
    exceptions: int
    rules: tuple[str, ...]
    decided_by: str | None
    decided_at: datetime | None
    note: str | None


def _where(f: ProposalFilter) -> list[Any]:
    p, c = w.proposals, w.current_proposals
    cond: list[Any] = []
    if f.as_of is not None:
        cond.append(c.c.as_of == f.as_of)
    if f.ids is not None:
        cond.append(p.c.proposal_id.in_(list(f.ids)))
    for column, value in (
        (p.c.state, f.state),
        (p.c.status, f.status),
        (p.c.household_id, f.household),
        (p.c.advisor, f.advisor),
    ):
        if value is not None:
            cond.append(column == value)
    if f.rule is not None:
        e = w.exceptions
        has = sa.select(e.c.proposal_id).where(e.c.rule == f.rule)
        cond.append(p.c.proposal_id.in_(has))
    if f.clean is True:
        cond += [p.c.exceptions == 0, p.c.trades > 0]
    elif f.clean is False:
        cond.append(p.c.exceptions > 0)
    return cond


def _selected(f: ProposalFilter) -> sa.Select[Any]:
    p, c = w.proposals, w.current_proposals
    return sa.select(p).join(c, c.c.proposal_id == p.c.proposal_id).where(*_where(f))


def list_proposals(
    engine: Engine,
    filters: ProposalFilter | None = None,
    sort: str = "household",
    *,
    limit: int | None = None,
    offset: int = 0,
) -> list[ProposalRow]:
    """Current proposals that pass `filters`, sorted by `sort` (see SORTS), one page of them.

    Value filters and the value and tax sorts compare exact Decimals in Python (SQLite keeps
    money as text), after the database has applied every other condition.
    """
    f = filters or ProposalFilter()
    key, reverse = sort.lstrip("-"), sort.startswith("-")
    if key not in SORTS:
        raise StoreError(f"unknown sort {sort!r}; one of {', '.join(SORTS)}")
    with engine.connect() as conn:
        rows = conn.execute(_selected(f)).all()
        rules = _rules(conn, [r.proposal_id for r in rows])
    out = [_row(r, rules.get(r.proposal_id, ())) for r in rows]
    if f.min_value is not None:
        out = [r for r in out if r.value >= f.min_value]
    if f.max_value is not None:
        out = [r for r in out if r.value <= f.max_value]
    out.sort(key=lambda r: (_sort_key(r, key), r.household_id, r.as_of), reverse=reverse)
    end = None if limit is None else offset + limit
    return out[offset:end]


def _sort_key(r: ProposalRow, key: str) -> Any:
    return {
        "household": r.household_id,
        "value": r.value,
        "tax": r.est_tax,
        "exceptions": r.exceptions,
        "trades": r.trades,
        "advisor": r.advisor or "",
    }[key]


def _rules(conn: sa.Connection, ids: Sequence[int]) -> dict[int, tuple[str, ...]]:
    out: dict[int, set[str]] = {}
    e = w.exceptions
    for start in range(0, len(ids), 5000):
        part = list(ids[start : start + 5000])
        for pid, rule in conn.execute(
            sa.select(e.c.proposal_id, e.c.rule).where(e.c.proposal_id.in_(part))
        ):
            out.setdefault(pid, set()).add(rule)
    return {k: tuple(sorted(v)) for k, v in out.items()}


def _row(r: Any, rules: tuple[str, ...]) -> ProposalRow:
    return ProposalRow(
        r.proposal_id,
        r.run_id,
        r.as_of,
        r.household_id,
        r.advisor,
        r.state,
        r.status,
        r.screen,
        r.value,
        r.est_tax,
        r.baseline_tax,
        r.trades,
        r.exceptions,
        rules,
        r.decided_by,
        r.decided_at,
        r.note,
    )


def approve(
    engine: Engine, filters: ProposalFilter, actor: str, note: str | None = None
) -> list[int]:
    """Approve the current proposals that pass `filters` (proposed or rejected ones); returns
    their ids. Released proposals are never touched."""
    return _decide(engine, "approve", filters, actor, note)


def reject(
    engine: Engine, filters: ProposalFilter, actor: str, note: str | None = None
) -> list[int]:
    """Reject the current proposals that pass `filters` (proposed or approved ones)."""
    return _decide(engine, "reject", filters, actor, note)


def _decide(
    engine: Engine, verb: str, filters: ProposalFilter, actor: str, note: str | None
) -> list[int]:
    if not actor.strip():
        raise StoreError("a decision needs an actor")
    p = w.proposals
    with write_transaction(engine) as conn:
        rows = conn.execute(_selected(filters).where(p.c.state.in_(_MOVES[verb]))).all()
        if filters.min_value is not None or filters.max_value is not None:
            lo, hi = filters.min_value, filters.max_value
            rows = [
                r for r in rows if (lo is None or r.value >= lo) and (hi is None or r.value <= hi)
            ]
        ids = sorted(r.proposal_id for r in rows)
        if not ids:
            return []
        at = audit.now()
        for start in range(0, len(ids), 5000):
            part = ids[start : start + 5000]
            conn.execute(
                p.update()
                .where(p.c.proposal_id.in_(part))
                .values(state=_TARGET[verb], decided_by=actor, decided_at=at, note=note)
            )
        before = {r.proposal_id: r.state for r in rows}
        audit.record_many(
            conn,
            [
                (
                    actor,
                    verb,
                    f"proposal:{i}",
                    {"from": before[i], "to": _TARGET[verb], "note": note},
                )
                for i in ids
            ],
        )
    return ids


def proposal_detail(engine: Engine, proposal_id: int) -> dict[str, Any]:
    """A stored proposal as a dict: the queue line, its payload, trades and exceptions."""
    p = w.proposals
    with engine.connect() as conn:
        row = conn.execute(sa.select(p).where(p.c.proposal_id == proposal_id)).one_or_none()
        if row is None:
            raise StoreError(f"no proposal {proposal_id}")
        rules = _rules(conn, [proposal_id]).get(proposal_id, ())
    return {"row": _row(row, rules), "payload": json.loads(row.payload)}


def reproduce(engine: Engine, proposal_id: int) -> tuple[str, str]:
    """(stored payload, payload recomputed from the stored inputs alone): equal when the store
    holds everything the proposal was made from."""
    from trimtab.workflow.task import recompute

    p, r = w.proposals, w.runs
    with engine.connect() as conn:
        row = conn.execute(
            sa.select(p.c.payload, p.c.inputs, r.c.inputs)
            .join(r, r.c.run_id == p.c.run_id)
            .where(p.c.proposal_id == proposal_id)
        ).one_or_none()
    if row is None:
        raise StoreError(f"no proposal {proposal_id}")
    stored, household, shared = row
    again = recompute(codec.unpack(shared), codec.unpack(household))
    return stored, again.payload
