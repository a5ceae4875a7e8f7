"""The review pages: log in, households, a household, a model. Server-rendered, no build step.

Pages use the API's access rules (`trimtab.api.access`) and store queries; an anonymous visitor
is sent to the login page. Every form that changes something carries the session's CSRF token.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, FastAPI, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from trimtab.api.access import (
    SESSION_COOKIE,
    Conn,
    Principal,
    authenticate,
    check_csrf,
    require_household,
)
from trimtab.api.audit import audit
from trimtab.api.auth_routes import config_of, login
from trimtab.api.book_routes import advisor_filter, slice_of
from trimtab.api.secrets import new_token, token_hash
from trimtab.errors import AuthError, NotFoundError, TrimtabError
from trimtab.store import access
from trimtab.store import records as rec
from trimtab.store.access import TokenKind
from trimtab.web.allocation import allocation
from trimtab.web.charts import allocation_chart

HERE = Path(__file__).resolve().parent
PAGE = 50


class LoginRequiredError(Exception):
    """An anonymous visitor asked for a page: send them to log in, then back."""

    def __init__(self, path: str) -> None:
        self.path = path


def viewer(conn: Conn, request: Request) -> Principal:
    try:
        return authenticate(conn, request)
    except AuthError:
        raise LoginRequiredError(request.url.path) from None


Viewer = Annotated[Principal, Depends(viewer)]
router = APIRouter(include_in_schema=False)


def templates(request: Request) -> Jinja2Templates:
    found: Jinja2Templates = request.app.state.templates
    return found


def render(request: Request, who: Principal | None, name: str, **context: Any) -> HTMLResponse:
    context.update(request=request, who=who, csrf=who.token.csrf if who else None)
    return templates(request).TemplateResponse(request, name, context)


@router.get("/login")
def login_page(request: Request, next: str = "/", error: str | None = None) -> HTMLResponse:
    return render(request, None, "login.html", next=_local(next), error=error)


@router.post("/login")
def login_submit(
    request: Request,
    username: Annotated[str, Form(max_length=200)],
    password: Annotated[str, Form(max_length=1000)],
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    """Check the password (throttled), open a session and set its cookie."""
    engine, config = request.app.state.engine, config_of(request)
    try:
        user = login(engine, config, username, password)
    except TrimtabError as exc:
        return render(
            request, None, "login.html", next=_local(next), error=str(exc), username=username
        )
    secret = new_token()
    hours = timedelta(hours=config.session_hours)
    with engine.begin() as conn:
        access.add_token(
            conn,
            user.user_id,
            token_hash(secret),
            kind=TokenKind.SESSION,
            name="browser",
            csrf=new_token(),
            expires_at=access.now() + hours,
        )
        audit(conn, user.username, "session.open", f"user:{user.username}", {})
    response = RedirectResponse(_local(next), status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        secret,
        max_age=int(hours.total_seconds()),
        httponly=True,
        secure=config.secure_cookies,
        samesite="strict",
        path="/",
    )
    return response


@router.post("/logout")
def logout(conn: Conn, who: Viewer, csrf_token: Annotated[str, Form()] = "") -> Response:
    check_csrf(who, csrf_token)
    access.revoke_token(conn, who.token.token_id)
    audit(conn, who, "session.close", f"user:{who.user.username}", {})
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/households")
def households_page(
    request: Request,
    conn: Conn,
    who: Viewer,
    search: Annotated[str | None, Query(max_length=200)] = None,
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
) -> HTMLResponse:
    found = rec.household_page(
        conn, only=advisor_filter(who), search=search, offset=(page - 1) * PAGE, limit=PAGE
    )
    return render(
        request, who, "households.html", page=found, number=page, size=PAGE, search=search or ""
    )


@router.get("/households/{household_id}")
def household_page(
    request: Request,
    conn: Conn,
    who: Viewer,
    household_id: str,
    error: Annotated[str | None, Query(max_length=500)] = None,
) -> HTMLResponse:
    """The household, its allocation against target (after its current proposal too), its
    accounts and customizations, and the proposal with its trades and the decision forms."""
    from trimtab.store.review import current_of
    from trimtab.web.review_pages import proposal_view

    require_household(conn, who, household_id)
    book = slice_of(conn, household_id)
    proposal = proposal_view(conn, current_of(conn, household_id))
    rows = allocation(book, household_id, proposal["flows"] if proposal else None)
    scopes = [household_id, *(a.account_id for a in book.accounts)]
    return render(
        request,
        who,
        "household.html",
        household=book.households[0],
        accounts=book.accounts,
        advisors=access.advisors_of(conn, [household_id]).get(household_id, []),
        restrictions=rec.restrictions_in(conn, scopes),
        cash_requests=rec.cash_flows_in(conn, scopes),
        chart=allocation_chart(rows) if rows else None,
        slices=rows,
        model_of=book.model_of,
        proposal=proposal,
        error=error,
    )


@router.get("/models/{model_id}")
def model_page(
    request: Request,
    conn: Conn,
    who: Viewer,
    model_id: str,
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
) -> HTMLResponse:
    book = rec.models_book(conn)
    if model_id not in book.model_by_id:
        raise NotFoundError(f"no model {model_id!r}")
    accounts = rec.model_accounts(
        conn, model_id, only=advisor_filter(who), offset=(page - 1) * PAGE, limit=PAGE
    )
    return render(
        request,
        who,
        "model.html",
        model=book.model_by_id[model_id],
        targets=book.target_weights(model_id),
        accounts=accounts,
        number=page,
        size=PAGE,
    )


@router.get("/")
def home(who: Viewer) -> Response:
    return RedirectResponse("/queue", status_code=303)


def _local(path: str) -> str:
    """Only same-site paths may follow a login (no open redirect)."""
    return path if path.startswith("/") and not path.startswith("//") else "/"


def install_pages(app: FastAPI) -> None:
    app.state.templates = Jinja2Templates(directory=HERE / "templates")
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    from trimtab.web.apidocs import router as docs_router
    from trimtab.web.review_pages import router as review_router

    app.include_router(router)
    app.include_router(review_router)
    app.include_router(docs_router)

    async def to_login(request: Request, exc: Exception) -> Response:
        path = exc.path if isinstance(exc, LoginRequiredError) else "/"
        return RedirectResponse(f"/login?next={quote(path)}", status_code=303)

    app.add_exception_handler(LoginRequiredError, to_login)
