"""What a rebalance proposes: trades lot by lot with reasons, and per-account and household metrics.

Money here is exact (Decimal, cents); the float results of a method are converted at one boundary
(`trimtab.rebalance.finalize`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from trimtab.decision import Reason
from trimtab.names import Side, Status, Term

__all__ = ["AccountResult", "HouseholdResult", "Proposal", "Reason", "Trade"]


@dataclass(frozen=True, slots=True)
class Trade:
    """One trade in one lot. Quantity in shares, price USD/share, value and gain USD (cents)."""

    account_id: str
    symbol: str
    side: Side
    quantity: Decimal
    price: Decimal
    value: Decimal
    reason: str
    lot_id: str | None = None
    acquired: date | None = None
    realized_gain: Decimal | None = None
    term: Term | None = None


@dataclass(frozen=True, slots=True)
class AccountResult:
    """An account's outcome. Drift and turnover are fractions; money is USD (cents).

    `drift_*` counts a wash-group member or declared alternate held in place of a model security
    as that security; `strict_drift_*` counts each symbol as itself.
    """

    account_id: str
    household_id: str
    value: Decimal
    cash_before: Decimal
    cash_after: Decimal
    drift_before: float
    drift_after: float
    realized_st: Decimal
    realized_lt: Decimal
    est_tax: Decimal
    est_cost: Decimal
    turnover: float
    status: Status
    objective: float | None = None
    objective_terms: dict[str, float] = field(default_factory=dict)
    exception_reasons: tuple[str, ...] = ()
    strict_drift_before: float = float("nan")
    strict_drift_after: float = float("nan")


@dataclass(frozen=True, slots=True)
class HouseholdResult:
    """A household's outcome. Location scores are 0-100 (None when no class can move between
    accounts); tax drag is the estimated yearly tax (USD) its holdings cost where they are held.

    Value figures (`trimtab.rebalance.value`), USD: `tax_saved` is the baseline's estimated tax
    on the same snapshot minus this proposal's (None when not compared); `losses_harvested` the
    losses this proposal realizes in taxable accounts, `losses_harvested_ytd` those plus the
    losses realized earlier in the year (when the book's history was at hand)."""

    household_id: str
    value: Decimal
    drift_before: float
    drift_after: float
    est_tax: Decimal
    location_score_before: float | None = None
    location_score_after: float | None = None
    tax_drag_before: Decimal = Decimal(0)
    tax_drag_after: Decimal = Decimal(0)
    strict_drift_before: float = float("nan")
    strict_drift_after: float = float("nan")
    tax_saved: Decimal | None = None
    losses_harvested: Decimal = Decimal(0)
    losses_harvested_ytd: Decimal = Decimal(0)

    @property
    def tax_drag_removed(self) -> Decimal:
        """USD per year of tax drag the proposal's asset location removes (negative: adds)."""
        return self.tax_drag_before - self.tax_drag_after


@dataclass(frozen=True, slots=True)
class Position:
    """One security (or `CASH`) in one account; `account_id` is blank for a household row.

    Weights are fractions of the account's (household's) value before and after the trades; the
    target is the model weight (for a household without a model: the value-weighted blend of its
    accounts' models). Values are USD, to the cent.
    """

    account_id: str
    household_id: str
    symbol: str
    target_weight: float
    weight_before: float
    weight_after: float
    value_before: Decimal
    value_after: Decimal


@dataclass(frozen=True, slots=True)
class Proposal:
    """One household's proposal, produced by `method` from one snapshot."""

    household_id: str
    method: str
    trades: tuple[Trade, ...]
    accounts: tuple[AccountResult, ...]
    household: HouseholdResult
    positions: tuple[Position, ...] = ()
    household_positions: tuple[Position, ...] = ()
