"""Minimal books that hypothesis found breaking an invariant; each names the rule it checks."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from books import check_cash, check_lots, realized_net

from trimtab.book import Book
from trimtab.config import Settings
from trimtab.domain import Account, Household, Lot, Model, ModelComponent, Security, Transaction
from trimtab.names import AccountKind, Side
from trimtab.rebalance.run import rebalance_book
from trimtab.rebalance.verify import apply_proposals, wash_loss_created
from trimtab.tax.ledger import replay

AS_OF = date(2024, 6, 14)
SECURITIES = (
    Security("S0", Decimal("10.00"), "us_large"),
    Security("S1", Decimal("11.00"), "intl_developed"),
    Security("S2", Decimal("10.00"), "us_large"),
)
MODEL = Model("M", (ModelComponent("S0", Decimal("0.5")), ModelComponent("S1", Decimal("0.5"))))


def one_account_book(
    lots: tuple[Lot, ...], txns: tuple[Transaction, ...] = (), gain_budget: str | None = None
) -> Book:
    hh = Household("H", gain_budget=None if gain_budget is None else Decimal(gain_budget))
    account = Account("A", "H", AccountKind.TAXABLE, "M", Decimal(0))
    return Book(
        SECURITIES, (hh,), (account,), lots, (MODEL,), (), txns, settings=Settings(as_of=AS_OF)
    )


def test_gain_budget_rounding_keeps_cash_at_the_reserve() -> None:
    # The continuous solution sells 0.9 share of S1 (gain capped at 3 USD) to buy S0. Rounding
    # sells 1 share, buys 1 S0 with the proceeds, then trims the sale back to 0 for the gain cap
    # and leaves the buy: cash ends at -10 USD in an account with no reserve exception.
    lots = (Lot("L", "A", "S1", Decimal(6), Decimal("46.20"), date(2024, 5, 5)),)
    b = one_account_book(lots, gain_budget="3.00")
    (p,) = rebalance_book(b, method="optimize")
    check_lots(b, p)
    assert realized_net(p) <= Decimal("3.00")
    check_cash(b, p)


def _split_lot_book() -> Book:
    # On 6/13 part of lot P is sold at a loss and 2 shares bought (lot B): the loss is washed and
    # B splits into B.w1 (the replacement share, basis and holding period adjusted) and B.
    lots = (
        Lot("Q", "A", "S0", Decimal(2), Decimal("10.00"), date(2024, 5, 5)),
        Lot("P", "A", "S0", Decimal(2), Decimal("10.00"), date(2024, 5, 5)),
    )
    day = date(2024, 6, 13)
    txns = (
        Transaction("A", day, "S0", Side.BUY, Decimal(2), Decimal("9.00"), "B"),
        Transaction("A", day, "S0", Side.SELL, Decimal(1), Decimal("3.50"), "P"),
    )
    return one_account_book(lots, txns)


def test_split_lots_in_a_proposal_replay_through_the_tax_engine() -> None:
    b = _split_lot_book()
    assert {lot.lot_id for lot in replay(b).open_lots} >= {"B", "B.w1"}
    proposals = rebalance_book(b, method="optimize")
    sold = {t.lot_id for t in proposals[0].trades if t.side is Side.SELL}
    assert sold & {"B", "B.w1"}  # the proposal sells from the split lot
    # every proposed sell must be one the tax engine can replay, and taxed as proposed
    after = replay(apply_proposals(b, proposals, AS_OF))
    reported = sum((d.gain for d in after.dispositions if d.sold == AS_OF), Decimal(0))
    assert reported == realized_net(proposals[0])
    assert wash_loss_created(b, proposals, AS_OF) == 0
