"""Alembic is the one schema source: the migrations must build exactly `tables.metadata`."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine

from trimtab.store import current_revision, upgrade
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
