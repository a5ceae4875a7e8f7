"""`trimtab user add|list|disable|token`, `trimtab serve` and `trimtab demo --serve`, on a store
holding the small book (the server itself is not started: `run_service` is replaced)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner, Result

from trimtab.api import create_app
from trimtab.book import load_book
from trimtab.cli import app
from trimtab.commands import serve as commands
from trimtab.store import import_book, make_engine, upgrade

SMALL_BOOK = Path(__file__).resolve().parents[1] / "fixtures" / "small_book"


@pytest.fixture(autouse=True)
def cheap_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    from argon2 import PasswordHasher

    from trimtab.api import secrets

    monkeypatch.setattr(secrets, "_HASHER", PasswordHasher(time_cost=1, memory_cost=8,
                                                           parallelism=1))  # fmt: skip


@pytest.fixture
def db(sqlite_url: str) -> str:
    engine = make_engine(sqlite_url)
    upgrade(engine)
    import_book(engine, load_book(SMALL_BOOK))
    engine.dispose()
    return sqlite_url


def cli(*args: str, stdin: str | None = None) -> Result:
    return CliRunner().invoke(app, list(args), input=stdin)


def test_users_are_added_listed_disabled_and_given_tokens(db: str) -> None:
    added = cli("user", "add", "bob", "--role", "advisor", "--households", "H1", "--db", db,
                "--password-stdin", stdin="long password\n")  # fmt: skip
    assert added.exit_code == 0, added.output
    assert cli("user", "add", "ann", "--role", "rebalancer", "--db", db, "--password-stdin",
               stdin="another long one\n").exit_code == 0  # fmt: skip
    listed = cli("user", "list", "--db", db)
    assert "bob" in listed.output and "advisor" in listed.output and "H1" in listed.output
    token = cli("user", "token", "bob", "--db", db).output.strip()
    client = TestClient(create_app(engine=make_engine(db)))
    me = client.get("/api/me", headers={"Authorization": f"Bearer {token}"}).json()
    assert (me["username"], me["role"], me["households"]) == ("bob", "advisor", ["H1"])
    assert cli("user", "disable", "bob", "--db", db).exit_code == 0
    assert client.get("/api/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    login = {"username": "bob", "password": "long password"}
    assert client.post("/api/auth/token", json=login).status_code == 401
    ann = cli("user", "token", "ann", "--db", db).output.strip()
    events = client.get("/api/audit?actor=cli", headers={"Authorization": f"Bearer {ann}"})
    assert {e["action"] for e in events.json()["items"]} >= {"user.add", "user.disable"}


def test_bad_user_commands_fail_clearly(db: str) -> None:
    short = cli("user", "add", "x", "--role", "advisor", "--db", db, "--password-stdin",
                stdin="short\n")  # fmt: skip
    assert short.exit_code != 0 and "8 characters" in short.output
    role = cli("user", "add", "x", "--role", "boss", "--db", db, "--password-stdin",
               stdin="long enough\n")  # fmt: skip
    assert role.exit_code != 0 and "unknown role" in role.output
    unknown = cli("user", "add", "x", "--role", "advisor", "--households", "NOPE", "--db", db,
                  "--password-stdin", stdin="long enough\n")  # fmt: skip
    assert unknown.exit_code != 0 and "NOPE" in unknown.output
    assert cli("user", "disable", "ghost", "--db", db).exit_code != 0
    assert cli("user", "list", "--db", db).output.count("advisor") == 0


def test_serve_and_demo_serve_start_the_service(db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    started: list[dict[str, Any]] = []
    monkeypatch.setattr(commands, "run_service",
                        lambda url, **kw: started.append({"url": url, **kw}))  # fmt: skip
    assert cli("serve", "--db", db, "--port", "8123").exit_code == 0
    assert started[-1] == {"url": db, "host": "127.0.0.1", "port": 8123, "secure_cookies": True}
    commands.serve_demo(db)
    assert started[-1]["secure_cookies"] is False
    client = TestClient(create_app(engine=make_engine(db)))
    # the printed password works (read back from the console output)
    twice = []
    for _ in range(2):  # a second demo resets the password
        with commands.out.capture() as captured:
            commands.serve_demo(db)
        password = captured.get().split("password")[-1].split()[0]
        twice.append(password)
        ok = client.post("/api/auth/token", json={"username": "demo", "password": password})
        assert ok.status_code == 201
    assert twice[0] != twice[1]
