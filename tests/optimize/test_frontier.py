"""The tax / tracking frontier: from "ignore taxes" to "no realized gains"."""

from __future__ import annotations

import csv
import re
from decimal import Decimal
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
    # more weight on taxes never buys more tax, and never less tracking error. Tolerance: whole
    # shares. At weight 0 no tax tells the lots of a security apart, so which of them carries the
    # sale (and how it rounds to shares) is the solver's pick: the tracking error after rounding
    # moves by about a share's weight (1e-5 here), the continuous optimum does not.
    assert all(b <= a + Decimal("0.01") for a, b in pairwise(taxes))
    assert all(b >= a - 2e-5 for a, b in pairwise(errors))
    assert taxes[-1] < taxes[0]
    last = points[-1]
    assert last.tax_weight is None
    assert last.realized_gain <= 0  # "no realized gains": net gain capped at zero
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


def test_cli_frontier_csv_is_as_documented(tmp_path: Path) -> None:
    """docs/cli.md: money in USD cents, tracking error and drift as fractions to 6 decimals, the
    last point's weight written `gains <= 0`, every point a row."""
    out = tmp_path / "frontier.csv"
    result = CliRunner().invoke(app, ["frontier", str(SMALL), "--account", "A1", "--out", str(out)])
    assert result.exit_code == 0, result.output
    with out.open(newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        rows = list(reader)
    assert reader.fieldnames == [
        "tax_weight", "est_tax", "realized_gain", "tracking_error", "drift", "traded",
        "exception_reasons",
    ]  # fmt: skip
    assert [r["tax_weight"] for r in rows] == [f"{w:g}" for w in WEIGHTS] + ["gains <= 0"]
    for r in rows:
        for money in ("est_tax", "realized_gain", "traded"):
            assert re.fullmatch(r"-?\d+\.\d\d", r[money]), r
        for fraction in ("tracking_error", "drift"):
            assert re.fullmatch(r"\d\.\d{6}", r[fraction]), r
    assert Decimal(rows[-1]["realized_gain"]) <= 0
    assert [p.name for p in tmp_path.iterdir()] == ["frontier.csv"]
    unknown = CliRunner().invoke(app, ["frontier", str(SMALL), "--account", "NOPE"])
    assert unknown.exit_code == 2


def _summary_row(path: Path, key: str, value: str) -> dict[str, str]:
    with path.open(newline="", encoding="utf-8") as f:
        return next(r for r in csv.DictReader(f) if r[key] == value)


@pytest.mark.parametrize(("option", "ident", "summary"), [
    ("--account", "A1", "accounts_summary.csv"),
    ("--household", "H2", "households_summary.csv"),
])  # fmt: skip
def test_the_point_at_tax_weight_1_is_the_rebalance(
    tmp_path: Path, option: str, ident: str, summary: str
) -> None:
    """Same problem, same measure: the frontier's drift, tax and gain at weight 1 are the
    summary's `drift_after`, `est_tax` and realized gains for the same account or household."""
    proposal = tmp_path / "proposal"
    ran = CliRunner().invoke(app, ["rebalance", str(SMALL), "--out", str(proposal)])
    assert ran.exit_code == 0, ran.output
    out = tmp_path / "frontier.csv"
    traced = CliRunner().invoke(app, ["frontier", str(SMALL), option, ident, "--out", str(out)])
    assert traced.exit_code == 0, traced.output
    with out.open(newline="", encoding="utf-8") as f:
        at_one = next(r for r in csv.DictReader(f) if r["tax_weight"] == "1")
    key = "account_id" if option == "--account" else "household_id"
    row = _summary_row(proposal / summary, key, ident)
    assert at_one["drift"] == row["drift_after"]
    assert Decimal(at_one["est_tax"]) == Decimal(row["est_tax"])
    if option == "--account":
        gain = Decimal(row["realized_st"]) + Decimal(row["realized_lt"])
        assert Decimal(at_one["realized_gain"]) == gain
