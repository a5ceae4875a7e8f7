"""Property (issue 9): in household mode, after rounding, the household group meets the
household's bands or its accounts carry an exception naming why."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from books import band_measures, excluded_for, holdings_after, meets_bands, named
from household_books import households
from hypothesis import HealthCheck, given, settings

from trimtab.book import Book
from trimtab.names import Status
from trimtab.rebalance.run import rebalance_book

SETTINGS = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(households())
def test_every_household_meets_its_bands_or_says_why(book: Book) -> None:
    (p,) = rebalance_book(book, method="optimize")
    (hh,) = book.households
    members = [a for a in book.accounts if a.managed and a.model_id is None]
    if not members or hh.model_id is None:
        return
    group = {a.account_id for a in book.accounts if not a.managed or a.model_id is None}
    held: dict[str, float] = defaultdict(float)
    for account_id, pos in holdings_after(book, p).items():
        if account_id in group:
            for s, q in pos.items():
                held[s] += q
    cash = sum((r.cash_after for r in p.accounts if r.account_id in group), Decimal(0))
    excluded = excluded_for(book, members)
    drift, gaps = band_measures(book, held, cash, hh.model_id, excluded)
    if not meets_bands(book, drift, gaps, hh.drift_tolerance):
        flagged = [r for r in p.accounts if r.account_id in {a.account_id for a in members}]
        assert any(r.status is Status.EXCEPTION and named(r.exception_reasons) for r in flagged)
