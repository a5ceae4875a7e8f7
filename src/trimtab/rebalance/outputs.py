"""Write a rebalance's outputs (trades, summaries, positions, block orders and their allocations)
as the book spec lays them out."""

from __future__ import annotations

import json
import math
from collections.abc import Iterator, Sequence
from pathlib import Path

from trimtab.book.write import cell
from trimtab.files import staged_dir, write_csv
from trimtab.rebalance.orders import block_orders
from trimtab.rebalance.proposal import HouseholdResult, Position, Proposal

TRADE_COLUMNS = (
    "account_id", "symbol", "side", "quantity", "price", "value", "lot_id", "acquired",
    "realized_gain", "term", "reason",
)  # fmt: skip
ACCOUNT_COLUMNS = (
    "account_id", "household_id", "value", "cash_before", "cash_after", "drift_before",
    "drift_after", "strict_drift_before", "strict_drift_after", "realized_st", "realized_lt",
    "est_tax", "est_cost", "turnover", "objective", "objective_terms", "status",
    "exception_reasons",
)  # fmt: skip
VALUE_COLUMNS = ("tax_saved", "losses_harvested", "losses_harvested_ytd", "tax_drag_removed")
"""The household's value figures in USD cents (`trimtab.rebalance.value`)."""
HOUSEHOLD_COLUMNS = (
    "household_id", "value", "drift_before", "drift_after", "strict_drift_before",
    "strict_drift_after", "location_score_before", "location_score_after", "est_tax",
    "tax_drag_before", "tax_drag_after", *VALUE_COLUMNS,
)  # fmt: skip
ORDER_COLUMNS = ("symbol", "side", "quantity", "price", "value", "accounts")
ALLOCATION_COLUMNS = ("symbol", "side", "price", "account_id", "quantity")
POSITION_COLUMNS = (
    "account_id", "household_id", "symbol", "target_weight", "weight_before", "weight_after",
    "value_before", "value_after",
)  # fmt: skip
HOUSEHOLD_POSITION_COLUMNS = POSITION_COLUMNS[1:]


def ratio(value: float | None) -> str:
    """A fraction or score to 6 decimals; blank when unknown."""
    if value is None or math.isnan(value):
        return ""
    return f"{value:.6f}"


def write_outputs(proposals: Sequence[Proposal], out: Path) -> dict[str, int]:
    """Write every output file into `out` at once; returns row counts by file."""
    with staged_dir(Path(out)) as stage:
        return {
            "trades.csv": write_csv(stage / "trades.csv", TRADE_COLUMNS, _trades(proposals)),
            "accounts_summary.csv": write_csv(
                stage / "accounts_summary.csv", ACCOUNT_COLUMNS, _accounts(proposals)
            ),
            "households_summary.csv": write_csv(
                stage / "households_summary.csv", HOUSEHOLD_COLUMNS, _households(proposals)
            ),
            **_order_files(stage, proposals),
            **_position_files(stage, proposals),
        }


def _trades(proposals: Sequence[Proposal]) -> Iterator[list[str]]:
    for p in proposals:
        for t in p.trades:
            yield [cell(getattr(t, c)) for c in TRADE_COLUMNS]


def _accounts(proposals: Sequence[Proposal]) -> Iterator[list[str]]:
    for p in proposals:
        for r in p.accounts:
            terms = {k: round(v, 8) for k, v in r.objective_terms.items()}
            yield [
                r.account_id, r.household_id, cell(r.value), cell(r.cash_before),
                cell(r.cash_after), ratio(r.drift_before), ratio(r.drift_after),
                ratio(r.strict_drift_before), ratio(r.strict_drift_after),
                cell(r.realized_st), cell(r.realized_lt), cell(r.est_tax), cell(r.est_cost),
                ratio(r.turnover), "" if r.objective is None else f"{r.objective:.8g}",
                json.dumps(terms, sort_keys=True) if terms else "", r.status.value,
                "; ".join(r.exception_reasons),
            ]  # fmt: skip


def value_cells(h: HouseholdResult) -> list[str]:
    """The VALUE_COLUMNS of one household; `tax_saved` blank when not compared."""
    saved = "" if h.tax_saved is None else cell(h.tax_saved)
    return [saved, cell(h.losses_harvested), cell(h.losses_harvested_ytd),
            cell(h.tax_drag_removed)]  # fmt: skip


def _households(proposals: Sequence[Proposal]) -> Iterator[list[str]]:
    for p in proposals:
        h = p.household
        yield [
            h.household_id, cell(h.value), ratio(h.drift_before), ratio(h.drift_after),
            ratio(h.strict_drift_before), ratio(h.strict_drift_after),
            ratio(h.location_score_before), ratio(h.location_score_after), cell(h.est_tax),
            cell(h.tax_drag_before), cell(h.tax_drag_after), *value_cells(h),
        ]  # fmt: skip


def _order_files(stage: Path, proposals: Sequence[Proposal]) -> dict[str, int]:
    """`orders.csv` (one block order per symbol, side and price) and `allocations.csv`."""
    orders = block_orders(t for p in proposals for t in p.trades)
    order_rows = (
        [o.symbol, o.side.value, cell(o.quantity), cell(o.price), cell(o.value), str(o.accounts)]
        for o in orders
    )
    allocation_rows = (
        [o.symbol, o.side.value, cell(o.price), a.account_id, cell(a.quantity)]
        for o in orders
        for a in o.allocations
    )
    return {
        "orders.csv": write_csv(stage / "orders.csv", ORDER_COLUMNS, order_rows),
        "allocations.csv": write_csv(
            stage / "allocations.csv", ALLOCATION_COLUMNS, allocation_rows
        ),
    }


def _position_files(stage: Path, proposals: Sequence[Proposal]) -> dict[str, int]:
    """`positions.csv` (per account) and `household_positions.csv` (per household)."""
    accounts = (_position(r) for p in proposals for r in p.positions)
    households = (_position(r)[1:] for p in proposals for r in p.household_positions)
    return {
        "positions.csv": write_csv(stage / "positions.csv", POSITION_COLUMNS, accounts),
        "household_positions.csv": write_csv(
            stage / "household_positions.csv", HOUSEHOLD_POSITION_COLUMNS, households
        ),
    }


def _position(r: Position) -> list[str]:
    return [
        r.account_id, r.household_id, r.symbol, ratio(r.target_weight), ratio(r.weight_before),
        ratio(r.weight_after), cell(r.value_before), cell(r.value_after),
    ]  # fmt: skip
