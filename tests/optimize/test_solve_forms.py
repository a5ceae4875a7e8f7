"""The solve's exact reductions: a smaller universe and a factor-form risk model change no optimum.

Universe reduction (`optimize/reduce.py`) and the factor form (`ProblemData.factors`) rewrite the
problem Clarabel sees; the optimum must stay the documented problem's, checked against the cvxpy
reference (which reads the dense `cov` of the full universe) within 1e-6 per dollar.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from trimtab.config import BandSettings
from trimtab.measures.bands import limits_for
from trimtab.optimize import qp
from trimtab.optimize.problem import FactorCov, Group, ProblemData
from trimtab.optimize.qp import _risk_form, solve
from trimtab.optimize.reduce import active_securities, reduced
from trimtab.optimize.reference import solve_reference

TOL = 1e-6


def problem(seed: int, tracking_error: float | None = None) -> ProblemData:
    """An account of 12 held securities in a universe of 30, factor risk model (3 factors)."""
    rng = np.random.default_rng(seed)
    n_s, n_held, n_l = 30, 12, 40
    loadings = rng.normal(0.0, 0.1, (n_s, 3))
    factors = FactorCov(loadings, rng.uniform(0.01, 0.05, n_s))
    cov = loadings @ loadings.T + np.diag(factors.specific)
    held = np.sort(rng.choice(n_s, n_held, replace=False))
    target = np.zeros(n_s)
    target[held[:10]] = rng.dirichlet(np.ones(10)) * 0.98
    target[rng.choice(np.setdiff1d(np.arange(n_s), held), 2)] = 0.0
    lot_security = np.sort(np.concatenate([held, rng.choice(held, n_l - n_held)]))
    lot_value = rng.dirichlet(np.ones(n_l)) * 0.95
    holdings = np.bincount(lot_security, weights=lot_value, minlength=n_s)[None, :]
    gain = rng.uniform(-0.3, 0.6, n_l)
    can_buy = np.zeros((1, n_s), dtype=bool)
    can_buy[0, held[:10]] = True
    can_buy[0, rng.choice(n_s, 3)] = True
    classes = ["equity" if s % 3 else "bond" for s in range(n_s)]
    bands = dataclasses.replace(BandSettings(), tracking_error=tracking_error)
    limits = limits_for(bands, None, classes).tightened(0.002)
    identity = np.arange(n_s)
    identity[held[1]] = identity[held[0]]
    return ProblemData(
        scale=1.0,
        holdings=holdings,
        cash=np.array([0.05]),
        flow=np.zeros(1),
        reserve=np.array([0.01]),
        can_buy=can_buy,
        cost=np.full(n_s, 5e-4),
        location=np.zeros((1, n_s)),
        lot_account=np.zeros(n_l, dtype=np.int64),
        lot_security=lot_security,
        lot_value=lot_value,
        lot_min=np.zeros(n_l),
        lot_max=lot_value,
        lot_tax=np.where(gain > 0, 0.238 * gain, 0.12 * gain),
        lot_gain=gain,
        lot_tax_rate=np.full(n_l, 0.238),
        groups=(Group(np.array([0]), target, 0.02, 1.0, np.zeros(n_s), 0.0, limits),),
        cov=cov,
        risk_aversion=100.0,
        drift_penalty=0.1,
        gain_cap=None,
        tax_cap=None,
        identity=identity,
        sleeve=np.arange(n_s) // 2,
        substitute_credit=0.5,
        factors=factors,
    )


def test_reduction_drops_only_what_nothing_touches() -> None:
    data = problem(1)
    small, keep = reduced(data)
    assert keep is not None and len(keep) < data.holdings.shape[1]
    active = active_securities(data)
    assert np.array_equal(np.flatnonzero(active), keep)
    assert np.all(data.holdings[:, ~active] == 0) and not data.can_buy[:, ~active].any()
    assert small.identity.max() + 1 == len(np.unique(data.identity[keep]))


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("tracking_error", [None, 0.01])
def test_reduced_and_factor_forms_reach_the_reference_optimum(
    seed: int, tracking_error: float | None
) -> None:
    data = problem(seed, tracking_error)
    ref = solve_reference(data)
    assert ref.status in ("optimal", "optimal_inaccurate")
    dense = dataclasses.replace(data, factors=None)
    for form in (data, dense):
        ours = solve(form)
        scale = max(1.0, abs(ref.objective))
        assert abs(ours.objective - ref.objective) <= TOL * scale
        assert ours.buys.shape == data.holdings.shape
        assert np.all(ours.buys[~data.can_buy] == 0)


def test_factor_form_only_where_it_is_the_smaller_problem() -> None:
    """k factors cost k rows of S loadings, a dense block S^2 / 2 entries: the solve keeps the
    factors while 2k <= S and writes the dense covariance (the same quadratic) past that."""
    data = problem(0)
    n_s = data.holdings.shape[1]
    assert _risk_form(data) is data  # 3 factors, 30 securities
    many = FactorCov(np.tile(data.factors.loadings, (1, 6)) / np.sqrt(6), data.factors.specific)  # type: ignore[union-attr]
    wide = dataclasses.replace(data, factors=many)  # 18 factors: more than half of 30
    assert 2 * many.loadings.shape[1] > n_s and _risk_form(wide).factors is None
    np.testing.assert_allclose(
        many.loadings @ many.loadings.T, data.factors.loadings @ data.factors.loadings.T
    )  # type: ignore[union-attr]
    assert abs(solve(wide).objective - solve(data).objective) <= TOL


def test_the_unrefined_first_try_reaches_the_refined_optimum(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The first try skips Clarabel's iterative refinement; its optimum is the refined one's
    (the reference's, within the solver's tolerance)."""
    problems = [problem(seed, 0.01 if seed % 2 else None) for seed in range(4)]
    fast = [solve(data) for data in problems]
    monkeypatch.setattr(qp, "_fast", lambda *args: None)  # straight to the refined ladder
    refined = [solve(data) for data in problems]
    for data, one, other in zip(problems, fast, refined, strict=True):
        assert one.status == other.status == "solved"
        assert abs(one.objective - other.objective) <= 1e-8
        assert abs(one.objective - solve_reference(data).objective) <= TOL


def test_a_first_try_that_does_not_solve_cleanly_goes_to_the_refined_ladder(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Anything but a clean "solved" from the unrefined try (here: a stall) is decided by the
    refined solves, so the answer and its status are the ones the ladder gives."""
    data = problem(2)
    calls: list[bool] = []
    real = qp._settings

    def settings(tolerance: float, refine: bool = True) -> object:
        calls.append(refine)
        out = real(tolerance, refine)
        if not refine:
            out.max_iter = 1  # the unrefined try stops at its iteration limit
        return out

    monkeypatch.setattr(qp, "_settings", settings)
    result = solve(data)
    assert calls == [False, True]
    assert result.status == "solved"
    assert abs(result.objective - solve_reference(data).objective) <= TOL
