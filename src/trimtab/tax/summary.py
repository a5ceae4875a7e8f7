"""A household's tax year: ST/LT netting, the capital-loss limit, carryforward, estimated tax.

Netting follows Schedule D (IRC §1222, §1211(b), §1212(b); Pub. 550 ch. 4): carryovers coming
into the year count as short- or long-term losses of the year by their character; a net loss is
deductible up to $3,000 ($1,500 married filing separately), taken from the short-term loss first,
and the rest carries forward keeping its character. Estimated tax applies the household's
marginal rates (fractions), plus the net investment income tax (§1411) on a net gain when the book
turns it on. Taxable-income limits on the deduction and the NIIT income threshold are not
modelled (docs/tax.md).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from trimtab.config import TaxSettings
from trimtab.domain import Household
from trimtab.money import cents
from trimtab.names import FilingStatus, Term
from trimtab.tax.records import Disposition

ZERO = Decimal("0.00")
LOSS_LIMIT = Decimal(3000)
LOSS_LIMIT_SEPARATE = Decimal(1500)


@dataclass(frozen=True, slots=True)
class YearSummary:
    """One household's capital gains for one tax year, USD cents.

    `st_gain`/`lt_gain` are the net short/long-term gain with carryovers in (Schedule D lines 7
    and 15), `net_gain` their sum (line 16); `deductible_loss` (>= 0) is deducted from ordinary
    income; `carryforward_st/lt` (>= 0) carry to next year; `taxed_st/lt` are the gains taxed at
    the short/long-term rate; `est_tax` is the estimated tax (negative: a saving).
    """

    household_id: str
    year: int
    st_gain: Decimal
    lt_gain: Decimal
    net_gain: Decimal
    deductible_loss: Decimal
    carryforward_st: Decimal
    carryforward_lt: Decimal
    taxed_st: Decimal
    taxed_lt: Decimal
    est_tax: Decimal


@dataclass(frozen=True, slots=True)
class Netting:
    taxed_st: Decimal
    taxed_lt: Decimal
    deductible: Decimal
    carry_st: Decimal
    carry_lt: Decimal


def loss_limit(status: FilingStatus) -> Decimal:
    """Largest net capital loss deductible in a year (§1211(b)), USD."""
    return LOSS_LIMIT_SEPARATE if status is FilingStatus.MARRIED_SEPARATE else LOSS_LIMIT


def net_gains(st: Decimal, lt: Decimal, limit: Decimal) -> Netting:
    """Net the year's ST and LT results (carryovers included) as Schedule D does."""
    net = st + lt
    if st >= 0 and lt >= 0:
        return Netting(st, lt, ZERO, ZERO, ZERO)
    if st < 0 < lt or lt < 0 < st:
        if net >= 0:
            return Netting(net if st > 0 else ZERO, net if lt > 0 else ZERO, ZERO, ZERO, ZERO)
        st_loss, lt_loss = (-net, ZERO) if st < 0 else (ZERO, -net)
    else:
        st_loss, lt_loss = -st, -lt
    deductible = min(limit, st_loss + lt_loss)
    carry_st = max(ZERO, st_loss - deductible)
    carry_lt = lt_loss - max(ZERO, deductible - st_loss)
    return Netting(ZERO, ZERO, deductible, carry_st, carry_lt)


def summarize(
    household: Household,
    year: int,
    dispositions: Iterable[Disposition],
    tax: TaxSettings,
    *,
    include_outside: bool = True,
) -> YearSummary:
    """The household's year from its dispositions (taxable ones sold in `year` count).

    With `include_outside` (the book's own tax year) the household's `realized_*_ytd` gains and
    the `loss_carryforward_*` coming into the year are included.
    """
    st = lt = ZERO
    for d in dispositions:
        if d.taxable and d.sold.year == year:
            if d.term is Term.LONG:
                lt += d.gain
            else:
                st += d.gain
    if include_outside:
        st += household.realized_st_ytd - household.loss_carryforward_st
        lt += household.realized_lt_ytd - household.loss_carryforward_lt
    st, lt = cents(st), cents(lt)
    n = net_gains(st, lt, loss_limit(household.filing_status))
    tax_due = n.taxed_st * household.st_rate + n.taxed_lt * household.lt_rate
    tax_due -= n.deductible * household.st_rate
    if tax.niit:
        tax_due += max(ZERO, st + lt) * Decimal(repr(tax.niit_rate))
    return YearSummary(
        household.household_id, year, st, lt, st + lt, n.deductible, n.carry_st, n.carry_lt,
        n.taxed_st, n.taxed_lt, cents(tax_due),
    )  # fmt: skip
