"""Users, their API tokens and browser sessions, and advisor assignments, in the store.

Passwords and tokens arrive here already hashed (`trimtab.api.secrets`): the store never sees a
secret. Records leave as frozen dataclasses; the table classes stay in this package.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy import Connection
from sqlalchemy.exc import IntegrityError

from trimtab.errors import ConflictError, StoreError
from trimtab.store import access_tables as a


class Role(StrEnum):
    """What a user may do: an advisor their own households, a rebalancer the whole book and the
    daily run, an admin users and settings."""

    ADVISOR = "advisor"
    REBALANCER = "rebalancer"
    ADMIN = "admin"


class TokenKind(StrEnum):
    API = "api"
    SESSION = "session"


@dataclass(frozen=True, slots=True)
class User:
    user_id: int
    username: str
    role: Role
    active: bool
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Credentials:
    """What a login needs to decide: the user, the stored hash and the throttling state."""

    user: User
    password_hash: str
    failed_logins: int
    locked_until: datetime | None


@dataclass(frozen=True, slots=True)
class Token:
    token_id: int
    user_id: int
    kind: TokenKind
    name: str
    csrf: str | None
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None


def now() -> datetime:
    return datetime.now(UTC)


def _aware(value: datetime | None) -> datetime | None:
    """SQLite gives naive datetimes back; the store writes UTC only."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)


_USER_COLUMNS = (
    a.users.c.user_id,
    a.users.c.username,
    a.users.c.role,
    a.users.c.active,
    a.users.c.created_at,
)


def _user(row: sa.Row) -> User:
    return User(
        row.user_id, row.username, Role(row.role), bool(row.active), _aware(row.created_at) or now()
    )


def add_user(conn: Connection, username: str, password_hash: str, role: Role) -> User:
    """A new active user; ConflictError when the name is taken."""
    values = {
        "username": username,
        "password_hash": password_hash,
        "role": role.value,
        "active": True,
        "created_at": now(),
        "failed_logins": 0,
    }
    try:
        with conn.begin_nested():
            user_id = conn.execute(a.users.insert().values(values)).inserted_primary_key[0]
    except IntegrityError:
        raise ConflictError(f"user {username!r} exists already") from None
    found = get_user(conn, int(user_id))
    if found is None:  # pragma: no cover - just inserted in this transaction
        raise StoreError(f"user {username!r} vanished")
    return found


def get_user(conn: Connection, user_id: int) -> User | None:
    row = conn.execute(sa.select(*_USER_COLUMNS).where(a.users.c.user_id == user_id)).first()
    return None if row is None else _user(row)


def user_by_name(conn: Connection, username: str) -> User | None:
    row = conn.execute(sa.select(*_USER_COLUMNS).where(a.users.c.username == username)).first()
    return None if row is None else _user(row)


def list_users(conn: Connection) -> list[User]:
    return [_user(r) for r in conn.execute(sa.select(*_USER_COLUMNS).order_by(a.users.c.user_id))]


def credentials(conn: Connection, username: str) -> Credentials | None:
    row = conn.execute(
        sa.select(
            *_USER_COLUMNS, a.users.c.password_hash, a.users.c.failed_logins, a.users.c.locked_until
        ).where(a.users.c.username == username)
    ).first()
    if row is None:
        return None
    return Credentials(_user(row), row.password_hash, row.failed_logins, _aware(row.locked_until))


def update_user(
    conn: Connection,
    user_id: int,
    *,
    active: bool | None = None,
    role: Role | None = None,
    password_hash: str | None = None,
) -> User | None:
    """Change what is given; disabling a user also revokes every token and session they hold."""
    values: dict[str, object] = {}
    if active is not None:
        values["active"] = active
    if role is not None:
        values["role"] = role.value
    if password_hash is not None:
        values.update(password_hash=password_hash, failed_logins=0, locked_until=None)
    if values:
        conn.execute(a.users.update().where(a.users.c.user_id == user_id).values(values))
    if active is False or password_hash is not None:
        revoke_user_tokens(conn, user_id)
    return get_user(conn, user_id)


def record_login(
    conn: Connection, user_id: int, *, ok: bool, limit: int, lockout: timedelta
) -> None:
    """Count a failure (locking the user out for `lockout` after `limit` in a row) or reset."""
    if ok:
        values: dict[str, object] = {"failed_logins": 0, "locked_until": None}
        conn.execute(a.users.update().where(a.users.c.user_id == user_id).values(values))
        return
    failed = a.users.c.failed_logins + 1
    conn.execute(a.users.update().where(a.users.c.user_id == user_id).values(failed_logins=failed))
    count = conn.execute(
        sa.select(a.users.c.failed_logins).where(a.users.c.user_id == user_id)
    ).scalar_one()
    if count >= limit:
        conn.execute(
            a.users.update()
            .where(a.users.c.user_id == user_id)
            .values(failed_logins=0, locked_until=now() + lockout)
        )


_TOKEN_COLUMNS = (
    a.api_tokens.c.token_id,
    a.api_tokens.c.user_id,
    a.api_tokens.c.kind,
    a.api_tokens.c.name,
    a.api_tokens.c.csrf,
    a.api_tokens.c.created_at,
    a.api_tokens.c.expires_at,
    a.api_tokens.c.revoked_at,
)


def _token(row: sa.Row) -> Token:
    return Token(
        row.token_id,
        row.user_id,
        TokenKind(row.kind),
        row.name,
        row.csrf,
        _aware(row.created_at) or now(),
        _aware(row.expires_at),
        _aware(row.revoked_at),
    )


def add_token(
    conn: Connection,
    user_id: int,
    token_hash: str,
    *,
    kind: TokenKind,
    name: str,
    csrf: str | None = None,
    expires_at: datetime | None = None,
) -> Token:
    values = {
        "user_id": user_id,
        "token_hash": token_hash,
        "kind": kind.value,
        "name": name,
        "csrf": csrf,
        "created_at": now(),
        "expires_at": expires_at,
    }
    token_id = conn.execute(a.api_tokens.insert().values(values)).inserted_primary_key[0]
    row = conn.execute(sa.select(*_TOKEN_COLUMNS).where(a.api_tokens.c.token_id == token_id)).one()
    return _token(row)


def live_token(conn: Connection, token_hash: str) -> tuple[Token, User] | None:
    """The token with this hash and its user, when neither revoked, expired nor disabled."""
    stmt = (
        sa.select(
            *_TOKEN_COLUMNS,
            a.users.c.username,
            a.users.c.role,
            a.users.c.active,
            a.users.c.created_at.label("user_created"),
        )
        .join(a.users, a.users.c.user_id == a.api_tokens.c.user_id)
        .where(a.api_tokens.c.token_hash == token_hash, a.api_tokens.c.revoked_at.is_(None))
    )
    row = conn.execute(stmt).first()
    if row is None or not row.active:
        return None
    token = _token(row)
    if token.expires_at is not None and token.expires_at <= now():
        return None
    user = User(row.user_id, row.username, Role(row.role), True, _aware(row.user_created) or now())
    return token, user


def list_tokens(conn: Connection, user_id: int) -> list[Token]:
    stmt = sa.select(*_TOKEN_COLUMNS).where(a.api_tokens.c.user_id == user_id)
    return [_token(r) for r in conn.execute(stmt.order_by(a.api_tokens.c.token_id))]


def revoke_token(conn: Connection, token_id: int, *, user_id: int | None = None) -> bool:
    """Revoke one token (only the given user's, when `user_id` is set); False when none was."""
    stmt = a.api_tokens.update().where(
        a.api_tokens.c.token_id == token_id, a.api_tokens.c.revoked_at.is_(None)
    )
    if user_id is not None:
        stmt = stmt.where(a.api_tokens.c.user_id == user_id)
    return conn.execute(stmt.values(revoked_at=now())).rowcount > 0


def revoke_user_tokens(conn: Connection, user_id: int) -> None:
    conn.execute(
        a.api_tokens.update()
        .where(a.api_tokens.c.user_id == user_id, a.api_tokens.c.revoked_at.is_(None))
        .values(revoked_at=now())
    )


def assign(conn: Connection, user_id: int, household_ids: Iterable[str]) -> int:
    """Assign households to an advisor (idempotent); returns how many were new."""
    have = set(advisor_households(conn, user_id))
    new = [
        {"household_id": h, "user_id": user_id}
        for h in dict.fromkeys(household_ids)
        if h not in have
    ]
    if new:
        conn.execute(a.household_advisors.insert(), new)
    return len(new)


def unassign(conn: Connection, user_id: int, household_id: str) -> bool:
    stmt = a.household_advisors.delete().where(
        a.household_advisors.c.user_id == user_id,
        a.household_advisors.c.household_id == household_id,
    )
    return conn.execute(stmt).rowcount > 0


def advisor_households(conn: Connection, user_id: int) -> list[str]:
    stmt = (
        sa.select(a.household_advisors.c.household_id)
        .where(a.household_advisors.c.user_id == user_id)
        .order_by(a.household_advisors.c.household_id)
    )
    return list(conn.execute(stmt).scalars())


def is_assigned(conn: Connection, user_id: int, household_id: str) -> bool:
    stmt = sa.select(a.household_advisors.c.user_id).where(
        a.household_advisors.c.user_id == user_id,
        a.household_advisors.c.household_id == household_id,
    )
    return conn.execute(stmt).first() is not None


def advisors_of(conn: Connection, household_ids: Iterable[str]) -> dict[str, list[str]]:
    """Usernames of the advisors of each household asked about."""
    ids = list(household_ids)
    if not ids:
        return {}
    stmt = (
        sa.select(a.household_advisors.c.household_id, a.users.c.username)
        .join(a.users, a.users.c.user_id == a.household_advisors.c.user_id)
        .where(a.household_advisors.c.household_id.in_(ids))
        .order_by(a.users.c.username)
    )
    out: dict[str, list[str]] = {}
    for hh, name in conn.execute(stmt):
        out.setdefault(hh, []).append(name)
    return out


def assigned_query(user_id: int) -> sa.Select[tuple[str]]:
    """A subquery of an advisor's household ids, to filter lists with."""
    h = a.household_advisors
    return sa.select(h.c.household_id).where(h.c.user_id == user_id)
