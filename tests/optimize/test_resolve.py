"""A problem that differs from one just solved only in its lots' bounds is solved again on the
same Clarabel solver (`optimize/resolve.py`): the same bits as a fresh solve, or a fresh solve."""

from __future__ import annotations

import dataclasses
from types import SimpleNamespace

import numpy as np
import pytest
from test_solve_forms import problem

from trimtab.errors import InfeasibleError
from trimtab.generate import generate_book
from trimtab.optimize.problem import ProblemData, Solution
from trimtab.optimize.qp import solve
from trimtab.optimize.resolve import Assembled
from trimtab.rebalance.run import rebalance_snapshot
from trimtab.snapshot import build_snapshots
from trimtab.tax.ledger import replay
from trimtab.workflow import codec


def keep_losses(data: ProblemData) -> ProblemData:
    """The wash-sale branch that keeps the losses: lots at a loss may not be sold."""
    return dataclasses.replace(data, lot_max=np.where(data.lot_gain < 0, 0.0, data.lot_max))


def assert_same_bits(one: Solution, other: Solution) -> None:
    assert np.array_equal(one.sells, other.sells)
    assert np.array_equal(one.buys, other.buys)
    assert one.objective == other.objective and one.status == other.status


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("tracking_error", [None, 0.01])
def test_a_re_solve_with_other_lot_bounds_gives_the_fresh_solves_bits(
    seed: int, tracking_error: float | None
) -> None:
    data = problem(seed, tracking_error)
    first = solve(data)
    assert isinstance(first.assembled, Assembled)
    branch = keep_losses(data)
    assert not np.array_equal(branch.lot_max, data.lot_max)
    again, fresh = solve(branch, like=first), solve(branch)
    assert_same_bits(again, fresh)
    if fresh.assembled is None:  # the unrefined try stalls: the refined ladder decided both
        assert again.assembled is None and again.status == fresh.status
        return
    assert isinstance(again.assembled, Assembled)
    assert again.assembled.solver is first.assembled.solver  # no new solver was set up
    # the first solution's record still describes its own problem: solved again, the same bits
    assert_same_bits(solve(data, like=again), first)


@pytest.mark.parametrize("seed", range(4))
def test_a_re_solve_with_a_household_cash_request_to_place(seed: int) -> None:
    """With a request the solve places (an equality row after the lot bounds' rows were laid
    out), the bounds are still written where they sit."""
    data = dataclasses.replace(
        problem(seed),
        placed_total=-0.02,
        placed_min=np.array([-0.05]),
        placed_max=np.array([0.0]),
        placed_cost=np.array([0.001]),
    )
    assert data.places_flow
    first = solve(data)
    branch = keep_losses(data)
    again, fresh = solve(branch, like=first), solve(branch)
    assert isinstance(first.assembled, Assembled) and isinstance(again.assembled, Assembled)
    assert again.assembled.solver is first.assembled.solver
    assert_same_bits(again, fresh)
    assert again.placed is not None and fresh.placed is not None
    assert np.array_equal(again.placed, fresh.placed)


def test_a_forced_sale_is_a_bound_too() -> None:
    data = problem(3)
    first = solve(data)
    forced = dataclasses.replace(
        data, lot_min=np.where(np.arange(len(data.lot_min)) == 4, data.lot_max * 0.5, 0.0)
    )
    again = solve(forced, like=first)
    assert isinstance(again.assembled, Assembled)
    assert again.assembled.solver is first.assembled.solver
    assert again.sells[4] >= 0.5 * data.lot_max[4] - 1e-12
    assert_same_bits(again, solve(forced))


def test_any_other_change_is_solved_afresh() -> None:
    """A change outside the bounds (here: a security no longer bought, the branch that keeps
    the buys out) changes the matrices: a new solver, the fresh solve's answer."""
    data = problem(1)
    first = solve(data)
    assert isinstance(first.assembled, Assembled)
    bought = np.flatnonzero(data.can_buy[0])
    no_buy = data.can_buy.copy()
    no_buy[0, bought[0]] = False
    for other in (
        dataclasses.replace(data, can_buy=no_buy),
        dataclasses.replace(data, lot_tax=data.lot_tax * 1.01),
        dataclasses.replace(data, cash=data.cash + 0.01),
    ):
        again = solve(other, like=first)
        assert isinstance(again.assembled, Assembled)
        assert again.assembled.solver is not first.assembled.solver
        assert_same_bits(again, solve(other))


def test_the_problem_just_solved_is_answered_without_a_solve() -> None:
    """The very problem again, bounds included (a contested second pass poses it to an account
    whose lots it does not touch): the first answer to the bit, in copies, and no solve."""
    data = problem(3)
    first = solve(data)
    assert isinstance(first.assembled, Assembled)

    def fail(**_: object) -> None:
        raise AssertionError("solved again")

    record = dataclasses.replace(first.assembled, solver=SimpleNamespace(update=fail, solve=fail))
    equal = dataclasses.replace(data, lot_max=data.lot_max.copy(), lot_min=data.lot_min.copy())
    again = solve(equal, like=dataclasses.replace(first, assembled=record))
    assert_same_bits(again, solve(data))
    assert again.terms == first.terms and again.assembled is record
    assert again.sells is not first.sells and again.buys is not first.buys
    other = keep_losses(data)  # other bounds: solved again on the kept solver, as before
    with pytest.raises(AssertionError, match="solved again"):
        solve(other, like=dataclasses.replace(first, assembled=record))


def test_bounds_no_trade_can_meet_raise_as_a_fresh_solve_does() -> None:
    data = problem(0)
    first = solve(data)
    stuck = dataclasses.replace(data, reserve=np.array([0.5]), lot_max=np.zeros_like(data.lot_max))
    with pytest.raises(InfeasibleError):
        solve(stuck)
    with pytest.raises(InfeasibleError):
        solve(stuck, like=first)


def test_a_re_solve_that_does_not_end_cleanly_is_solved_afresh() -> None:
    data = problem(2)
    first = solve(data)
    assert isinstance(first.assembled, Assembled)
    stalled = SimpleNamespace(
        update=lambda **_: None, solve=lambda: SimpleNamespace(status="MaxIterations")
    )
    record = dataclasses.replace(first.assembled, solver=stalled)
    broken = dataclasses.replace(first, assembled=record)
    branch = keep_losses(data)
    again = solve(branch, like=broken)
    assert isinstance(again.assembled, Assembled) and again.assembled.solver is not stalled
    assert_same_bits(again, solve(branch))


def test_a_book_is_proposed_to_the_same_bytes_without_re_solves(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The wash-sale branches solved again on their solver change no proposal (12 households,
    a third direct-indexed: conflicts and branches that keep losses are common)."""
    book = generate_book(12, seed=4, direct_share=0.3)
    day = book.settings.as_of
    ids = [h.household_id for h in book.households]

    def proposals() -> list[str]:
        ledger = replay(book, ids)
        return [
            codec.dumps(rebalance_snapshot(snap, book.settings, "optimize"))
            for snap in build_snapshots(book, ledger, day, ids)
        ]

    calls: list[bool] = []
    fits = Assembled.fits

    def counted(self: Assembled, data: ProblemData, keep: np.ndarray | None) -> bool:
        calls.append(fits(self, data, keep))
        return calls[-1]

    monkeypatch.setattr(Assembled, "fits", counted)
    reused = proposals()
    assert any(calls)  # some branches were solved again on their solver
    monkeypatch.setattr(Assembled, "fits", lambda *args: False)
    assert proposals() == reused
