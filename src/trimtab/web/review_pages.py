"""The review pages of the daily run: the queue, decisions, runs and the audit trail.

The household page (pages.py) shows the household's current proposal; its approve and reject
forms post here and come back to it.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from trimtab.api.access import Conn, check_csrf, engine_of
from trimtab.api.book_routes import advisor_filter
from trimtab.api.review_routes import decide, queue_filter, runs_of
from trimtab.errors import ForbiddenError, TrimtabError
from trimtab.store import review as rv
from trimtab.web.pages import PAGE, Viewer, render
from trimtab.workflow.rules import RULE_NAMES

router = APIRouter(include_in_schema=False)
Text = Annotated[str | None, Query(max_length=200)]
Number = Annotated[int, Query(ge=1, le=1_000_000)]


def _blank(value: str | None) -> str | None:
    return value.strip() or None if value else None


@router.get("/queue")
def queue_page(
    request: Request,
    conn: Conn,
    who: Viewer,
    state: Text = None,
    status: Text = None,
    rule: Text = None,
    household: Text = None,
    advisor: Text = None,
    sort: Annotated[
        str, Query(pattern=r"^-?(household|value|tax|exceptions|trades)$")
    ] = "household",
    page: Number = 1,
    error: Annotated[str | None, Query(max_length=500)] = None,
) -> HTMLResponse:
    """Today's proposals with the exception filters; the newest day that has any."""
    chosen = {
        "state": _blank(state),
        "status": _blank(status),
        "rule": _blank(rule),
        "household": _blank(household),
        "advisor": _blank(advisor),
    }
    f = queue_filter(conn, who, as_of=None, min_value=None, max_value=None, **chosen)
    found = rv.queue_page(conn, f, sort, offset=(page - 1) * PAGE, limit=PAGE)
    query = urlencode({k: v for k, v in {**chosen, "sort": sort}.items() if v})
    return render(
        request,
        who,
        "queue.html",
        page=found,
        number=page,
        size=PAGE,
        day=f.as_of,
        chosen=chosen,
        sort=sort,
        rules=RULE_NAMES,
        error=error,
        query=query + "&" if query else "",
    )


def proposal_view(conn: Conn, proposal_id: int | None) -> dict[str, Any] | None:
    """What the household page shows of a proposal: metrics, trades, exceptions."""
    if proposal_id is None:
        return None
    found = rv.proposal(conn, proposal_id)
    if found is None:
        return None
    body = found["payload"].get("proposal") or {}
    trades = body.get("trades", [])
    found["trades_list"] = trades
    found["household_metrics"] = body.get("household") or {}
    found["accounts_list"] = body.get("accounts", [])
    found["realized"] = sum(
        (Decimal(t["realized_gain"]) for t in trades if t.get("realized_gain")), Decimal(0)
    )
    found["flows"] = [(t["symbol"], t["side"], Decimal(t["value"])) for t in trades]
    return found


@router.post("/proposals/{proposal_id}/{verb}")
def decide_page(
    request: Request,
    conn: Conn,
    who: Viewer,
    proposal_id: int,
    verb: str,
    csrf_token: Annotated[str, Form(max_length=200)] = "",
    note: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    check_csrf(who, csrf_token)
    if verb not in ("approve", "reject") or not who.can("approve"):
        raise ForbiddenError(f"a {who.user.role} may not {verb} proposals")
    found = rv.proposal(conn, proposal_id)
    target = f"/households/{quote(found['household_id'])}" if found else "/queue"
    try:
        decide(request, conn, who, proposal_id, verb, note.strip() or None)
    except TrimtabError as exc:
        return RedirectResponse(f"{target}?{urlencode({'error': str(exc)})}", status_code=303)
    return RedirectResponse(target, status_code=303)


@router.get("/runs")
def runs_page(request: Request, conn: Conn, who: Viewer, page: Number = 1) -> HTMLResponse:
    found = rv.runs_page(conn, offset=(page - 1) * PAGE, limit=PAGE)
    return render(
        request,
        who,
        "runs.html",
        page=found,
        number=page,
        size=PAGE,
        job=runs_of(request).current(),
    )


@router.post("/runs")
def start_run_page(
    request: Request, who: Viewer, csrf_token: Annotated[str, Form(max_length=200)] = ""
) -> Response:
    check_csrf(who, csrf_token)
    if not who.can("run"):
        raise ForbiddenError(f"a {who.user.role} may not start runs")
    runs_of(request).start(engine_of(request), who.user.username, None, "optimize")
    return RedirectResponse("/runs", status_code=303)


@router.get("/audit")
def audit_page(
    request: Request,
    conn: Conn,
    who: Viewer,
    action: Text = None,
    actor: Text = None,
    subject: Text = None,
    page: Number = 1,
) -> HTMLResponse:
    if not who.can("audit"):
        raise ForbiddenError(f"a {who.user.role} may not read the audit trail")
    chosen = {"action": _blank(action), "actor": _blank(actor), "subject": _blank(subject)}
    found = rv.audit_page(conn, offset=(page - 1) * PAGE, limit=PAGE, **chosen)
    query = urlencode({k: v for k, v in chosen.items() if v})
    return render(
        request,
        who,
        "audit.html",
        page=found,
        number=page,
        size=PAGE,
        chosen=chosen,
        query=query + "&" if query else "",
    )


__all__ = ["advisor_filter", "proposal_view", "router"]
