"""Simulated daily closes: correlated geometric Brownian motion on a weekday calendar.

Returns share a nested factor structure so that the book's price history looks like markets do:
an equity and a bond market factor drive the asset classes; ETFs of a class follow the class
closely (funds of one wash group track one index and move almost as one); stocks follow US
large caps, their sector and their own noise. Closes are rounded to cents because they are also
the prices of the book's trades and lots.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from trimtab.generate.universe import ASSET_CLASSES, SECTORS, Universe

DAYS_PER_YEAR = 261
"""Weekdays in a year: the calendar has no holidays, so annual rates are spread over these."""

CLASS_ON_MARKET = 0.6
"""Share of an asset class's variance from its market (equity or bond) factor."""
ETF_ON_CLASS = 0.95
"""Share of an ETF index's variance from its asset class."""
TRACKING_NOISE = 0.002
"""Share of an ETF's variance that is its own (tracking difference to its index)."""
STOCK_LOADINGS = (0.30, 0.15)
"""Shares of a stock's variance from US large caps and from its sector; the rest is its own."""


@dataclass(frozen=True, eq=False)
class Paths:
    """Closes in USD (cents), `closes[day, security]`, on trading days `dates` (datetime64[D])."""

    dates: np.ndarray
    closes: np.ndarray

    @property
    def today(self) -> np.ndarray:
        """The closes on the last trading day on or before the as-of date."""
        return self.closes[-1]


def trading_days(as_of: date, count: int) -> np.ndarray:
    """The last `count` weekdays ending on or before `as_of`, oldest first (datetime64[D])."""
    last = np.busday_offset(np.datetime64(as_of, "D"), 0, roll="backward")
    return np.busday_offset(last, np.arange(-(count - 1), 1), roll="forward")


def simulate(universe: Universe, dates: np.ndarray, rng: np.random.Generator) -> Paths:
    """Closes of every security on every date, starting from its start price on the first day."""
    n_days, dt = len(dates), 1.0 / DAYS_PER_YEAR
    z = _shocks(universe, n_days - 1, rng)
    step = (universe.drift - 0.5 * universe.vol**2) * dt + universe.vol * np.sqrt(dt) * z
    log_path = np.vstack([np.zeros(len(universe)), np.cumsum(step, axis=0)])
    closes = np.round(universe.start_price * np.exp(log_path), 2)
    return Paths(dates=dates, closes=np.maximum(closes, 0.01))


def _shocks(universe: Universe, n: int, rng: np.random.Generator) -> np.ndarray:
    """Standard-normal daily shocks `[day, security]` with the nested correlation structure."""
    markets = rng.standard_normal((n, 2))  # equity, bond
    is_equity = np.array([ac.equity for ac in ASSET_CLASSES])
    classes = _mix(markets[:, np.where(is_equity, 0, 1)], rng, CLASS_ON_MARKET)
    etf = ~universe.is_stock
    index_key = np.where(universe.wash_group != "", universe.wash_group, universe.symbols)[etf]
    keys, index_of = np.unique(index_key, return_inverse=True)
    index_cls = np.zeros(len(keys), dtype=np.int64)
    index_cls[index_of] = universe.cls[etf]
    indexes = _mix(classes[:, index_cls], rng, ETF_ON_CLASS)
    z = np.empty((n, len(universe)))
    z[:, etf] = _mix(indexes[:, index_of], rng, 1.0 - TRACKING_NOISE)
    stock = universe.is_stock
    sectors = rng.standard_normal((n, len(SECTORS)))[:, universe.sector[stock]]
    own = rng.standard_normal((n, int(stock.sum())))
    on_class, on_sector = STOCK_LOADINGS
    z[:, stock] = (
        np.sqrt(on_class) * classes[:, universe.cls[stock]]
        + np.sqrt(on_sector) * sectors
        + np.sqrt(1.0 - on_class - on_sector) * own
    )
    return z


def _mix(common: np.ndarray, rng: np.random.Generator, share: float) -> np.ndarray:
    """Unit-variance shocks with `share` of their variance from `common`, the rest their own."""
    own = rng.standard_normal(common.shape)
    return np.sqrt(share) * common + np.sqrt(1.0 - share) * own
