"""Engines, the default database URL and schema upgrades."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from trimtab.errors import StoreError
from trimtab.store import current_revision, default_url, head_revision, make_engine, upgrade
from trimtab.store import engine as engine_module


def test_default_url_honours_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRIMTAB_DATABASE_URL", "postgresql+psycopg://u@db.example/trimtab")
    assert default_url() == "postgresql+psycopg://u@db.example/trimtab"


def test_default_url_is_a_sqlite_file_in_the_user_data_folder(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("TRIMTAB_DATABASE_URL", raising=False)
    data = tmp_path / "data" / "trimtab"
    monkeypatch.setattr(engine_module.platformdirs, "user_data_dir", lambda app: str(data))
    url = default_url()
    assert url == f"sqlite:///{data / 'trimtab.sqlite'}"
    assert not data.exists()  # naming the store creates nothing
    engine = make_engine()
    upgrade(engine)  # a write: creates the folder and the file
    assert (data / "trimtab.sqlite").is_file()
    engine.dispose()


def test_bad_urls_raise_store_error() -> None:
    with pytest.raises(StoreError, match="cannot use database URL"):
        make_engine("not a url")
    with pytest.raises(StoreError, match="cannot use database URL"):
        make_engine("nosuchdb://x/y")


def test_plain_postgresql_url_means_psycopg3() -> None:
    engine = make_engine("postgresql://u@127.0.0.1:1/none")
    assert engine.dialect.driver == "psycopg"


def test_sqlite_enforces_foreign_keys_and_uses_wal(sqlite_url: str) -> None:
    engine = make_engine(sqlite_url)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    engine.dispose()


def test_sqlite_rolls_back_a_failed_transaction(sqlite_url: str) -> None:
    engine = make_engine(sqlite_url)
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE t (x INTEGER)")
    with pytest.raises(RuntimeError), engine.begin() as conn:
        conn.exec_driver_sql("INSERT INTO t VALUES (1)")
        raise RuntimeError("boom")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM t").scalar() == 0
    engine.dispose()


def test_upgrade_is_idempotent_and_reaches_head(db_url: str) -> None:
    engine = make_engine(db_url)
    assert current_revision(engine) is None
    upgrade(engine)
    upgrade(engine)
    assert current_revision(engine) == head_revision()
    tables = set(sa.inspect(engine).get_table_names())
    assert {"book", "securities", "lots", "model_components", "price_history"} <= tables
    engine.dispose()
