"""Every exception reason is a true, readable sentence a reviewer can act on."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from books import check_no_crash
from test_optimizer_scenarios import book, lot, run

from trimtab.domain import CashFlow, Restriction
from trimtab.names import Rule, Status
from trimtab.rebalance import run as run_module
from trimtab.rebalance.run import rebalance_book

NUMBER = r"(-?[\d,]+\.\d\d)"


def _usd(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


def _reasons(p) -> tuple[str, ...]:  # type: ignore[no-untyped-def]
    (r,) = p.accounts
    assert r.status is Status.EXCEPTION
    check_no_crash(p)
    return r.exception_reasons


def test_a_withdrawal_beyond_the_gain_budget_says_how_much_can_be_sold_within_it() -> None:
    # 20,000 USD of holdings, 80% gain each; 5,000 USD to raise with 100 USD of gains allowed
    lots = [lot("A1", "AAA", 100, 2_000, 800), lot("B1", "BND", 100, 2_000, 800)]
    b = book(lots, {"AAA": "0.5", "BND": "0.5"}, flows=(CashFlow("T", Decimal(-5_000)),),
             gain_budget=100)  # fmt: skip
    (reason,) = _reasons(run(b))
    assert reason.startswith("infeasible: ")
    assert (
        "gain_budget: raising 5,000.00 USD of cash would realize more than the 100.00 USD of "
        "gains left in the budget" in reason
    )
    match = re.search(
        rf"cash: {NUMBER} USD must be raised; the holdings that may be sold are worth {NUMBER} "
        rf"USD, but within the gain_budget at most {NUMBER} USD of them can be sold",
        reason,
    )
    assert match, reason
    need, worth, within = (_usd(g) for g in match.groups())
    assert (need, worth, within) == (Decimal(5000), Decimal(20000), Decimal(125))
    assert within < need <= worth  # true: the budget, not the holdings, is what is short
    assert "may be sold in" not in reason and "but only" not in reason


def test_a_withdrawal_beyond_what_may_be_sold_names_both_amounts() -> None:
    lots = [lot("A1", "AAA", 100, 5_000, 800), lot("B1", "BND", 100, 5_000, 800)]
    b = book(lots, {"AAA": "0.5", "BND": "0.5"}, flows=(CashFlow("T", Decimal(-15_000)),),
             restrictions=(Restriction("T", "BND", Rule.NO_SELL),))  # fmt: skip
    (reason,) = _reasons(run(b))
    match = re.search(
        rf"cash: {NUMBER} USD must be raised but only {NUMBER} USD may be sold", reason
    )
    assert match, reason
    need, can = (_usd(g) for g in match.groups())
    assert need == 15_000 and can < need


def test_screens_beyond_the_gain_budget_name_the_forced_sales() -> None:
    lots = [lot("X1", "XOM", 100, 1_000, 800), lot("B1", "BND", 100, 10_000, 800)]
    b = book(lots, {"AAA": "0.5", "BND": "0.5"}, gain_budget=0,
             restrictions=(Restriction("H", "tag:fossil", Rule.EXCLUDE),))  # fmt: skip
    (reason,) = _reasons(run(b))
    assert "selling the excluded holdings would realize more than the 0.00 USD" in reason
    match = re.search(rf"screens: excluded holdings worth {NUMBER} USD must be sold, "
                      rf"realizing {NUMBER} USD of gains", reason)  # fmt: skip
    assert match, reason
    worth, gain = (_usd(g) for g in match.groups())
    assert gain == worth - 1_000 > 0


def test_a_withdrawal_larger_than_the_account_says_so() -> None:
    lots = [lot("A1", "AAA", 10, 1_000, 800)]
    b = book(lots, {"AAA": "1"}, flows=(CashFlow("T", Decimal(-1_000_000)),))
    (reason,) = _reasons(run(b))
    assert reason.startswith(
        "the cash request of 1,000,000.00 USD is more than the account is worth"
    )
    assert reason.endswith("lower the withdrawal")


def test_a_restrictions_conflict_says_what_to_do() -> None:
    lots = [lot("X1", "XOM", 100, 5_000, 800), lot("B1", "BND", 100, 10_000, 800)]
    restrictions = (
        Restriction("H", "tag:fossil", Rule.EXCLUDE),
        Restriction("T", "XOM", Rule.NO_SELL),
    )
    reasons = _reasons(run(book(lots, {"AAA": "0.5", "BND": "0.5"}, restrictions=restrictions)))
    assert reasons[-1] == (
        "restrictions conflict: XOM is both excluded and no_sell, so it is kept; remove one of "
        "the two rules"
    )
    # keeping XOM (half the account) leaves it off its bands, and the reasons say which rule binds
    assert reasons[:-1] and all(r.endswith(": no_sell binds") for r in reasons[:-1]), reasons


def test_the_baseline_cash_reason_names_the_shortfall() -> None:
    lots = [lot("A1", "AAA", 100, 5_000, 800), lot("B1", "BND", 100, 5_000, 800)]
    b = book(lots, {"AAA": "0.5", "BND": "0.5"}, flows=(CashFlow("T", Decimal(-15_000)),),
             restrictions=(Restriction("T", "BND", Rule.NO_SELL),))  # fmt: skip
    (reason,) = _reasons(run(b, method="baseline"))
    match = re.fullmatch(
        rf"cash: {NUMBER} USD short of the cash reserve after selling all that may be sold", reason
    )
    assert match and _usd(match.group(1)) > 0, reason


def test_an_internal_error_is_reported_as_one_with_what_to_do(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(snap, settings):  # type: ignore[no-untyped-def]
        raise KeyError("VTI")

    monkeypatch.setitem(run_module.METHODS, "optimize", broken)
    lots = [lot("A1", "AAA", 100, 5_000, 800)]
    (p,) = rebalance_book(book(lots, {"AAA": "1"}))
    (r,) = p.accounts
    assert r.exception_reasons == (
        "internal error, the household was not rebalanced (KeyError); please report it",
    )
