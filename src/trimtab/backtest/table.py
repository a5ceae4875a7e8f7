"""The metrics table, for the terminal (rich) and as CSV."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from rich.table import Table

from trimtab.backtest.metrics import Metrics
from trimtab.files import write_csv

COLUMNS = (
    "strategy", "after_tax_return_pre", "after_tax_return_post", "wealth_pre", "wealth_post",
    "tax_alpha_pre", "tax_alpha_post", "harvested", "harvest_yield", "realized_gains", "taxes",
    "turnover", "tracking_error", "trades", "engine_calls", "exceptions", "costs",
    "return_dispersion", "drift_dispersion",
)  # fmt: skip
"""CSV columns: returns, alphas, yields, turnover, tracking error and dispersion are fractions
per year (alpha: difference of annual after-tax returns against the baseline); money is USD."""


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{100 * x:.2f}%"


def metrics_table(metrics: Sequence[Metrics], title: str) -> Table:
    table = Table(title=title)
    for head in (
        "strategy", "after-tax return\npre / post liq.", "wealth USD\npre / post liq.",
        "tax alpha /yr\npre / post liq.", "losses harvested\nUSD (yield /yr)",
        "realized gains\nUSD", "taxes USD", "turnover\n/yr", "tracking\nerror", "trades",
    ):  # fmt: skip
        table.add_column(head, justify="left" if head == "strategy" else "right")
    for m in metrics:
        table.add_row(
            m.strategy,
            f"{_pct(m.return_pre)} / {_pct(m.return_post)}",
            f"{m.wealth_pre:,.0f} / {m.wealth_post:,.0f}",
            f"{_pct(m.tax_alpha_pre)} / {_pct(m.tax_alpha_post)}",
            f"{m.harvested:,.0f} ({_pct(m.harvest_yield)})",
            f"{m.realized_gains:,.0f}",
            f"{m.taxes:,.0f}",
            _pct(m.turnover),
            _pct(m.tracking_error),
            f"{m.trades:,}",
        )
    return table


def _cell(x: object) -> str:
    if x is None:
        return ""
    if isinstance(x, float):
        return f"{x:.6f}"
    return str(x)


def write_metrics(metrics: Sequence[Metrics], path: Path) -> int:
    rows = (
        [_cell(v) for v in (
            m.strategy, m.return_pre, m.return_post, m.wealth_pre, m.wealth_post,
            m.tax_alpha_pre, m.tax_alpha_post, m.harvested, m.harvest_yield, m.realized_gains,
            m.taxes, m.turnover, m.tracking_error, m.trades, m.calls, m.exceptions, m.costs,
            m.return_dispersion, m.drift_dispersion,
        )]
        for m in metrics
    )  # fmt: skip
    return write_csv(Path(path), COLUMNS, rows)
