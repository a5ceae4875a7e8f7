"""Rebalance a whole book: one pure task per household, an exception never stops the batch."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from decimal import Decimal, DecimalException

from trimtab.book import Book
from trimtab.book.bounds import MAX_MONEY
from trimtab.config import Settings
from trimtab.errors import TrimtabError
from trimtab.money import cents
from trimtab.names import Status
from trimtab.rebalance.finalize import finalize
from trimtab.rebalance.methods import DEFAULT_METHOD, METHODS
from trimtab.rebalance.positions import positions
from trimtab.rebalance.proposal import AccountResult, HouseholdResult, Proposal
from trimtab.rebalance.value import with_value, with_year_to_date
from trimtab.snapshot import Snapshot, build_snapshots
from trimtab.tax.ledger import replay

__all__ = ["DEFAULT_METHOD", "METHODS", "failed_proposal", "rebalance_book", "rebalance_snapshot"]


def rebalance_snapshot(snap: Snapshot, settings: Settings, method: str) -> Proposal:
    """One household's proposal; any failure becomes an exception proposal with the reason."""
    try:
        decision = METHODS[method](snap, settings)
        return with_value(snap, finalize(snap, decision, method, settings), settings)
    except Exception as exc:  # one household's failure must never stop the batch
        return failed_proposal(snap, method, crash_reason(exc))


def rebalance_book(
    book: Book,
    *,
    method: str = DEFAULT_METHOD,
    as_of: date | None = None,
    households: Iterable[str] | None = None,
    progress: Callable[[int], None] | None = None,
) -> list[Proposal]:
    """Proposals for every household of the book (or the ones named), in book order."""
    if method not in METHODS:
        raise KeyError(method)
    day = book.as_of(as_of)
    ledger = replay(book, households)
    settings = book.settings
    out = []
    for snap in build_snapshots(book, ledger, day, households):
        out.append(rebalance_snapshot(snap, settings, method))
        if progress is not None:
            progress(1)
    return with_year_to_date(out, ledger, day)


def crash_reason(exc: BaseException) -> str:
    """The reason shown when a method fails unexpectedly: what happened and what to do, in a
    sentence, never the raw Python error text (only the error's kind, for the report)."""
    if isinstance(exc, TrimtabError):
        return str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    if isinstance(exc, ArithmeticError | DecimalException):
        return (
            "internal error, the household was not rebalanced: a figure of this household is too "
            "large or too small to compute with (check its cash, quantities, prices and cost "
            "basis); please report it if they are right"
        )
    return (
        f"internal error, the household was not rebalanced ({type(exc).__name__}); please report it"
    )


def failed_proposal(snap: Snapshot, method: str, reason: str) -> Proposal:
    """No trades; every account of the household flagged with `reason`.

    Built only from ids and exact figures that cannot fail: a value that cannot be computed
    (a household whose figures overflow) is reported as 0 rather than raising again.
    """
    try:
        values = [_safe_cents(v) for v in snap.account_values()]
    except Exception:  # the figures that broke the proposal may break this too
        values = [Decimal(0)] * len(snap.accounts)
    zero = Decimal(0)
    accounts = tuple(
        AccountResult(
            account_id=a.account_id,
            household_id=a.household_id,
            value=v,
            cash_before=_safe_cents(a.cash),
            cash_after=_safe_cents(a.cash),
            drift_before=float("nan"),
            drift_after=float("nan"),
            realized_st=zero,
            realized_lt=zero,
            est_tax=zero,
            est_cost=zero,
            turnover=0.0,
            status=Status.EXCEPTION,
            exception_reasons=(reason,),
        )
        for a, v in zip(snap.accounts, values, strict=True)
    )
    household = HouseholdResult(
        household_id=snap.household.household_id,
        value=sum((r.value for r in accounts), zero),
        drift_before=float("nan"),
        drift_after=float("nan"),
        est_tax=zero,
    )
    try:  # the figures that broke the proposal may break this too
        held, household_held = positions(snap, (), [r.cash_after for r in accounts])
    except Exception:
        held, household_held = (), ()
    return Proposal(
        snap.household.household_id, method, (), accounts, household, held, household_held
    )


def _safe_cents(value: object) -> Decimal:
    """USD to cents, or 0 when the figure is not a finite amount a book can hold."""
    try:
        amount = Decimal(repr(float(value))) if not isinstance(value, Decimal) else value
        if not amount.is_finite() or abs(amount) > MAX_MONEY:
            return Decimal(0)
        return cents(amount)
    except (ArithmeticError, DecimalException, TypeError, ValueError):
        return Decimal(0)
