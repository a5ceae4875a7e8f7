"""The daily run: households' advisor, feeds, model changes, reconciliation breaks, runs,
proposals, exceptions, block orders and allocations, and the append-only audit log.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from trimtab.store.types import ExactDecimal

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _id(name: str, *, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.Text(), nullable=nullable)


def _money(name: str, *, nullable: bool = False) -> sa.Column:
    return sa.Column(name, ExactDecimal(), nullable=nullable)


def _when(name: str, *, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _pk(table: str, *columns: str) -> sa.PrimaryKeyConstraint:
    return sa.PrimaryKeyConstraint(*columns, name=op.f(f"pk_{table}"))


def _fk(table: str, column: str, parent: str, key: str) -> sa.ForeignKeyConstraint:
    name = op.f(f"fk_{table}_{column}_{parent}")
    return sa.ForeignKeyConstraint([column], [f"{parent}.{key}"], name=name)


def upgrade() -> None:
    with op.batch_alter_table("households") as batch:
        batch.add_column(sa.Column("advisor", sa.Text(), nullable=True))
    op.create_table(
        "feeds",
        sa.Column("feed_id", sa.Integer(), nullable=False),
        _when("received_at"),
        _id("actor"),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("counts", sa.Text(), nullable=False),
        _pk("feeds", "feed_id"),
    )
    op.create_table(
        "model_changes",
        sa.Column("change_id", sa.Integer(), nullable=False),
        sa.Column("feed_id", sa.Integer(), nullable=False),
        _id("model_id"),
        sa.Column("as_of", sa.Date(), nullable=False),
        _fk("model_changes", "feed_id", "feeds", "feed_id"),
        _pk("model_changes", "change_id"),
    )
    op.create_index(op.f("ix_model_changes_model_id"), "model_changes", ["model_id"])
    op.create_table(
        "breaks",
        sa.Column("break_id", sa.Integer(), nullable=False),
        sa.Column("feed_id", sa.Integer(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        _id("account_id"),
        _id("household_id"),
        _id("symbol"),
        _money("store_quantity"),
        _money("custodian_quantity"),
        _money("value"),
        _fk("breaks", "feed_id", "feeds", "feed_id"),
        _pk("breaks", "break_id"),
    )
    op.create_index(op.f("ix_breaks_as_of"), "breaks", ["as_of"])
    op.create_table(
        "runs",
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        _when("started_at"),
        _when("finished_at", nullable=True),
        _id("actor"),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("executor", sa.Text(), nullable=False),
        sa.Column("method", sa.String(length=40), nullable=False),
        sa.Column("settings_toml", sa.Text(), nullable=False),
        sa.Column("input_version", sa.Text(), nullable=False),
        sa.Column("inputs_digest", sa.String(length=64), nullable=False),
        sa.Column("inputs", sa.LargeBinary(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=True),
        _pk("runs", "run_id"),
    )
    op.create_index(op.f("ix_runs_as_of"), "runs", ["as_of"])
    op.create_table(
        "releases",
        sa.Column("release_id", sa.Integer(), nullable=False),
        _when("released_at"),
        _id("actor"),
        sa.Column("proposals", sa.Integer(), nullable=False),
        sa.Column("orders", sa.Integer(), nullable=False),
        _pk("releases", "release_id"),
    )
    op.create_table(
        "proposals",
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        _id("household_id"),
        _id("advisor", nullable=True),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("screen", sa.Text(), nullable=False),
        _money("value"),
        _money("est_tax"),
        _money("baseline_tax", nullable=True),
        sa.Column("trades", sa.Integer(), nullable=False),
        sa.Column("exceptions", sa.Integer(), nullable=False),
        sa.Column("inputs_digest", sa.String(length=64), nullable=False),
        sa.Column("inputs", sa.LargeBinary(), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        _when("created_at"),
        _id("decided_by", nullable=True),
        _when("decided_at", nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("release_id", sa.Integer(), nullable=True),
        _fk("proposals", "run_id", "runs", "run_id"),
        _fk("proposals", "release_id", "releases", "release_id"),
        _pk("proposals", "proposal_id"),
    )
    op.create_index(op.f("ix_proposals_run_id"), "proposals", ["run_id"])
    op.create_index("ix_proposals_as_of_household", "proposals", ["as_of", "household_id"])
    op.create_table(
        "current_proposals",
        sa.Column("as_of", sa.Date(), nullable=False),
        _id("household_id"),
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        _fk("current_proposals", "proposal_id", "proposals", "proposal_id"),
        _pk("current_proposals", "as_of", "household_id"),
        sa.UniqueConstraint("proposal_id", name=op.f("uq_current_proposals_proposal_id")),
    )
    op.create_table(
        "proposed_trades",
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        _id("account_id"),
        _id("symbol"),
        sa.Column("side", sa.String(length=10), nullable=False),
        _money("quantity"),
        _money("price"),
        _money("value"),
        _id("lot_id", nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        _fk("proposed_trades", "proposal_id", "proposals", "proposal_id"),
        _pk("proposed_trades", "proposal_id", "position"),
    )
    op.create_table(
        "exceptions",
        sa.Column("exception_id", sa.Integer(), nullable=False),
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        _id("account_id", nullable=True),
        sa.Column("rule", sa.String(length=40), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("measure", sa.Double(), nullable=True),
        _fk("exceptions", "proposal_id", "proposals", "proposal_id"),
        _pk("exceptions", "exception_id"),
    )
    op.create_index(op.f("ix_exceptions_proposal_id"), "exceptions", ["proposal_id"])
    op.create_index(op.f("ix_exceptions_rule"), "exceptions", ["rule"])
    op.create_table(
        "orders",
        sa.Column("release_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        _id("symbol"),
        sa.Column("side", sa.String(length=10), nullable=False),
        _money("quantity"),
        _money("price"),
        sa.Column("accounts", sa.Integer(), nullable=False),
        _fk("orders", "release_id", "releases", "release_id"),
        _pk("orders", "release_id", "position"),
    )
    op.create_table(
        "allocations",
        sa.Column("release_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        _id("account_id"),
        _money("quantity"),
        _fk("allocations", "release_id", "releases", "release_id"),
        _pk("allocations", "release_id", "position", "account_id"),
    )
    op.create_table(
        "audit_log",
        sa.Column("event_id", sa.Integer(), nullable=False),
        _when("at"),
        _id("actor"),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        _pk("audit_log", "event_id"),
    )
    op.create_index(op.f("ix_audit_log_action"), "audit_log", ["action"])
    _append_only("audit_log")


def _append_only(table: str) -> None:
    """Triggers that refuse UPDATE and DELETE: the log can only grow."""
    if op.get_bind().dialect.name == "sqlite":
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
            )
        return
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"CREATE FUNCTION {table}_append_only() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN RAISE EXCEPTION '{table} is append-only'; END $$"
        )
        op.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {table}_append_only()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log")
        op.execute("DROP FUNCTION IF EXISTS audit_log_append_only()")
    for table in (
        "audit_log",
        "allocations",
        "orders",
        "exceptions",
        "proposed_trades",
        "current_proposals",
        "proposals",
        "releases",
        "runs",
        "breaks",
        "model_changes",
        "feeds",
    ):
        op.drop_table(table)
    with op.batch_alter_table("households") as batch:
        batch.drop_column("advisor")
