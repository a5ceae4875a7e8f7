"""Hand-built scenarios: the optimizer's behaviour in the situations a desk cares about.

Each asserts the behaviour (which lots, which direction, which status), not solver digits.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from books import check_cash, check_lots, realized_net

from trimtab.book import Book
from trimtab.config import Settings
from trimtab.domain import (
    Account,
    Alternate,
    CashFlow,
    Household,
    Lot,
    Model,
    ModelComponent,
    Restriction,
    Security,
)
from trimtab.names import AccountKind, LotMethod, Rule, SecurityKind, Side, Status
from trimtab.rebalance.proposal import Proposal
from trimtab.rebalance.run import rebalance_book

AS_OF = date(2024, 6, 14)
FUND = SecurityKind.FUND
SECURITIES = (
    Security("VTI", Decimal(70), "us_large", kind=FUND),
    Security("ITOT", Decimal(100), "us_large", kind=FUND),
    Security("AAA", Decimal(100), "us_large"),
    Security("EFA", Decimal(100), "intl_developed", kind=FUND),
    Security("BND", Decimal(100), "us_bond", kind=FUND),
    Security("XOM", Decimal(100), "us_large", frozenset({"fossil"})),
)
ALTERNATES = (Alternate("VTI", "ITOT"),)
"""ITOT is approved for VTI (and back): the only substitute these books declare."""


def days_ago(n: int) -> date:
    return AS_OF - timedelta(days=n)


def lot(lot_id: str, symbol: str, qty: int, basis: int, age: int, account: str = "T") -> Lot:
    return Lot(lot_id, account, symbol, Decimal(qty), Decimal(basis), days_ago(age))


def model(model_id: str, **weights: str) -> Model:
    return Model(model_id, tuple(ModelComponent(s, Decimal(w)) for s, w in weights.items()))


def book(
    lots: list[Lot],
    weights: dict[str, str],
    *,
    cash: int = 0,
    flows: tuple[CashFlow, ...] = (),
    restrictions: tuple[Restriction, ...] = (),
    gain_budget: int | None = None,
    lot_method: LotMethod = LotMethod.FIFO,
    alternates: tuple[Alternate, ...] = ALTERNATES,
) -> Book:
    hh = Household("H", gain_budget=None if gain_budget is None else Decimal(gain_budget))
    account = Account("T", "H", AccountKind.TAXABLE, "M", Decimal(cash), lot_method=lot_method)
    return Book(
        SECURITIES, (hh,), (account,), tuple(lots), (model("M", **weights),),
        restrictions, (), flows, alternates, settings=Settings(as_of=AS_OF),
    )  # fmt: skip


def run(b: Book, method: str = "optimize") -> Proposal:
    (proposal,) = rebalance_book(b, method=method)
    check_lots(b, proposal)
    check_cash(b, proposal)
    return proposal


def class_weight(b: Book, p: Proposal, asset_class: str) -> float:
    """Post-trade weight of an asset class in the one account (cash included in the value)."""
    held: dict[str, Decimal] = {}
    for x in b.lots:
        held[x.symbol] = held.get(x.symbol, Decimal(0)) + x.quantity
    for t in p.trades:
        held[t.symbol] = held.get(t.symbol, Decimal(0)) + (1 if t.side is Side.BUY else -1) * (
            t.quantity
        )
    (r,) = p.accounts
    px = b.security_by_symbol
    total = sum((q * px[s].price for s, q in held.items()), Decimal(0)) + r.cash_after
    part = sum((q * px[s].price for s, q in held.items() if px[s].asset_class == asset_class), 0)
    return float(part / total)


def sold_lots(p: Proposal) -> dict[str, Decimal]:
    return {t.lot_id or "": t.quantity for t in p.trades if t.side is Side.SELL}


def test_large_short_term_loss_is_harvested_into_a_substitute() -> None:
    # VTI fell 30% since bought 100 days ago; the account is otherwise on its 60/40 model
    b = book([lot("V1", "VTI", 600, 60_000, 100), lot("B1", "BND", 280, 28_000, 900)],
             {"VTI": "0.6", "BND": "0.4"})  # fmt: skip
    p = run(b)
    harvested = sold_lots(p).get("V1", Decimal(0))
    assert harvested > 0
    (sell,) = [t for t in p.trades if t.symbol == "VTI"]
    assert "loss_harvest" in sell.reason and sell.realized_gain == -30 * harvested
    buys = [t for t in p.trades if t.side is Side.BUY]
    assert buys and all(b.security_by_symbol[t.symbol].asset_class == "us_large" for t in buys)
    assert any("substitute" in t.reason for t in buys)
    assert "VTI" not in {t.symbol for t in buys}  # buying it back would wash the loss
    assert abs(class_weight(b, p, "us_large") - 0.6) < 0.02
    (r,) = p.accounts
    assert r.status is Status.TRADE and r.realized_st == -30 * harvested


def test_gain_lot_about_to_turn_long_term_is_left_alone() -> None:
    # N1 turns long-term in 6 days (tax 0.37 x 0.4 = 0.148 per USD sold); S1 is long-term with a
    # larger gain (0.20 x 0.9 = 0.18 per USD), so only the value of waiting (about 0.17 x 0.4)
    # makes S1 the cheaper lot to sell. A tax-blind LIFO would sell N1.
    lots = [
        lot("N1", "AAA", 100, 6_000, 360),
        lot("S1", "AAA", 100, 1_000, 900),
        lot("B1", "BND", 100, 10_000, 900),
    ]
    b = book(lots, {"AAA": "0.5", "BND": "0.5"})
    p = run(b)
    sold = sold_lots(p)
    assert sold.get("S1", 0) > 0
    assert "N1" not in sold
    lifo = run(book(lots, {"AAA": "0.5", "BND": "0.5"}, lot_method=LotMethod.LIFO), "baseline")
    assert "N1" in sold_lots(lifo)  # the tax-blind baseline would have sold it


def test_withdrawal_is_raised_from_losses_and_high_basis_first() -> None:
    lots = [
        lot("F1", "AAA", 100, 3_000, 900),  # oldest, large gain: FIFO's first pick
        lot("F2", "AAA", 100, 12_000, 500),  # loss
        lot("F3", "AAA", 100, 9_800, 450),  # high basis, small gain
        lot("B1", "BND", 200, 10_000, 1_000),
    ]
    flows = (CashFlow("T", Decimal(-5_000)),)
    b = book(lots, {"AAA": "0.6", "BND": "0.4"}, flows=flows)
    p = run(b)
    (r,) = p.accounts
    assert r.status is Status.TRADE and r.cash_after >= 0
    sold = sold_lots(p)
    assert "F1" not in sold
    assert sold.get("F2", 0) > 0
    fifo = run(b, "baseline")
    assert "F1" in sold_lots(fifo)
    assert realized_net(p) < realized_net(fifo)


def test_model_change_moves_toward_the_new_model_within_the_gain_budget() -> None:
    # the old model was 60/40 AAA/BND; the new one adds EFA. Every AAA lot has a large gain.
    lots = [lot("A1", "AAA", 300, 15_000, 800), lot("B1", "BND", 200, 20_000, 800)]
    b = book(lots, {"AAA": "0.3", "EFA": "0.3", "BND": "0.4"}, gain_budget=2_000)
    p = run(b)
    (r,) = p.accounts
    # the budget keeps it outside its bands: it trades what the budget allows and says so
    assert r.status is Status.EXCEPTION and p.trades
    assert all(reason.endswith("gain budget binds") for reason in r.exception_reasons)
    assert r.drift_after < r.drift_before - 0.02
    assert realized_net(p) <= Decimal(2_000)
    assert any(t.symbol == "EFA" and t.side is Side.BUY for t in p.trades)
    unlimited = run(book(lots, {"AAA": "0.3", "EFA": "0.3", "BND": "0.4"}))
    assert realized_net(unlimited) > Decimal(2_000)  # so the budget is what held it back


def test_account_close_to_target_without_losses_proposes_nothing() -> None:
    lots = [lot("A1", "AAA", 301, 20_000, 800), lot("B1", "BND", 199, 15_000, 800)]
    b = book(lots, {"AAA": "0.6", "BND": "0.4"})
    p = run(b)
    (r,) = p.accounts
    assert p.trades == ()
    assert r.status is Status.NO_TRADE
    assert r.drift_before < 0.01


def test_withdrawal_larger_than_what_may_be_sold_is_an_exception() -> None:
    lots = [lot("A1", "AAA", 100, 5_000, 800), lot("B1", "BND", 100, 5_000, 800)]
    flows = (CashFlow("T", Decimal(-15_000)),)
    restrictions = (Restriction("T", "BND", Rule.NO_SELL),)
    b = book(lots, {"AAA": "0.5", "BND": "0.5"}, flows=flows, restrictions=restrictions)
    p = run(b)
    (r,) = p.accounts
    assert r.status is Status.EXCEPTION
    assert p.trades == ()
    assert any("cash" in reason for reason in r.exception_reasons), r.exception_reasons


def test_withdrawal_beyond_the_gain_budget_names_the_budget() -> None:
    lots = [lot("A1", "AAA", 100, 2_000, 800), lot("B1", "BND", 100, 2_000, 800)]
    flows = (CashFlow("T", Decimal(-5_000)),)
    b = book(lots, {"AAA": "0.5", "BND": "0.5"}, flows=flows, gain_budget=100)
    p = run(b)
    (r,) = p.accounts
    assert r.status is Status.EXCEPTION
    assert any("gain_budget" in reason for reason in r.exception_reasons), r.exception_reasons


def test_excluded_and_no_sell_holding_is_an_exception_naming_both_rules() -> None:
    lots = [lot("X1", "XOM", 100, 5_000, 800), lot("B1", "BND", 100, 10_000, 800)]
    restrictions = (
        Restriction("H", "tag:fossil", Rule.EXCLUDE),
        Restriction("T", "XOM", Rule.NO_SELL),
    )
    b = book(lots, {"AAA": "0.5", "BND": "0.5"}, restrictions=restrictions)
    p = run(b)
    (r,) = p.accounts
    assert r.status is Status.EXCEPTION
    assert any("XOM" in x and "no_sell" in x and "excluded" in x for x in r.exception_reasons)
    assert not [t for t in p.trades if t.symbol == "XOM"]


def test_screen_sells_an_excluded_holding_and_reinvests() -> None:
    lots = [lot("X1", "XOM", 300, 25_000, 800), lot("B1", "BND", 200, 20_000, 800)]
    restrictions = (Restriction("H", "tag:fossil", Rule.EXCLUDE),)
    b = book(lots, {"XOM": "0.6", "BND": "0.4"}, restrictions=restrictions)
    p = run(b)
    assert sold_lots(p).get("X1") == Decimal(300)
    assert all(t.symbol != "XOM" for t in p.trades if t.side is Side.BUY)
    (r,) = p.accounts
    assert r.status is Status.TRADE and r.cash_after < Decimal(500)  # proceeds reinvested
    assert r.realized_lt == Decimal(5_000)
