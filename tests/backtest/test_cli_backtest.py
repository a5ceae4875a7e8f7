"""`trimtab backtest` prints the metrics table and writes its CSV and report."""

from __future__ import annotations

import csv
from pathlib import Path

from typer.testing import CliRunner

from trimtab.backtest.table import COLUMNS, ROWS
from trimtab.cli import app


def test_backtest_prints_the_table_and_writes_csv_and_report(tmp_path: Path) -> None:
    args = ["backtest", "--data", "synthetic", "--names", "4", "--years", "0.6", "--strategies",
            "baseline,bands,hold", "--workers", "1", "--csv", str(tmp_path / "m.csv"),
            "--report", str(tmp_path / "r.html")]  # fmt: skip
    result = CliRunner().invoke(app, args, env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    for label, _, _ in ROWS:
        assert label in result.output
    with (tmp_path / "m.csv").open(newline="") as f:
        rows = list(csv.DictReader(f))
    assert tuple(rows[0]) == COLUMNS
    assert [r["strategy"] for r in rows] == ["baseline", "bands", "hold"]
    assert float(rows[0]["tax_alpha_post"]) == 0.0  # the baseline against itself
    assert (tmp_path / "r.html").read_text().count('<figure class="chart"') == 7


def test_unknown_strategy_is_a_usage_error() -> None:
    result = CliRunner().invoke(app, ["backtest", "--strategies", "magic"])
    assert result.exit_code == 2
    assert "unknown strategy" in result.output
