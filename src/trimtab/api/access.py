"""Who is calling and what they may do: credentials, roles, advisor scope, CSRF.

A request authenticates with `Authorization: Bearer TOKEN` (API clients) or the session cookie
(the browser). A cookie alone never authorizes a change: unsafe methods also need the session's
CSRF token (header `X-CSRF-Token`, or the form field `csrf_token` on the pages). Every failure
raises a trimtab error; `trimtab.api.errors` turns it into the HTTP status.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import Connection, Engine

from trimtab.api.secrets import same, token_hash
from trimtab.errors import AuthError, ForbiddenError, NotFoundError
from trimtab.store import access
from trimtab.store import records as rec
from trimtab.store.access import Role, Token, TokenKind, User

SESSION_COOKIE = "trimtab_session"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

PERMISSIONS: dict[Role, frozenset[str]] = {
    Role.ADVISOR: frozenset({"read", "customize", "whatif"}),
    Role.REBALANCER: frozenset(
        {"read", "customize", "whatif", "write", "feed", "run", "approve", "audit"}
    ),
    Role.ADMIN: frozenset({"read", "users", "settings", "feed", "audit"}),
}
"""What each role may do. `customize`: cash requests and restrictions; `write`: households,
accounts, lots and models; `feed`: apply a day's feed; advisors are limited to their assigned
households."""


@dataclass(frozen=True, slots=True)
class Principal:
    user: User
    token: Token

    @property
    def scoped(self) -> bool:
        """Whether the user sees only assigned households."""
        return self.user.role is Role.ADVISOR

    def can(self, permission: str) -> bool:
        return permission in PERMISSIONS[self.user.role]


def engine_of(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


def connection(request: Request) -> Iterator[Connection]:
    """One transaction per request: committed when the route returns, rolled back on an error."""
    with engine_of(request).begin() as conn:
        yield conn


Conn = Annotated[Connection, Depends(connection)]


def authenticate(conn: Connection, request: Request) -> Principal:
    header = request.headers.get("authorization", "")
    scheme, _, credential = header.partition(" ")
    if scheme.lower() == "bearer" and credential.strip():
        found = access.live_token(conn, token_hash(credential.strip()))
        if found is None or found[0].kind is not TokenKind.API:
            raise AuthError("invalid, expired or revoked token")
        return Principal(found[1], found[0])
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        found = access.live_token(conn, token_hash(cookie))
        if found is not None and found[0].kind is TokenKind.SESSION:
            return Principal(found[1], found[0])
    raise AuthError("authentication required: a bearer token or a session")


def check_csrf(who: Principal, given: str | None) -> None:
    """A session's change must carry its CSRF token; bearer tokens are not sent by browsers."""
    if who.token.kind is TokenKind.SESSION and not (
        given and who.token.csrf and same(given, who.token.csrf)
    ):
        raise ForbiddenError("missing or wrong CSRF token")


def principal(conn: Conn, request: Request) -> Principal:
    who = authenticate(conn, request)
    if request.method not in SAFE_METHODS and request.url.path.startswith("/api/"):
        check_csrf(who, request.headers.get(CSRF_HEADER))
    return who


def needs(permission: str) -> Callable[[Principal], Principal]:
    """A dependency: the caller, who must hold `permission`."""

    def check(who: Annotated[Principal, Depends(principal)]) -> Principal:
        if not who.can(permission):
            raise ForbiddenError(f"a {who.user.role} may not do this ({permission})")
        return who

    return check


def require_household(conn: Connection, who: Principal, household_id: str) -> None:
    """NotFoundError unless the household exists and the caller may see it."""
    if rec.household(conn, household_id) is None or (
        who.scoped and not access.is_assigned(conn, who.user.user_id, household_id)
    ):
        raise NotFoundError(f"no household {household_id!r}")


def require_scope(conn: Connection, who: Principal, scope: str) -> str:
    """The household of an account or household id the caller may see; NotFoundError if none."""
    household_id = rec.household_of(conn, scope)
    if household_id is None:
        raise NotFoundError(f"no account or household {scope!r}")
    require_household(conn, who, household_id)
    return household_id


def require_account(conn: Connection, who: Principal, account_id: str) -> str:
    """The household of an account the caller may see; NotFoundError if none."""
    found = rec.account(conn, account_id)
    if found is None:
        raise NotFoundError(f"no account {account_id!r}")
    require_household(conn, who, found.household_id)
    return found.household_id
