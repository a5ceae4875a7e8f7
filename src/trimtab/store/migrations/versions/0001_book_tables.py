"""The book tables: one per book file, plus the one-row `book` table.

Revision ID: 0001
Revises:
Create Date: 2026-11-21
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from trimtab.store.types import ExactDecimal

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _id(name: str, *, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.Text(), nullable=nullable)


def _money(name: str, *, nullable: bool = False) -> sa.Column:
    return sa.Column(name, ExactDecimal(), nullable=nullable)


def _seq() -> sa.Column:
    """Position of the record in its Book tuple (the row order an export keeps)."""
    return sa.Column("seq", sa.Integer(), nullable=False, autoincrement=False)


def upgrade() -> None:
    op.create_table(
        "book",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("has_price_history", sa.Boolean(), nullable=False),
        sa.Column("settings_toml", sa.Text(), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_book_one_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_book")),
    )
    op.create_table(
        "securities",
        _id("symbol"),
        _seq(),
        _money("price"),
        _id("asset_class"),
        sa.Column("tags", sa.Text(), nullable=False),
        _id("wash_group", nullable=True),
        sa.PrimaryKeyConstraint("symbol", name=op.f("pk_securities")),
    )
    op.create_table(
        "households",
        _id("household_id"),
        _seq(),
        sa.Column("name", sa.Text(), nullable=False),
        _money("st_rate"),
        _money("lt_rate"),
        _id("model_id", nullable=True),
        _money("gain_budget", nullable=True),
        _money("tax_budget", nullable=True),
        _money("realized_st_ytd"),
        _money("realized_lt_ytd"),
        _money("loss_carryforward_st"),
        _money("loss_carryforward_lt"),
        sa.Column("filing_status", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("household_id", name=op.f("pk_households")),
    )
    op.create_table(
        "accounts",
        _id("account_id"),
        _seq(),
        _id("household_id"),
        sa.Column("kind", sa.String(length=40), nullable=False),
        _id("model_id", nullable=True),
        _money("cash"),
        _money("cash_reserve"),
        _money("min_trade"),
        sa.Column("fractional", sa.Boolean(), nullable=False),
        sa.Column("lot_method", sa.String(length=40), nullable=False),
        sa.Column("managed", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["household_id"],
            ["households.household_id"],
            name=op.f("fk_accounts_household_id_households"),
        ),
        sa.PrimaryKeyConstraint("account_id", name=op.f("pk_accounts")),
    )
    op.create_index(op.f("ix_accounts_household_id"), "accounts", ["household_id"])
    op.create_table(
        "lots",
        _id("lot_id"),
        _seq(),
        _id("account_id"),
        _id("symbol"),
        _money("quantity"),
        _money("cost_basis"),
        sa.Column("acquired", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.account_id"], name=op.f("fk_lots_account_id_accounts")
        ),
        sa.PrimaryKeyConstraint("lot_id", name=op.f("pk_lots")),
    )
    op.create_index(op.f("ix_lots_account_id"), "lots", ["account_id"])
    op.create_table(
        "model_components",
        _id("model_id"),
        sa.Column("position", sa.Integer(), nullable=False),
        _seq(),
        _id("component"),
        _money("weight"),
        sa.PrimaryKeyConstraint("model_id", "position", name=op.f("pk_model_components")),
    )
    op.create_table(
        "restrictions",
        _seq(),
        _id("scope"),
        _id("target"),
        sa.Column("rule", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_restrictions")),
    )
    op.create_table(
        "transactions",
        _seq(),
        _id("account_id"),
        sa.Column("date", sa.Date(), nullable=False),
        _id("symbol"),
        sa.Column("side", sa.String(length=10), nullable=False),
        _money("quantity"),
        _money("price"),
        _id("lot_id", nullable=True),
        sa.Column("source_row", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.account_id"],
            name=op.f("fk_transactions_account_id_accounts"),
        ),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_transactions")),
    )
    op.create_index(op.f("ix_transactions_account_id"), "transactions", ["account_id"])
    op.create_table(
        "cash_flows",
        _seq(),
        _id("scope"),
        _money("amount"),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_cash_flows")),
    )
    op.create_table(
        "price_history",
        _id("symbol"),
        sa.Column("date", sa.Date(), nullable=False),
        _seq(),
        sa.Column("close", sa.Double(), nullable=False),
        sa.PrimaryKeyConstraint("symbol", "date", name=op.f("pk_price_history")),
    )


def downgrade() -> None:
    for table in (
        "price_history",
        "cash_flows",
        "transactions",
        "model_components",
        "restrictions",
        "lots",
        "accounts",
        "households",
        "securities",
        "book",
    ):
        op.drop_table(table)
