"""`run_day`: every household of the stored book proposed for one day, under a run id.

Idempotent and resumable: each chunk is saved in its own transaction, and a household whose
inputs (records, context, book-wide inputs) match its current proposal for the day is not
proposed again. So a second run, or a run after a `kill -9`, completes the day with exactly one
current proposal per household. Approved or released proposals are never replaced.
"""

from __future__ import annotations

import dataclasses
import functools
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Engine

from trimtab.batch import Executor, SequentialExecutor
from trimtab.book import Book
from trimtab.config import dump_toml, settings_to_dict
from trimtab.errors import StoreError
from trimtab.rebalance.run import DEFAULT_METHOD, METHODS
from trimtab.store import book_imported_at, export_book, has_book, read_lots
from trimtab.store import workflow_tables as w
from trimtab.store.engine import write_transaction
from trimtab.workflow import audit, codec
from trimtab.workflow.inputs import Shared
from trimtab.workflow.prepare import (
    Current,
    LotsOf,
    contexts,
    current_proposals,
    imported_at,
    jobs_and_chunks,
    last_feed,
    log_import,
    shared_inputs,
)
from trimtab.workflow.save import save_outcomes
from trimtab.workflow.screen import Context
from trimtab.workflow.summary import day_summary
from trimtab.workflow.task import solve_chunk


@dataclass(frozen=True, slots=True)
class RunResult:
    run_id: int
    as_of: date
    households: int
    proposed: int
    unchanged: int
    kept: int
    summary: dict[str, Any]


def run_day(
    engine: Engine,
    as_of: date | None = None,
    *,
    actor: str | None = None,
    method: str = DEFAULT_METHOD,
    executor: Executor | None = None,
    chunk_size: int | None = None,
    progress: Callable[[int], None] | None = None,
    on_total: Callable[[int], None] | None = None,
) -> RunResult:
    """Propose for every household of the stored book on `as_of` (default: the book's date).

    `progress(n)` is called as households finish; `on_total(n)` once with the number to do.
    """
    who = actor or audit.default_actor()
    run_exec = executor or SequentialExecutor()
    _can_run(engine, method)  # before any worker starts: a run that cannot start starts none
    run_exec.warm(solve_chunk)  # workers get ready while the book is read
    plan = plan_day(engine, as_of, method)
    book, day, shared = plan.book, plan.as_of, plan.shared
    settings = book.settings
    with write_transaction(engine) as conn:
        log_import(conn, who)
        _abandon_stale(conn, who)
        version = {"book_imported_at": imported_at(conn), "last_feed": last_feed(conn)}
        run_id = _start(conn, day, who, run_exec.name, method, settings, version, shared.text())
    ctx, current = plan.contexts, plan.current
    size = chunk_size or settings.workflow.chunk_size
    kept, chunks = jobs_and_chunks(book, ctx, current, size, plan.lots_of)
    if on_total is not None:
        on_total(len(book.households) - len(kept))
    advisors = _advisors(book)
    proposed = unchanged = 0
    for _, outcomes in run_exec.run(solve_chunk, shared, chunks):
        with write_transaction(engine) as conn:
            n = save_outcomes(conn, run_id, day, outcomes, settings, who, advisors)
        proposed += n
        unchanged += len(outcomes) - n
        if progress is not None:
            progress(len(outcomes))
    with write_transaction(engine) as conn:
        summary = day_summary(conn, day)
        summary.update(
            {"run_id": run_id, "proposed": proposed, "unchanged": unchanged, "kept": len(kept)}
        )
        _finish(conn, run_id, who, summary)
    return RunResult(run_id, day, len(book.households), proposed, unchanged, len(kept), summary)


@dataclass(frozen=True, eq=False)
class Plan:
    """What a run of one day starts from: the book without its lots, the shared inputs, each
    household's context, the day's current proposals, and where the lots come from (read a
    chunk at a time: the calling process holds one chunk's lots, not the book's)."""

    book: Book
    as_of: date
    shared: Shared
    contexts: dict[str, Context]
    current: dict[str, Current]
    lots_of: LotsOf


def plan_day(engine: Engine, as_of: date | None = None, method: str = DEFAULT_METHOD) -> Plan:
    """Read what a run needs from the store (reads only)."""
    _can_run(engine, method)
    stamp = book_imported_at(engine)  # each chunk's lots are read from this very book
    book = export_book(engine, lots=False)
    day = book.as_of(as_of)
    book = dataclasses.replace(book, settings=dataclasses.replace(book.settings, as_of=day))
    shared = shared_inputs(book, day, method).with_digest()
    with engine.connect() as conn:
        ctx, current = contexts(conn, book, day), current_proposals(conn, day)
    return Plan(
        book, day, shared, ctx, current, functools.partial(read_lots, engine, imported_at=stamp)
    )


def _can_run(engine: Engine, method: str) -> None:
    """StoreError unless `method` is known and the store holds a book."""
    if method not in METHODS:
        raise StoreError(f"unknown method {method!r}; one of {', '.join(METHODS)}")
    if not has_book(engine):
        raise StoreError("the store holds no book: run `trimtab db import BOOK` first")


def _advisors(book: Any) -> dict[str, str | None]:
    return {h.household_id: getattr(h, "advisor", None) for h in book.households}


def _start(
    conn: sa.Connection,
    day: date,
    actor: str,
    executor: str,
    method: str,
    settings: Any,
    version: dict[str, Any],
    shared_text: str,
) -> int:
    row = {
        "as_of": day,
        "started_at": audit.now(),
        "finished_at": None,
        "actor": actor,
        "status": "running",
        "executor": executor,
        "method": method,
        "settings_toml": dump_toml(settings_to_dict(settings)),
        "input_version": codec.dumps(version),
        "inputs_digest": codec.digest(shared_text),
        "inputs": codec.pack(shared_text),
        "summary": None,
    }
    before = conn.execute(
        sa.select(w.runs.c.settings_toml).order_by(w.runs.c.run_id.desc()).limit(1)
    ).scalar_one_or_none()
    run_id = conn.execute(w.runs.insert().returning(w.runs.c.run_id), row).scalar_one()
    if before is not None and before != row["settings_toml"]:
        change = {"before": before, "after": row["settings_toml"]}
        audit.record(conn, actor, "settings", f"run:{run_id}", change)
    detail = {
        "as_of": day,
        "executor": executor,
        "method": method,
        "input_version": version,
        "inputs_digest": row["inputs_digest"],
        "settings_toml": row["settings_toml"],
    }
    audit.record(conn, actor, "run_start", f"run:{run_id}", detail)
    return int(run_id)


def _finish(conn: sa.Connection, run_id: int, actor: str, summary: dict[str, Any]) -> None:
    conn.execute(
        w.runs.update()
        .where(w.runs.c.run_id == run_id)
        .values(status="done", finished_at=audit.now(), summary=json.dumps(summary, sort_keys=True))
    )
    audit.record(conn, actor, "run_finish", f"run:{run_id}", summary)


def _abandon_stale(conn: sa.Connection, actor: str) -> None:
    """Runs left `running` by a process that died are marked `abandoned` (and logged)."""
    stale = conn.execute(sa.select(w.runs.c.run_id).where(w.runs.c.status == "running")).scalars()
    ids = list(stale)
    if not ids:
        return
    conn.execute(w.runs.update().where(w.runs.c.run_id.in_(ids)).values(status="abandoned"))
    audit.record_many(
        conn,
        [
            (actor, "run_abandoned", f"run:{i}", {"reason": "found running at a new run's start"})
            for i in ids
        ],
    )
