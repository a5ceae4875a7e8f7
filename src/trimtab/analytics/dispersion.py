"""Dispersion: how far apart accounts that follow one model end up, the spread central
rebalancing is meant to shrink. Returns and drift are fractions."""

from __future__ import annotations

import numpy as np

from trimtab.analytics.performance import annualized, daily_returns


def return_dispersion(values: np.ndarray, external: np.ndarray) -> float:
    """Standard deviation across accounts of their annualized time-weighted returns
    (`values`, `external` are (T, A) USD); 0 for a single account."""
    if values.shape[1] < 2:
        return 0.0
    rates = [
        annualized(daily_returns(values[:, a], external[:, a])) for a in range(values.shape[1])
    ]
    return float(np.std(rates, ddof=1))


def drift_dispersion(drift: np.ndarray) -> float:
    """Mean over days of the standard deviation of drift across accounts ((T, A) fractions)."""
    if drift.ndim != 2 or drift.shape[1] < 2:
        return 0.0
    return float(np.nanmean(np.nanstd(drift, axis=1, ddof=1)))
