"""The backtest report: the metrics table, wealth, drift, cumulative tax saved, realized gains,
the tax/tracking trade-off and the final allocation against the model."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from trimtab.backtest.market import Market
from trimtab.backtest.metrics import Metrics
from trimtab.backtest.simulate import Run
from trimtab.backtest.strategies import BASELINE
from trimtab.report import charts
from trimtab.report.html import Chart, Section, page
from trimtab.report.pdf import write_report


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{100 * x:.2f}%"


def _table(metrics: Sequence[Metrics]) -> tuple[tuple[str, ...], ...]:
    head = (
        "strategy", "after-tax return (liquidated)", "wealth (liquidated) USD",
        "tax alpha/yr vs baseline", "losses harvested USD", "realized gains USD", "taxes USD",
        "turnover/yr", "tracking error", "trades",
    )  # fmt: skip
    rows = [
        (m.strategy, _pct(m.return_post), f"{m.wealth_post:,.0f}", _pct(m.tax_alpha_post),
         f"{m.harvested:,.0f}", f"{m.realized_gains:,.0f}", f"{m.taxes:,.0f}",
         _pct(m.turnover), _pct(m.tracking_error), f"{m.trades:,}")
        for m in metrics
    ]  # fmt: skip
    return (head, *rows)


def _year_ends(run: Run) -> np.ndarray:
    years = run.dates.astype("datetime64[Y]")
    last = np.r_[years[1:] != years[:-1], True]
    return run.dates[last]


def _allocation(runs: Sequence[Run], market: Market) -> Chart:
    symbols = list(market.symbols)
    index = {s: i for i, s in enumerate(symbols)}
    last = np.round(market.closes[-1], 2)
    groups = {"target": list(runs[0].targets.mean(axis=0))}
    for r in runs:
        held = np.zeros(len(symbols))
        for lot in r.lots:
            held[index[lot.symbol]] += float(lot.quantity)
        total = float(r.final_value) or 1.0
        groups[r.strategy] = list(held * last / total)
    shown = symbols if len(symbols) <= 25 else symbols[:25]
    groups = {k: v[: len(shown)] for k, v in groups.items()}
    svg = charts.bars(shown, groups, title="Allocation at the end against the model",
                      ylabel="weight")  # fmt: skip
    return Chart("allocation", svg, "Weight of each stock on the last day, by strategy.")


NOTE = (
    "After-tax returns are money-weighted; 'liquidated' sells everything on the last day and pays "
    "the tax. Tax alpha is the part of the after-tax return difference against the quarterly "
    "snap-to-target baseline that is due to taxes (the baseline's tax drag minus the strategy's)."
)


def _over_time(runs: Sequence[Run]) -> Section:
    dates = runs[0].dates
    wealth = {r.strategy: r.values.sum(axis=1) for r in runs}
    drift = {r.strategy: r.drift.mean(axis=1) for r in runs}
    wealth_svg = charts.lines(
        dates, wealth, title="Account value (USD, log scale)", ylabel="USD", log=True
    )
    drift_svg = charts.lines(dates, drift, title="Drift from the model", ylabel="drift")
    return Section("Over time", charts=(
        Chart("wealth", wealth_svg, "Total value of the accounts after each day's trades."),
        Chart("drift", drift_svg, "Half the sum of absolute weight differences to the model."),
    ))  # fmt: skip


def _taxes(runs: Sequence[Run], metrics: Sequence[Metrics]) -> Section:
    base = next((r for r in runs if r.strategy == BASELINE), None)
    out = []
    if base is not None:
        base_cum = np.cumsum([float(y.total) for y in base.years])
        saved = {
            r.strategy: base_cum - np.cumsum([float(y.total) for y in r.years])
            for r in runs if r is not base
        }  # fmt: skip
        svg = charts.lines(_year_ends(base), saved, title="Cumulative tax saved against the "
                           "baseline (USD)", ylabel="USD")  # fmt: skip
        out.append(Chart("tax-saved", svg, "Taxes the baseline paid minus the strategy's."))
    years = [str(y.year) for y in runs[0].years]
    gains = {r.strategy: [float(y.gains) for y in r.years] for r in runs}
    losses = {r.strategy: [float(y.harvested) for y in r.years] for r in runs}
    frontier = {m.strategy: (100 * m.tracking_error, float(m.taxes) / 1000) for m in metrics}
    out += [
        Chart("realized-gains", charts.bars(years, gains, title="Realized gains per year",
              ylabel="USD"), "Gains realized in the taxable account (before netting)."),
        Chart("losses", charts.bars(years, losses, title="Losses harvested per year",
              ylabel="USD"), "Losses realized, after wash-sale disallowance."),
        Chart("frontier", charts.scatter(frontier, title="Tax against tracking",
              xlabel="tracking error (% per year)", ylabel="taxes (thousand USD)"),
              "Each strategy's total taxes against how closely it tracked the model."),
    ]  # fmt: skip
    return Section("Taxes", charts=tuple(out))


def backtest_page(
    runs: Sequence[Run], metrics: Sequence[Metrics], market: Market, title: str
) -> str:
    """The report as HTML text."""
    sections = [
        Section("What each strategy was worth", table=_table(metrics), notes=(NOTE,)),
        _over_time(runs),
        _taxes(runs, metrics),
        Section("Allocation", charts=(_allocation(runs, market),)),
    ]
    dates = runs[0].dates
    subtitle = f"{market.source}: {len(market.symbols)} stocks, {dates[0]} to {dates[-1]}"
    return page(title, subtitle, sections)


def write_backtest_report(
    runs: Sequence[Run], metrics: Sequence[Metrics], market: Market, title: str, path: Path
) -> Path:
    """Write the report: HTML, or PDF too when `path` ends in .pdf (Chromium needed)."""
    return write_report(Path(path), backtest_page(runs, metrics, market, title))
