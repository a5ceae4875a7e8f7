"""Fixtures for the service: the small book in a store (SQLite and PostgreSQL), users of every
role with API tokens, and a TestClient on the app."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from trimtab.api import create_app
from trimtab.api.secrets import hash_password, new_token, token_hash
from trimtab.api.settings import ServiceSettings
from trimtab.book import load_book
from trimtab.store import access, import_book, make_engine, upgrade
from trimtab.store.access import Role, TokenKind

SMALL_BOOK = Path(__file__).resolve().parents[1] / "fixtures" / "small_book"
PASSWORD = "correct horse battery"

USERS = {
    "admin": (Role.ADMIN, []),
    "reb": (Role.REBALANCER, []),
    "adv1": (Role.ADVISOR, ["H1"]),
    "adv2": (Role.ADVISOR, ["H2"]),
}
"""username -> (role, households assigned)."""


@dataclass
class Service:
    client: TestClient
    engine: Engine
    tokens: dict[str, str]
    ids: dict[str, int]

    def as_(self, username: str | None) -> dict[str, str]:
        """Headers authenticating as `username` (None: anonymous)."""
        return {} if username is None else {"Authorization": f"Bearer {self.tokens[username]}"}


@pytest.fixture(scope="session", autouse=True)
def cheap_hashing() -> Iterator[None]:
    """Argon2 at its smallest cost: the tests check the logic, not the hash's strength."""
    from argon2 import PasswordHasher

    from trimtab.api import secrets

    saved = secrets._HASHER
    secrets._HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    yield
    secrets._HASHER = saved


@pytest.fixture(scope="session")
def password_hash(cheap_hashing: None) -> str:
    return hash_password(PASSWORD)


def make_service(url: str, password_hash: str, **settings: object) -> Service:
    engine = make_engine(url)
    upgrade(engine)
    import_book(engine, load_book(SMALL_BOOK))
    tokens, ids = {}, {}
    with engine.begin() as conn:
        for name, (role, households) in USERS.items():
            user = access.add_user(conn, name, password_hash, role)
            access.assign(conn, user.user_id, households)
            secret = new_token()
            access.add_token(conn, user.user_id, token_hash(secret), kind=TokenKind.API, name="t")
            tokens[name], ids[name] = secret, user.user_id
    config = ServiceSettings(**{"secure_cookies": False, **settings})  # type: ignore[arg-type]
    client = TestClient(create_app(config, engine=engine))
    return Service(client, engine, tokens, ids)


@pytest.fixture
def service(db_url: str, password_hash: str) -> Iterator[Service]:
    svc = make_service(db_url, password_hash)
    with svc.client:
        yield svc
    svc.engine.dispose()


@pytest.fixture
def sqlite_service(sqlite_url: str, password_hash: str) -> Iterator[Service]:
    svc = make_service(sqlite_url, password_hash)
    with svc.client:
        yield svc
    svc.engine.dispose()
