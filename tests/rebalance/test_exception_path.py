"""A household that cannot be rebalanced becomes an exception; the batch always finishes.

Validation refuses absurd figures, so these tests build the book in memory, as a caller of the
library (or a store edited by hand) could, to prove the fallback itself cannot fail.
"""

from __future__ import annotations

import csv
import dataclasses
from decimal import Decimal
from pathlib import Path

import pytest

from trimtab.book import Book
from trimtab.check import load_checked
from trimtab.errors import DataError, Problem
from trimtab.generate import write_sample_book
from trimtab.names import Status
from trimtab.rebalance.outputs import write_outputs
from trimtab.rebalance.run import crash_reason, rebalance_book


@pytest.fixture(scope="module")
def twenty(tmp_path_factory: pytest.TempPathFactory) -> Book:
    folder = tmp_path_factory.mktemp("twenty") / "book"
    write_sample_book(folder, households=20, seed=4)
    return load_checked(folder)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # numpy's overflow notes, expected here
@pytest.mark.parametrize("cash", ["1e308", "-1e308", "1e999999"])
def test_one_absurd_household_among_twenty_leaves_the_others_their_outputs(
    twenty: Book, tmp_path: Path, cash: str
) -> None:
    first = twenty.accounts[0]
    accounts = (dataclasses.replace(first, cash=Decimal(cash)), *twenty.accounts[1:])
    book = dataclasses.replace(twenty, accounts=accounts)
    proposals = rebalance_book(book)
    assert len(proposals) == 20
    broken = [p for p in proposals if p.household_id == first.household_id]
    others = [p for p in proposals if p.household_id != first.household_id]
    assert all(r.status is Status.EXCEPTION for r in broken[0].accounts)
    assert all(r.status is not Status.EXCEPTION for p in others for r in p.accounts)
    reason = broken[0].accounts[0].exception_reasons[0]
    assert "a figure of this household is too large or too small" in reason
    counts = write_outputs(proposals, tmp_path / "out")
    assert counts["households_summary.csv"] == 20
    with (tmp_path / "out" / "accounts_summary.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    assert {r["household_id"] for r in rows} == {h.household_id for h in twenty.households}


def test_crash_reasons_are_sentences_not_python_errors() -> None:
    assert "a figure of this household" in crash_reason(ZeroDivisionError("float division"))
    generic = crash_reason(KeyError("'VTI'"))
    assert "KeyError" in generic and "'VTI'" not in generic
    assert generic.startswith("internal error, the household was not rebalanced")
    named = DataError([Problem("lots.csv", 3, "quantity", "x")], "the lots do not add up")
    assert crash_reason(named) == "the lots do not add up"
