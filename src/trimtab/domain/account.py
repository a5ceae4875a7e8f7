"""Households (taxpayer units) and their accounts."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from trimtab.names import AccountKind, FilingStatus, LotMethod

_ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class Household:
    """A taxpayer unit. Rates are fractions (0.37 = 37%); money is USD.

    `gain_budget` caps the net realized gain of the year (YTD in) and `tax_budget` the estimated tax
    on it; None means no cap. `realized_*_ytd` count only gains realized outside the book's
    transactions this year. `gain_harvest` is USD of long-term gains the household wants realized
    this year (0: none); `drift_tolerance` is the largest drift after trading for a household-level
    target (fraction of value; None: the settings' default).
    """

    household_id: str
    name: str = ""
    st_rate: Decimal = Decimal("0.37")
    lt_rate: Decimal = Decimal("0.20")
    model_id: str | None = None
    gain_budget: Decimal | None = None
    tax_budget: Decimal | None = None
    realized_st_ytd: Decimal = _ZERO
    realized_lt_ytd: Decimal = _ZERO
    loss_carryforward_st: Decimal = _ZERO
    loss_carryforward_lt: Decimal = _ZERO
    filing_status: FilingStatus = FilingStatus.MARRIED_JOINT
    gain_harvest: Decimal = _ZERO
    drift_tolerance: Decimal | None = None
    advisor: str | None = None
    """Who advises the household (free text; the review queue filters and sorts on it)."""


@dataclass(frozen=True, slots=True)
class Account:
    """An account. Cash, reserve and minimum trade are USD; `cash` is after every book transaction.

    `managed=False` marks an account held away: it counts toward its household's exposure but is
    never traded. `drift_tolerance` is the largest drift after trading (fraction of value; None:
    the settings' default).
    """

    account_id: str
    household_id: str
    kind: AccountKind
    model_id: str | None = None
    cash: Decimal = _ZERO
    cash_reserve: Decimal = _ZERO
    min_trade: Decimal = _ZERO
    fractional: bool = False
    lot_method: LotMethod = LotMethod.FIFO
    managed: bool = True
    drift_tolerance: Decimal | None = None

    @property
    def taxable(self) -> bool:
        return self.kind is AccountKind.TAXABLE
