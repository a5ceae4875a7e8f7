"""The daily run through the API: start a run and follow it, the review queue, proposals,
approve or reject with a note, release the orders, and the audit log.

Decisions and releases are the daily run's own functions (`trimtab.workflow`), which write the
audit log in the same transaction; this module adds who may call them and paging.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from sqlalchemy import Connection

from trimtab.api import schemas as s
from trimtab.api.access import Conn, Principal, engine_of, needs, require_household
from trimtab.api.book_routes import Limit, Offset, Reader, advisor_filter
from trimtab.api.runs import Runs
from trimtab.errors import ConflictError, NotFoundError
from trimtab.store import access
from trimtab.store import records as rec
from trimtab.store import review as rv
from trimtab.workflow.orders import release_orders, stored_release
from trimtab.workflow.proposals import ProposalFilter, approve, reject

router = APIRouter(prefix="/api", tags=["review"])

Approver = Annotated[Principal, Depends(needs("approve"))]
Runner = Annotated[Principal, Depends(needs("run"))]
Auditor = Annotated[Principal, Depends(needs("audit"))]
Id = Annotated[int, Path(ge=0, le=2_000_000_000)]
Name = Annotated[str | None, Query(max_length=200)]
Sort = Literal[
    "household",
    "value",
    "tax",
    "exceptions",
    "trades",
    "proposal",
    "-household",
    "-value",
    "-tax",
    "-exceptions",
    "-trades",
    "-proposal",
]
State = Literal["proposed", "approved", "rejected", "released"]
Status = Literal["trade", "no_trade", "exception", "quiet"]
Money = Annotated[Decimal | None, Query(ge=-1e15, le=1e15)]


def queue_filter(
    conn: Connection,
    who: Principal,
    *,
    as_of: date | None,
    state: str | None,
    status: str | None,
    rule: str | None,
    household: str | None,
    advisor: str | None,
    min_value: Decimal | None,
    max_value: Decimal | None,
) -> rv.QueueFilter:
    """The filter a queue request asks for, limited to an advisor's own households."""
    advisor_id = None
    if advisor:
        user = access.user_by_name(conn, advisor)
        advisor_id = -1 if user is None else user.user_id
    return rv.QueueFilter(
        as_of=as_of or rv.latest_day(conn),
        state=state,
        status=status,
        rule=rule,
        household=household,
        advisor=advisor_id,
        min_value=min_value,
        max_value=max_value,
        only=advisor_filter(who),
    )


@router.get("/queue", response_model=s.Page[s.QueueRow])
def queue(
    conn: Conn,
    who: Reader,
    as_of: Annotated[
        date | None, Query(description="Day (default: the newest with proposals)")
    ] = None,
    state: State | None = None,
    status: Status | None = None,
    rule: Name = None,
    household: Name = None,
    advisor: Annotated[
        str | None, Query(max_length=200, description="An advisor's username")
    ] = None,
    min_value: Money = None,
    max_value: Money = None,
    sort: Sort = "household",
    offset: Offset = 0,
    limit: Limit = 50,
) -> dict[str, object]:
    """The current proposals of a day, filtered, sorted and paged in the database."""
    f = queue_filter(
        conn,
        who,
        as_of=as_of,
        state=state,
        status=status,
        rule=rule,
        household=household,
        advisor=advisor,
        min_value=min_value,
        max_value=max_value,
    )
    page = rv.queue_page(conn, f, sort, offset=offset, limit=limit)
    return {"items": page.items, "total": page.total, "offset": offset, "limit": limit}


def visible_proposal(conn: Connection, who: Principal, proposal_id: int) -> dict[str, Any]:
    found = rv.proposal(conn, proposal_id)
    if found is None:
        raise NotFoundError(f"no proposal {proposal_id}")
    try:
        require_household(conn, who, found["household_id"])
    except NotFoundError:
        raise NotFoundError(f"no proposal {proposal_id}") from None
    return found


@router.get("/proposals/{proposal_id}", response_model=s.ProposalOut)
def get_proposal(conn: Conn, who: Reader, proposal_id: Id) -> dict[str, Any]:
    """A proposal with its exceptions and its payload: every trade with its reason, each
    account's and the household's metrics (drift, location score, tax) before and after."""
    found = visible_proposal(conn, who, proposal_id)
    household = rec.household(conn, found["household_id"])
    found["name"] = household.name if household else None
    found["advisors"] = access.advisors_of(conn, [found["household_id"]]).get(
        found["household_id"], []
    )
    found["rules"] = sorted({e["rule"] for e in found["exceptions_list"]})
    return found


def decide(
    request: Request,
    conn: Connection,
    who: Principal,
    proposal_id: int,
    verb: str,
    note: str | None,
) -> dict[str, Any]:
    found = visible_proposal(conn, who, proposal_id)
    if not found["current"]:
        raise ConflictError(f"proposal {proposal_id} is no longer current: a newer one replaced it")
    act = approve if verb == "approve" else reject
    done = act(engine_of(request), ProposalFilter(ids=(proposal_id,)), who.user.username, note)
    if not done:
        raise ConflictError(f"proposal {proposal_id} is {found['state']}: it cannot be {verb}d")
    with engine_of(request).connect() as fresh:  # the decision committed on its own connection
        return get_proposal(fresh, who, proposal_id)


@router.post("/proposals/{proposal_id}/approve", response_model=s.ProposalOut)
def approve_proposal(
    request: Request, conn: Conn, who: Approver, proposal_id: Id, body: s.DecisionIn
) -> dict[str, Any]:
    """Approve a current proposal (proposed or rejected); released ones are final (409)."""
    return decide(request, conn, who, proposal_id, "approve", body.note)


@router.post("/proposals/{proposal_id}/reject", response_model=s.ProposalOut)
def reject_proposal(
    request: Request, conn: Conn, who: Approver, proposal_id: Id, body: s.DecisionIn
) -> dict[str, Any]:
    """Reject a current proposal (proposed or approved) with a note saying why."""
    return decide(request, conn, who, proposal_id, "reject", body.note)


def runs_of(request: Request) -> Runs:
    runs: Runs = request.app.state.runs
    return runs


@router.post("/runs", response_model=s.JobOut, status_code=202)
def start_run(request: Request, who: Runner, body: s.RunIn) -> object:
    """Start the daily run of the stored book in the background (one at a time: 409 while one
    is in progress); follow it at /api/runs/current."""
    return runs_of(request).start(engine_of(request), who.user.username, body.as_of, body.method)


@router.get("/runs/current", response_model=s.JobOut)
def current_run(request: Request, who: Reader) -> object:
    """The last run started by this service: its state and households done of total."""
    job = runs_of(request).current()
    if job is None:
        raise NotFoundError("no run was started by this service")
    return job


@router.get("/runs", response_model=s.Page[s.RunOut])
def list_runs(conn: Conn, who: Reader, offset: Offset = 0, limit: Limit = 50) -> dict[str, object]:
    """Stored runs, newest first, with their summaries."""
    page = rv.runs_page(conn, offset=offset, limit=limit)
    return {"items": page.items, "total": page.total, "offset": offset, "limit": limit}


@router.get("/runs/{run_id}", response_model=s.RunOut)
def get_run(conn: Conn, who: Reader, run_id: Id) -> dict[str, Any]:
    found = rv.run(conn, run_id)
    if found is None:
        raise NotFoundError(f"no run {run_id}")
    return found


@router.post("/orders/release", response_model=s.ReleaseOut, status_code=201)
def release(request: Request, who: Approver) -> dict[str, object]:
    """Aggregate every approved, unreleased current proposal into block orders and mark the
    proposals released (final). With nothing approved, the release is empty."""
    return _release(release_orders(engine_of(request), who.user.username))


@router.get("/releases/{release_id}", response_model=s.ReleaseOut)
def get_release(request: Request, who: Approver, release_id: Id) -> dict[str, object]:
    """A past release: its block orders with each account's allocation."""
    from trimtab.errors import StoreError

    try:
        return _release(stored_release(engine_of(request), release_id))
    except StoreError:
        raise NotFoundError(f"no release {release_id}") from None


def _release(r: Any) -> dict[str, object]:
    orders = [
        {
            "symbol": o.symbol,
            "side": o.side.value,
            "quantity": o.quantity,
            "price": o.price,
            "value": o.value,
            "allocations": list(o.allocations),
        }
        for o in r.orders
    ]
    return {"release_id": r.release_id, "proposals": list(r.proposals), "orders": orders}


@router.get("/audit", response_model=s.Page[s.EventOut])
def audit_log(
    conn: Conn,
    who: Auditor,
    action: Name = None,
    actor: Name = None,
    subject: Annotated[str | None, Query(max_length=300, description="A prefix")] = None,
    offset: Offset = 0,
    limit: Limit = 50,
) -> dict[str, object]:
    """The audit log, newest first: every run, proposal, decision, release and change."""
    page = rv.audit_page(
        conn, action=action, actor=actor, subject=subject, offset=offset, limit=limit
    )
    return {"items": page.items, "total": page.total, "offset": offset, "limit": limit}
