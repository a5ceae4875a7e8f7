"""Reading, writing and round-tripping the book."""

from __future__ import annotations

import dataclasses
import filecmp
from decimal import Decimal
from pathlib import Path

import pytest

from trimtab.book import load_book, write_book
from trimtab.names import AccountKind, FilingStatus, LotMethod, Rule, Side

SMALL = Path(__file__).parents[1] / "fixtures" / "small_book"


def test_small_book_loads_with_defaults() -> None:
    book = load_book(SMALL)
    a3 = book.account_by_id["A3"]
    assert a3.lot_method is LotMethod.FIFO  # blank cell takes the default
    assert a3.fractional is True
    assert book.account_by_id["A4"].managed is False
    assert book.account_by_id["A2"].kind is AccountKind.TAX_DEFERRED
    h2 = book.household_by_id["H2"]
    assert h2.filing_status is FilingStatus.SINGLE
    assert h2.gain_budget is None
    assert book.household_by_id["H1"].gain_budget == Decimal(5000)
    assert book.security_by_symbol["XOM"].tags == frozenset({"fossil_fuels"})
    assert book.security_by_symbol["SPY"].identity == "sp500"
    assert book.security_by_symbol["VTI"].identity == "VTI"
    assert {r.rule for r in book.restrictions} == {Rule.EXCLUDE, Rule.NO_BUY}
    assert book.transactions[0].side is Side.BUY
    assert book.transactions[0].row == 2


def test_models_inside_models_flatten() -> None:
    book = load_book(SMALL)
    weights = book.target_weights("M60")
    assert weights == {
        "VTI": Decimal("0.42"),
        "SPY": Decimal("0.18"),
        "BND": Decimal("0.38"),
        "CASH": Decimal("0.02"),
    }
    assert sum(weights.values()) == 1


def test_model_of_account_falls_back_to_household() -> None:
    book = load_book(SMALL)
    assert book.model_of(book.account_by_id["A3"]) == "M60"
    assert book.model_of(book.account_by_id["A1"]) == "M60"


def test_round_trip_is_lossless_and_stable(tmp_path: Path) -> None:
    book = load_book(SMALL)
    write_book(book, tmp_path / "one")
    again = load_book(tmp_path / "one")
    assert again == book
    write_book(again, tmp_path / "two")
    names = sorted(p.name for p in (tmp_path / "one").iterdir())
    assert names == sorted(p.name for p in (tmp_path / "two").iterdir())
    _, mismatch, errors = filecmp.cmpfiles(tmp_path / "one", tmp_path / "two", names, shallow=False)
    assert mismatch == [] and errors == []


def test_generated_lot_ids_are_deterministic(tmp_path: Path) -> None:
    folder = tmp_path / "b"
    write_book(load_book(SMALL), folder)
    lots = (folder / "lots.csv").read_text().splitlines()
    header, rows = lots[0], [",".join(r.split(",")[:-1]) + "," for r in lots[1:]]
    (folder / "lots.csv").write_text("\n".join([header, *rows]) + "\n")
    (folder / "transactions.csv").unlink()  # its sell names a lot id this test removes
    first, second = load_book(folder), load_book(folder)
    assert [lot.lot_id for lot in first.lots] == [lot.lot_id for lot in second.lots]
    assert len({lot.lot_id for lot in first.lots}) == len(first.lots)
    assert first.lots[0].lot_id == "A1.VTI.2020-03-15"


def test_write_is_all_or_nothing(tmp_path: Path) -> None:
    book = load_book(SMALL)
    target = tmp_path / "out"
    broken = dataclasses.replace(book, lots=(*book.lots, "not a lot"))
    with pytest.raises(AttributeError):
        write_book(broken, target)
    assert not target.exists()
    assert list(tmp_path.iterdir()) == []
