"""The metrics table, for the terminal (rich) and as CSV."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from rich.table import Table

from trimtab.backtest.metrics import Metrics
from trimtab.files import write_csv

COLUMNS = (
    "strategy", "pre_tax_return", "after_tax_return_pre", "after_tax_return_post", "wealth_pre",
    "wealth_post", "tax_drag_pre", "tax_drag_post", "excess_pre", "excess_post",
    "tax_alpha_pre", "tax_alpha_post", "harvested", "harvest_yield", "realized_gains", "taxes",
    "turnover", "tracking_error", "trades", "rebalance_calls", "exceptions", "costs",
    "return_dispersion", "drift_dispersion",
)  # fmt: skip
"""CSV columns: returns, drags, excess returns, alphas, yields, turnover, tracking error and
dispersion are fractions per year; money is USD (see `trimtab.backtest.metrics.Metrics`)."""

FIELDS = (
    "strategy", "pre_tax_return", "return_pre", "return_post", "wealth_pre", "wealth_post",
    "tax_drag_pre", "tax_drag_post", "excess_pre", "excess_post", "tax_alpha_pre",
    "tax_alpha_post", "harvested", "harvest_yield", "realized_gains", "taxes", "turnover",
    "tracking_error", "trades", "calls", "exceptions", "costs", "return_dispersion",
    "drift_dispersion",
)  # fmt: skip


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{100 * x:.2f}%"


def _usd(x: object) -> str:
    return f"{x:,.0f}"


ROWS: tuple[tuple[str, str, object], ...] = (
    ("pre-tax return /yr", "pre_tax_return", _pct),
    ("after-tax return /yr, pre-liquidation", "return_pre", _pct),
    ("after-tax return /yr, post-liquidation", "return_post", _pct),
    ("after-tax wealth USD, pre-liquidation", "wealth_pre", _usd),
    ("after-tax wealth USD, post-liquidation", "wealth_post", _usd),
    ("tax alpha /yr vs baseline, pre-liq.", "tax_alpha_pre", _pct),
    ("tax alpha /yr vs baseline, post-liq.", "tax_alpha_post", _pct),
    ("after-tax excess /yr vs baseline, post-liq.", "excess_post", _pct),
    ("losses harvested USD", "harvested", _usd),
    ("harvesting yield /yr", "harvest_yield", _pct),
    ("realized gains USD", "realized_gains", _usd),
    ("taxes USD (all years)", "taxes", _usd),
    ("turnover /yr", "turnover", _pct),
    ("tracking error vs model /yr", "tracking_error", _pct),
    ("trades", "trades", lambda x: f"{x:,}"),
    ("trading costs USD", "costs", _usd),
    ("return dispersion across accounts", "return_dispersion", _pct),
)
"""The terminal table: one row per figure, one column per strategy."""


def metrics_table(metrics: Sequence[Metrics], title: str) -> Table:
    table = Table(title=title)
    table.add_column("figure")
    for m in metrics:
        table.add_column(m.strategy, justify="right")
    for label, name, fmt in ROWS:
        table.add_row(label, *(fmt(getattr(m, name)) for m in metrics))  # type: ignore[operator]
    return table


def _cell(x: object) -> str:
    if x is None:
        return ""
    if isinstance(x, float):
        return f"{x:.6f}"
    return str(x)


def write_metrics(metrics: Sequence[Metrics], path: Path) -> int:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = ([_cell(getattr(m, f)) for f in FIELDS] for m in metrics)
    return write_csv(path, COLUMNS, rows)
