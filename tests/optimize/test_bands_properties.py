"""Property (issue 9): after rounding, every account either meets its bands or carries an
exception naming why (account by account here; tests/household/test_household_bands.py for
the household group)."""

from __future__ import annotations

import dataclasses

from books import band_measures, excluded_for, holdings_after, meets_bands, named, small_books
from hypothesis import HealthCheck, given, settings

from trimtab.book import Book
from trimtab.names import Status
from trimtab.rebalance.run import rebalance_book

SETTINGS = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(small_books())
def test_every_account_meets_its_bands_or_says_why(book: Book) -> None:
    optimizer = dataclasses.replace(book.settings.optimizer, household=False)
    book = dataclasses.replace(
        book, settings=dataclasses.replace(book.settings, optimizer=optimizer)
    )
    (p,) = rebalance_book(book, method="optimize")
    after = holdings_after(book, p)
    for r in p.accounts:
        account = book.account_by_id[r.account_id]
        model = book.model_of(account)
        if not account.managed or model is None or r.value <= 0:
            continue
        excluded = excluded_for(book, [account])
        drift, gaps = band_measures(book, after[r.account_id], r.cash_after, model, excluded)
        if not meets_bands(book, drift, gaps, account.drift_tolerance):
            assert r.status is Status.EXCEPTION and named(r.exception_reasons), r
