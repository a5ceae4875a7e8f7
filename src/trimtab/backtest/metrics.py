"""The backtest's metrics table: per strategy, after-tax return and wealth before and after
liquidation, tax alpha against the baseline, losses harvested, gains realized, turnover,
tracking error, trades, dispersion. Money is USD; rates are fractions per year."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

import numpy as np

from trimtab.analytics.dispersion import drift_dispersion, return_dispersion
from trimtab.analytics.performance import (
    TRADING_DAYS,
    annualized,
    daily_returns,
    model_returns,
    money_weighted,
    tracking_error,
    turnover,
)
from trimtab.backtest.simulate import Run

ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class Metrics:
    """One strategy's figures (see the module doc).

    `pre_tax_return` is time-weighted (taxes paid count as money leaving, not as losses);
    `return_pre`/`return_post` are the after-tax money-weighted returns to the wealth before /
    after liquidation; `tax_drag_*` = pre-tax minus after-tax return. Against the baseline:
    `excess_*` is the difference of after-tax returns (everything the strategy did, tracking
    luck included) and `tax_alpha_*` the difference of tax drags (the part due to taxes:
    baseline's drag minus this strategy's). None when no baseline ran."""

    strategy: str
    wealth_pre: Decimal
    wealth_post: Decimal
    pre_tax_return: float
    return_pre: float
    return_post: float
    tax_drag_pre: float
    tax_drag_post: float
    excess_pre: float | None
    excess_post: float | None
    tax_alpha_pre: float | None
    tax_alpha_post: float | None
    harvested: Decimal
    harvest_yield: float
    realized_gains: Decimal
    taxes: Decimal
    turnover: float
    tracking_error: float
    trades: int
    calls: int
    exceptions: int
    costs: Decimal
    return_dispersion: float
    drift_dispersion: float


def after_tax_return(run: Run, wealth: Decimal) -> float:
    """Money-weighted annual return of the investor's money to `wealth` (USD) at the end."""
    flows = run.deposits.sum(axis=1).copy()
    flows[0] += float(run.initial)
    return money_weighted(run.dates, flows, float(wealth))


def harvest_yield(run: Run) -> float:
    """Losses harvested per year over the mean value (fraction)."""
    total = run.values.sum(axis=1)
    years = len(total) / TRADING_DAYS
    mean = float(total.mean())
    harvested = float(sum((y.harvested for y in run.years), ZERO))
    return harvested / mean / years if mean > 0 and years > 0 else 0.0


def returns(run: Run) -> tuple[float, float, float]:
    """(pre-tax time-weighted, after-tax before liquidation, after liquidation), per year."""
    r = daily_returns(run.values.sum(axis=1), run.external.sum(axis=1))
    pre_tax = annualized(r)
    return pre_tax, after_tax_return(run, run.after_tax), after_tax_return(run, run.liquidated)


def measure(run: Run, closes: np.ndarray, baseline: Run | None = None) -> Metrics:
    """The figures of `run`; excess return and tax alpha against `baseline` (see Metrics)."""
    total = run.values.sum(axis=1)
    ext = run.external.sum(axis=1)
    weights = run.targets.mean(axis=0)
    r = daily_returns(total, ext)
    gross, pre, post = returns(run)
    excess_pre = excess_post = alpha_pre = alpha_post = None
    if baseline is not None:
        b_gross, b_pre, b_post = returns(baseline)
        excess_pre, excess_post = pre - b_pre, post - b_post
        alpha_pre = (b_gross - b_pre) - (gross - pre)
        alpha_post = (b_gross - b_post) - (gross - post)
    return Metrics(
        strategy=run.strategy,
        wealth_pre=run.after_tax,
        wealth_post=run.liquidated,
        pre_tax_return=gross,
        return_pre=pre,
        return_post=post,
        tax_drag_pre=gross - pre,
        tax_drag_post=gross - post,
        excess_pre=excess_pre,
        excess_post=excess_post,
        tax_alpha_pre=alpha_pre,
        tax_alpha_post=alpha_post,
        harvested=sum((y.harvested for y in run.years), ZERO),
        harvest_yield=harvest_yield(run),
        realized_gains=sum((y.gains for y in run.years), ZERO),
        taxes=sum((y.total for y in run.years), ZERO),
        turnover=turnover(run.traded, total),
        tracking_error=tracking_error(r, model_returns(closes, weights)),
        trades=run.trades,
        calls=run.calls,
        exceptions=run.exceptions,
        costs=run.costs,
        return_dispersion=return_dispersion(run.values, run.external),
        drift_dispersion=drift_dispersion(run.drift),
    )


def measure_all(runs: Sequence[Run], closes: np.ndarray, baseline: str) -> list[Metrics]:
    """Every run's metrics, tax alpha against the run named `baseline` (when present)."""
    base = next((r for r in runs if r.strategy == baseline), None)
    return [measure(r, closes, base) for r in runs]
