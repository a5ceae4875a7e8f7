"""Issue 5 acceptance: household mode keeps every hard rule on random households."""

from __future__ import annotations

from decimal import Decimal

from books import (
    CENT,
    check_lots,
    check_no_crash,
    check_no_sell,
    check_restricted_buys,
    realized_net,
)
from household_books import households
from hypothesis import HealthCheck, given, settings

from trimtab.book import Book
from trimtab.names import AccountKind, Side, Status
from trimtab.rebalance.proposal import Proposal
from trimtab.rebalance.run import rebalance_book
from trimtab.rebalance.verify import wash_loss_created
from trimtab.snapshot import build_snapshots
from trimtab.tax.ledger import replay

SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _run(book: Book) -> Proposal:
    (proposal,) = rebalance_book(book, method="optimize")
    return proposal


def _check_cash(book: Book, proposal: Proposal) -> None:
    """Cash at or above the reserve in every managed account that is not an exception (a held-away
    account is never traded, so its reserve is not the rebalance's to keep)."""
    for r in proposal.accounts:
        account = book.account_by_id[r.account_id]
        if not account.managed:
            continue
        if r.status is Status.EXCEPTION:
            assert r.exception_reasons, r
            continue
        assert r.cash_after >= account.cash_reserve - CENT, r


@SETTINGS
@given(households())
def test_household_mode_creates_no_wash_sale(book: Book) -> None:
    proposal = _run(book)
    assert wash_loss_created(book, [proposal], book.settings.as_of) == 0


@SETTINGS
@given(households())
def test_household_mode_keeps_the_hard_rules(book: Book) -> None:
    proposal = _run(book)
    check_no_crash(proposal)
    check_lots(book, proposal)  # never sells more than a lot holds, only open lots of its account
    _check_cash(book, proposal)
    check_restricted_buys(book, proposal)  # no buy of a no_buy or excluded security
    check_no_sell(book, proposal)
    for r in proposal.accounts:  # an exception trades only as the best within its hard limits
        if r.status is Status.EXCEPTION and any(
            t.account_id == r.account_id for t in proposal.trades
        ):
            kept = ("restrictions conflict",)  # a held security both excluded and no_sell
            assert all(
                " bind" in x or x.startswith(kept) or _group_missed_in_fallback(x)
                for x in r.exception_reasons
            ), r


def _group_missed_in_fallback(reason: str) -> bool:
    """An account that traded its best alone, flagged because the household, solved account by
    account, misses the household group's band (`household.engine._flag_group_bands`): the
    limit is said in the cause after it."""
    return reason.startswith("household ") and ": no household-wide solution (" in reason


@SETTINGS
@given(households())
def test_held_away_accounts_are_never_traded(book: Book) -> None:
    proposal = _run(book)
    away = {a.account_id for a in book.accounts if not a.managed}
    assert not [t for t in proposal.trades if t.account_id in away]
    for r in proposal.accounts:
        if r.account_id in away:
            assert r.cash_after == r.cash_before
            assert r.realized_st == r.realized_lt == r.est_tax == 0


@SETTINGS
@given(households())
def test_household_mode_respects_the_gain_budget(book: Book) -> None:
    budget = book.households[0].gain_budget
    if budget is None:
        return
    (snap,) = build_snapshots(book, replay(book), book.settings.as_of)
    ytd = Decimal(repr(snap.realized_st_ytd + snap.realized_lt_ytd))
    proposal = _run(book)
    # the net gain the proposal adds fits in what the budget leaves (nothing once it is spent)
    room = max(budget - ytd, Decimal(0))
    assert realized_net(proposal) <= room + Decimal("0.05")


@SETTINGS
@given(households())
def test_household_cash_request_is_raised_in_full(book: Book) -> None:
    proposal = _run(book)
    if any(r.status is Status.EXCEPTION for r in proposal.accounts):
        return
    requested = sum((f.amount for f in book.cash_flows), Decimal(0))
    moved = sum((r.cash_after - r.cash_before for r in proposal.accounts), Decimal(0))
    net = sum((t.value if t.side is Side.SELL else -t.value for t in proposal.trades), Decimal(0))
    assert abs(moved - (net + requested)) <= Decimal("0.01")


@SETTINGS
@given(households())
def test_household_cash_request_is_placed_in_the_household_group(book: Book) -> None:
    proposal = _run(book)
    if any(r.status is Status.EXCEPTION for r in proposal.accounts):
        return
    request = sum((f.amount for f in book.cash_flows if f.scope == "H1"), Decimal(0))
    group = {a.account_id for a in book.accounts if a.managed and a.model_id is None}
    taxable = {a for a in group if book.account_by_id[a].kind is AccountKind.TAXABLE}
    allowed = group if request < 0 or not taxable else taxable
    if not group or _barely_covers(book, group, request):
        # no account follows the household model, or the group's cash and holdings (after
        # reserves) leave under 10% headroom over a withdrawal once costs, whole shares and
        # unsellable lots are counted: the rest may come from the household's other accounts
        allowed = {a.account_id for a in book.accounts if a.managed}
    placed: dict[str, Decimal] = {}
    for r in proposal.accounts:
        mine = [t for t in proposal.trades if t.account_id == r.account_id]
        net = sum((t.value if t.side is Side.SELL else -t.value for t in mine), Decimal(0))
        direct = sum((f.amount for f in book.cash_flows if f.scope == r.account_id), Decimal(0))
        placed[r.account_id] = r.cash_after - r.cash_before - net - direct
    for account_id, amount in placed.items():
        if account_id not in allowed:
            assert abs(amount) <= CENT, (account_id, amount, request)
        else:  # a withdrawal is never a deposit somewhere else, nor the other way round
            assert amount * request >= 0 or abs(amount) <= CENT, (account_id, amount, request)
    assert abs(sum(placed.values(), Decimal(0)) - request) <= CENT


def _barely_covers(book: Book, group: set[str], request: Decimal) -> bool:
    """True for a withdrawal (USD, negative) within 10% of all the group could raise."""
    if request >= 0:
        return False
    price = {s.symbol: s.price for s in book.securities}
    held = sum(
        (lot.quantity * price[lot.symbol] for lot in book.lots if lot.account_id in group),
        Decimal(0),
    )
    spare = sum(
        (
            max(book.account_by_id[a].cash - book.account_by_id[a].cash_reserve, Decimal(0))
            for a in group
        ),
        Decimal(0),
    )
    return -request > Decimal("0.9") * (held + spare)
