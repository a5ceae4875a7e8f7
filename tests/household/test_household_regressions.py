"""Household-mode cases found by the random households; each names the rule it checks."""

from __future__ import annotations

import dataclasses
import re
from decimal import Decimal

from household_books import family_book, lot, run

from trimtab.book import Book
from trimtab.domain import Account, CashFlow, Model, ModelComponent, Restriction
from trimtab.names import AccountKind, Rule, Side, Status

OWN = Model("OWN", (ModelComponent("VTI", Decimal("0.5")), ModelComponent("BND", Decimal("0.5"))))
CASH_REASON = re.compile(
    r"cash: (-?[\d,.]+) USD must be raised but only (-?[\d,.]+) USD may be sold"
)


def _with_own_model(b: Book) -> Book:
    return dataclasses.replace(b, models=(*b.models, OWN))


def test_household_withdrawal_is_raised_when_every_managed_account_has_its_own_model() -> None:
    # No managed account follows the household model, so the household group has no account to
    # place the withdrawal in; account by account the same request is split pro rata and raised.
    accounts = (
        Account("T", "H", AccountKind.TAXABLE, model_id="OWN"),
        Account("I", "H", AccountKind.TAX_DEFERRED, model_id="OWN"),
    )
    lots = (
        lot("T1", "T", "VTI", 100, 9_000, 800),
        lot("T2", "T", "BND", 100, 9_500, 800),
        lot("I1", "I", "VTI", 100, 9_000, 800),
        lot("I2", "I", "BND", 100, 9_500, 800),
    )
    flows = (CashFlow("H", Decimal(-1_000)),)
    for household in (False, True):
        b = _with_own_model(family_book(accounts, lots, flows=flows, household=household))
        p = run(b)
        assert all(r.status is not Status.EXCEPTION for r in p.accounts), (household, p.accounts)
        moved = sum((r.cash_after - r.cash_before for r in p.accounts), Decimal(0))
        net = sum((t.value if t.side is Side.SELL else -t.value for t in p.trades), Decimal(0))
        assert abs(moved - (net - 1_000)) <= Decimal("0.01")


def test_an_infeasible_cash_reason_names_a_real_shortfall() -> None:
    # T must hold a 500 USD reserve but owns 90 USD of stock: infeasible. The IRA's spare cash
    # cannot move to T, so it must not net against T's shortfall in the reason.
    accounts = (
        Account("T", "H", AccountKind.TAXABLE, cash_reserve=Decimal(500)),
        Account("I", "H", AccountKind.TAX_DEFERRED, cash=Decimal(501)),
    )
    lots = (
        lot("T1", "T", "VTI", 1, 90, 800),
        lot("I1", "I", "VTI", 100, 9_000, 800),
        lot("I2", "I", "BND", 100, 9_500, 800),
    )
    for household in (False, True):
        p = run(family_book(accounts, lots, household=household))
        (t,) = [r for r in p.accounts if r.account_id == "T"]
        assert t.status is Status.EXCEPTION
        (reason,) = t.exception_reasons
        match = CASH_REASON.search(reason)
        assert match, reason
        need, can = (Decimal(g.replace(",", "")) for g in match.groups())
        assert need > can, (household, reason)  # what makes it infeasible
        assert need >= Decimal(500) - Decimal(100), (household, reason)


def test_a_fallback_household_off_its_bands_says_so_on_its_group() -> None:
    # T's own model makes the household infeasible (T must sell excluded VTI at a gain with no
    # gain budget), so the household falls back to account by account. I alone meets its bands,
    # but the household group also holds the held-away VTI: its accounts must say so.
    accounts = (
        Account("T", "H", AccountKind.TAXABLE, model_id="OWN"),
        Account("A", "H", AccountKind.TAXABLE, managed=False),
        Account("I", "H", AccountKind.TAX_DEFERRED),
    )
    lots = (
        lot("T1", "T", "VTI", 10, 500, 800),
        lot("A1", "A", "VTI", 20, 1_000, 800),
        lot("I1", "I", "VTI", 10, 1_000, 800),
    )
    b = _with_own_model(family_book(accounts, lots))
    hh = dataclasses.replace(b.households[0], gain_budget=Decimal(0))
    b = dataclasses.replace(
        b, households=(hh,), restrictions=(Restriction("H", "VTI", Rule.EXCLUDE),)
    )
    by_id = {r.account_id: r for r in run(b).accounts}
    assert by_id["T"].status is Status.EXCEPTION
    assert "no household-wide solution" in by_id["T"].exception_reasons[0]
    assert by_id["I"].status is Status.EXCEPTION
    assert by_id["I"].exception_reasons[0].startswith("household drift")
    assert "gain_budget" in by_id["I"].exception_reasons[0]
