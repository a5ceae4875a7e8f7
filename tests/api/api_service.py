"""The service under test: the small book in a store, users of every role with API tokens, a
TestClient on the app; and the state no refused request may change."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from trimtab.api import create_app
from trimtab.api.secrets import new_token, token_hash
from trimtab.api.settings import ServiceSettings
from trimtab.book import Book, load_book
from trimtab.store import access, export_book, import_book, make_engine, upgrade
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


def state(svc: Service) -> tuple[Book, object]:
    """The stored book and the users and tokens: what no refused request may change."""
    with svc.engine.connect() as conn:
        users = conn.exec_driver_sql("SELECT * FROM users ORDER BY user_id").all()
        tokens = conn.exec_driver_sql("SELECT * FROM api_tokens ORDER BY token_id").all()
    return export_book(svc.engine), (users, tokens)


def run_the_day(svc: Service) -> None:
    """The daily run over the stored book, as the rebalancer: every household gets a proposal."""
    from trimtab.batch import SequentialExecutor
    from trimtab.workflow.run import run_day

    run_day(svc.engine, actor="reb", executor=SequentialExecutor())
