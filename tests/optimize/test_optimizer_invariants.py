"""Issue 4 acceptance: the optimizer keeps every hard rule on random books (tax engine checks)."""

from __future__ import annotations

from decimal import Decimal

from books import (
    check_hard_rules,
    realized_net,
    small_books,
)
from hypothesis import HealthCheck, given, settings

from trimtab.book import Book
from trimtab.names import Side, Status
from trimtab.rebalance.run import rebalance_book
from trimtab.rebalance.verify import apply_proposals, wash_loss_created
from trimtab.snapshot import build_snapshots
from trimtab.tax.ledger import replay

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(small_books())
def test_optimizer_keeps_the_hard_rules(book: Book) -> None:
    (proposal,) = rebalance_book(book, method="optimize")
    check_hard_rules(book, proposal)
    for r in proposal.accounts:
        # an infeasible account trades nothing (a restrictions conflict trades the rest and flags)
        if r.status is Status.EXCEPTION and r.exception_reasons[0].startswith("infeasible"):
            assert not [t for t in proposal.trades if t.account_id == r.account_id]


@SETTINGS
@given(small_books())
def test_optimizer_creates_no_wash_sale(book: Book) -> None:
    proposals = rebalance_book(book, method="optimize")
    assert wash_loss_created(book, proposals, book.settings.as_of) == 0
    # the proposal's realized gains are what the tax engine reports for the same trades
    after = replay(apply_proposals(book, proposals, book.settings.as_of))
    reported = sum(
        (d.gain for d in after.dispositions if d.taxable and d.sold == book.settings.as_of),
        Decimal(0),
    )
    assert abs(reported - realized_net(proposals[0])) <= Decimal("0.01") * len(proposals[0].trades)


@SETTINGS
@given(small_books(flows=False))
def test_optimizer_respects_the_gain_budget(book: Book) -> None:
    budget = book.households[0].gain_budget
    (snap,) = build_snapshots(book, replay(book), book.settings.as_of)
    ytd = Decimal(repr(snap.realized_st_ytd + snap.realized_lt_ytd))
    (proposal,) = rebalance_book(book, method="optimize")
    if budget is None or ytd > budget:
        return
    assert ytd + realized_net(proposal) <= budget + Decimal("0.05")


@SETTINGS
@given(small_books())
def test_optimizer_never_holds_short(book: Book) -> None:
    (proposal,) = rebalance_book(book, method="optimize")
    held: dict[tuple[str, str], Decimal] = {}
    for lot in replay(book).open_lots:
        key = (lot.account_id, lot.symbol)
        held[key] = held.get(key, Decimal(0)) + lot.quantity
    for t in proposal.trades:
        sign = 1 if t.side is Side.BUY else -1
        key = (t.account_id, t.symbol)
        held[key] = held.get(key, Decimal(0)) + sign * t.quantity
    assert min(held.values(), default=Decimal(0)) >= 0
