"""The backtest report renders in a browser with every chart drawn."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from chromium_render import HEIGHT, chart_boxes, ink, screenshot

from trimtab.backtest.market import synthetic
from trimtab.backtest.metrics import measure_all
from trimtab.backtest.setup import single_account
from trimtab.backtest.simulate import simulate
from trimtab.backtest.strategies import strategy
from trimtab.report.backtest import write_backtest_report

CHARTS = {"chart-wealth", "chart-drift", "chart-tax-saved", "chart-realized-gains",
          "chart-losses", "chart-frontier", "chart-allocation"}  # fmt: skip


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    market = synthetic(4, 1.2, seed=3, sectors=2, idio_vol=0.35, start="2020-01-02")
    setup = single_account(market)
    runs = [simulate(setup, strategy(n)) for n in ("bands", "baseline", "hold")]
    metrics = measure_all(runs, np.round(market.closes, 2), "baseline")
    path = tmp_path_factory.mktemp("report") / "backtest.html"
    return write_backtest_report(runs, metrics, market, "Backtest", path)


def test_report_is_self_contained_html(report: Path) -> None:
    text = report.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>")
    assert not re.search(r'(src|href)="(https?:)?//', text)  # nothing fetched from a network
    assert "<link" not in text and "<script" not in text
    assert text.count("<svg") == len(CHARTS)
    assert "tax alpha" in text


def test_chromium_lays_out_and_draws_every_chart(report: Path, tmp_path: Path) -> None:
    boxes = chart_boxes(report)
    assert set(boxes) == CHARTS
    img = screenshot(report, tmp_path / "shot.png")
    assert img.shape[0] == HEIGHT
    for key, (x, y, w, h) in boxes.items():
        assert w > 300 and h > 100, key
        assert y + h <= HEIGHT, f"{key} below the screenshot"
        assert ink(img, (x, y, w, h)) > 0.01, f"{key} is blank"
    # a region with no chart is blank: the check can tell the difference
    assert ink(img, (0, HEIGHT - 200, 1000, 150)) < 0.001
