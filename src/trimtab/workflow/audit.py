"""The audit log: append-only events with actor, time, action, subject and a JSON detail.

Every change the workflow makes to the store writes its event in the same transaction, so the
log and the data cannot disagree. The table refuses UPDATE and DELETE (database triggers).
"""

from __future__ import annotations

import getpass
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection, Engine

from trimtab.store.workflow_tables import audit_log
from trimtab.workflow import codec

ACTIONS = (
    "import",
    "feed",
    "settings",
    "run_start",
    "run_finish",
    "run_abandoned",
    "propose",
    "approve",
    "reject",
    "release",
)
"""Every action the log records."""


@dataclass(frozen=True, slots=True)
class Event:
    event_id: int
    at: datetime
    actor: str
    action: str
    subject: str
    detail: dict[str, Any]


def default_actor() -> str:
    """Who acts when no one is named: TRIMTAB_ACTOR, else the login name."""
    name = os.environ.get("TRIMTAB_ACTOR", "").strip()
    if name:
        return name
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def now() -> datetime:
    return datetime.now(UTC)


def record(conn: Connection, actor: str, action: str, subject: str, detail: dict[str, Any]) -> None:
    """Append one event on the caller's transaction."""
    record_many(conn, [(actor, action, subject, detail)])


def record_many(conn: Connection, events: Iterable[tuple[str, str, str, dict[str, Any]]]) -> int:
    """Append events (actor, action, subject, detail) on the caller's transaction."""
    at = now()
    rows = [
        {
            "at": at,
            "actor": actor,
            "action": action,
            "subject": subject,
            "detail": codec.dumps(detail),
        }
        for actor, action, subject, detail in events
    ]
    if rows:
        conn.execute(audit_log.insert(), rows)
    return len(rows)


def audit(
    engine: Engine,
    *,
    action: str | None = None,
    subject: str | None = None,
    actor: str | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> list[Event]:
    """Events, oldest first, filtered by action, subject (prefix match) and actor."""
    stmt = sa.select(audit_log).order_by(audit_log.c.event_id)
    if action is not None:
        stmt = stmt.where(audit_log.c.action == action)
    if subject is not None:
        stmt = stmt.where(audit_log.c.subject.startswith(subject, autoescape=True))
    if actor is not None:
        stmt = stmt.where(audit_log.c.actor == actor)
    stmt = stmt.offset(offset)
    if limit is not None:
        stmt = stmt.limit(limit)
    with engine.connect() as conn:
        return [
            Event(r.event_id, utc(r.at), r.actor, r.action, r.subject, json.loads(r.detail))
            for r in conn.execute(stmt)
        ]


def utc(at: datetime) -> datetime:
    """A stored moment in UTC: SQLite gives it back without its zone (it was stored in UTC),
    PostgreSQL in the session's zone."""
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)
