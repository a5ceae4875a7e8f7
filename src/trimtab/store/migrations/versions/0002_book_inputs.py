"""The spec's new book inputs: alternates, security kind, gain harvest and drift tolerances.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from trimtab.store.types import ExactDecimal

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """New columns take the spec's defaults on rows already stored (kind stock, no harvest)."""
    with op.batch_alter_table("securities") as batch:
        batch.add_column(
            sa.Column("kind", sa.String(length=40), nullable=False, server_default="stock")
        )
    with op.batch_alter_table("households") as batch:
        batch.add_column(
            sa.Column("gain_harvest", ExactDecimal(), nullable=False, server_default="0")
        )
        batch.add_column(sa.Column("drift_tolerance", ExactDecimal(), nullable=True))
    with op.batch_alter_table("accounts") as batch:
        batch.add_column(sa.Column("drift_tolerance", ExactDecimal(), nullable=True))
    op.create_table(
        "alternates",
        sa.Column("seq", sa.Integer(), nullable=False, autoincrement=False),
        sa.Column("symbol", sa.Text(), nullable=False),
        sa.Column("alternate", sa.Text(), nullable=False),
        sa.Column("model_id", sa.Text(), nullable=True),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("one_way", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_alternates")),
    )


def downgrade() -> None:
    op.drop_table("alternates")
    with op.batch_alter_table("accounts") as batch:
        batch.drop_column("drift_tolerance")
    with op.batch_alter_table("households") as batch:
        batch.drop_column("drift_tolerance")
        batch.drop_column("gain_harvest")
    with op.batch_alter_table("securities") as batch:
        batch.drop_column("kind")
