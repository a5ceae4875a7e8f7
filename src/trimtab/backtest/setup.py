"""What every strategy of a backtest shares: the market, the household, its accounts, the model,
the cash flows, the rates and the way taxes are paid."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

import numpy as np

from trimtab.backtest.market import Market
from trimtab.config import Settings
from trimtab.domain import Account, Household, Model, ModelComponent
from trimtab.money import cents
from trimtab.names import CASH, AccountKind, LotMethod


class TaxPayment(StrEnum):
    """Where each year's capital-gains tax is paid from.

    `account`: withdrawn from the taxable account's cash on the first trading day of the next year
    (a refund is deposited), so a strategy that pays more tax compounds less. `outside`: paid
    from outside; after-tax wealth subtracts the taxes paid (not compounded).
    """

    ACCOUNT = "account"
    OUTSIDE = "outside"


@dataclass(frozen=True, eq=False)
class Setup:
    """A backtest's common ground. Accounts carry their starting cash (USD); `flows[day]` are
    cash requests (USD, account or household scope) applied on that trading day (datetime64[D])."""

    market: Market
    household: Household
    accounts: tuple[Account, ...]
    models: tuple[Model, ...]
    settings: Settings = field(default_factory=Settings)
    flows: Mapping[np.datetime64, tuple[tuple[str, Decimal], ...]] = field(default_factory=dict)
    tax_payment: TaxPayment = TaxPayment.ACCOUNT


def equal_weight_model(symbols: tuple[str, ...], cash: Decimal, model_id: str = "M") -> Model:
    """Equal weights over `symbols` with `cash` (fraction) in cash; weights sum to exactly 1."""
    n = len(symbols)
    each = ((Decimal(1) - cash) / n).quantize(Decimal("0.000001"))
    comps = [ModelComponent(s, each) for s in symbols]
    rest = Decimal(1) - cash - each * n
    comps[0] = ModelComponent(symbols[0], each + rest)
    if cash > 0:
        comps.append(ModelComponent(CASH, cash))
    return Model(model_id, tuple(comps))


def single_account(
    market: Market,
    *,
    cash: Decimal = Decimal(1_000_000),
    st_rate: Decimal = Decimal("0.35"),
    lt_rate: Decimal = Decimal("0.15"),
    model_cash: Decimal = Decimal("0.01"),
    settings: Settings | None = None,
    flows: Mapping[np.datetime64, tuple[tuple[str, Decimal], ...]] | None = None,
    tax_payment: TaxPayment = TaxPayment.ACCOUNT,
) -> Setup:
    """One taxable, fractional account starting in cash, on an equal-weight model of the market.

    Defaults follow Chaudhuri, Burnham and Lo (2020): 35% short-term, 15% long-term.
    """
    model = equal_weight_model(market.symbols, model_cash)
    household = Household("H1", st_rate=st_rate, lt_rate=lt_rate)
    account = Account(
        "A1", "H1", AccountKind.TAXABLE, model_id=model.model_id, cash=cents(cash),
        fractional=True, lot_method=LotMethod.HIFO,
    )  # fmt: skip
    return Setup(
        market, household, (account,), (model,), settings or Settings(), flows or {}, tax_payment
    )
