"""`finalize.estimated_tax`: the proposal's est_tax without the household measures."""

from __future__ import annotations

from pathlib import Path

import pytest

from trimtab.check import load_checked
from trimtab.generate import write_sample_book
from trimtab.rebalance.finalize import estimated_tax, finalize
from trimtab.rebalance.methods import METHODS
from trimtab.rebalance.value import baseline_tax
from trimtab.snapshot import build_snapshots
from trimtab.tax.ledger import replay


@pytest.mark.parametrize("method", ["baseline", "optimize"])
def test_estimated_tax_is_finalize_est_tax(tmp_path: Path, method: str) -> None:
    write_sample_book(tmp_path / "book", households=12, seed=5)
    book = load_checked(tmp_path / "book")
    settings = book.settings
    checked = 0
    for snap in build_snapshots(book, replay(book), book.as_of()):
        decision = METHODS[method](snap, settings)
        expected = finalize(snap, decision, method, settings).household.est_tax
        assert estimated_tax(snap, decision, settings) == expected
        if method == "baseline":
            assert baseline_tax(snap, settings) == expected
        checked += expected != 0
    assert checked > 0  # some households realize gains or losses
