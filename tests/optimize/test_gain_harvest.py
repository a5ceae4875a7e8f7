"""Gain harvesting (issue 9): long-term gains realized up to the household's `gain_harvest`,
sold and bought straight back, with no drift, no wash sale and no budget broken."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

from books import check_cash, check_lots

from trimtab.book import Book
from trimtab.config import Settings
from trimtab.domain import Account, Household, Lot, Model, ModelComponent, Security
from trimtab.names import AccountKind, SecurityKind, Side, Status, Term
from trimtab.rebalance.proposal import Proposal
from trimtab.rebalance.run import rebalance_book
from trimtab.rebalance.verify import wash_loss_created

AS_OF = date(2024, 6, 14)
SECURITIES = (
    Security("VTI", Decimal(100), "us_large", kind=SecurityKind.FUND),
    Security("BND", Decimal(100), "us_bond", kind=SecurityKind.FUND),
)


def _lot(lot_id: str, account: str, symbol: str, qty: int, basis: int, age: int) -> Lot:
    return Lot(lot_id, account, symbol, Decimal(qty), Decimal(basis), AS_OF - timedelta(days=age))


def harvest_book(
    harvest: int, *, gain_budget: int | None = None, extra: tuple[Lot, ...] = ()
) -> Book:
    """A 60/40 taxable account exactly on target ($100k), every lot long-term at a gain (VTI
    $40 a share, BND $10), beside an IRA; the household wants `harvest` USD realized."""
    hh = Household(
        "H",
        gain_harvest=Decimal(harvest),
        gain_budget=None if gain_budget is None else Decimal(gain_budget),
    )
    accounts = (
        Account("T", "H", AccountKind.TAXABLE, "M"),
        Account("I", "H", AccountKind.TAX_DEFERRED, "M"),
    )
    lots = (
        _lot("V1", "T", "VTI", 300, 18_000, 900),
        _lot("V2", "T", "VTI", 300, 18_000, 800),
        _lot("B1", "T", "BND", 400, 36_000, 900),
        _lot("IV", "I", "VTI", 60, 1_000, 900),
        _lot("IB", "I", "BND", 40, 1_000, 900),
        *extra,
    )
    model = Model(
        "M", (ModelComponent("VTI", Decimal("0.6")), ModelComponent("BND", Decimal("0.4")))
    )
    return Book(
        SECURITIES, (hh,), accounts, lots, (model,), (), (), (), settings=Settings(as_of=AS_OF)
    )


def run(b: Book) -> Proposal:
    (p,) = rebalance_book(b, method="optimize")
    check_lots(b, p)
    check_cash(b, p)
    assert wash_loss_created(b, [p], AS_OF) == 0
    return p


def net_shares(p: Proposal) -> dict[tuple[str, str], Decimal]:
    out: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for t in p.trades:
        out[t.account_id, t.symbol] += t.quantity if t.side is Side.BUY else -t.quantity
    return out


def test_gain_harvesting_fills_the_households_gain_harvest_and_no_more() -> None:
    p = run(harvest_book(5_000))
    (t,) = [r for r in p.accounts if r.account_id == "T"]
    assert t.realized_st == 0
    assert Decimal(5_000) - Decimal(40) < t.realized_lt <= Decimal(5_000)  # within one share
    sells = [x for x in p.trades if x.side is Side.SELL]
    assert sells and all(x.term is Term.LONG and x.reason == "gain_harvest" for x in sells)
    assert {x.account_id for x in p.trades} == {"T"}  # the IRA has nothing to step up
    # sold and bought straight back: holdings, drift and cash do not move
    assert all(q == 0 for q in net_shares(p).values())
    assert t.cash_after == t.cash_before
    assert abs(t.drift_after - t.drift_before) < 1e-12
    assert t.status is Status.TRADE


def test_gain_harvesting_stays_within_the_gain_budget() -> None:
    p = run(harvest_book(5_000, gain_budget=2_000))
    (t,) = [r for r in p.accounts if r.account_id == "T"]
    assert Decimal(2_000) - Decimal(40) < t.realized_lt <= Decimal(2_000)


def test_no_gain_harvest_stated_means_no_harvest() -> None:
    p = run(harvest_book(0))
    assert p.trades == ()


def test_an_identity_held_at_a_loss_is_not_rebought() -> None:
    # a VTI lot at a loss: rebuying VTI would block its harvest for 30 days, so only BND is used
    loss = _lot("VL", "T", "VTI", 1, 150, 900)
    p = run(harvest_book(3_000, extra=(loss,)))
    harvested = {x.symbol for x in p.trades if "gain_harvest" in x.reason}
    assert harvested == {"BND"}
