"""The backtest's books balance: wealth reconciles to the cent with trades, taxes and flows."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pytest
from histories import flat_market, small_market, with_flows

from trimtab.backtest import state as state_module
from trimtab.backtest.market import Market
from trimtab.backtest.metrics import measure_all
from trimtab.backtest.setup import TaxPayment, single_account
from trimtab.backtest.simulate import Run, simulate
from trimtab.backtest.strategies import strategy
from trimtab.config import CostSettings, Settings
from trimtab.money import cents

ZERO = Decimal(0)


def reconcile(run: Run, market: Market) -> tuple[Decimal, Decimal]:
    """(final value, what the flows, costs, taxes and gains say it must be), USD cents."""
    prices = {
        s: Decimal(f"{p:.2f}") for s, p in zip(market.symbols, market.closes[-1], strict=True)
    }
    unrealized = sum((cents(x.quantity * prices[x.symbol]) - x.cost_basis for x in run.lots), ZERO)
    realized = sum((d.gain for d in run.dispositions), ZERO)
    expected = run.initial + run.flows - run.costs - run.taxes_paid + realized + unrealized
    return run.final_value, expected


@pytest.mark.parametrize("name", ["engine", "baseline", "bands", "hold"])
def test_wealth_reconciles_to_the_cent(market: Market, name: str) -> None:
    setup = with_flows(market)
    run = simulate(setup, strategy(name, frequency="weekly" if name == "engine" else None))
    final, expected = reconcile(run, market)
    assert final == expected
    assert run.trades > 20 if name != "hold" else run.trades > 0
    assert run.flows == Decimal("-5000.00")
    # the daily float values end where the exact books end
    assert run.values[-1].sum() == pytest.approx(float(final), abs=0.05)


def test_taxes_paid_from_the_account_are_each_year_but_the_last(market: Market) -> None:
    run = simulate(with_flows(market), strategy("baseline"))
    years = [y.year for y in run.years]
    assert years == [2020, 2021]
    assert run.taxes_paid == run.years[0].total
    assert run.unpaid_tax == run.years[-1].total
    assert run.after_tax == run.final_value - run.years[-1].total
    assert any(y.tax != 0 for y in run.years)
    day = int(np.flatnonzero(run.dates.astype("datetime64[Y]").astype(int) == 51)[0])
    assert run.external[day, 0] == pytest.approx(-float(run.years[0].total))


def test_taxes_paid_outside_leave_the_account_alone(market: Market) -> None:
    run = simulate(with_flows(market, TaxPayment.OUTSIDE), strategy("baseline"))
    final, expected = reconcile(run, market)
    assert final == expected
    assert run.taxes_paid == 0
    assert run.unpaid_tax == sum((y.total for y in run.years), ZERO)


def test_liquidation_taxes_the_open_gains(market: Market) -> None:
    run = simulate(single_account(market, cash=Decimal(100_000)), strategy("hold"))
    assert run.trades == len(market.symbols)
    assert run.dispositions == () and run.unpaid_tax == 0
    last = {s: Decimal(f"{p:.2f}") for s, p in zip(market.symbols, market.closes[-1], strict=True)}
    gain = sum((cents(x.quantity * last[x.symbol]) - x.cost_basis for x in run.lots), ZERO)
    assert gain > 0  # held 1.5 years: long-term
    assert run.liquidation_tax == cents(gain * Decimal("0.15"))
    assert run.liquidated == run.after_tax - run.liquidation_tax


def test_no_trading_means_no_tax_alpha() -> None:
    m = flat_market()
    free = Settings(costs=CostSettings(bps=0.0))
    setup = single_account(m, cash=Decimal(50_000), settings=free)
    runs = [simulate(setup, strategy(n)) for n in ("engine", "baseline", "bands", "hold")]
    assert [r.trades for r in runs] == [len(m.symbols)] * 4
    table = measure_all(runs, m.closes, "baseline")
    assert {r.final_value for r in runs} == {runs[0].final_value}
    assert all(x.tax_alpha_pre == 0.0 and x.tax_alpha_post == 0.0 for x in table)
    assert all(x.harvested == 0 and x.taxes == 0 for x in table)


def test_compacting_the_history_changes_nothing(monkeypatch) -> None:
    setup = with_flows(small_market(seed=4, years=1.1))
    tight = strategy("bands", band=0.015)
    cut = simulate(setup, tight)
    monkeypatch.setattr(state_module, "KEEP", state_module.timedelta(days=10_000))
    whole = simulate(setup, tight)
    assert cut.final_value == whole.final_value
    assert cut.years == whole.years
    assert sorted(d.gain for d in cut.dispositions) == sorted(d.gain for d in whole.dispositions)
    assert sum(d.wash_sale_disallowed for d in whole.dispositions) > 0
