"""The store's tables: one per book file, plus a one-row `book` table for what is book-wide.

Every book table carries `seq`, the record's position in its Book tuple (its line order in the
CSV), so an export lists records in the order they were imported and writes identical files.
Enumerations are plain text (not database enums) so a new value never needs a schema change.
Later features (runs, proposals, approvals, audit log, orders) add their own tables to this
`metadata` in their own modules and Alembic revisions; these tables stay as they are.

These classes never leave `trimtab.store`: the repository speaks domain records and `Book`.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    Double,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

from trimtab.store.types import ExactDecimal

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_name)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)
"""All of trimtab's tables; Alembic compares migrations against it."""

ID = Text
"""Identifiers (symbols, household, account, lot, model ids): unlimited length, as in a book."""


def _seq() -> Column[int]:
    return Column("seq", Integer, nullable=False, doc="position in the Book tuple (row order)")


book = Table(
    "book",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("imported_at", DateTime(timezone=True), nullable=False),
    Column("has_price_history", Boolean, nullable=False),
    Column("settings_toml", Text, nullable=False, doc="trimtab.toml text: non-default settings"),
    CheckConstraint("id = 1", name="one_row"),
)
"""One row while a book is stored: when it came, and its book-wide parts."""

securities = Table(
    "securities",
    metadata,
    Column("symbol", ID, primary_key=True),
    _seq(),
    Column("price", ExactDecimal, nullable=False),
    Column("asset_class", ID, nullable=False),
    Column("tags", Text, nullable=False, doc="labels joined by ';', sorted; '' for none"),
    Column("wash_group", ID),
    Column("kind", String(40), nullable=False, server_default="stock"),
)

households = Table(
    "households",
    metadata,
    Column("household_id", ID, primary_key=True),
    _seq(),
    Column("name", Text, nullable=False),
    Column("st_rate", ExactDecimal, nullable=False),
    Column("lt_rate", ExactDecimal, nullable=False),
    Column("model_id", ID),
    Column("gain_budget", ExactDecimal),
    Column("tax_budget", ExactDecimal),
    Column("realized_st_ytd", ExactDecimal, nullable=False),
    Column("realized_lt_ytd", ExactDecimal, nullable=False),
    Column("loss_carryforward_st", ExactDecimal, nullable=False),
    Column("loss_carryforward_lt", ExactDecimal, nullable=False),
    Column("filing_status", String(40), nullable=False),
    Column("gain_harvest", ExactDecimal, nullable=False, server_default="0", doc="USD"),
    Column("drift_tolerance", ExactDecimal, doc="fraction of value; NULL: settings default"),
    Column("advisor", Text, doc="who advises the household (migration 0003)"),
)

accounts = Table(
    "accounts",
    metadata,
    Column("account_id", ID, primary_key=True),
    _seq(),
    Column(
        "household_id",
        ID,
        ForeignKey("households.household_id"),
        nullable=False,
        index=True,
    ),
    Column("kind", String(40), nullable=False),
    Column("model_id", ID),
    Column("cash", ExactDecimal, nullable=False),
    Column("cash_reserve", ExactDecimal, nullable=False),
    Column("min_trade", ExactDecimal, nullable=False),
    Column("fractional", Boolean, nullable=False),
    Column("lot_method", String(40), nullable=False),
    Column("managed", Boolean, nullable=False),
    Column("drift_tolerance", ExactDecimal, doc="fraction of value; NULL: settings default"),
)

lots = Table(
    "lots",
    metadata,
    Column("lot_id", ID, primary_key=True),
    _seq(),
    Column("account_id", ID, ForeignKey("accounts.account_id"), nullable=False, index=True),
    Column("symbol", ID, nullable=False),
    Column("quantity", ExactDecimal, nullable=False, doc="shares"),
    Column("cost_basis", ExactDecimal, nullable=False, doc="total USD"),
    Column("acquired", Date, nullable=False),
)

model_components = Table(
    "model_components",
    metadata,
    Column("model_id", ID, primary_key=True),
    Column("position", Integer, primary_key=True, doc="order of the component in its model"),
    _seq(),
    Column("component", ID, nullable=False),
    Column("weight", ExactDecimal, nullable=False, doc="fraction of the model's value"),
)
"""One row per model component (models.csv): a model is its rows, in `position` order."""

restrictions = Table(
    "restrictions",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("scope", ID, nullable=False),
    Column("target", ID, nullable=False),
    Column("rule", String(40), nullable=False),
)

alternates = Table(
    "alternates",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("symbol", ID, nullable=False),
    Column("alternate", ID, nullable=False),
    Column("model_id", ID, doc="NULL: every model"),
    Column("rank", Integer, nullable=False),
    Column("one_way", Boolean, nullable=False),
)
"""Approved alternates (alternates.csv), in file order."""

transactions = Table(
    "transactions",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("account_id", ID, ForeignKey("accounts.account_id"), nullable=False, index=True),
    Column("date", Date, nullable=False),
    Column("symbol", ID, nullable=False),
    Column("side", String(10), nullable=False),
    Column("quantity", ExactDecimal, nullable=False, doc="shares"),
    Column("price", ExactDecimal, nullable=False, doc="USD per share"),
    Column("lot_id", ID),
    Column("source_row", Integer, nullable=False, doc="line in transactions.csv (0: none)"),
)

cash_flows = Table(
    "cash_flows",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("scope", ID, nullable=False),
    Column("amount", ExactDecimal, nullable=False, doc="USD; < 0 is a withdrawal"),
)

price_history = Table(
    "price_history",
    metadata,
    Column("symbol", ID, primary_key=True),
    Column("date", Date, primary_key=True),
    _seq(),
    Column("close", Double, nullable=False, doc="USD per share (float, as in PriceHistory)"),
)

BOOK_TABLES: tuple[Table, ...] = (
    book,
    securities,
    households,
    accounts,
    lots,
    model_components,
    restrictions,
    alternates,
    transactions,
    cash_flows,
    price_history,
)
"""The tables that hold a book, parents before children (insert in this order, delete reversed)."""
