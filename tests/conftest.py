"""Shared fixtures: database URLs for the store's tests.

`pg_url` is a fresh, uniquely named PostgreSQL database (safe under pytest-xdist), dropped after
the test. Locally it skips when no server answers at TRIMTAB_TEST_PG_URL; with
TRIMTAB_REQUIRE_POSTGRES=1 (set by .ci/run) it fails instead, so CI cannot pass by skipping.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import URL, make_url

DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def _server_url() -> URL:
    return make_url(os.environ.get("TRIMTAB_TEST_PG_URL", DEFAULT_PG_URL))


@cache
def _server_problem() -> str | None:
    """Why the PostgreSQL server cannot be used (None when it answers); asked once per worker."""
    url = _server_url()
    try:
        engine = sa.create_engine(url, connect_args={"connect_timeout": 3}, poolclass=sa.NullPool)
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
        engine.dispose()
    except Exception as exc:  # any failure means: no usable server, said in the skip/fail
        return f"no PostgreSQL at {url.render_as_string(hide_password=True)}: {exc}"
    return None


def _admin_engine() -> sa.Engine:
    return sa.create_engine(_server_url(), isolation_level="AUTOCOMMIT", poolclass=sa.NullPool)


@contextmanager
def _fresh_pg_database() -> Iterator[str]:
    """A new, uniquely named PostgreSQL database's URL, dropped (connections and all) after."""
    problem = _server_problem()
    if problem is not None:
        if os.environ.get("TRIMTAB_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"TRIMTAB_REQUIRE_POSTGRES=1 but {problem}", pytrace=False)
        pytest.skip(problem)
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    name = f"trimtab_test_{worker}_{uuid.uuid4().hex[:12]}"
    admin = _admin_engine()
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield _server_url().set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


@pytest.fixture
def pg_url() -> Iterator[str]:
    """URL of a new empty PostgreSQL database, dropped (connections and all) after the test."""
    with _fresh_pg_database() as url:
        yield url


@pytest.fixture(scope="module")
def module_pg_url() -> Iterator[str]:
    """As `pg_url`, shared by a module's tests (a store that is costly to build)."""
    with _fresh_pg_database() as url:
        yield url


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """URL of a new SQLite file in the test's temporary folder."""
    return f"sqlite:///{tmp_path / 'trimtab.sqlite'}"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest) -> str:
    """Each test using it runs once on SQLite and once on PostgreSQL."""
    return request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_url")
