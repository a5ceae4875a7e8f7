"""One household's report: allocation against target, drift by account, realized gains, what
the proposal is worth (tax saved, losses harvested, tax drag removed), the tax/tracking frontier
and, when past runs are given, drift and cumulative tax saved over time."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import numpy as np

from trimtab.names import CASH
from trimtab.optimize.frontier import FrontierPoint
from trimtab.rebalance.proposal import Proposal
from trimtab.report import charts
from trimtab.report.html import Chart, Section, page


@dataclass(frozen=True, slots=True)
class Past:
    """One earlier run of the household: its day, drift after trading (fraction), tax saved."""

    day: date
    drift: float
    tax_saved: Decimal


def _usd(x: Decimal | None) -> str:
    return "-" if x is None else f"{x:,.2f}"


def _figures(p: Proposal) -> tuple[tuple[str, ...], ...]:
    h = p.household
    return (
        ("figure", "value"),
        ("household value (USD)", _usd(h.value)),
        ("drift before -> after", f"{h.drift_before:.2%} -> {h.drift_after:.2%}"),
        ("estimated tax of this proposal (USD)", _usd(h.est_tax)),
        ("tax saved against snap-to-target (USD)", _usd(h.tax_saved)),
        ("losses harvested now / this year (USD)",
         f"{_usd(h.losses_harvested)} / {_usd(h.losses_harvested_ytd)}"),
        ("yearly tax drag removed by asset location (USD)", _usd(h.tax_drag_removed)),
        ("trades", f"{len(p.trades)}"),
    )  # fmt: skip


def _allocation(p: Proposal) -> Chart:
    rows = [r for r in p.household_positions if r.symbol != CASH] or [
        r for r in p.positions if r.symbol != CASH
    ]
    symbols = sorted({r.symbol for r in rows})
    pick = {s: [r for r in rows if r.symbol == s] for s in symbols}
    groups = {
        "target": [sum(r.target_weight for r in pick[s]) for s in symbols],
        "before": [sum(r.weight_before for r in pick[s]) for s in symbols],
        "after": [sum(r.weight_after for r in pick[s]) for s in symbols],
    }
    svg = charts.bars(symbols, groups, title="Allocation against target", ylabel="weight")
    return Chart("allocation", svg, "Weight of each holding before and after, and its target.")


def _accounts(p: Proposal) -> tuple[Chart, Chart]:
    ids = [r.account_id for r in p.accounts]
    drift = {
        "before": [r.drift_before for r in p.accounts],
        "after": [r.drift_after for r in p.accounts],
    }
    gains = {
        "short-term": [float(r.realized_st) for r in p.accounts],
        "long-term": [float(r.realized_lt) for r in p.accounts],
    }
    return (
        Chart("drift", charts.bars(ids, drift, title="Drift by account", ylabel="drift"),
              "Half the sum of absolute weight differences against each account's model."),
        Chart("realized-gains", charts.bars(ids, gains, title="Gains realized by this proposal",
              ylabel="USD"), "Net realized gain per account and term (losses below zero)."),
    )  # fmt: skip


def _frontier(points: Sequence[FrontierPoint]) -> Chart:
    shown = {
        ("capped" if pt.tax_weight is None else f"w={pt.tax_weight:g}"):
            (100 * pt.tracking_error, pt.est_tax)
        for pt in points if pt.feasible
    }  # fmt: skip
    svg = charts.scatter(shown, title="Tax against tracking", xlabel="tracking error (% a year)",
                         ylabel="estimated tax (USD)", connect=True)  # fmt: skip
    return Chart("frontier", svg, "Each point is a proposal with a different weight on tax.")


def _history(past: Sequence[Past]) -> tuple[Chart, Chart]:
    days = np.array([p.day for p in past], dtype="datetime64[D]")
    drift = {"drift after trading": np.array([p.drift for p in past])}
    saved = {"tax saved": np.cumsum([float(p.tax_saved) for p in past])}
    return (
        Chart("drift-history", charts.lines(days, drift, title="Drift over time",
              ylabel="drift"), "Drift after each run's trades."),
        Chart("tax-saved", charts.lines(days, saved, title="Cumulative tax saved (USD)",
              ylabel="USD"), "Tax saved against snap-to-target, added up over the runs."),
    )  # fmt: skip


def household_page(
    proposal: Proposal,
    *,
    frontier: Sequence[FrontierPoint] = (),
    history: Sequence[Past] = (),
    as_of: date | None = None,
) -> str:
    """The report as HTML text."""
    gains = Decimal(sum((r.realized_st + r.realized_lt for r in proposal.accounts), Decimal(0)))
    sections = [
        Section(
            "This rebalance",
            table=_figures(proposal),
            notes=(
                "Tax saved compares this proposal's estimated tax with what snap-to-target would "
                f"have cost on the same day. Net gain realized: {gains:,.2f} USD.",
            ),
        ),
        Section("Allocation", charts=(_allocation(proposal), *_accounts(proposal))),
    ]
    if frontier:
        sections.append(Section("Tax and tracking", charts=(_frontier(frontier),)))
    if history:
        sections.append(Section("Over time", charts=_history(history)))
    subtitle = f"method {proposal.method}" + (f", {as_of}" if as_of else "")
    return page(f"Household {proposal.household_id}", subtitle, sections)
