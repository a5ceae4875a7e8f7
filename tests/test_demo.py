"""`trimtab demo`: the whole loop (generate, store, read back, rebalance) on a small book."""

from __future__ import annotations

import csv
from pathlib import Path

from typer.testing import CliRunner, Result

from trimtab.book import load_book
from trimtab.cli import app
from trimtab.store import export_book, has_book, make_engine

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


def test_demo_again_into_the_same_folder_shows_the_new_book(
    tmp_path: Path, sqlite_url: str
) -> None:
    """Running the demo twice (the README's `python3 dev.py demo`, default ./demo-out) must leave
    the second run's book everywhere: no file of the first book may survive in book-from-store."""
    out = tmp_path / "demo"
    first = demo(out, sqlite_url, "--seed", "0")  # its book has a cash_flows.csv row
    assert first.exit_code == 0, first.output
    second = demo(out, sqlite_url, "--seed", "7")  # its book has no cash flow
    assert second.exit_code == 0, second.output
    book = load_book(out / "book")
    assert not book.cash_flows
    from_store = load_book(out / "book-from-store")
    assert from_store.cash_flows == book.cash_flows, "first run's cash_flows.csv survived"
    assert from_store == book
