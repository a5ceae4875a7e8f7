"""The tax / tracking frontier: from "ignore taxes" to "no realized gains"."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import pytest
from typer.testing import CliRunner

from trimtab.book import load_book
from trimtab.cli import app
from trimtab.errors import ConfigError
from trimtab.optimize.frontier import WEIGHTS, frontier

SMALL = Path(__file__).parents[1] / "fixtures" / "small_book"


def test_account_frontier_trades_tax_for_tracking() -> None:
    points = frontier(load_book(SMALL), account_id="A1")
    assert len(points) == len(WEIGHTS) + 1
    assert all(p.feasible for p in points)
    weighted = points[:-1]
    taxes = [p.est_tax for p in weighted]
    errors = [p.tracking_error for p in weighted]
    # more weight on taxes never buys more tax, and never less tracking error (tolerance: solver)
    assert all(b <= a + 1e-6 for a, b in pairwise(taxes))
    assert all(b >= a - 1e-9 for a, b in pairwise(errors))
    assert taxes[-1] < taxes[0]
    last = points[-1]
    assert last.tax_weight is None
    assert last.realized_gain <= 1e-6  # "no realized gains": net gain capped at zero
    assert last.tracking_error >= errors[0]


def test_household_frontier_needs_a_household_model() -> None:
    book = load_book(SMALL)
    points = frontier(book, household_id="H2")
    assert all(p.feasible for p in points)
    with pytest.raises(ConfigError, match="no model_id"):
        frontier(book, household_id="H1")
    with pytest.raises(ConfigError, match="held away"):
        frontier(book, account_id="A4")
    with pytest.raises(ConfigError, match="exactly one"):
        frontier(book)


def test_cli_frontier_writes_numbers(tmp_path: Path) -> None:
    out = tmp_path / "frontier.csv"
    result = CliRunner().invoke(app, ["frontier", str(SMALL), "--account", "A1", "--out", str(out)])
    assert result.exit_code == 0, result.output
    rows = out.read_text().splitlines()
    assert rows[0] == "tax_weight,est_tax,realized_gain,tracking_error,drift,traded"
    assert len(rows) == len(WEIGHTS) + 2
    assert rows[-1].split(",")[0] == ""  # the zero-gain point has no tax weight
    assert all(float(x) >= 0 for x in rows[1].split(",")[3:])
    unknown = CliRunner().invoke(app, ["frontier", str(SMALL), "--account", "NOPE"])
    assert unknown.exit_code == 2
