"""Rebalance a whole book: one pure task per household, an exception never stops the batch."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from decimal import Decimal

from trimtab.book import Book
from trimtab.config import Settings
from trimtab.money import cents
from trimtab.names import Status
from trimtab.rebalance.finalize import finalize
from trimtab.rebalance.methods import DEFAULT_METHOD, METHODS
from trimtab.rebalance.positions import positions
from trimtab.rebalance.proposal import AccountResult, HouseholdResult, Proposal
from trimtab.snapshot import Snapshot, build_snapshots
from trimtab.tax.ledger import replay

__all__ = ["DEFAULT_METHOD", "METHODS", "failed_proposal", "rebalance_book", "rebalance_snapshot"]


def rebalance_snapshot(snap: Snapshot, settings: Settings, method: str) -> Proposal:
    """One household's proposal; any failure becomes an exception proposal with the reason."""
    try:
        decision = METHODS[method](snap, settings)
        return finalize(snap, decision, method, settings)
    except Exception as exc:
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
    return out


def crash_reason(exc: Exception) -> str:
    """The reason shown when a method fails unexpectedly: what happened and what to do."""
    return (
        f"internal error, the household was not rebalanced ({type(exc).__name__}: {exc}); "
        "please report it"
    )


def failed_proposal(snap: Snapshot, method: str, reason: str) -> Proposal:
    """No trades; every account of the household flagged with `reason`."""
    values = snap.account_values()
    zero = Decimal(0)
    accounts = tuple(
        AccountResult(
            account_id=a.account_id,
            household_id=a.household_id,
            value=cents(Decimal(repr(float(v)))),
            cash_before=cents(a.cash),
            cash_after=cents(a.cash),
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
    held, household_held = positions(snap, (), [r.cash_after for r in accounts])
    return Proposal(
        snap.household.household_id, method, (), accounts, household, held, household_held
    )
