"""The review queue and the audit trail as pages: filtered, sorted and paged in the database.

A desk with 100,000 accounts has tens of thousands of current proposals a day; every list here
reads one page (indexed joins, LIMIT/OFFSET) and counts the matches, never the whole day.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection

from trimtab.store import tables as t
from trimtab.store import workflow_tables as w
from trimtab.store.access import advisors_of, assigned_query
from trimtab.store.records import Page

SORTS = ("household", "value", "tax", "exceptions", "trades", "proposal")
"""Queue sort keys; `-key` sorts descending."""


@dataclass(frozen=True, slots=True)
class QueueFilter:
    """Which current proposals; None means no condition. `only` limits to a subquery of
    household ids (an advisor's); `advisor` to one advisor's households (a user id)."""

    as_of: date | None = None
    state: str | None = None
    status: str | None = None
    rule: str | None = None
    household: str | None = None
    advisor: int | None = None
    min_value: Decimal | None = None
    max_value: Decimal | None = None
    only: sa.Select[Any] | None = None


def latest_day(conn: Connection) -> date | None:
    """The newest day with current proposals."""
    return conn.execute(sa.select(sa.func.max(w.current_proposals.c.as_of))).scalar_one_or_none()


def _where(f: QueueFilter) -> tuple[list[Any], bool]:
    """Conditions on the proposals table, current ones only, and whether they name the
    proposals by key (households through the current table's key (day, household), a rule
    through the exceptions' (rule, proposal_id)): see `queue_page`."""
    p, c = w.proposals, w.current_proposals
    current = sa.select(c.c.proposal_id)
    if f.as_of is not None:
        current = current.where(c.c.as_of == f.as_of)
    narrowed = False
    for subset in (f.advisor, f.only, f.household):
        if subset is None:
            continue
        if isinstance(subset, int):
            subset = assigned_query(subset)
        current = current.where(
            c.c.household_id == subset if isinstance(subset, str) else c.c.household_id.in_(subset)
        )
        narrowed = True
    cond: list[Any] = [p.c.is_current == sa.true()]
    if f.as_of is not None:
        cond.append(p.c.as_of == f.as_of)
    if narrowed:
        cond.append(p.c.proposal_id.in_(current))
    for column, value in ((p.c.state, f.state), (p.c.status, f.status)):
        if value is not None:
            cond.append(column == value)
    if f.rule is not None:
        cond.append(p.c.proposal_id.in_(_with_rule(f.rule, f.as_of)))
    if f.min_value is not None:
        cond.append(p.c.value_key >= float(f.min_value))
    if f.max_value is not None:
        cond.append(p.c.value_key <= float(f.max_value))
    return cond, narrowed or f.rule is not None


def _with_rule(rule: str, as_of: date | None) -> sa.Select[Any]:
    """Ids of the proposals with an exception of `rule`; given a day, only those between the
    day's first and last current proposal (an index range of (rule, proposal_id): the
    exceptions table has no day, and every earlier day's exceptions would be read otherwise)."""
    p, e = w.proposals, w.exceptions
    found = sa.select(e.c.proposal_id).where(e.c.rule == rule)
    if as_of is None:
        return found
    ids = sa.select(p.c.proposal_id).where(p.c.as_of == as_of, p.c.is_current == sa.true())
    first = ids.order_by(p.c.proposal_id.asc()).limit(1).scalar_subquery()
    last = ids.order_by(p.c.proposal_id.desc()).limit(1).scalar_subquery()
    return found.where(e.c.proposal_id.between(first, last))


SORT_COLUMNS = {
    "household": "household_id",
    "value": "value_key",
    "tax": "est_tax_key",
    "exceptions": "exceptions",
    "trades": "trades",
    "proposal": "proposal_id",
}
"""The column each sort key sorts by (money by its float key: SQLite keeps money as text)."""


def _order(sort: str, c: Any) -> list[Any]:
    """ORDER BY for `sort` on columns `c` (the proposals', or the gathered matches'), matching
    one of the queue's indexes. Ties break by household, then proposal, ascending (a day has one
    current proposal per household, so the household decides); the household and proposal sorts
    are their own tie-breaks, in the sort's direction."""
    key, desc = sort.lstrip("-"), sort.startswith("-")

    def way(column: Any) -> Any:
        return column.desc() if desc else column.asc()

    if key == "proposal":
        return [way(c.proposal_id)]
    if key == "household":
        return [way(c.household_id), way(c.proposal_id)]
    return [way(c[SORT_COLUMNS[key]]), c.household_id.asc(), c.proposal_id.asc()]


QUEUE_COLUMNS = (
    "proposal_id",
    "run_id",
    "as_of",
    "household_id",
    "state",
    "status",
    "screen",
    "value",
    "est_tax",
    "baseline_tax",
    "trades",
    "exceptions",
    "decided_by",
    "decided_at",
    "note",
    "release_id",
)


GATHER = 2000
"""How many matches of a filter naming its proposals by key are gathered by key and sorted."""


def queue_page(conn: Connection, f: QueueFilter, sort: str, *, offset: int, limit: int) -> Page:
    """One page of the current proposals that pass `f`, each a dict with its exception rules,
    the household's name and its advisors.

    First the count and the page's ids, from index entries only: the day's current proposals
    are one range of each of the queue's indexes (`queue_indexes`), in the order of its sort key,
    with the filter columns alongside, so the page is found walking one index from its start (no
    sort of the day). Matches named by key (an advisor's households, a rule's proposals) are few,
    but the walk would go on until it met enough of them, to the day's end for the last pages:
    when there are at most GATHER, they are gathered by key (the proposal index holds every sort
    key) and sorted instead. Then the page's rows in full, by key.
    """
    p = w.proposals
    where, keyed = _where(f)
    total = conn.execute(sa.select(sa.func.count()).select_from(p).where(*where)).scalar_one()
    if keyed and total <= GATHER:
        key = SORT_COLUMNS[sort.lstrip("-")]
        names = dict.fromkeys(("proposal_id", "household_id", key))
        matches = sa.select(*(p.c[n] for n in names)).where(*where).cte("matches")
        if _materializes(conn):
            matches = matches.prefix_with("MATERIALIZED")
        page = sa.select(matches.c.proposal_id).order_by(*_order(sort, matches.c))
    else:
        page = sa.select(p.c.proposal_id).where(*where).order_by(*_order(sort, p.c))
    ids = list(conn.execute(page.offset(offset).limit(limit)).scalars())
    h = t.households
    stmt = (
        sa.select(*(p.c[n] for n in QUEUE_COLUMNS), h.c.name)
        .select_from(p.outerjoin(h, h.c.household_id == p.c.household_id))
        .where(p.c.proposal_id.in_(ids))
    )
    found = {r.proposal_id: dict(r._mapping) for r in conn.execute(stmt)}
    rows = [found[i] for i in ids]
    rules = exception_rules(conn, ids)
    advisors = advisors_of(conn, [r["household_id"] for r in rows])
    for r in rows:
        r["rules"] = rules.get(r["proposal_id"], [])
        r["advisors"] = advisors.get(r["household_id"], [])
    return Page(rows, int(total))


def _materializes(conn: Connection) -> bool:
    """Whether the database takes `WITH ... AS MATERIALIZED` (SQLite 3.35, PostgreSQL 12)."""
    least = {"sqlite": (3, 35), "postgresql": (12,)}.get(conn.dialect.name)
    return least is not None and (conn.dialect.server_version_info or (0,)) >= least


def exception_rules(conn: Connection, ids: list[int]) -> dict[int, list[str]]:
    e = w.exceptions
    out: dict[int, set[str]] = {}
    if ids:
        for pid, rule in conn.execute(
            sa.select(e.c.proposal_id, e.c.rule).where(e.c.proposal_id.in_(ids))
        ):
            out.setdefault(pid, set()).add(rule)
    return {k: sorted(v) for k, v in out.items()}


def proposal(conn: Connection, proposal_id: int) -> dict[str, Any] | None:
    """A stored proposal: its queue line, whether it is current, its exceptions and its payload
    (the proposal as canonical JSON: trades with reasons, account and household metrics)."""
    p, c, e = w.proposals, w.current_proposals, w.exceptions
    row = conn.execute(
        sa.select(*(p.c[n] for n in QUEUE_COLUMNS), p.c.payload, c.c.proposal_id.label("current"))
        .outerjoin(c, c.c.proposal_id == p.c.proposal_id)
        .where(p.c.proposal_id == proposal_id)
    ).first()
    if row is None:
        return None
    out = dict(row._mapping)
    out["current"] = out["current"] is not None
    out["payload"] = json.loads(out["payload"])
    out["exceptions_list"] = [
        dict(x._mapping)
        for x in conn.execute(
            sa.select(e.c.account_id, e.c.rule, e.c.message, e.c.measure)
            .where(e.c.proposal_id == proposal_id)
            .order_by(e.c.exception_id)
        )
    ]
    return out


def current_of(conn: Connection, household_id: str) -> int | None:
    """The household's current proposal of the newest day it has one."""
    c = w.current_proposals
    return conn.execute(
        sa.select(c.c.proposal_id)
        .where(c.c.household_id == household_id)
        .order_by(c.c.as_of.desc())
        .limit(1)
    ).scalar_one_or_none()


def _run_columns() -> tuple[Any, ...]:
    r = w.runs
    names = ("run_id", "as_of", "started_at", "finished_at", "actor", "status", "executor")
    return (*(r.c[n] for n in names), r.c.method, r.c.summary)


def runs_page(conn: Connection, *, offset: int, limit: int) -> Page:
    r = w.runs
    total = conn.execute(sa.select(sa.func.count()).select_from(r)).scalar_one()
    stmt = sa.select(*_run_columns()).order_by(r.c.run_id.desc()).offset(offset).limit(limit)
    return Page([_run(x) for x in conn.execute(stmt)], int(total))


def run(conn: Connection, run_id: int) -> dict[str, Any] | None:
    r, p = w.runs, w.proposals
    row = conn.execute(sa.select(*_run_columns()).where(r.c.run_id == run_id)).first()
    if row is None:
        return None
    out = _run(row)
    out["proposed"] = conn.execute(
        sa.select(sa.func.count()).select_from(p).where(p.c.run_id == run_id)
    ).scalar_one()
    return out


def _run(row: Any) -> dict[str, Any]:
    out = dict(row._mapping)
    out["summary"] = json.loads(out["summary"]) if out["summary"] else None
    return out


def feeds_page(conn: Connection, *, offset: int, limit: int) -> Page:
    """Applied feeds, newest first, with their rows per file."""
    f = w.feeds
    total = conn.execute(sa.select(sa.func.count()).select_from(f)).scalar_one()
    cols = (f.c.feed_id, f.c.received_at, f.c.actor, f.c.as_of, f.c.counts)
    rows = conn.execute(sa.select(*cols).order_by(f.c.feed_id.desc()).offset(offset).limit(limit))
    items = [{**dict(x._mapping), "counts": json.loads(x.counts)} for x in rows]
    return Page(items, int(total))


def audit_page(
    conn: Connection,
    *,
    action: str | None,
    actor: str | None,
    subject: str | None,
    offset: int,
    limit: int,
) -> Page:
    """Events newest first; `subject` matches a prefix (`proposal:`, `household:H1`...)."""
    a = w.audit_log
    where: list[Any] = []
    if action:
        where.append(a.c.action == action)
    if actor:
        where.append(a.c.actor == actor)
    if subject:
        where.append(a.c.subject.startswith(subject, autoescape=True))
    total = conn.execute(sa.select(sa.func.count()).select_from(a).where(*where)).scalar_one()
    rows = conn.execute(
        sa.select(a).where(*where).order_by(a.c.event_id.desc()).offset(offset).limit(limit)
    )
    return Page([{**dict(x._mapping), "detail": json.loads(x.detail)} for x in rows], int(total))
