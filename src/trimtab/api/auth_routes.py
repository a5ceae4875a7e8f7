"""Logging in, tokens, users, advisor assignments and the book's settings."""

from __future__ import annotations

import math
import tomllib
from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request
from sqlalchemy import Engine

from trimtab.api import schemas as s
from trimtab.api.access import Conn, Principal, engine_of, needs, principal
from trimtab.api.audit import audit
from trimtab.api.secrets import hash_password, new_token, token_hash, verify_password
from trimtab.api.settings import ServiceSettings
from trimtab.config import dump_toml, parse_settings, settings_to_dict
from trimtab.errors import AuthError, DataError, NotFoundError, Problem, ThrottledError
from trimtab.store import access
from trimtab.store import records as rec
from trimtab.store.access import Role, TokenKind, User

router = APIRouter(prefix="/api", tags=["access"])

Anyone = Annotated[Principal, Depends(principal)]
Admin = Annotated[Principal, Depends(needs("users"))]
UserId = Annotated[int, Path(ge=0, le=2_000_000_000)]


def login(engine: Engine, config: ServiceSettings, username: str, password: str) -> User:
    """The user these credentials name, counting failures (its own transaction, committed before
    a failure is raised, so it is remembered); AuthError or ThrottledError otherwise."""
    with engine.begin() as conn:
        found = access.credentials(conn, username)
        wait = 0.0
        if found is not None and found.locked_until is not None:
            wait = (found.locked_until - access.now()).total_seconds()
        ok = verify_password(found.password_hash if found else None, password)
        if found is not None and wait <= 0:
            lockout = timedelta(minutes=config.lockout_minutes)
            access.record_login(
                conn, found.user.user_id, ok=ok, limit=config.login_attempts, lockout=lockout
            )
    if wait > 0:
        raise ThrottledError("too many failed logins: try again later", math.ceil(wait))
    if found is None or not ok:
        raise AuthError("wrong username or password")
    if not found.user.active:
        raise AuthError("this user is disabled")
    return found.user


def config_of(request: Request) -> ServiceSettings:
    config: ServiceSettings = request.app.state.service_settings
    return config


@router.post("/auth/token", response_model=s.TokenCreated, status_code=201)
def create_token_with_password(request: Request, body: s.LoginIn) -> dict[str, object]:
    """Exchange a username and password for an API token (logins are throttled)."""
    engine = engine_of(request)
    user = login(engine, config_of(request), body.username, body.password)
    with engine.begin() as conn:
        return _issue(conn, user, body.name, "token.create")


def _issue(conn: Conn, user: User, name: str, action: str) -> dict[str, object]:
    secret = new_token()
    token = access.add_token(conn, user.user_id, token_hash(secret), kind=TokenKind.API, name=name)
    audit(conn, user.username, action, f"token:{token.token_id}", {"name": name})
    return {"token": secret, "token_id": token.token_id, "name": name}


@router.get("/me", response_model=s.Me)
def me(conn: Conn, who: Anyone) -> dict[str, object]:
    """The caller, the CSRF token of their session, and an advisor's households."""
    households = access.advisor_households(conn, who.user.user_id) if who.scoped else None
    return {**_user(who.user), "csrf_token": who.token.csrf, "households": households}


@router.get("/tokens", response_model=list[s.TokenOut])
def list_tokens(conn: Conn, who: Anyone) -> list[access.Token]:
    """The caller's API tokens and sessions."""
    return access.list_tokens(conn, who.user.user_id)


@router.post("/tokens", response_model=s.TokenCreated, status_code=201)
def create_token(conn: Conn, who: Anyone, body: s.TokenIn) -> dict[str, object]:
    """A new API token for the caller; the secret is shown only in this answer."""
    return _issue(conn, who.user, body.name, "token.create")


@router.delete("/tokens/{token_id}", status_code=204)
def revoke_token(conn: Conn, who: Anyone, token_id: UserId) -> None:
    """Revoke one of the caller's tokens (an admin may revoke anyone's)."""
    owner = None if who.can("users") else who.user.user_id
    if not access.revoke_token(conn, token_id, user_id=owner):
        raise NotFoundError(f"no live token {token_id}")
    audit(conn, who, "token.revoke", f"token:{token_id}", {})


@router.get("/users", response_model=list[s.UserOut])
def list_users(conn: Conn, who: Admin) -> list[User]:
    return access.list_users(conn)


@router.post("/users", response_model=s.UserOut, status_code=201)
def add_user(conn: Conn, who: Admin, body: s.UserIn) -> User:
    user = access.add_user(conn, body.username, hash_password(body.password), body.role)
    audit(conn, who, "user.add", f"user:{body.username}", {"role": body.role.value})
    return user


@router.patch("/users/{user_id}", response_model=s.UserOut)
def update_user(conn: Conn, who: Admin, user_id: UserId, body: s.UserPatch) -> User:
    """Enable or disable (which revokes every token and session), change role or password."""
    found = access.update_user(
        conn,
        user_id,
        active=body.active,
        role=body.role,
        password_hash=None if body.password is None else hash_password(body.password),
    )
    if found is None:
        raise NotFoundError(f"no user {user_id}")
    detail = body.model_dump(mode="json", exclude_unset=True, exclude={"password"})
    audit(
        conn,
        who,
        "user.update",
        f"user:{found.username}",
        detail | {"password": body.password is not None},
    )
    return found


@router.get("/users/{user_id}/households", response_model=list[str])
def get_assignments(conn: Conn, who: Admin, user_id: UserId) -> list[str]:
    return access.advisor_households(conn, _advisor(conn, user_id).user_id)


@router.put("/users/{user_id}/households", response_model=list[str])
def put_assignments(conn: Conn, who: Admin, user_id: UserId, body: s.AssignmentIn) -> list[str]:
    """Set the households an advisor serves (unknown households are a 422)."""
    advisor = _advisor(conn, user_id)
    problems = [
        Problem("households", None, "household_ids", f"unknown household {h!r}")
        for h in body.household_ids
        if rec.household(conn, h) is None
    ]
    if problems:
        raise DataError(problems)
    for h in access.advisor_households(conn, user_id):
        if h not in body.household_ids:
            access.unassign(conn, user_id, h)
    access.assign(conn, user_id, body.household_ids)
    audit(
        conn, who, "user.assign", f"user:{advisor.username}", {"household_ids": body.household_ids}
    )
    return access.advisor_households(conn, user_id)


def _advisor(conn: Conn, user_id: int) -> User:
    found = access.get_user(conn, user_id)
    if found is None:
        raise NotFoundError(f"no user {user_id}")
    if found.role is not Role.ADVISOR:
        raise DataError([Problem("users", None, "role", f"{found.username} is not an advisor")])
    return found


@router.get("/settings", response_model=s.SettingsDoc)
def get_settings(
    conn: Conn, who: Annotated[Principal, Depends(needs("settings"))]
) -> dict[str, str]:
    """The book's settings (trimtab.toml: only keys that differ from the defaults)."""
    return {"toml": dump_toml(settings_to_dict(rec.settings(conn)))}


@router.put("/settings", response_model=s.SettingsDoc)
def put_settings(
    conn: Conn, who: Annotated[Principal, Depends(needs("settings"))], body: s.SettingsDoc
) -> dict[str, str]:
    """Replace the book's settings, checked key by key as trimtab.toml is."""
    try:
        raw = tomllib.loads(body.toml)
    except tomllib.TOMLDecodeError as exc:
        raise DataError([Problem("trimtab.toml", None, "toml", f"not valid TOML: {exc}")]) from None
    new, problems = parse_settings(raw, "trimtab.toml")
    if problems:
        raise DataError(
            [Problem(p.file, p.row, "toml", f"{p.field}: {p.message}") for p in problems]
        )
    rec.put_settings(conn, new)
    text = dump_toml(settings_to_dict(new))
    audit(conn, who, "settings.put", "settings", {"toml": text})
    return {"toml": text}


def _user(user: User) -> dict[str, object]:
    return {
        "user_id": user.user_id,
        "username": user.username,
        "role": user.role,
        "active": user.active,
        "created_at": user.created_at,
    }
