"""Screening: each trigger fires on its own evidence; a quiet household is not solved."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from trimtab.book import Book
from trimtab.config import ScreenSettings
from trimtab.snapshot import Snapshot, build_snapshots
from trimtab.tax.ledger import replay
from trimtab.workflow.inputs import household_text
from trimtab.workflow.prepare import shared_inputs
from trimtab.workflow.screen import Context, triggers
from trimtab.workflow.task import QUIET, solve_household

DAY = date(2026, 11, 20)
OFF = ScreenSettings(drift=None, cash_usd=None, loss_usd=None, restrictions=False,
                     model_change=False, review_days=None, new_households=False)  # fmt: skip


@pytest.fixture(scope="module")
def snaps(day_book: Book) -> list[Snapshot]:
    return list(build_snapshots(day_book, replay(day_book), DAY))


def test_nothing_fires_when_every_trigger_is_off(snaps: list[Snapshot]) -> None:
    assert all(triggers(s, Context(), OFF) == () for s in snaps)


def test_each_trigger_fires_on_its_evidence(snaps: list[Snapshot]) -> None:
    on = dataclasses.replace
    assert all("drift" in triggers(s, Context(), on(OFF, drift=0.0)) for s in snaps
               if s.lot_qty.sum() > 0)  # fmt: skip
    assert not any(triggers(s, Context(), on(OFF, drift=1.0)) for s in snaps)
    for s in snaps:
        requested = s.household_flow != 0 or bool((s.flows != 0).any())
        if requested:
            assert "cash" in triggers(s, Context(), on(OFF, cash_usd=1e15))
    losses = [s for s in snaps if "loss" in triggers(s, Context(), on(OFF, loss_usd=0.0))]
    assert losses and not any(triggers(s, Context(), on(OFF, loss_usd=1e15)) for s in snaps)
    snap = snaps[0]
    assert triggers(snap, Context(changed_models=("X",)), on(OFF, model_change=True)) == (
        "model_change",
    )
    review = on(OFF, review_days=30)
    assert triggers(snap, Context(), review) == ()
    assert triggers(snap, Context(), on(review, new_households=True)) == ("review",)
    assert triggers(snap, Context(last_solved=date(2026, 11, 1)), review) == ()
    assert triggers(snap, Context(last_solved=date(2026, 10, 1)), review) == ("review",)


def test_a_breached_restriction_fires(snaps: list[Snapshot]) -> None:
    snap = next(s for s in snaps if s.lot_qty.sum() > 0)
    exclude = snap.exclude.copy()
    held = snap.lot_security[0]
    exclude[snap.lot_account[0], held] = True
    breached = dataclasses.replace(snap, exclude=exclude)
    on = dataclasses.replace(OFF, restrictions=True)
    assert triggers(breached, Context(), on) == ("restriction",)


def test_a_quiet_household_is_not_solved(day_book: Book) -> None:
    quiet = dataclasses.replace(day_book.settings, as_of=DAY, screen=OFF)
    book = dataclasses.replace(day_book, settings=quiet)
    shared = shared_inputs(book, DAY, "optimize").with_digest()
    hid = book.households[0].household_id
    text = household_text(book, hid, Context())
    outcome = solve_household(shared, book, hid, Context(), None, text)
    assert (outcome.status, outcome.proposal, outcome.trades) == (QUIET, None, 0)
    solved_settings = dataclasses.replace(quiet, screen=dataclasses.replace(OFF, enabled=False))
    solved = dataclasses.replace(shared, book=dataclasses.replace(book, settings=solved_settings))
    outcome = solve_household(solved, book, hid, Context(), None, text)
    assert outcome.proposal is not None


def test_the_runs_baseline_tax_is_the_baseline_proposals_tax() -> None:
    """The run reads the baseline's tax from the proposal's own comparison (`tax_saved`)
    instead of building a second, baseline proposal: the figure is the same."""
    from trimtab.generate import generate_book
    from trimtab.rebalance.run import rebalance_snapshot
    from trimtab.workflow.task import _baseline_tax, _tax

    book = generate_book(12, seed=7, direct_share=0.3)
    settings = book.settings
    for snap in build_snapshots(book, replay(book), book.as_of()):
        proposal = rebalance_snapshot(snap, settings, "optimize")
        expected = _tax(rebalance_snapshot(snap, settings, "baseline"))
        assert _baseline_tax(snap, proposal, settings) == expected
