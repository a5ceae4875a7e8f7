"""The daily run's tables (migration 0003): feeds, runs, proposals, exceptions, orders, audit.

They sit beside the book tables in the one `metadata`. Proposals are never deleted: a rerun
adds a new proposal and moves the `current_proposals` pointer, so the history stays; the audit log
is append-only (the migration adds triggers that refuse UPDATE and DELETE on it).
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Double,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    false,
)
from sqlalchemy.engine.default import DefaultExecutionContext

from trimtab.store.tables import ID, metadata
from trimtab.store.types import ExactDecimal


def _when(name: str, *, nullable: bool = False) -> Column:
    """A moment (UTC, with its time zone)."""
    return Column(name, DateTime(timezone=True), nullable=nullable)


def _actor() -> Column:
    """Who did it (the `--actor`, the service's user)."""
    return Column("actor", Text, nullable=False)


def _as_of(*, index: bool = False) -> Column:
    """The day a row is about."""
    return Column("as_of", Date, nullable=False, index=index or None)


def _parent(column: str, table: str, **kw: bool) -> Column:
    """A reference to `table`'s key `column` (required unless `nullable=True`)."""
    kw.setdefault("nullable", False)
    return Column(column, Integer, ForeignKey(f"{table}.{column}"), **kw)


def _inputs(what: str) -> tuple[Column, Column]:
    """The inputs a run or a proposal was computed from, and their digest (to reproduce it)."""
    return (
        Column("inputs_digest", String(64), nullable=False),
        Column("inputs", LargeBinary, nullable=False, doc=f"zlib JSON: {what}"),
    )


def _sort_key(money: str) -> Column:
    """`money` as a float (migration 0005), filled from the row's own `money` on insert: the
    queue sorts and compares it in an index (SQLite keeps money as text, which sorts as text)."""

    def key(context: DefaultExecutionContext) -> float:
        return float(context.get_current_parameters()[money])

    return Column(f"{money}_key", Double, nullable=False, default=key, doc=f"float({money})")


def _order_line(price_doc: str) -> tuple[Column, ...]:
    """What a proposed trade and a block order both say: symbol, side, shares, price."""
    return (
        Column("symbol", ID, nullable=False),
        Column("side", String(10), nullable=False),
        Column("quantity", ExactDecimal, nullable=False, doc="shares"),
        Column("price", ExactDecimal, nullable=False, doc=price_doc),
    )


feeds = Table(
    "feeds",
    metadata,
    Column("feed_id", Integer, primary_key=True),
    _when("received_at"),
    _actor(),
    _as_of(),
    Column("source", Text, nullable=False, doc="the feed folder as given"),
    Column("counts", Text, nullable=False, doc="JSON: rows applied per file"),
)
"""One row per day's feed applied to the store (the input version runs refer to)."""

model_changes = Table(
    "model_changes",
    metadata,
    Column("change_id", Integer, primary_key=True),
    _parent("feed_id", "feeds"),
    Column("model_id", ID, nullable=False, index=True),
    _as_of(),
)
"""A model whose components a feed changed, and the day it takes effect."""

breaks = Table(
    "breaks",
    metadata,
    Column("break_id", Integer, primary_key=True),
    _parent("feed_id", "feeds"),
    _as_of(index=True),
    Column("account_id", ID, nullable=False),
    Column("household_id", ID, nullable=False),
    Column("symbol", ID, nullable=False),
    Column("store_quantity", ExactDecimal, nullable=False, doc="shares the store derives"),
    Column("custodian_quantity", ExactDecimal, nullable=False, doc="shares the custodian reports"),
    Column("value", ExactDecimal, nullable=False, doc="USD, |difference| x price"),
)
"""A reconciliation break: the custodian and the store disagree on a position."""

runs = Table(
    "runs",
    metadata,
    Column("run_id", Integer, primary_key=True),
    _as_of(index=True),
    _when("started_at"),
    _when("finished_at", nullable=True),
    _actor(),
    Column("status", String(20), nullable=False, doc="running, done"),
    Column("executor", Text, nullable=False),
    Column("method", String(40), nullable=False),
    Column("settings_toml", Text, nullable=False),
    Column("input_version", Text, nullable=False, doc="JSON: book import time, last feed id"),
    *_inputs("the book-wide inputs"),
    Column("summary", Text, doc="JSON: the end-of-run summary"),
)

proposals = Table(
    "proposals",
    metadata,
    Column("proposal_id", Integer, primary_key=True),
    _parent("run_id", "runs", index=True),
    _as_of(),
    Column("household_id", ID, nullable=False),
    Column("advisor", Text),
    Column("state", String(20), nullable=False, doc="proposed, approved, rejected, released"),
    Column("status", String(20), nullable=False, doc="trade, no_trade, exception, quiet"),
    Column("screen", Text, nullable=False, doc="screening triggers joined by ';'"),
    Column("value", ExactDecimal, nullable=False, doc="USD"),
    Column("est_tax", ExactDecimal, nullable=False, doc="USD"),
    Column("baseline_tax", ExactDecimal, doc="USD, the baseline method's estimate"),
    Column("trades", Integer, nullable=False),
    Column("exceptions", Integer, nullable=False),
    *_inputs("the household's inputs"),
    Column("payload", Text, nullable=False, doc="canonical JSON of the proposal"),
    _when("created_at"),
    Column("decided_by", Text),
    _when("decided_at", nullable=True),
    Column("note", Text),
    _parent("release_id", "releases", nullable=True),
    Column(
        "is_current",
        Boolean,
        nullable=False,
        server_default=false(),
        doc="its household's current proposal of its day (migration 0005): current_proposals "
        "points at it; the review queue's indexes start with (as_of, is_current)",
    ),
    _sort_key("value"),
    _sort_key("est_tax"),
    Index("ix_proposals_as_of_household", "as_of", "household_id"),
)

current_proposals = Table(
    "current_proposals",
    metadata,
    Column("as_of", Date, primary_key=True),
    Column("household_id", ID, primary_key=True),
    _parent("proposal_id", "proposals", unique=True),
)
"""The one current proposal of each household for each day (the key makes it one)."""

proposed_trades = Table(
    "proposed_trades",
    metadata,
    _parent("proposal_id", "proposals", primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("account_id", ID, nullable=False),
    *_order_line("USD per share"),
    Column("value", ExactDecimal, nullable=False, doc="USD"),
    Column("lot_id", ID),
    Column("reason", Text, nullable=False),
)

exceptions = Table(
    "exceptions",
    metadata,
    Column("exception_id", Integer, primary_key=True),
    _parent("proposal_id", "proposals", index=True),
    Column("account_id", ID),
    Column("rule", String(40), nullable=False),
    Column("message", Text, nullable=False),
    Column("measure", Double, doc="the figure the rule compared with its threshold"),
    Index("ix_exceptions_rule_proposal", "rule", "proposal_id"),
)

releases = Table(
    "releases",
    metadata,
    Column("release_id", Integer, primary_key=True),
    _when("released_at"),
    _actor(),
    Column("proposals", Integer, nullable=False),
    Column("orders", Integer, nullable=False),
)

orders = Table(
    "orders",
    metadata,
    _parent("release_id", "releases", primary_key=True),
    Column("position", Integer, primary_key=True),
    *_order_line("USD per share, the proposals' price"),
    Column("accounts", Integer, nullable=False),
)

allocations = Table(
    "allocations",
    metadata,
    _parent("release_id", "releases", primary_key=True),
    Column("position", Integer, primary_key=True, doc="the order's position"),
    Column("account_id", ID, primary_key=True),
    Column("quantity", ExactDecimal, nullable=False, doc="shares"),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("event_id", Integer, primary_key=True),
    _when("at"),
    _actor(),
    Column("action", String(40), nullable=False, index=True),
    Column("subject", Text, nullable=False),
    Column("detail", Text, nullable=False, doc="JSON"),
)
"""Append-only: every import, feed, run, proposal, decision and release, with actor and time."""

WORKFLOW_TABLES: tuple[Table, ...] = (
    feeds,
    model_changes,
    breaks,
    runs,
    releases,
    proposals,
    current_proposals,
    proposed_trades,
    exceptions,
    orders,
    allocations,
    audit_log,
)
"""Parents before children."""
