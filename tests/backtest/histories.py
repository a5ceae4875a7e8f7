"""Small synthetic histories for the backtest tests (a few names, months of prices)."""

from __future__ import annotations

from decimal import Decimal

import numpy as np

from trimtab.backtest.market import Market, synthetic
from trimtab.backtest.setup import Setup, TaxPayment, single_account


def small_market(seed: int = 3, names: int = 5, years: float = 1.5) -> Market:
    """Volatile enough for losses, gains and drift within months."""
    return synthetic(names, years, seed=seed, sectors=2, idio_vol=0.35, start="2020-01-02")


def flat_market(names: int = 4, days: int = 300) -> Market:
    m = synthetic(names, days / 252, seed=1, market_vol=0, sector_vol=0, idio_vol=0, drift=0)
    return Market(m.dates, m.symbols, np.full_like(m.closes, 100.0), m.classes, "flat")


def with_flows(market: Market, payment: TaxPayment = TaxPayment.ACCOUNT) -> Setup:
    """A deposit, a withdrawal, and a household-scoped deposit on three days."""
    d = market.dates
    flows = {
        d[40]: (("A1", Decimal("25000.00")),),
        d[150]: (("A1", Decimal("-40000.00")),),
        d[260]: (("H1", Decimal("10000.00")),),
    }
    return single_account(market, cash=Decimal(200_000), flows=flows, tax_payment=payment)
