"""finalize's vectorized sale terms agree with `term_of` lot by lot."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import numpy as np

from trimtab.check import load_checked
from trimtab.generate import write_sample_book
from trimtab.rebalance.finalize import sale_terms
from trimtab.snapshot import build_snapshots
from trimtab.tax.holding import term_of
from trimtab.tax.ledger import replay


def test_sale_terms_are_term_of_each_lot(tmp_path: Path) -> None:
    write_sample_book(tmp_path / "book", households=4, seed=7)
    book = load_checked(tmp_path / "book")
    snap = next(iter(build_snapshots(book, replay(book), book.as_of())))
    # acquisition dates around the one-year line and leap days, on a day after February 28
    days = [date(2024, 2, 28), date(2024, 2, 29), date(2023, 3, 1), date(2023, 2, 28)]
    days += [snap.as_of - timedelta(days=n) for n in (0, 1, 364, 365, 366, 367, 800)]
    lots = tuple(replace(snap.lots[0], acquired=d) for d in days)
    for on in (date(2025, 2, 28), date(2025, 3, 1), date(2024, 3, 1), snap.as_of):
        shifted = replace(snap, lots=lots, as_of=on)
        picked = np.arange(len(lots))[::-1]
        want = [term_of(lots[i].acquired, on) for i in picked]
        assert sale_terms(shifted, picked) == want
    assert sale_terms(snap, np.array([], dtype=np.int64)) == []
