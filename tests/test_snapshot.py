"""The snapshot: one household as arrays, the only thing the methods see."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np

from trimtab.book import load_book
from trimtab.domain import Alternate
from trimtab.snapshot import build_snapshots
from trimtab.tax.ledger import replay

SMALL = Path(__file__).parent / "fixtures" / "small_book"


def _snapshots(alternates: tuple[Alternate, ...] = ()):  # type: ignore[no-untyped-def]
    book = replace(load_book(SMALL), alternates=alternates)
    return book, {
        s.household.household_id: s for s in build_snapshots(book, replay(book), book.as_of())
    }


def test_arrays_match_the_book() -> None:
    _, snaps = _snapshots()
    h1 = snaps["H1"]
    assert [a.account_id for a in h1.accounts] == ["A1", "A2"]
    held = h1.holdings()
    vti = h1.symbols.index("VTI")
    assert held[0, vti] == 125  # 100 + 20 opening lots + 5 bought in the history
    # values: cash plus shares at the last close
    assert np.isclose(h1.account_values()[0], 1000 + 125 * 250 + 140 * 72.5 + 30 * 110)
    # targets are the flattened model, fractions of value; cash apart
    assert np.isclose(h1.targets[0].sum() + h1.target_cash[0], 1.0)
    assert np.isclose(h1.targets[0, h1.symbols.index("SPY")], 0.18)
    assert h1.household_target is None
    assert snaps["H2"].household_target is not None


def test_universe_holds_targets_holdings_and_declared_substitutes_only() -> None:
    _, snaps = _snapshots()
    symbols = set(snaps["H1"].symbols)
    assert {"VTI", "SPY", "BND", "AGG", "XOM"} <= symbols  # targeted, held (XOM), held (AGG)
    assert "IVV" in symbols  # SPY's wash group
    assert "ITOT" not in symbols  # same class, but neither declared nor measured
    _, snaps = _snapshots((Alternate("VTI", "ITOT"),))
    assert "ITOT" in snaps["H1"].symbols


def test_stand_ins_are_the_wash_group_and_declared_alternates() -> None:
    _, snaps = _snapshots((Alternate("VTI", "ITOT"), Alternate("BND", "AGG", one_way=True)))
    h1 = snaps["H1"]
    idx = {s: i for i, s in enumerate(h1.symbols)}
    for a in range(len(h1.accounts)):  # both accounts follow M60: VTI, SPY, BND
        stand = {s: h1.symbols[int(h1.stand_in[a, i])] for s, i in idx.items()}
        assert stand["ITOT"] == "VTI" and stand["IVV"] == "SPY" and stand["AGG"] == "BND"
        assert stand["XOM"] == "XOM" and stand["VTI"] == "VTI"
        assert h1.alt_rank[a, idx["ITOT"]] == 1 and h1.alt_rank[a, idx["IVV"]] == 0
        assert np.isinf(h1.alt_rank[a, idx["XOM"]])
    pool = h1.pool(0)
    assert pool[idx["ITOT"]] == pool[idx["VTI"]] and pool[idx["XOM"]] != pool[idx["VTI"]]


def test_restrictions_and_wash_window() -> None:
    _, snaps = _snapshots((Alternate("VTI", "ITOT"),))
    h1, h2 = snaps["H1"], snaps["H2"]
    xom = h1.symbols.index("XOM")
    assert h1.exclude[0, xom] and not h1.exclude[1, xom]  # tag:fossil_fuels on A1 only
    itot = h2.symbols.index("ITOT")
    assert h2.no_buy[:, itot].all()  # household-scoped no_buy reaches every account
    bnd = h1.symbols.index("BND")
    assert h1.wash_no_buy[bnd]  # BND sold at a loss on 2026-11-05, inside the 30 days
    l2 = [lot.lot_id for lot in h1.lots].index("L2")
    assert h1.lot_loss_blocked[l2]  # VTI bought 2026-11-02: a loss sale of L2 would wash


def test_flows_and_year_to_date() -> None:
    _, snaps = _snapshots()
    h2 = snaps["H2"]
    assert h2.flows.tolist() == [-2000.0, 0.0]
    assert h2.household_flow == 0.0
    h1 = snaps["H1"]
    assert h1.realized_st_ytd == 0.0
    assert h1.realized_lt_ytd == -90.0  # 10 BND sold at 71 from a 2021 lot costing 80 a share


def _equal(a: object, b: object) -> bool:
    if isinstance(a, np.ndarray):
        return isinstance(b, np.ndarray) and a.dtype == b.dtype and np.array_equal(a, b)
    return a == b


def test_snapshots_sharing_cached_arrays_equal_ones_built_alone() -> None:
    """Households with the same securities share what depends on them alone (targets, stand-ins,
    covariance, restriction masks): each snapshot equals one built with empty caches, and
    writing into one snapshot's arrays changes no other."""
    import dataclasses

    from trimtab import snapshot_cache
    from trimtab.generate import generate_book
    from trimtab.risk import risk_model_for

    book = generate_book(30, seed=4, direct_share=0.3)
    ledger, risk, day = replay(book), risk_model_for(book), book.as_of()
    together = list(build_snapshots(book, ledger, day, None, risk))
    together[0].cov[:] = -1.0
    together[0].targets[:] = -1.0
    for snap in together[1:]:
        snapshot_cache.FRAMES.clear()
        (alone,) = build_snapshots(book, ledger, day, [snap.household.household_id], risk)
        for f in dataclasses.fields(snap):
            assert _equal(getattr(snap, f.name), getattr(alone, f.name)), f.name


def test_snapshot_carries_the_risk_models_factor_form() -> None:
    """Without price history the class model is a factor model: each snapshot carries its rows,
    and they give its covariance exactly."""
    _, snaps = _snapshots()
    for snap in snaps.values():
        assert snap.loadings is not None and snap.specific is not None
        assert snap.loadings.shape[0] == len(snap.securities)
        rebuilt = snap.loadings @ snap.loadings.T + np.diag(snap.specific)
        np.testing.assert_allclose(rebuilt, snap.cov, rtol=1e-12, atol=1e-15)
