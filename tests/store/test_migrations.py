"""Alembic is the one schema source: the migrations must build exactly `tables.metadata`."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine

from trimtab.book import Book
from trimtab.store import current_revision, export_book, import_book, make_engine, tables, upgrade
from trimtab.store import workflow_tables as w
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


def _table(name: str, names: str, **typed: sa.types.TypeEngine) -> sa.TableClause:
    """A table as a migration saw it: the columns named (space-separated), some typed."""
    return sa.table(name, *(sa.column(n) for n in names.split()),
                    *(sa.column(n, t) for n, t in typed.items()))  # fmt: skip


def test_0005_flags_the_current_proposals_and_keys_their_money(db_url: str) -> None:
    """Proposals stored under 0004 come back after 0005 with `is_current` set where a pointer
    names them and their money as float sort keys."""
    engine = make_engine(db_url)
    day, now = date(2026, 11, 20), datetime(2026, 11, 20, tzinfo=UTC)
    run = {"run_id": 1, "as_of": day, "started_at": now, "actor": "t", "status": "done",
           "executor": "t", "method": "optimize", "settings_toml": "", "input_version": "{}",
           "inputs_digest": "0", "inputs": b""}  # fmt: skip
    common = {"run_id": 1, "as_of": day, "state": "proposed", "status": "trade", "screen": "",
              "trades": 1, "exceptions": 0, "inputs_digest": "0", "inputs": b"", "payload": "{}",
              "created_at": now}  # fmt: skip
    stored = {1: ("H1", "250.00", "-12.5"), 2: ("H1", "1000", "0"), 3: ("H2", "0.10", "3.25")}
    money = ExactDecimal()
    try:
        command.upgrade(alembic_config(engine), "0004")
        with engine.begin() as conn:
            conn.execute(_table("runs", " ".join(run)).insert(), run)
            conn.execute(
                _table("proposals", " ".join(common) + " proposal_id household_id",
                       value=money, est_tax=money).insert(),
                [{**common, "proposal_id": pid, "household_id": hid, "value": Decimal(value),
                  "est_tax": Decimal(tax)} for pid, (hid, value, tax) in stored.items()],
            )  # fmt: skip
            pointers = [
                {"as_of": day, "household_id": h, "proposal_id": i}
                for h, i in (("H1", 2), ("H2", 3))
            ]
            conn.execute(
                _table("current_proposals", "as_of household_id proposal_id").insert(), pointers
            )
        upgrade(engine)
        p = w.proposals
        with engine.connect() as conn:
            found = conn.execute(
                sa.select(p.c.proposal_id, p.c.is_current, p.c.value_key, p.c.est_tax_key)
            ).all()
        assert sorted(found) == [
            (1, False, 250.0, -12.5),
            (2, True, 1000.0, 0.0),
            (3, True, 0.1, 3.25),
        ]
    finally:
        engine.dispose()
