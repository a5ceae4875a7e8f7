"""The value columns of households_summary.csv keep what docs/book-format.md promises."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

import pytest

from trimtab.check import load_checked
from trimtab.names import Side
from trimtab.rebalance.outputs import write_outputs
from trimtab.rebalance.proposal import Proposal
from trimtab.rebalance.run import rebalance_book
from trimtab.rebalance.value import harvested_this_year
from trimtab.tax.ledger import replay

SMALL = Path(__file__).parents[1] / "fixtures" / "small_book"


@pytest.fixture(scope="module")
def book():
    return load_checked(SMALL)


@pytest.fixture(scope="module")
def proposals(book) -> dict[str, list[Proposal]]:
    return {m: rebalance_book(book, method=m) for m in ("optimize", "baseline")}


def rows(proposals: list[Proposal], tmp_path: Path) -> dict[str, dict[str, str]]:
    write_outputs(proposals, tmp_path)
    with (tmp_path / "households_summary.csv").open(newline="") as f:
        return {r["household_id"]: r for r in csv.DictReader(f)}


def test_tax_saved_is_the_baseline_tax_minus_this_tax(proposals, tmp_path: Path) -> None:
    out = rows(proposals["optimize"], tmp_path)
    base = {p.household_id: p.household.est_tax for p in proposals["baseline"]}
    for p in proposals["optimize"]:
        row = out[p.household_id]
        assert Decimal(row["tax_saved"]) == base[p.household_id] - p.household.est_tax
        assert Decimal(row["tax_saved"]) == Decimal(row["tax_saved"]).quantize(Decimal("0.01"))


def test_the_baseline_saves_nothing_against_itself(proposals) -> None:
    assert all(p.household.tax_saved == 0 for p in proposals["baseline"])


def test_losses_harvested_are_this_proposals_taxable_losses(proposals, tmp_path: Path) -> None:
    out = rows(proposals["optimize"], tmp_path)
    for p in proposals["optimize"]:
        losses = -sum(
            (t.realized_gain for t in p.trades
             if t.side is Side.SELL and t.realized_gain is not None and t.realized_gain < 0),
            Decimal(0),
        )  # fmt: skip
        assert Decimal(out[p.household_id]["losses_harvested"]) == losses


def test_losses_harvested_ytd_add_the_years_history(book, proposals, tmp_path: Path) -> None:
    earlier = harvested_this_year(replay(book), book.as_of())
    assert earlier["H1"] == Decimal("90.00")  # 10 BND sold at 71.00 from a lot at 80.00
    out = rows(proposals["optimize"], tmp_path)
    for p in proposals["optimize"]:
        row = out[p.household_id]
        expected = Decimal(row["losses_harvested"]) + earlier.get(p.household_id, Decimal(0))
        assert Decimal(row["losses_harvested_ytd"]) == expected


def test_tax_drag_removed_is_before_minus_after(proposals, tmp_path: Path) -> None:
    out = rows(proposals["optimize"], tmp_path)
    for row in out.values():
        removed = Decimal(row["tax_drag_before"]) - Decimal(row["tax_drag_after"])
        assert Decimal(row["tax_drag_removed"]) == removed
