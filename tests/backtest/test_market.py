"""Price histories: the bundled real data is read from the installed package, synthetic data is
seeded and realistic."""

from __future__ import annotations

import socket

import numpy as np
import pytest

from trimtab.backtest.market import SECTORS, sp500, synthetic


def test_sp500_reads_the_installed_file_without_a_network(monkeypatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise OSError("the network was used")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    m = sp500()
    assert m.closes.shape == (8313, 20)
    assert str(m.dates[0]) == "1990-01-02" and str(m.dates[-1]) == "2022-12-28"
    assert np.allclose(m.closes[0], 100.0)
    assert set(m.symbols) == set(SECTORS)
    assert (np.diff(m.dates.astype(int)) > 0).all()


def test_synthetic_is_seeded_and_realistic() -> None:
    a, b = synthetic(200, 3, seed=5), synthetic(200, 3, seed=5)
    assert np.array_equal(a.closes, b.closes)
    assert not np.array_equal(a.closes, synthetic(200, 3, seed=6).closes)
    r = np.diff(np.log(a.closes), axis=0)
    vol = r.std(axis=0) * np.sqrt(252)
    assert 0.25 < np.median(vol) < 0.38  # large single stocks: about 30% a year
    corr = np.corrcoef(r.T)[np.triu_indices(200, 1)]
    assert 0.15 < corr.mean() < 0.45
    yearly = a.closes[252] / a.closes[0] - 1
    assert yearly.std() > 0.15  # dispersion: some names lose in any year
    assert len(a.dates) == 3 * 252 + 1 and len(set(a.classes)) == 10


def test_a_range_needs_two_days() -> None:
    m = synthetic(3, 1, seed=1)
    assert len(m.between(m.dates[5], m.dates[9]).dates) == 5
    with pytest.raises(Exception, match="fewer than 2 days"):
        m.between(m.dates[5], m.dates[5])
