"""Each simulated year's capital-gains tax, through the tax engine's Schedule D netting
(`trimtab.tax.summary`): the $3,000 loss limit and the carryforward, by character."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal

from trimtab.backtest.state import State
from trimtab.config import TaxSettings
from trimtab.domain import Household, Transaction
from trimtab.money import cents
from trimtab.names import AccountKind, Side
from trimtab.tax.ledger import replay
from trimtab.tax.records import Disposition
from trimtab.tax.summary import summarize

ZERO = Decimal(0)


@dataclasses.dataclass(frozen=True, slots=True)
class YearTax:
    """One year, USD cents. `harvested` is the realized losses allowed (after wash sales),
    `gains` the realized gains, `tax` the estimated tax on them (negative: the loss deduction's
    saving), `carry_st`/`carry_lt` the loss carried into the next year, `income_tax` the tax on
    income of taxable holdings (when the setup taxes income), `total` what is owed."""

    year: int
    st_gain: Decimal
    lt_gain: Decimal
    harvested: Decimal
    gains: Decimal
    tax: Decimal
    carry_st: Decimal
    carry_lt: Decimal
    income_tax: Decimal = ZERO

    @property
    def total(self) -> Decimal:
        return self.tax + self.income_tax


def year_tax(
    household: Household,
    year: int,
    dispositions: Iterable[Disposition],
    tax: TaxSettings,
    carry: tuple[Decimal, Decimal],
) -> YearTax:
    """The year's netting with `carry` (short, long USD) coming in."""
    mine = [d for d in dispositions if d.taxable and d.sold.year == year]
    hh = dataclasses.replace(
        household, realized_st_ytd=ZERO, realized_lt_ytd=ZERO,
        loss_carryforward_st=carry[0], loss_carryforward_lt=carry[1],
    )  # fmt: skip
    s = summarize(hh, year, mine, tax)
    harvested = -sum((d.gain for d in mine if d.gain < 0), ZERO)
    gains = sum((d.gain for d in mine if d.gain > 0), ZERO)
    return YearTax(
        year, s.st_gain, s.lt_gain, cents(harvested), cents(gains), s.est_tax,
        s.carryforward_st, s.carryforward_lt,
    )  # fmt: skip


def liquidation_tax(
    state: State,
    prices: Sequence[Decimal],
    day: date,
    tax: TaxSettings,
    carry: tuple[Decimal, Decimal],
) -> Decimal:
    """Extra tax (USD) if every lot were sold on `day`: the year's gain tax with the sales minus
    without, plus ordinary income tax (the short-term rate) on tax-deferred accounts' value."""
    hh = state.setup.household
    base = year_tax(hh, day.year, state.dispositions(), tax, carry).tax
    sells = [
        Transaction(x.account_id, day, x.symbol, Side.SELL, x.quantity,
                    prices[state.sym_index[x.symbol]], x.lot_id)
        for x in state.lots
    ]  # fmt: skip
    book = state.book(prices)
    book = dataclasses.replace(book, transactions=(*book.transactions, *sells))
    after = [*state.archived, *replay(book).dispositions]
    sold = year_tax(hh, day.year, after, tax, carry).tax - base
    deferred = {a.account_id for a in state.setup.accounts if a.kind is AccountKind.TAX_DEFERRED}
    value = sum(
        (cents(x.quantity * prices[state.sym_index[x.symbol]]) for x in state.lots
         if x.account_id in deferred),
        ZERO,
    )  # fmt: skip
    value += sum((state.cash[a] for a in deferred), ZERO)
    return cents(sold + value * hh.st_rate)
