"""`trimtab serve`, `trimtab user ...`: the service and its users, from the command line."""

from __future__ import annotations

import secrets
import sys
from typing import Annotated

import typer
from rich.table import Table

from trimtab.commands.console import make_console
from trimtab.errors import ConfigError, NotFoundError, TrimtabError

out = make_console()
err = make_console(stderr=True)

DbOption = Annotated[
    str | None,
    typer.Option("--db", help="SQLAlchemy URL (default: TRIMTAB_DATABASE_URL or SQLite)"),
]


def register(app: typer.Typer) -> None:
    """Add `serve` and the `user` group to the `trimtab` command."""
    users = typer.Typer(no_args_is_help=True, help="Users of the service (roles, passwords).")
    app.add_typer(users, name="user")
    app.command("serve")(serve)
    users.command("add")(user_add)
    users.command("list")(user_list)
    users.command("disable")(user_disable)
    users.command("token")(user_token)


def _guard(fn: typer.models.CommandFunctionType) -> None:  # type: ignore[name-defined]
    try:
        fn()
    except TrimtabError as exc:
        err.print(f"[red]error:[/] {exc}", highlight=False, markup=True)
        raise typer.Exit(exc.exit_code) from None


def _engine(db: str | None):
    from trimtab.store import make_engine, upgrade

    engine = make_engine(db)
    upgrade(engine)
    return engine


def serve(
    db: DbOption = None,
    host: Annotated[str, typer.Option(help="Address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port")] = 8000,
    insecure_cookies: Annotated[
        bool,
        typer.Option(help="Send the session cookie over plain HTTP too (behind no TLS proxy)"),
    ] = False,
) -> None:
    """Run the REST API (/api, docs at /docs) and the review pages on the store."""
    run_service(db, host=host, port=port, secure_cookies=not insecure_cookies)


def run_service(db: str | None, *, host: str, port: int, secure_cookies: bool) -> None:
    import uvicorn

    from trimtab.api import create_app
    from trimtab.api.settings import ServiceSettings

    def body() -> None:
        config = ServiceSettings(database_url=db, secure_cookies=secure_cookies)
        app = create_app(config, engine=_engine(db))
        out.print(f"trimtab service on http://{host}:{port}/ (API docs: /docs)")
        uvicorn.run(app, host=host, port=port, log_level="warning")

    _guard(body)


def user_add(
    username: str,
    role: Annotated[str, typer.Option(help="advisor, rebalancer or admin")],
    households: Annotated[
        str | None, typer.Option(help="An advisor's households, comma-separated (default: none)")
    ] = None,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input")
    ] = False,
    db: DbOption = None,
) -> None:
    """Add a user (the password is asked for, or read from stdin)."""
    from trimtab.api.secrets import MIN_PASSWORD
    from trimtab.store.access import Role

    if role not in {r.value for r in Role}:
        raise typer.BadParameter(f"unknown role {role!r}; one of advisor, rebalancer, admin")
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt("password", hide_input=True, confirmation_prompt=True)
    if len(password) < MIN_PASSWORD:
        raise typer.BadParameter(f"the password needs at least {MIN_PASSWORD} characters")

    def body() -> None:
        assigned = [h.strip() for h in (households or "").split(",") if h.strip()]
        if assigned and role != Role.ADVISOR:
            raise ConfigError("only an advisor is assigned households")
        add_user(db, username, password, Role(role), assigned)
        out.print(f"added {role} {username}")

    _guard(body)


def add_user(
    db: str | None, username: str, password: str, role: object, households: list[str]
) -> None:
    """Create a user (and an advisor's assignments) in one transaction."""
    from trimtab.api.audit import audit
    from trimtab.api.secrets import hash_password
    from trimtab.store import access
    from trimtab.store import records as rec

    with _engine(db).begin() as conn:
        unknown = [h for h in households if rec.household(conn, h) is None]
        if unknown:
            raise NotFoundError(f"unknown household(s): {', '.join(unknown)}")
        user = access.add_user(conn, username, hash_password(password), role)  # type: ignore[arg-type]
        access.assign(conn, user.user_id, households)
        audit(
            conn,
            "cli",
            "user.add",
            f"user:{username}",
            {"role": str(role), "households": households},
        )


def user_list(db: DbOption = None) -> None:
    """List users with their role, state and an advisor's households."""
    from trimtab.store import access

    def body() -> None:
        table = Table("user", "role", "active", "households")
        with _engine(db).begin() as conn:
            for u in access.list_users(conn):
                hh = access.advisor_households(conn, u.user_id) if u.role == "advisor" else []
                table.add_row(u.username, u.role.value, "yes" if u.active else "no", ", ".join(hh))
        out.print(table)

    _guard(body)


def user_disable(username: str, db: DbOption = None) -> None:
    """Disable a user: no more logins, every token and session revoked."""
    from trimtab.api.audit import audit
    from trimtab.store import access

    def body() -> None:
        with _engine(db).begin() as conn:
            user = access.user_by_name(conn, username)
            if user is None:
                raise NotFoundError(f"no user {username!r}")
            access.update_user(conn, user.user_id, active=False)
            audit(conn, "cli", "user.disable", f"user:{username}", {})
        out.print(f"disabled {username}")

    _guard(body)


def user_token(
    username: str,
    name: Annotated[str, typer.Option(help="A label for the token")] = "cli",
    db: DbOption = None,
) -> None:
    """Print a new API token for a user (shown once; revoke it with DELETE /api/tokens/ID)."""

    def body() -> None:
        print(issue_token(db, username, name))

    _guard(body)


def issue_token(db: str | None, username: str, name: str) -> str:
    from trimtab.api.audit import audit
    from trimtab.api.secrets import new_token, token_hash
    from trimtab.store import access
    from trimtab.store.access import TokenKind

    with _engine(db).begin() as conn:
        user = access.user_by_name(conn, username)
        if user is None or not user.active:
            raise NotFoundError(f"no active user {username!r}")
        secret = new_token()
        token = access.add_token(
            conn, user.user_id, token_hash(secret), kind=TokenKind.API, name=name
        )
        audit(conn, "cli", "token.create", f"token:{token.token_id}", {"user": username})
    return secret


def serve_demo(db: str | None, *, host: str = "127.0.0.1", port: int = 8000) -> None:
    """After `trimtab demo`: a rebalancer with a fresh password, printed, then the service."""
    from trimtab.store import access
    from trimtab.store.access import Role

    password = secrets.token_urlsafe(12)
    with _engine(db).begin() as conn:
        found = access.user_by_name(conn, "demo")
    if found is None:
        add_user(db, "demo", password, Role.REBALANCER, [])
    else:
        from trimtab.api.secrets import hash_password

        with _engine(db).begin() as conn:
            access.update_user(
                conn, found.user_id, active=True, password_hash=hash_password(password)
            )
    out.print(f"log in at http://{host}:{port}/ as [bold]demo[/] with password [bold]{password}[/]")
    run_service(db, host=host, port=port, secure_cookies=False)
