"""Store a chunk's outcomes: proposals, their trades and exceptions, the current pointers and
the audit events, all in one transaction (a run killed mid-way loses at most unsaved chunks)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection

from trimtab.config import Settings
from trimtab.store import workflow_tables as w
from trimtab.workflow import audit, codec
from trimtab.workflow.task import UNCHANGED, Outcome

AUTO_APPROVER = "auto-approve"


def save_outcomes(
    conn: Connection,
    run_id: int,
    as_of: date,
    outcomes: Sequence[Outcome],
    settings: Settings,
    actor: str,
    advisors: Mapping[str, str | None],
) -> int:
    """Insert the new proposals of a chunk and make them current; returns how many."""
    fresh = [o for o in outcomes if o.status != UNCHANGED]
    if not fresh:
        return 0
    at = audit.now()
    auto = settings.workflow.auto_approve
    rows = [_proposal_row(o, run_id, as_of, at, auto, advisors.get(o.household_id)) for o in fresh]
    stmt = w.proposals.insert().returning(w.proposals.c.proposal_id, sort_by_parameter_order=True)
    ids = [r[0] for r in conn.execute(stmt, rows)]
    hids = [o.household_id for o in fresh]
    c = w.current_proposals
    old = dict(
        conn.execute(
            sa.select(c.c.household_id, c.c.proposal_id).where(
                c.c.as_of == as_of, c.c.household_id.in_(hids)
            )
        ).all()
    )
    if old:
        conn.execute(c.delete().where(c.c.as_of == as_of, c.c.household_id.in_(list(old))))
        p = w.proposals
        stale = list(old.values())
        conn.execute(p.update().where(p.c.proposal_id.in_(stale)).values(is_current=False))
    conn.execute(
        c.insert(),
        [
            {"as_of": as_of, "household_id": h, "proposal_id": i}
            for h, i in zip(hids, ids, strict=True)
        ],
    )
    _children(conn, fresh, ids)
    audit.record_many(conn, _events(fresh, ids, rows, run_id, actor, old))
    return len(fresh)


def _proposal_row(
    o: Outcome, run_id: int, as_of: date, at: datetime, auto: bool, advisor: str | None
) -> dict[str, Any]:
    approved = auto and o.status == "trade"
    return {
        "run_id": run_id,
        "as_of": as_of,
        "household_id": o.household_id,
        "advisor": advisor,
        "state": "approved" if approved else "proposed",
        "status": o.status,
        "screen": ";".join(o.screen),
        "value": o.value,
        "est_tax": o.est_tax,
        "baseline_tax": o.baseline_tax,
        "trades": o.trades,
        "exceptions": len(o.hits),
        "inputs_digest": o.digest,
        "inputs": o.inputs,
        "payload": o.payload,
        "created_at": at,
        "decided_by": AUTO_APPROVER if approved else None,
        "decided_at": at if approved else None,
        "note": None,
        "release_id": None,
        "is_current": True,
    }


def _children(conn: Connection, fresh: Sequence[Outcome], ids: Sequence[int]) -> None:
    trades, hits = [], []
    for o, pid in zip(fresh, ids, strict=True):
        trades += [
            {"proposal_id": pid, "position": k, **t._asdict()} for k, t in enumerate(o.trade_rows)
        ]
        hits += [
            {
                "proposal_id": pid,
                "account_id": h.account_id,
                "rule": h.rule,
                "message": h.message,
                "measure": h.measure,
            }
            for h in o.hits
        ]
    if trades:
        conn.execute(w.proposed_trades.insert(), trades)
    if hits:
        conn.execute(w.exceptions.insert(), hits)


def _events(
    fresh: Sequence[Outcome],
    ids: Sequence[int],
    rows: Sequence[dict[str, Any]],
    run_id: int,
    actor: str,
    old: Mapping[str, int],
) -> list[tuple[str, str, str, dict[str, Any]]]:
    events = []
    for o, pid, row in zip(fresh, ids, rows, strict=True):
        detail = {
            "run_id": run_id,
            "household_id": o.household_id,
            "status": o.status,
            "inputs_digest": o.digest,
            "payload_digest": codec.digest(o.payload),
            "supersedes": old.get(o.household_id),
        }
        events.append((actor, "propose", f"proposal:{pid}", detail))
        if row["state"] == "approved":
            events.append(
                (
                    AUTO_APPROVER,
                    "approve",
                    f"proposal:{pid}",
                    {"note": "auto-approve: trades without exceptions"},
                )
            )
    return events
