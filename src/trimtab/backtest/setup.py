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
from trimtab.domain import Account, Household, Lot, Model, ModelComponent, Restriction
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
    opening: tuple[Lot, ...] = ()
    """Lots held on the first day (a book's household); empty: every account starts in cash."""
    restrictions: tuple[Restriction, ...] = ()
    income_tax: bool = False
    """Also tax the income (dividends, interest) of holdings in taxable accounts, each day at
    the asset class's yield and character (`[location.classes]`, docs/household.md): what asset
    location saves. Prices are total-return, so the income itself is already in them."""


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


def household_accounts(
    market: Market,
    *,
    equity: Decimal = Decimal("0.6"),
    split: tuple[Decimal, Decimal, Decimal] = (Decimal("0.5"), Decimal("0.3"), Decimal("0.2")),
    cash: Decimal = Decimal(1_000_000),
    st_rate: Decimal = Decimal("0.37"),
    lt_rate: Decimal = Decimal("0.20"),
    settings: Settings | None = None,
) -> Setup:
    """A household of a taxable account, an IRA (tax_deferred) and a Roth IRA (tax_exempt)
    holding `split` of `cash`, on one household model: `equity` spread equally over the
    market's equity symbols, the rest over its bond symbols (asset classes with bond names).
    Income is taxed (`income_tax`), so where each class sits matters."""
    from trimtab.risk.classes import family

    bonds = tuple(s for s, c in zip(market.symbols, market.classes, strict=True)
                  if family(c) == "bond")  # fmt: skip
    stocks = tuple(s for s in market.symbols if s not in bonds)
    comps = [ModelComponent(s, w * equity) for s, w in _equal(stocks).items()]
    comps += [ModelComponent(s, w * (1 - equity)) for s, w in _equal(bonds).items()]
    model = Model("HM", tuple(comps))
    household = Household("H1", st_rate=st_rate, lt_rate=lt_rate, model_id="HM")
    kinds = (AccountKind.TAXABLE, AccountKind.TAX_DEFERRED, AccountKind.TAX_EXEMPT)
    accounts = tuple(
        Account(f"A{i + 1}", "H1", kind, cash=cents(cash * share), fractional=True,
                lot_method=LotMethod.HIFO)
        for i, (kind, share) in enumerate(zip(kinds, split, strict=True))
    )  # fmt: skip
    return Setup(market, household, accounts, (model,), settings or Settings(), income_tax=True)


def _equal(symbols: tuple[str, ...]) -> dict[str, Decimal]:
    """Equal weights over `symbols`, summing exactly to 1."""
    model = equal_weight_model(symbols, Decimal(0))
    return {c.component: c.weight for c in model.components}
