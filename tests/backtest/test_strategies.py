"""When each strategy acts."""

from __future__ import annotations

import numpy as np
import pytest

from trimtab.backtest.strategies import (
    Screen,
    drift_due,
    harvest_due,
    new_period,
    over_band,
    strategy,
)

D = np.datetime64


def test_periods_start_on_the_first_trading_day() -> None:
    assert new_period(D("2024-03-29"), D("2024-04-01"), "quarterly")
    assert not new_period(D("2024-02-29"), D("2024-03-01"), "quarterly")
    assert new_period(D("2024-02-29"), D("2024-03-01"), "monthly")
    assert new_period(D("2024-03-08"), D("2024-03-11"), "weekly")  # Friday -> Monday
    assert not new_period(D("2024-03-11"), D("2024-03-12"), "weekly")
    assert not new_period(None, D("2024-03-12"), "monthly")


def test_bands_act_past_the_band_only() -> None:
    targets = np.array([[0.5, 0.5]])
    assert not over_band(np.array([[0.55, 0.45]]), targets, 0.05)
    assert over_band(np.array([[0.551, 0.449]]), targets, 0.05)


def test_the_screen_calls_again_only_for_something_new() -> None:
    s = Screen()
    assert drift_due(np.array([0.04]), np.array([0.0]), s)
    assert not drift_due(np.array([0.04]), np.array([0.035]), s)  # kept last time, not worse
    loss = np.array([0.2, 0.0])
    basis = np.array([10_000.0, 10_000.0])
    taxable = np.array([True, True])
    assert harvest_due(loss, np.zeros(2), basis, taxable, 100_000.0, s)
    assert not harvest_due(loss, np.array([0.18, 0.0]), basis, taxable, 100_000.0, s)
    assert not harvest_due(loss, np.zeros(2), basis, np.array([False, True]), 100_000.0, s)
    assert not harvest_due(loss, np.zeros(2), basis, taxable, 1_000_000.0, s)  # too small


def test_only_the_engine_takes_a_frequency() -> None:
    assert strategy("engine", frequency="monthly").cadence == "monthly"
    assert strategy("baseline", frequency="monthly").cadence == "quarterly"
    assert strategy("bands", band=0.1).band == 0.1
    with pytest.raises(ValueError, match="frequency"):
        strategy("engine", frequency="hourly")
