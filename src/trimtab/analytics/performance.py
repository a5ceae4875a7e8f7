"""Returns of a backtest path: time-weighted daily returns net of outside money, money-weighted
after-tax returns, tracking error against the model, turnover. Returns are fractions."""

from __future__ import annotations

import numpy as np

TRADING_DAYS = 252
DAYS_PER_YEAR = 365.25


def daily_returns(values: np.ndarray, external: np.ndarray) -> np.ndarray:
    """Day-over-day returns (T-1,) of `values` (T,) USD with `external` (T,) USD flows in on
    each day removed: r_t = (V_t - F_t) / V_{t-1} - 1."""
    prev = values[:-1]
    safe = np.where(prev > 0, prev, 1.0)
    return np.where(prev > 0, (values[1:] - external[1:]) / safe - 1, 0.0)


def model_returns(closes: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """Daily returns (T-1,) of the model held at its target weights every day (cash earns 0)."""
    growth = closes[1:] / closes[:-1] - 1
    return growth @ targets


def annualized(returns: np.ndarray) -> float:
    """Compound annual rate of daily returns."""
    if len(returns) == 0:
        return 0.0
    total = float(np.prod(1 + returns))
    return total ** (TRADING_DAYS / len(returns)) - 1


def tracking_error(returns: np.ndarray, model: np.ndarray) -> float:
    """Annualized standard deviation of the daily active return (fraction)."""
    if len(returns) < 2:
        return 0.0
    return float(np.std(returns - model, ddof=1) * np.sqrt(TRADING_DAYS))


def money_weighted(days: np.ndarray, flows: np.ndarray, final: float) -> float:
    """The annual rate r at which investing `flows[i]` USD on `days[i]` (datetime64[D]) grows
    to `final` USD on the last day: the internal rate of return, by bisection."""
    years = (days[-1] - days).astype(float) / DAYS_PER_YEAR
    keep = flows != 0
    years, amounts = years[keep], flows[keep]
    if final <= 0 or len(amounts) == 0:
        return -1.0

    def gap(rate: float) -> float:
        return float((amounts * (1 + rate) ** years).sum()) - final

    lo, hi = -0.99, 1.0
    while gap(hi) < 0 and hi < 1e6:
        hi *= 2
    for _ in range(200):
        mid = (lo + hi) / 2
        if gap(mid) < 0:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def turnover(traded: np.ndarray, values: np.ndarray) -> float:
    """Yearly one-way turnover: half the USD traded per year over the mean value (fraction).
    The first day (investing the starting cash, the same for every strategy) is left out."""
    years = len(values) / TRADING_DAYS
    mean = float(values.mean()) if len(values) else 0.0
    if mean <= 0 or years <= 0:
        return 0.0
    return float(traded[1:].sum()) / 2 / mean / years
