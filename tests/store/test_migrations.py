"""Alembic is the one schema source: the migrations must build exactly `tables.metadata`."""

from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine

from trimtab.book import Book
from trimtab.store import current_revision, export_book, import_book, make_engine, tables, upgrade
from trimtab.store.engine import alembic_config
from trimtab.store.tables import metadata
from trimtab.store.types import ExactDecimal


def _diff(engine: Engine, target: sa.MetaData) -> list:
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return compare_metadata(context, target)


def test_migrations_match_the_metadata(engine: Engine) -> None:
    assert _diff(engine, metadata) == []


def test_the_comparison_sees_a_difference(engine: Engine) -> None:
    """Guard against a vacuous check: a column the migrations lack must show up."""
    changed = sa.MetaData(naming_convention=metadata.naming_convention)
    for table in metadata.tables.values():
        table.to_metadata(changed)
    sa.Table("lots", changed, sa.Column("extra", ExactDecimal), extend_existing=True)
    diff = _diff(engine, changed)
    assert [(d[0], d[3].name) for d in diff] == [("add_column", "extra")]


def test_downgrade_to_base_and_back(engine: Engine) -> None:
    command.downgrade(alembic_config(engine), "base")
    assert current_revision(engine) is None
    assert set(sa.inspect(engine).get_table_names()) <= {"alembic_version"}
    upgrade(engine)
    assert _diff(engine, metadata) == []


def test_0002_gives_stored_rows_the_spec_defaults(db_url: str, small_book: Book) -> None:
    """A book stored under 0001 comes back after 0002 as stock securities, no harvest, no
    tolerance, no alternates."""
    engine = make_engine(db_url)
    try:
        command.upgrade(alembic_config(engine), "0001")
        with engine.begin() as conn:
            conn.execute(
                sa.text(
                    "INSERT INTO securities (symbol, seq, price, asset_class, tags) "
                    "VALUES ('VTI', 0, '250', 'us_equity', '')"
                )
            )
            conn.execute(
                sa.text(
                    "INSERT INTO households (household_id, seq, name, st_rate, lt_rate, "
                    "realized_st_ytd, realized_lt_ytd, loss_carryforward_st, "
                    "loss_carryforward_lt, filing_status) "
                    "VALUES ('H1', 0, '', '0.37', '0.2', '0', '0', '0', '0', 'single')"
                )
            )
        upgrade(engine)
        with engine.connect() as conn:
            kind = conn.execute(sa.text("SELECT kind FROM securities")).scalar_one()
            harvest, tolerance = conn.execute(
                sa.select(tables.households.c.gain_harvest, tables.households.c.drift_tolerance)
            ).one()
        assert kind == "stock"
        assert (harvest, tolerance) == (Decimal(0), None)
        import_book(engine, small_book)
        assert export_book(engine) == small_book
    finally:
        engine.dispose()
