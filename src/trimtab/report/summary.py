"""The daily run's summary chart: how far accounts drifted before and after, and what the run
was worth (tax saved, losses harvested, tax drag removed), for any list of proposals."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

from trimtab.rebalance.proposal import Proposal
from trimtab.report import charts
from trimtab.report.html import Chart, Section, page, write_page


def drift_chart(proposals: Sequence[Proposal]) -> str:
    """SVG: histogram of account drift before and after the proposals."""
    accounts = [r for p in proposals for r in p.accounts]
    series = {
        "before": [r.drift_before for r in accounts],
        "after": [r.drift_after for r in accounts],
    }
    return charts.histogram(series, title="Account drift before and after", xlabel="drift")


def value_chart(proposals: Sequence[Proposal]) -> str:
    """SVG: the run's value figures in USD, summed over households."""
    zero = Decimal(0)
    saved = sum((p.household.tax_saved or zero for p in proposals), zero)
    harvested = sum((p.household.losses_harvested for p in proposals), zero)
    removed = sum((p.household.tax_drag_removed for p in proposals), zero)
    labels = ["tax saved", "losses harvested", "tax drag removed /yr"]
    groups = {"USD": [float(saved), float(harvested), float(removed)]}
    return charts.bars(labels, groups, title="What this run was worth", ylabel="USD")


def write_summary_report(proposals: Sequence[Proposal], path: Path, title: str) -> Path:
    """A one-page HTML summary with both charts (the daily run can call this)."""
    section = Section("Summary", charts=(
        Chart("drift", drift_chart(proposals), "Drift of every account, before and after."),
        Chart("value", value_chart(proposals), "Summed over households, USD."),
    ))  # fmt: skip
    n = len(proposals)
    return write_page(Path(path), page(title, f"{n} households", [section]))
