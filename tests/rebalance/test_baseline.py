"""The baseline: its lot relief and its accounts-only mode agree with the plain computation."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import numpy as np

from trimtab.check import load_checked
from trimtab.config import Settings
from trimtab.generate import write_sample_book
from trimtab.rebalance.baseline import _lots_by_security, _relieve, baseline
from trimtab.snapshot import Snapshot, build_snapshots
from trimtab.tax.ledger import replay
from trimtab.tax.relief import relieve


def _snapshots(folder: Path) -> list[Snapshot]:
    write_sample_book(folder, households=8, seed=11, direct_share=0.3)
    book = load_checked(folder)
    return list(build_snapshots(book, replay(book), book.as_of()))


def _relieve_by_masks(snap: Snapshot, a: int, sells: np.ndarray) -> np.ndarray:
    """The lot relief as it read the lots before: a mask over all lots per security sold."""
    out = np.zeros(len(snap.lots))
    hh = snap.household
    for s in np.flatnonzero(sells > 0):
        idx = np.flatnonzero((snap.lot_account == a) & (snap.lot_security == s))
        lots = [snap.lots[i] for i in idx]
        held = sum((lot.quantity for lot in lots), Decimal(0))
        qty = min(Decimal(repr(round(float(sells[s]), 6))), held)
        picks = relieve(
            snap.accounts[a].lot_method, lots, qty, price=snap.securities[s].price,
            on=snap.as_of, st_rate=hh.st_rate, lt_rate=hh.lt_rate,
        )  # fmt: skip
        position = {lot.lot_id: i for i, lot in zip(idx, lots, strict=True)}
        for lot, taken in picks:
            out[position[lot.lot_id]] += float(taken)
    return out


def test_lots_by_security_groups_an_accounts_lots_in_lot_order(tmp_path: Path) -> None:
    for snap in _snapshots(tmp_path / "book"):
        for a in range(len(snap.accounts)):
            groups = _lots_by_security(snap, a)
            for s in range(len(snap.securities)):
                idx = np.flatnonzero((snap.lot_account == a) & (snap.lot_security == s))
                if not len(idx):
                    assert s not in groups
                    continue
                position, lots, held = groups[s]
                assert lots == [snap.lots[i] for i in idx]
                assert position == {snap.lots[i].lot_id: int(i) for i in idx}
                assert held == sum((lot.quantity for lot in lots), Decimal(0))


def test_relieve_sells_the_same_shares_of_the_same_lots(tmp_path: Path) -> None:
    rng = np.random.default_rng(2)
    for snap in _snapshots(tmp_path / "book"):
        held = snap.holdings()
        for a in range(len(snap.accounts)):
            # all, none, part (fractional shares too) of every position, and one not held at all
            sells = held[a] * rng.choice([0.0, 0.37, 1.0], size=held.shape[1])
            sells[rng.integers(held.shape[1])] += 1.0
            got, want = _relieve(snap, a, sells), _relieve_by_masks(snap, a, sells)
            assert np.array_equal(got, want) and np.array_equal(np.signbit(got), np.signbit(want))


def test_only_some_accounts_snaps_those_as_the_whole_baseline_does(tmp_path: Path) -> None:
    for snap in _snapshots(tmp_path / "book"):
        settings = Settings()
        whole = baseline(snap, settings)
        only = np.arange(len(snap.accounts)) % 2 == 0
        part = baseline(snap, settings, only=only)
        mine = only[snap.lot_account]
        assert np.array_equal(part.lot_sells[mine], whole.lot_sells[mine])
        assert not part.lot_sells[~mine].any() and not part.buys[~only].any()
        assert np.array_equal(part.buys[only], whole.buys[only])
        assert np.array_equal(part.flows, whole.flows)
        assert part.reasons == {k: r for k, r in whole.reasons.items() if only[k[0]]}
        assert part.exceptions == {a: e for a, e in whole.exceptions.items() if only[a]}
