"""Apply a day's feed to the store: all or nothing, without re-importing the book.

Only what the feed changes is written (prices, new transactions and the cash they move, cash
requests, models, restrictions), with the feed's row, its model changes, its reconciliation breaks
and its audit event, in one transaction. A feed with any problem changes nothing.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection, Engine

from trimtab.config import dump_toml, settings_to_dict
from trimtab.errors import StoreError
from trimtab.store import export_book, has_book
from trimtab.store import rows as r
from trimtab.store import tables as t
from trimtab.store import workflow_tables as w
from trimtab.store.engine import write_transaction
from trimtab.workflow import audit
from trimtab.workflow.feed_read import FEED_FILES, Feed, read_feed
from trimtab.workflow.prepare import log_import
from trimtab.workflow.reconcile import PositionBreak, reconcile


@dataclass(frozen=True, slots=True)
class FeedResult:
    feed_id: int
    as_of: date
    counts: dict[str, int]
    changed_models: tuple[str, ...]
    breaks: tuple[PositionBreak, ...]


def apply_feed(
    engine: Engine, folder: Path, *, as_of: date | None = None, actor: str | None = None
) -> FeedResult:
    """Validate the feed in `folder` against the stored book and apply it (see module doc).

    `as_of` (default: the stored book's) becomes the stored book's as-of date.
    """
    if not has_book(engine):
        raise StoreError("the store holds no book: run `trimtab db import BOOK` first")
    stored = export_book(engine)
    day = as_of or stored.as_of()
    feed = read_feed(Path(folder), stored, day)
    breaks = tuple(reconcile(feed.book, feed.positions))
    counts = {name: len(rows) for name, rows in feed.rows.items()}
    who = actor or audit.default_actor()
    with write_transaction(engine) as conn:
        log_import(conn, who)
        _write(conn, feed)
        feed_id = conn.execute(
            w.feeds.insert().returning(w.feeds.c.feed_id),
            {
                "received_at": audit.now(),
                "actor": who,
                "as_of": day,
                "source": str(folder),
                "counts": json.dumps(counts, sort_keys=True),
            },
        ).scalar_one()
        if feed.changed_models:
            conn.execute(
                w.model_changes.insert(),
                [{"feed_id": feed_id, "model_id": m, "as_of": day} for m in feed.changed_models],
            )
        if breaks:
            conn.execute(w.breaks.insert(), [_break_row(b, feed_id, day) for b in breaks])
        detail = {
            "as_of": day,
            "counts": counts,
            "changed_models": feed.changed_models,
            "breaks": len(breaks),
            "files": _digests(Path(folder)),
        }
        audit.record(conn, who, "feed", f"feed:{feed_id}", detail)
    return FeedResult(int(feed_id), day, counts, feed.changed_models, breaks)


def _break_row(b: PositionBreak, feed_id: int, day: date) -> dict[str, Any]:
    return {
        "feed_id": feed_id,
        "as_of": day,
        "account_id": b.account_id,
        "household_id": b.household_id,
        "symbol": b.symbol,
        "store_quantity": b.store_quantity,
        "custodian_quantity": b.custodian_quantity,
        "value": b.value,
    }


def _digests(folder: Path) -> dict[str, str]:
    """SHA-256 of each feed file as received: which bytes made this feed."""
    return {
        spec.name: hashlib.sha256((folder / spec.name).read_bytes()).hexdigest()
        for spec in FEED_FILES
        if (folder / spec.name).exists()
    }


def _write(conn: Connection, feed: Feed) -> None:
    book = feed.book
    if feed.has("prices.csv"):
        _prices(conn, feed)
    if feed.new_transactions:
        start = _next_seq(conn, t.transactions)
        rows = [
            {**row, "seq": row["seq"] + start} for row in r.transaction_rows(feed.new_transactions)
        ]
        conn.execute(t.transactions.insert(), rows)
    if feed.cash_accounts:
        cash = {a.account_id: a.cash for a in book.accounts if a.account_id in feed.cash_accounts}
        stmt = t.accounts.update().where(t.accounts.c.account_id == sa.bindparam("b_id"))
        conn.execute(
            stmt.values(cash=sa.bindparam("b_cash")),
            [{"b_id": a, "b_cash": c} for a, c in cash.items()],
        )
    if feed.has("cash_flows.csv"):
        conn.execute(t.cash_flows.delete())
        if book.cash_flows:
            conn.execute(t.cash_flows.insert(), list(r.cash_flow_rows(book.cash_flows)))
    if feed.has("models.csv"):
        _models(conn, feed)
    if feed.has("restrictions.csv"):
        _restrictions(conn, feed)
    settings = dataclasses.replace(book.settings, as_of=feed.as_of)
    conn.execute(t.book.update().values(settings_toml=dump_toml(settings_to_dict(settings))))


def _next_seq(conn: Connection, table: sa.Table) -> int:
    return (
        int(conn.execute(sa.select(sa.func.coalesce(sa.func.max(table.c.seq), -1))).scalar_one())
        + 1
    )


def _prices(conn: Connection, feed: Feed) -> None:
    rows = feed.rows["prices.csv"]
    stmt = t.securities.update().where(t.securities.c.symbol == sa.bindparam("b_symbol"))
    conn.execute(
        stmt.values(price=sa.bindparam("b_price")),
        [{"b_symbol": v["symbol"], "b_price": v["price"]} for _, v in rows],
    )
    if feed.book.price_history is None:
        return
    ph = t.price_history
    closes = {(v["symbol"], v["date"] or feed.as_of): v["price"] for _, v in rows}
    for symbol, day in closes:
        conn.execute(ph.delete().where(ph.c.symbol == symbol, ph.c.date == day))
    start = _next_seq(conn, ph)
    conn.execute(
        ph.insert(),
        [
            {"symbol": s, "date": d, "seq": start + i, "close": float(p)}
            for i, ((s, d), p) in enumerate(
                sorted(closes.items(), key=lambda kv: (kv[0][1], kv[0][0]))
            )
        ],
    )


def _models(conn: Connection, feed: Feed) -> None:
    named = sorted({v["model_id"] for _, v in feed.rows["models.csv"]})
    mc = t.model_components
    conn.execute(mc.delete().where(mc.c.model_id.in_(named)))
    models = [m for m in feed.book.models if m.model_id in named]
    start = _next_seq(conn, mc)
    conn.execute(mc.insert(), [{**row, "seq": row["seq"] + start} for row in r.model_rows(models)])


def _restrictions(conn: Connection, feed: Feed) -> None:
    scopes = sorted({v["scope"] for _, v in feed.rows["restrictions.csv"]})
    rt = t.restrictions
    conn.execute(rt.delete().where(rt.c.scope.in_(scopes)))
    added = [x for x in feed.book.restrictions if x.scope in scopes]
    start = _next_seq(conn, rt)
    if added:
        conn.execute(
            rt.insert(), [{**row, "seq": row["seq"] + start} for row in r.restriction_rows(added)]
        )


def list_breaks(engine: Engine, as_of: date | None = None) -> list[PositionBreak]:
    """Stored reconciliation breaks (of one day, or all), largest first."""
    b = w.breaks
    stmt = sa.select(b).order_by(b.c.break_id)
    if as_of is not None:
        stmt = stmt.where(b.c.as_of == as_of)
    with engine.connect() as conn:
        found = [
            PositionBreak(
                x.account_id,
                x.household_id,
                x.symbol,
                x.store_quantity,
                x.custodian_quantity,
                x.value,
            )
            for x in conn.execute(stmt)
        ]
    return sorted(found, key=lambda x: (-x.value, x.account_id, x.symbol))
