"""`trimtab demo`: the whole loop (generate, store, read back, rebalance) on a small book."""

from __future__ import annotations

import csv
from pathlib import Path

from typer.testing import CliRunner, Result

from trimtab.book import Book, load_book
from trimtab.cli import app
from trimtab.store import export_book, has_book, import_book, make_engine, upgrade

SMALL = Path(__file__).parent / "fixtures" / "small_book"

OUTPUTS = {
    "trades.csv", "accounts_summary.csv", "households_summary.csv", "orders.csv",
    "allocations.csv", "positions.csv", "household_positions.csv",
}  # fmt: skip


def demo(out: Path, url: str, *extra: str) -> Result:
    args = ["demo", "--households", "15", "--out", str(out), "--db", url, *extra]
    # The environment names another database: --db must win, and nothing touches the user's.
    elsewhere = f"sqlite:///{out.parent / 'not-this.sqlite'}"
    return CliRunner(env={"TRIMTAB_DATABASE_URL": elsewhere}).invoke(app, args)


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_demo_runs_the_whole_loop(tmp_path: Path, sqlite_url: str) -> None:
    out = tmp_path / "demo"
    result = demo(out, sqlite_url)
    assert result.exit_code == 0, result.output
    assert "households / accounts" in result.stdout
    assert "15 /" in result.stdout
    assert "store:" in result.stdout and "outputs:" in result.stdout
    assert {p.name for p in out.iterdir()} == {"book", "book-from-store", "rebalance"}
    assert {p.name for p in (out / "rebalance").iterdir()} == OUTPUTS
    book = load_book(out / "book")
    assert len(book.households) == 15
    assert load_book(out / "book-from-store") == book
    engine = make_engine(sqlite_url)
    try:
        assert has_book(engine)
        assert export_book(engine) == book
    finally:
        engine.dispose()
    assert not (tmp_path / "not-this.sqlite").exists()
    households = rows(out / "rebalance" / "households_summary.csv")
    assert sorted(h["household_id"] for h in households) == sorted(
        h.household_id for h in book.households
    )
    accounts = rows(out / "rebalance" / "accounts_summary.csv")
    assert len(accounts) == len(book.accounts)
    assert {a["status"] for a in accounts} <= {"trade", "no_trade", "exception"}


def test_demo_again_into_the_same_folder_shows_the_new_book(tmp_path: Path) -> None:
    """Running the demo twice (the README's `python3 dev.py demo`, default ./demo-out) must leave
    the second run's book everywhere: no file of the first book may survive in book-from-store."""
    out = tmp_path / "demo"
    first = own_store_demo(out, "--seed", "0")  # its book has a cash_flows.csv row
    assert first.exit_code == 0, first.output
    second = own_store_demo(out, "--seed", "7")  # its book has no cash flow
    assert second.exit_code == 0, second.output
    book = load_book(out / "book")
    assert not book.cash_flows
    from_store = load_book(out / "book-from-store")
    assert from_store.cash_flows == book.cash_flows, "first run's cash_flows.csv survived"
    assert from_store == book


def own_store_demo(out: Path, *extra: str, env: dict[str, str] | None = None) -> Result:
    args = ["demo", "--households", "15", "--out", str(out), *extra]
    return CliRunner(env=env or {}).invoke(app, args)


def _store_a_book(url: str) -> Book:
    book = load_book(SMALL)
    engine = make_engine(url)
    try:
        upgrade(engine)
        import_book(engine, book)
    finally:
        engine.dispose()
    return book


def _stored(url: str) -> Book:
    engine = make_engine(url)
    try:
        return export_book(engine)
    finally:
        engine.dispose()


def test_the_demo_keeps_its_own_store_and_says_where(tmp_path: Path) -> None:
    """The user's store (here named by TRIMTAB_DATABASE_URL) keeps its book: the demo's goes to
    DIR/demo.sqlite, and the demo says so."""
    users = f"sqlite:///{tmp_path / 'mine.sqlite'}"
    book = _store_a_book(users)
    out = tmp_path / "demo"
    result = own_store_demo(out, env={"TRIMTAB_DATABASE_URL": users})
    assert result.exit_code == 0, result.output
    assert _stored(users) == book
    assert (out / "demo.sqlite").is_file()
    assert "demo.sqlite" in result.stdout and "the demo's own store" in result.stdout
    assert len(_stored(f"sqlite:///{out / 'demo.sqlite'}").households) == 15


def test_the_demo_refuses_to_replace_a_stored_book_without_replace(
    tmp_path: Path, db_url: str
) -> None:
    book = _store_a_book(db_url)
    out = tmp_path / "demo"
    refused = demo(out, db_url)
    assert refused.exit_code == 2
    assert "already holds a book" in refused.output and "--replace" in refused.output
    assert not out.exists()
    assert _stored(db_url) == book
    replaced = demo(out, db_url, "--replace")
    assert replaced.exit_code == 0, replaced.output
    assert len(_stored(db_url).households) == 15
