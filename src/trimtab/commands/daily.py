"""The desk's daily commands: feed, run, proposals, approve, reject, orders, audit.

A thin shell over `trimtab.workflow`; every command works on the store (`--db URL`, default the
embedded SQLite) and names its actor (`--actor`, default TRIMTAB_ACTOR or the login name).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from trimtab.commands.console import make_console
from trimtab.errors import TrimtabError
from trimtab.names import Method

err = make_console(stderr=True)
out = make_console()

Db = Annotated[
    str | None,
    typer.Option("--db", help="SQLAlchemy URL (default: TRIMTAB_DATABASE_URL or SQLite)"),
]
AsOf = Annotated[
    str | None,
    typer.Option("--as-of", metavar="DATE", help="Only this day, YYYY-MM-DD (default: every day)"),
]
RunAsOf = Annotated[
    str | None,
    typer.Option("--as-of", metavar="DATE", help="Date YYYY-MM-DD (default: the book's as_of)"),
]
Actor = Annotated[
    str | None, typer.Option("--actor", help="Who acts (default: TRIMTAB_ACTOR or login name)")
]


def _date(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(f"not a date YYYY-MM-DD: {text!r}") from None


def _money(text: str | None) -> Decimal | None:
    if text is None:
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        raise typer.BadParameter(f"not a number: {text!r}") from None


def _guard(fn: Callable[[], Any]) -> Any:
    try:
        return fn()
    except TrimtabError as exc:
        err.print(f"[red]error:[/] {escape(str(exc))}", highlight=False)
        raise typer.Exit(exc.exit_code) from None


def _engine(db: str | None, *, write: bool) -> Any:
    """The store, opened as docs/guarantees.md says: a write creates or migrates it, a read
    (`proposals`, `audit`, `breaks`, `orders --release N`) never does; an unreachable server is
    named."""
    from trimtab.store import open_store

    return open_store(db, write=write)


def _actor(actor: str | None) -> str:
    from trimtab.workflow.audit import default_actor

    return actor or default_actor()


def run(
    db: Db = None,
    as_of: RunAsOf = None,
    workers: Annotated[
        int | None, typer.Option(min=1, help="Local processes (default: all cores; 1: no pool)")
    ] = None,
    scheduler: Annotated[
        str | None,
        typer.Option(
            "--scheduler", help="Dask scheduler address, e.g. tcp://h:8786 (default: none, local)"
        ),
    ] = None,
    chunk_size: Annotated[
        int | None, typer.Option(min=1, help="Households per task (default: settings)")
    ] = None,
    method: Annotated[Method, typer.Option(help="Rebalancing method")] = Method.OPTIMIZE,
    actor: Actor = None,
) -> None:
    """Propose for every household of the stored book: screen, solve, flag, store."""
    from trimtab.batch import make
    from trimtab.workflow.run import run_day
    from trimtab.workflow.summary import summary_table

    def body() -> None:
        engine = _engine(db, write=True)
        executor = make(workers, scheduler)
        with _Progress() as (start, tick):
            result = run_day(
                engine,
                _date(as_of),
                actor=_actor(actor),
                method=method.value,
                executor=executor,
                chunk_size=chunk_size,
                progress=tick,
                on_total=start,
            )
        out.print(summary_table(result.summary))

    _guard(body)


class _Progress:
    """A progress bar with households per second and time left (on a terminal only)."""

    def __enter__(self) -> tuple[Callable[[int], None], Callable[[int], None]]:
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeRemainingColumn,
        )

        self.bar = Progress(
            TextColumn("households"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.speed_text}"),
            TimeRemainingColumn(),
            console=err,
            transient=True,
            disable=not sys.stderr.isatty(),
        )
        self.bar.__enter__()
        self.task = self.bar.add_task("run", total=None, speed_text="")
        return self._start, self._tick

    def _start(self, total: int) -> None:
        self.bar.update(self.task, total=total)

    def _tick(self, n: int) -> None:
        self.bar.advance(self.task, n)
        speed = self.bar.tasks[0].speed
        self.bar.update(self.task, speed_text=f"{speed:,.1f} households/s" if speed else "")

    def __exit__(self, *exc: object) -> None:
        self.bar.__exit__(None, None, None)


def _filters(**kw: Any) -> Any:
    from trimtab.workflow.proposals import ProposalFilter

    return ProposalFilter(**kw)


def proposals(
    db: Db = None,
    as_of: AsOf = None,
    state: Annotated[
        str | None, typer.Option(help="proposed, approved, rejected, released (default: any)")
    ] = None,
    status: Annotated[
        str | None, typer.Option(help="trade, no_trade, exception, quiet (default: any)")
    ] = None,
    rule: Annotated[
        str | None, typer.Option(help="Has an exception of this rule (default: any)")
    ] = None,
    household: Annotated[str | None, typer.Option(help="Household id (default: any)")] = None,
    advisor: Annotated[str | None, typer.Option(help="Advisor (default: any)")] = None,
    min_value: Annotated[
        str | None, typer.Option(help="Smallest value, USD (default: no minimum)")
    ] = None,
    max_value: Annotated[
        str | None, typer.Option(help="Largest value, USD (default: no maximum)")
    ] = None,
    sort: Annotated[
        str,
        typer.Option(
            help="household, value, tax, exceptions, trades, advisor; -KEY for descending"
        ),
    ] = "household",
    limit: Annotated[int | None, typer.Option(min=1, help="Page size")] = 50,
    offset: Annotated[int, typer.Option(min=0, help="Skip this many")] = 0,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON lines")] = False,
) -> None:
    """The review queue: current proposals, filtered and sorted."""
    from trimtab.workflow.codec import to_plain
    from trimtab.workflow.proposals import list_proposals

    def body() -> None:
        f = _filters(
            as_of=_date(as_of),
            state=state,
            status=status,
            rule=rule,
            household=household,
            advisor=advisor,
            min_value=_money(min_value),
            max_value=_money(max_value),
        )
        rows = list_proposals(_engine(db, write=False), f, sort, limit=limit, offset=offset)
        if as_json:
            for r in rows:
                print(json.dumps(to_plain(r), sort_keys=True, default=str))
            return
        table = Table(title=f"{len(rows)} proposal(s)")
        for name in (
            "id",
            "as of",
            "household",
            "advisor",
            "state",
            "status",
            "value USD",
            "est. tax USD",
            "trades",
            "exceptions",
        ):
            table.add_column(name, justify="right" if "USD" in name or name == "id" else "left")
        for r in rows:
            table.add_row(
                str(r.proposal_id),
                str(r.as_of),
                r.household_id,
                r.advisor or "",
                r.state,
                r.status,
                f"{r.value:,.2f}",
                f"{r.est_tax:,.2f}",
                str(r.trades),
                ", ".join(r.rules),
            )
        out.print(table)

    _guard(body)


def _decision(verb: str) -> Callable[..., None]:
    def command(
        ids: Annotated[list[int] | None, typer.Argument(help="Proposal ids")] = None,
        db: Db = None,
        as_of: AsOf = None,
        clean: Annotated[
            bool, typer.Option("--clean", help="Every clean proposal (trades, no exception)")
        ] = False,
        rule: Annotated[
            str | None, typer.Option(help="Those with this rule (default: any rule)")
        ] = None,
        household: Annotated[
            str | None, typer.Option(help="Household id (default: any household)")
        ] = None,
        advisor: Annotated[str | None, typer.Option(help="Advisor (default: any advisor)")] = None,
        note: Annotated[str | None, typer.Option(help="Why (default: no note)")] = None,
        actor: Actor = None,
    ) -> None:
        from trimtab.workflow import proposals as p

        if not ids and not (clean or rule or household or advisor):
            raise typer.BadParameter("name proposal ids, or a filter (--clean, --rule, ...)")

        def body() -> None:
            f = _filters(
                as_of=_date(as_of),
                ids=tuple(ids) if ids else None,
                rule=rule,
                household=household,
                advisor=advisor,
                clean=True if clean else None,
            )
            done = getattr(p, verb)(_engine(db, write=True), f, _actor(actor), note)
            out.print(
                f"{verb.rstrip('e')}ed {len(done)} proposal(s)"
                + (f": {_ids(done)}" if done else "")
            )

        _guard(body)

    command.__doc__ = f"{verb.capitalize()} proposals: by id, or every one a filter selects."
    return command


def _ids(ids: list[int]) -> str:
    text = ", ".join(map(str, ids[:20]))
    return text + (f" ... (+{len(ids) - 20})" if len(ids) > 20 else "")


def orders(
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for orders.csv, allocations.csv")],
    db: Db = None,
    as_of: AsOf = None,
    release: Annotated[
        int | None,
        typer.Option(
            help="Write an earlier release again, releasing nothing (default: release now)"
        ),
    ] = None,
    actor: Actor = None,
) -> None:
    """Release approved proposals as block orders with allocations; nothing is sent twice."""
    from trimtab.workflow.orders import release_orders, stored_release, write_release

    def body() -> None:
        engine = _engine(db, write=release is None)
        if release is not None:
            done = stored_release(engine, release)
        else:
            done = release_orders(engine, _actor(actor), _date(as_of))
        counts = write_release(done, out_dir)
        out.print(
            f"release {done.release_id}: {len(done.proposals)} proposal(s), "
            f"{counts['orders.csv']} order(s), {counts['allocations.csv']} "
            f"allocation(s) written to {out_dir}"
        )

    _guard(body)


def audit_log(
    db: Db = None,
    action: Annotated[
        str | None, typer.Option(help="Only this action (default: every one)")
    ] = None,
    subject: Annotated[
        str | None, typer.Option(help="Subject prefix, e.g. proposal:12 (default: every one)")
    ] = None,
    limit: Annotated[int | None, typer.Option(min=1, help="At most this many")] = 100,
    offset: Annotated[int, typer.Option(min=0, help="Skip this many")] = 0,
) -> None:
    """Print the audit log (JSON lines, oldest first)."""
    from trimtab.workflow.audit import audit

    def body() -> None:
        for e in audit(
            _engine(db, write=False), action=action, subject=subject, limit=limit, offset=offset
        ):
            print(
                json.dumps(
                    {
                        "event_id": e.event_id,
                        "at": e.at.isoformat(),
                        "actor": e.actor,
                        "action": e.action,
                        "subject": e.subject,
                        "detail": e.detail,
                    }
                )
            )

    _guard(body)


def feed(
    folder: Annotated[Path, typer.Argument(help="The day's feed folder (docs/daily-run.md)")],
    db: Db = None,
    as_of: RunAsOf = None,
    actor: Actor = None,
) -> None:
    """Apply a day's feed (prices, transactions, cash, requests, models, restrictions) to the
    store, all or nothing, and reconcile custodian positions; breaks are listed by size."""
    from trimtab.workflow.feed import apply_feed

    def body() -> None:
        result = apply_feed(
            _engine(db, write=True), folder, as_of=_date(as_of), actor=_actor(actor)
        )
        out.print(f"feed {result.feed_id} applied as of {result.as_of}")
        for name, n in result.counts.items():
            out.print(f"  {name}: {n}")
        if result.changed_models:
            out.print(f"  models changed: {', '.join(result.changed_models)}")
        _print_breaks(result.breaks)

    _guard(body)


def breaks(db: Db = None, as_of: AsOf = None) -> None:
    """Reconciliation breaks (custodian vs store), largest first."""
    from trimtab.workflow.feed import list_breaks

    _guard(lambda: _print_breaks(list_breaks(_engine(db, write=False), _date(as_of))))


def _print_breaks(found: Any) -> None:
    if not found:
        out.print("no reconciliation break")
        return
    table = Table(title=f"{len(found)} reconciliation break(s), largest first")
    for name in ("account", "household", "symbol", "store shares", "custodian shares", "USD"):
        table.add_column(name, justify="right" if "shares" in name or name == "USD" else "left")
    for b in found:
        table.add_row(b.account_id, b.household_id, b.symbol, f"{b.store_quantity}",
                      f"{b.custodian_quantity}", f"{b.value:,.2f}")  # fmt: skip
    out.print(table)


def register(app: typer.Typer) -> None:
    """Add the daily commands to the `trimtab` app."""
    app.command("feed")(feed)
    app.command("breaks")(breaks)
    app.command("run")(run)
    app.command("proposals")(proposals)
    app.command("approve")(_decision("approve"))
    app.command("reject")(_decision("reject"))
    app.command("orders")(orders)
    app.command("audit")(audit_log)
