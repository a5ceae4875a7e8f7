"""The written sample book: loads, equals the in-memory one, is deterministic, replays."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from trimtab.book import load_book
from trimtab.errors import ConfigError
from trimtab.generate import DEFAULT_AS_OF, generate_book, write_sample_book

ledger = pytest.importorskip("trimtab.tax.ledger")


def _lines(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines()) - 1


def test_written_book_loads_and_equals_generated(tmp_path: Path) -> None:
    counts = write_sample_book(tmp_path / "book", 30, seed=5)
    loaded = load_book(tmp_path / "book", as_of=DEFAULT_AS_OF)
    assert loaded == generate_book(30, seed=5)
    assert loaded.settings.as_of == DEFAULT_AS_OF
    for name, rows in counts.items():
        assert _lines(tmp_path / "book" / name) == rows
    assert counts["accounts.csv"] == len(loaded.accounts)
    assert counts["lots.csv"] == len(loaded.lots)


@pytest.mark.parametrize(("households", "seed"), [(1, 0), (7, 1), (60, 2), (25, 987_654)])
def test_books_of_several_sizes_and_seeds_load_and_replay(
    tmp_path: Path, households: int, seed: int
) -> None:
    write_sample_book(tmp_path / "b", households, seed=seed, history_days=20)
    book = load_book(tmp_path / "b", as_of=DEFAULT_AS_OF)
    assert len(book.households) == households
    replayed = ledger.replay(book)
    sold = sum(1 for t in book.transactions if t.side == "sell")
    assert len(replayed.dispositions) >= sold


def test_same_seed_gives_byte_identical_files(tmp_path: Path) -> None:
    write_sample_book(tmp_path / "a", 40, seed=11, history_days=30)
    write_sample_book(tmp_path / "b", 40, seed=11, history_days=30)
    write_sample_book(tmp_path / "c", 40, seed=12, history_days=30)
    names = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert names == sorted(p.name for p in (tmp_path / "b").iterdir())
    for name in names:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    differ = [
        n for n in names if (tmp_path / "a" / n).read_bytes() != (tmp_path / "c" / n).read_bytes()
    ]
    assert {"lots.csv", "accounts.csv", "securities.csv", "price_history.csv"} <= set(differ)


def test_history_days_controls_price_history(tmp_path: Path) -> None:
    counts = write_sample_book(tmp_path / "none", 3, seed=1, history_days=0)
    assert "price_history.csv" not in counts
    assert not (tmp_path / "none" / "price_history.csv").exists()
    book = generate_book(3, seed=1, history_days=15)
    history = book.price_history
    assert history is not None
    assert len(history) == 15 * len(book.securities)
    days = np.unique(history.dates)
    assert len(days) == 15 and np.all(np.is_busday(days))
    assert days[-1] == np.datetime64(DEFAULT_AS_OF)  # a Friday
    last = history.closes[history.dates == days[-1]]
    symbols = history.symbols[history.dates == days[-1]]
    prices = {s.symbol: float(s.price) for s in book.securities}
    assert [prices[s] for s in symbols] == pytest.approx(last.tolist(), abs=0)


def test_weekend_as_of_uses_the_friday_close() -> None:
    book = generate_book(4, seed=3, as_of=date(2026, 11, 22), history_days=5)
    assert book.price_history is not None
    assert book.price_history.dates.max() == np.datetime64("2026-11-20")
    assert book.settings.as_of == date(2026, 11, 22)


def test_existing_folder_gets_the_files_replaced(tmp_path: Path) -> None:
    out = tmp_path / "book"
    write_sample_book(out, 60, seed=1, history_days=0)
    counts = write_sample_book(out, 1, seed=2, history_days=0)
    assert counts["cash_flows.csv"] == 0 and _lines(out / "cash_flows.csv") == 0
    assert load_book(out) == generate_book(1, seed=2, history_days=0)
    assert not any(p.name.startswith(".") for p in tmp_path.iterdir())


@pytest.mark.parametrize(
    ("households", "seed", "history_days"), [(0, 0, 10), (3, -1, 10), (3, 0, -1)]
)
def test_bad_arguments_are_config_errors(
    tmp_path: Path, households: int, seed: int, history_days: int
) -> None:
    with pytest.raises(ConfigError):
        write_sample_book(tmp_path / "x", households, seed=seed, history_days=history_days)
    assert not (tmp_path / "x").exists()


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(households=st.integers(1, 25), seed=st.integers(0, 2**32))
def test_any_small_book_is_valid_and_replays(households: int, seed: int) -> None:
    book = generate_book(households, seed=seed, history_days=0)
    ledger.replay(book)
    assert {a.household_id for a in book.accounts} == {h.household_id for h in book.households}


def test_direct_share_sets_the_share_of_direct_indexed_accounts(tmp_path: Path) -> None:
    """Issue 13's book: about 30% of accounts direct-indexed, the rest on ETF models."""
    book = generate_book(400, seed=3, direct_share=0.3)
    direct = [a for a in book.accounts if (a.model_id or "").startswith("DI_")]
    assert 0.25 < len(direct) / len(book.accounts) < 0.35
    assert generate_book(20, seed=3) == generate_book(20, seed=3, direct_share=None)
    write_sample_book(tmp_path / "book", 20, seed=3, direct_share=0.3)
    loaded = load_book(tmp_path / "book", as_of=DEFAULT_AS_OF)
    assert loaded == generate_book(20, seed=3, direct_share=0.3)
    with pytest.raises(ConfigError):
        generate_book(5, direct_share=1.5)
