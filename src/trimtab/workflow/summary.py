"""The day's summary: what the current proposals of one day add up to.

Stored with each run (`runs.summary`, JSON) and printed at the end of `trimtab run`. Money is
exact text (USD, cents); `tax_saved` is the baseline method's estimated tax minus the proposals'
over the households where both were computed.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from rich.table import Table
from sqlalchemy import Connection

from trimtab.store import workflow_tables as w


def day_summary(conn: Connection, as_of: date) -> dict[str, Any]:
    """Counts by status and state, exceptions by rule, taxes and block orders of the day."""
    p, c = w.proposals, w.current_proposals
    rows = conn.execute(
        sa.select(p.c.status, p.c.state, p.c.est_tax, p.c.baseline_tax, p.c.trades)
        .join(c, c.c.proposal_id == p.c.proposal_id)
        .where(c.c.as_of == as_of)
    ).all()
    status = Counter(r.status for r in rows)
    state = Counter(r.state for r in rows)
    zero = Decimal(0)
    est = sum((r.est_tax for r in rows), zero)
    compared = [r for r in rows if r.baseline_tax is not None]
    saved = sum((r.baseline_tax - r.est_tax for r in compared), zero)
    rules = Counter(
        dict(
            conn.execute(
                sa.select(w.exceptions.c.rule, sa.func.count())
                .join(c, c.c.proposal_id == w.exceptions.c.proposal_id)
                .where(c.c.as_of == as_of)
                .group_by(w.exceptions.c.rule)
            ).all()
        )
    )
    t = w.proposed_trades
    orders = conn.execute(
        sa.select(sa.func.count()).select_from(
            sa.select(t.c.symbol, t.c.side)
            .join(c, c.c.proposal_id == t.c.proposal_id)
            .where(c.c.as_of == as_of)
            .distinct()
            .subquery()
        )
    ).scalar_one()
    return {
        "as_of": as_of.isoformat(),
        "households": len(rows),
        "by_status": dict(sorted(status.items())),
        "by_state": dict(sorted(state.items())),
        "exceptions_by_rule": dict(sorted(rules.items())),
        "trades": sum(r.trades for r in rows),
        "est_tax": format(est, "f"),
        "tax_saved_vs_baseline": format(saved, "f"),
        "baseline_households": len(compared),
        "block_orders": int(orders),
    }


def summary_table(summary: dict[str, Any]) -> Table:
    """The summary for the terminal."""
    table = Table(
        title=f"day {summary['as_of']} (run {summary.get('run_id', '-')})", show_header=False
    )
    table.add_column("figure")
    table.add_column("value", justify="right")
    table.add_row("households", f"{summary['households']:,}")
    for label in ("proposed", "unchanged", "kept"):
        if label in summary:
            table.add_row(f"  {label} this run", f"{summary[label]:,}")
    table.add_row("by status", _pairs(summary["by_status"]))
    table.add_row("by state", _pairs(summary["by_state"]))
    table.add_row("exceptions by rule", _pairs(summary["exceptions_by_rule"]) or "none")
    table.add_row("trades / block orders", f"{summary['trades']:,} / {summary['block_orders']:,}")
    table.add_row("estimated tax (USD)", f"{Decimal(summary['est_tax']):,.2f}")
    table.add_row(
        "tax saved vs baseline (USD)", f"{Decimal(summary['tax_saved_vs_baseline']):,.2f}"
    )
    return table


def _pairs(counts: dict[str, int]) -> str:
    return ", ".join(f"{k} {v:,}" for k, v in counts.items())
