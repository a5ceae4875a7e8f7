"""The household's tax budget holds in household mode as it does account by account (issue 9)."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

from books import check_cash, check_lots
from household_books import AS_OF, family_book, lot, run

from trimtab.book import Book
from trimtab.domain import Account
from trimtab.names import AccountKind
from trimtab.rebalance.proposal import Proposal
from trimtab.rebalance.verify import wash_loss_created

TAXABLE = Account("T", "H", AccountKind.TAXABLE)
IRA = Account("I", "H", AccountKind.TAX_DEFERRED)


def _book(tax_budget: int | None, household: bool) -> Book:
    # the household is 90/10 against its 60/40 model; every equity lot has a large long-term gain
    lots = (
        lot("T1", "T", "VTI", 800, 20_000, 800),
        lot("T2", "T", "BND", 100, 10_000, 800),
        lot("I1", "I", "VTI", 100, 5_000, 800),
        lot("I2", "I", "BND", 1, 100, 800),
    )
    b = family_book((TAXABLE, IRA), lots, household=household)
    budget = None if tax_budget is None else Decimal(tax_budget)
    return dataclasses.replace(
        b, households=tuple(dataclasses.replace(h, tax_budget=budget) for h in b.households)
    )


def _checked(b: Book) -> Proposal:
    p = run(b)
    check_lots(b, p)
    check_cash(b, p)
    assert wash_loss_created(b, [p], AS_OF) == 0
    return p


def test_household_tax_budget_holds_in_household_mode() -> None:
    free = _checked(_book(None, household=True))
    assert free.household.est_tax > Decimal(2_000)  # without a budget it pays more
    for household in (True, False):
        p = _checked(_book(1_000, household=household))
        assert p.household.est_tax <= Decimal(1_000)
        assert p.household.drift_after < p.household.drift_before  # it still moves toward target
    p = _checked(_book(1_000, household=True))
    flagged = [x for r in p.accounts for x in r.exception_reasons]
    assert flagged and all(x.endswith("tax budget binds") for x in flagged), flagged
