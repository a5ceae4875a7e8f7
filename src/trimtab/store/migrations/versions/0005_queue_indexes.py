"""The review queue's indexes: proposals learn whether they are current and their money as
float sort keys; one index per sort key and direction replaces 0004's queue index; exceptions
are indexed by (rule, proposal_id).

The backfill updates every stored proposal; SQLite rewrites each row whole, payload included, so on
a large store this migration takes about as long as copying the proposals table (about 20 s for the
40,323 proposals of bench_api.py's store, 1.2 GB).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FILTERS = ("status", "state", "value_key")
KEYS = ("value_key", "est_tax_key", "exceptions", "trades")
OLD_QUEUE = ["as_of", "status", "state", "household_id", "value", "est_tax", "trades", "exceptions"]


def _queue_indexes() -> dict[str, list[str | sa.TextClause]]:
    """Name: columns; kept here as they were at 0005 (the metadata's are in queue_indexes)."""

    def columns(
        key: str | None, descending: bool = False, also: Sequence[str] = ()
    ) -> list[str | sa.TextClause]:
        order: list[str | sa.TextClause] = []
        if key is not None:
            order.append(sa.text(f"{key} DESC") if descending else key)
        ties = [c for c in ("household_id", "proposal_id") if c != key]
        rest = [c for c in dict.fromkeys((*FILTERS, *also)) if c != key]
        return ["as_of", "is_current", *order, *ties, *rest]

    out: dict[str, list[str | sa.TextClause]] = {
        "count": ["as_of", "is_current", "status", "state", "value_key"],
        "household": columns(None),
        "proposal": columns("proposal_id", also=KEYS),
    }
    for key in KEYS:
        out[f"{key}_asc"] = columns(key)
        out[f"{key}_desc"] = columns(key, descending=True)
    return {f"ix_proposals_queue_{name}": cols for name, cols in out.items()}


def upgrade() -> None:
    op.add_column(
        "proposals",
        sa.Column("is_current", sa.Boolean(), server_default=sa.false(), nullable=False),
    )
    for key in ("value_key", "est_tax_key"):  # the default only lets the column be added
        op.add_column(
            "proposals", sa.Column(key, sa.Double(), server_default=sa.text("0"), nullable=False)
        )
    op.execute(
        "UPDATE proposals SET "
        "value_key = CAST(value AS DOUBLE PRECISION), "
        "est_tax_key = CAST(est_tax AS DOUBLE PRECISION), "
        "is_current = proposal_id IN (SELECT proposal_id FROM current_proposals)"
    )
    if op.get_bind().dialect.name != "sqlite":  # SQLite would copy the table to drop it
        for key in ("value_key", "est_tax_key"):
            op.alter_column("proposals", key, server_default=None)
    op.drop_index("ix_proposals_queue", table_name="proposals")
    for name, columns in _queue_indexes().items():
        op.create_index(name, "proposals", columns)
    op.drop_index("ix_exceptions_rule", table_name="exceptions")
    op.create_index("ix_exceptions_rule_proposal", "exceptions", ["rule", "proposal_id"])


def downgrade() -> None:
    op.drop_index("ix_exceptions_rule_proposal", table_name="exceptions")
    op.create_index("ix_exceptions_rule", "exceptions", ["rule"])
    for name in _queue_indexes():
        op.drop_index(name, table_name="proposals")
    op.create_index("ix_proposals_queue", "proposals", OLD_QUEUE)
    with op.batch_alter_table("proposals") as batch:
        for column in ("est_tax_key", "value_key", "is_current"):
            batch.drop_column(column)
