"""A short human summary of a rebalance, for the command line."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from decimal import Decimal

import numpy as np
from rich.table import Table

from trimtab.names import Side
from trimtab.rebalance.proposal import Proposal


def figures(proposals: Sequence[Proposal]) -> dict[str, float]:
    """Headline figures: counts, traded USD, realized gains USD, mean drift before/after."""
    accounts = [r for p in proposals for r in p.accounts]
    trades = [t for p in proposals for t in p.trades]
    status = Counter(r.status.value for r in accounts)
    before = np.array([r.drift_before for r in accounts], dtype=float)
    after = np.array([r.drift_after for r in accounts], dtype=float)
    zero = Decimal(0)
    strict_before = np.array([r.strict_drift_before for r in accounts], dtype=float)
    strict_after = np.array([r.strict_drift_after for r in accounts], dtype=float)
    hh_before = np.array([p.household.drift_before for p in proposals], dtype=float)
    hh_after = np.array([p.household.drift_after for p in proposals], dtype=float)
    return {
        "households": len(proposals),
        "accounts": len(accounts),
        "accounts_trade": status.get("trade", 0),
        "accounts_no_trade": status.get("no_trade", 0),
        "accounts_exception": status.get("exception", 0),
        "trades": len(trades),
        "bought_usd": float(sum((t.value for t in trades if t.side is Side.BUY), zero)),
        "sold_usd": float(sum((t.value for t in trades if t.side is Side.SELL), zero)),
        "realized_st_usd": float(sum((r.realized_st for r in accounts), zero)),
        "realized_lt_usd": float(sum((r.realized_lt for r in accounts), zero)),
        "est_tax_usd": float(sum((r.est_tax for r in accounts), zero)),
        "mean_drift_before": float(np.nanmean(before)) if len(before) else 0.0,
        "mean_drift_after": float(np.nanmean(after)) if len(after) else 0.0,
        "strict_drift_before": _mean(strict_before),
        "strict_drift_after": _mean(strict_after),
        # drift_* now counts declared alternates, which is what "equiv" measured: kept as an alias
        "equiv_drift_before": float(np.nanmean(before)) if len(before) else 0.0,
        "equiv_drift_after": float(np.nanmean(after)) if len(after) else 0.0,
        "household_drift_before": float(np.nanmean(hh_before)) if len(hh_before) else 0.0,
        "household_drift_after": float(np.nanmean(hh_after)) if len(hh_after) else 0.0,
        "tax_drag_before_usd": float(sum((p.household.tax_drag_before for p in proposals), zero)),
        "tax_drag_after_usd": float(sum((p.household.tax_drag_after for p in proposals), zero)),
        **dispersion_figures(proposals),
    }


def dispersion_figures(proposals: Sequence[Proposal]) -> dict[str, float]:
    """Dispersion of account drift (fractions): standard deviation across all accounts and the
    10th-90th percentile range, before and after; what central rebalancing shrinks."""
    accounts = [r for p in proposals for r in p.accounts]
    before = _spread([r.drift_before for r in accounts])
    after = _spread([r.drift_after for r in accounts])
    return {
        "drift_dispersion_before": before["std"],
        "drift_dispersion_after": after["std"],
        "drift_p10_p90_before": before["p10_p90"],
        "drift_p10_p90_after": after["p10_p90"],
    }


def _spread(values: Sequence[float]) -> dict[str, float]:
    """Standard deviation and 10th-90th percentile range (NaN ignored; 0 under two values)."""
    x = np.asarray([v for v in values if not np.isnan(v)], dtype=float)
    if len(x) < 2:
        return {"std": 0.0, "p10_p90": 0.0}
    p10, p90 = np.percentile(x, [10, 90])
    return {"std": float(np.std(x, ddof=1)), "p10_p90": float(p90 - p10)}


def summarize(proposals: Sequence[Proposal]) -> Table:
    f = figures(proposals)
    table = Table(
        title=f"rebalance: {proposals[0].method if proposals else '-'}", show_header=False
    )
    table.add_column("figure")
    table.add_column("value", justify="right")
    table.add_row("households / accounts", f"{f['households']:,} / {f['accounts']:,}")
    table.add_row(
        "accounts trade / no trade / exception",
        f"{f['accounts_trade']:,} / {f['accounts_no_trade']:,} / {f['accounts_exception']:,}",
    )
    table.add_row("trades", f"{f['trades']:,}")
    table.add_row("bought / sold (USD)", f"{f['bought_usd']:,.0f} / {f['sold_usd']:,.0f}")
    table.add_row(
        "realized short / long (USD)", f"{f['realized_st_usd']:,.0f} / {f['realized_lt_usd']:,.0f}"
    )
    table.add_row("estimated tax (USD)", f"{f['est_tax_usd']:,.0f}")
    table.add_row(
        "mean drift before -> after", f"{f['mean_drift_before']:.4f} -> {f['mean_drift_after']:.4f}"
    )
    table.add_row(
        "mean strict drift before -> after",
        f"{f['strict_drift_before']:.4f} -> {f['strict_drift_after']:.4f}",
    )
    table.add_row(
        "household drift before -> after",
        f"{f['household_drift_before']:.4f} -> {f['household_drift_after']:.4f}",
    )
    table.add_row(
        "drift dispersion (std across accounts) before -> after",
        f"{f['drift_dispersion_before']:.4f} -> {f['drift_dispersion_after']:.4f}",
    )
    table.add_row(
        "yearly tax drag before -> after (USD)",
        f"{f['tax_drag_before_usd']:,.0f} -> {f['tax_drag_after_usd']:,.0f}",
    )
    return table


def _mean(values: np.ndarray) -> float:
    """Mean ignoring NaN (failed households); 0 when there is nothing to average."""
    finite = values[~np.isnan(values)]
    return float(finite.mean()) if len(finite) else 0.0
