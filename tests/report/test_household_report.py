"""The household report and the daily summary chart render with their charts."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from chromium_render import chart_boxes, ink, screenshot

from trimtab.check import load_checked
from trimtab.rebalance.run import rebalance_book
from trimtab.rebalance.summary import figures
from trimtab.report.household import Past, household_page
from trimtab.report.html import write_page
from trimtab.report.summary import write_summary_report

SMALL = Path(__file__).parents[1] / "fixtures" / "small_book"


@pytest.fixture(scope="module")
def proposals():
    return rebalance_book(load_checked(SMALL))


def test_household_report_draws_every_chart(proposals, tmp_path: Path) -> None:
    from datetime import date
    from decimal import Decimal

    p = next(x for x in proposals if x.household_id == "H1")
    past = [Past(date(2026, 11, d), 0.01 * d, Decimal(d)) for d in (2, 9, 16)]
    html = write_page(tmp_path / "h1.html", household_page(p, history=past))
    text = html.read_text(encoding="utf-8")
    assert "Household H1" in text and "tax saved against snap-to-target" in text
    boxes = chart_boxes(html)
    assert set(boxes) == {"chart-allocation", "chart-drift", "chart-realized-gains",
                          "chart-drift-history", "chart-tax-saved"}  # fmt: skip
    img = screenshot(html, tmp_path / "h1.png")
    for key, box in boxes.items():
        assert ink(img, box) > 0.01, f"{key} is blank"


def test_summary_report_has_the_drift_and_value_charts(proposals, tmp_path: Path) -> None:
    html = write_summary_report(proposals, tmp_path / "summary.html", "Daily run")
    text = html.read_text(encoding="utf-8")
    assert re.findall(r'id="(chart-[a-z-]+)"', text) == ["chart-drift", "chart-value"]
    assert text.count("<svg") == 2


def test_summary_figures_state_the_drift_dispersion(proposals) -> None:
    import numpy as np

    f = figures(proposals)
    after = [r.drift_after for p in proposals for r in p.accounts if not np.isnan(r.drift_after)]
    assert f["drift_dispersion_after"] == pytest.approx(float(np.std(after, ddof=1)))
    assert f["drift_p10_p90_after"] >= 0


def test_report_command_writes_the_page(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from trimtab.cli import app

    out = tmp_path / "h2.html"
    args = ["report", str(SMALL), "--household", "H2", "--out", str(out), "--no-frontier"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8").count('<figure class="chart"') == 3
    bad = CliRunner().invoke(app, ["report", str(SMALL), "--household", "NOPE"])
    assert bad.exit_code == 2 and "unknown household" in bad.output


def test_a_pdf_path_prints_the_page(proposals, tmp_path: Path) -> None:
    from trimtab.report.pdf import write_report

    p = next(x for x in proposals if x.household_id == "H2")
    pdf = write_report(tmp_path / "h2.pdf", household_page(p))
    assert pdf.read_bytes().startswith(b"%PDF")
    assert (tmp_path / "h2.html").exists()
