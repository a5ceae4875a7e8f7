"""Fixtures for the service's tests (the service itself is built in api_service.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from api_service import PASSWORD, Service, make_service

from trimtab.api.secrets import hash_password


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
