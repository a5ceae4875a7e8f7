"""Before a run: the stored book, the run's shared inputs, and each household's context and job.

I/O at this edge only (reads); everything it returns is plain records for the pure task.
"""

from __future__ import annotations

import dataclasses
import json
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import numpy as np
import sqlalchemy as sa
from sqlalchemy import Connection

from trimtab.book import Book
from trimtab.domain import Lot, Model
from trimtab.risk import risk_model_for
from trimtab.store import tables as t
from trimtab.store import workflow_tables as w
from trimtab.workflow import codec
from trimtab.workflow.inputs import HOUSEHOLD_FIELDS, Shared, household_records
from trimtab.workflow.screen import Break, Context
from trimtab.workflow.task import Chunk, Job, household_book

LOCKED_STATES = ("approved", "released")
"""A household whose current proposal is in one of these states is not proposed for again."""


@dataclass(frozen=True, slots=True)
class Current:
    """A household's current proposal for the day: its id, state and input digest."""

    proposal_id: int
    state: str
    digest: str


def shared_inputs(book: Book, as_of: date, method: str) -> Shared:
    """The book-wide inputs: the book without households, the risk model, last price dates."""
    risk = risk_model_for(book)
    empty = dict.fromkeys(HOUSEHOLD_FIELDS, ())
    wide = dataclasses.replace(book, price_history=None, **empty)  # type: ignore[arg-type]
    return Shared(as_of, method, wide, risk, last_price_dates(book))


def last_price_dates(book: Book) -> dict[str, date]:
    """Each symbol's last close in the price history ({} without one)."""
    history = book.price_history
    if history is None or len(history) == 0:
        return {}
    symbols, index = np.unique(history.symbols.astype(str), return_inverse=True)
    last = np.full(len(symbols), np.datetime64("0001-01-01"), dtype="datetime64[D]")
    np.maximum.at(last, index, history.dates.astype("datetime64[D]"))
    return {str(s): d.astype(object) for s, d in zip(symbols, last, strict=True)}


def current_proposals(conn: Connection, as_of: date) -> dict[str, Current]:
    """The day's current proposal of each household that has one."""
    p, c = w.proposals, w.current_proposals
    stmt = (
        sa.select(c.c.household_id, p.c.proposal_id, p.c.state, p.c.inputs_digest)
        .join(p, p.c.proposal_id == c.c.proposal_id)
        .where(c.c.as_of == as_of)
    )
    return {r[0]: Current(r[1], r[2], r[3]) for r in conn.execute(stmt)}


def contexts(conn: Connection, book: Book, as_of: date) -> dict[str, Context]:
    """Each household's context: last solved day before today, changed models, today's breaks."""
    p, c = w.proposals, w.current_proposals
    solved = dict(
        conn.execute(
            sa.select(c.c.household_id, sa.func.max(c.c.as_of))
            .join(p, p.c.proposal_id == c.c.proposal_id)
            .where(c.c.as_of < as_of, p.c.status != "quiet")
            .group_by(c.c.household_id)
        ).all()
    )
    changes: dict[str, list[date]] = defaultdict(list)
    for model_id, day in conn.execute(
        sa.select(w.model_changes.c.model_id, w.model_changes.c.as_of).where(
            w.model_changes.c.as_of <= as_of
        )
    ):
        changes[model_id].append(day)
    for model_id in models_changed_since_last_run(conn, book, as_of):
        changes[model_id].append(as_of)
    breaks: dict[str, list[Break]] = defaultdict(list)
    b = w.breaks
    for row in conn.execute(sa.select(b).where(b.c.as_of == as_of).order_by(b.c.break_id)):
        breaks[row.household_id].append(
            Break(
                row.account_id,
                row.symbol,
                _text(row.store_quantity),
                _text(row.custodian_quantity),
                _text(row.value),
            )
        )
    contains = _model_closure(book.model_by_id)
    out = {}
    for hh in book.households:
        last = solved.get(hh.household_id)
        models = {hh.model_id} | {
            a.model_id for a in book.accounts_by_household.get(hh.household_id, ())
        }
        followed = sorted({m for x in models if x for m in contains.get(x, {x})})
        changed = tuple(
            m for m in followed if any(last is None or d > last for d in changes.get(m, ()))
        )
        out[hh.household_id] = Context(last, changed, tuple(breaks.get(hh.household_id, ())))
    return out


def models_changed_since_last_run(conn: Connection, book: Book, as_of: date) -> tuple[str, ...]:
    """Models whose components differ from those of the last run before `as_of`, or that it
    did not know: a change that came with a re-imported book (not a feed, which records its
    own) still reaches every account on the model, with the `model_change` reason."""
    r = w.runs
    blob = conn.execute(
        sa.select(r.c.inputs)
        .where(r.c.as_of < as_of)
        .order_by(r.c.as_of.desc(), r.c.run_id.desc())
        .limit(1)
    ).scalar_one_or_none()
    if blob is None:
        return ()
    before = {
        m["model_id"]: _components(m) for m in json.loads(codec.unpack(blob))["book"]["models"]
    }
    now = {m["model_id"]: _components(m) for m in codec.to_plain(book.models)}
    return tuple(sorted(m for m, parts in now.items() if before.get(m) != parts))


def _components(model: Mapping[str, Any]) -> list[tuple[str, Decimal]]:
    """A stored model's components in a canonical order: neither the file's order nor a
    weight's trailing zeros is a change."""
    return sorted((str(c["component"]), Decimal(str(c["weight"]))) for c in model["components"])


def _text(value: object) -> str:
    return format(value, "f") if not isinstance(value, str) else value


def _model_closure(models: Mapping[str, Model]) -> dict[str, set[str]]:
    """Each model with every model inside it, so a sub-model change reaches its parents."""
    out: dict[str, set[str]] = {}

    def walk(model_id: str, seen: frozenset[str]) -> set[str]:
        found = {model_id}
        model = models.get(model_id)
        if model is None or model_id in seen:
            return found
        for comp in model.components:
            if comp.submodel:
                found |= walk(comp.submodel, seen | {model_id})
        return found

    for model_id in models:
        out[model_id] = walk(model_id, frozenset())
    return out


LotsOf = Callable[[Sequence[str]], Mapping[str, Sequence[Lot]]]
"""Account ids -> their lots by account, in book order (`store.read_lots`)."""


def jobs_and_chunks(
    book: Book,
    ctx: Mapping[str, Context],
    current: Mapping[str, Current],
    size: int,
    lots_of: LotsOf | None = None,
) -> tuple[list[str], Iterator[Chunk]]:
    """Households kept as they are (approved or released today), and chunks of the others.

    Without `lots_of` the lots come from `book`; with it, each chunk's are read as the chunk
    is made (the chunks are made as the executor asks for them, while workers solve)."""
    kept = [h for h, cur in current.items() if cur.state in LOCKED_STATES]
    skip = set(kept)
    todo = [
        Job(
            hh.household_id,
            ctx[hh.household_id],
            current[hh.household_id].digest if hh.household_id in current else None,
        )
        for hh in book.households
        if hh.household_id not in skip
    ]
    return kept, _chunks(book, todo, max(1, size), lots_of)


def _chunks(book: Book, jobs: list[Job], size: int, lots_of: LotsOf | None) -> Iterator[Chunk]:
    for start in range(0, len(jobs), size):
        part = tuple(jobs[start : start + size])
        lots = None
        if lots_of is not None:
            owned = book.accounts_by_household
            lots = lots_of([a.account_id for j in part for a in owned.get(j.household_id, ())])
        fields: dict[str, list[object]] = {f: [] for f in HOUSEHOLD_FIELDS}
        for job in part:
            for name, records in household_records(book, job.household_id, lots).items():
                fields[name].extend(records)
        yield Chunk(household_book({k: tuple(v) for k, v in fields.items()}), part)


def imported_at(conn: Connection) -> str | None:
    """When the stored book was imported (part of a run's input version)."""
    value = conn.execute(sa.select(t.book.c.imported_at)).scalar_one_or_none()
    return value.isoformat() if value is not None else None


def log_import(conn: Connection, actor: str) -> None:
    """Log the stored book's import (once): `trimtab db import` replaces the book outside the
    workflow, so the first workflow step that meets a newly imported book records it."""
    from trimtab.workflow import audit

    when = imported_at(conn)
    subject = f"book:{when}"
    a = w.audit_log
    seen = conn.execute(
        sa.select(a.c.event_id).where(a.c.action == "import", a.c.subject == subject)
    )
    if when is not None and seen.first() is None:
        counts = {tb.name: conn.execute(sa.select(sa.func.count()).select_from(tb)).scalar_one()
                  for tb in (t.households, t.accounts, t.lots, t.transactions)}  # fmt: skip
        audit.record(conn, actor, "import", subject, {"imported_at": when, "rows": counts})


def last_feed(conn: Connection) -> int | None:
    return conn.execute(sa.select(sa.func.max(w.feeds.c.feed_id))).scalar_one_or_none()
