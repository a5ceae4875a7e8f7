"""Dispersion: how far apart accounts that follow one model end up, the spread central
rebalancing is meant to shrink. Returns and drift are fractions."""

from __future__ import annotations

from collections.abc import Sequence

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


def spread(values: Sequence[float]) -> dict[str, float]:
    """Standard deviation and 10th-90th percentile range of one figure across accounts (NaN
    ignored): the daily summary's dispersion of drift."""
    x = np.asarray([v for v in values if not np.isnan(v)], dtype=float)
    if len(x) < 2:
        return {"std": 0.0, "p10_p90": 0.0}
    p10, p90 = np.percentile(x, [10, 90])
    return {"std": float(np.std(x, ddof=1)), "p10_p90": float(p90 - p10)}
