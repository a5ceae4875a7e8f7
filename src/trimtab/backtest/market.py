"""Price histories a backtest replays: the 20 US stocks bundled with skfolio, or synthetic ones.

Prices are USD per share, one row per trading day. Real series are rescaled to start at 100 USD
so that cents rounding stays negligible (skfolio's adjusted closes start as low as 0.14 USD);
returns are unchanged by the scaling.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from trimtab.errors import DataError, Problem

SECTORS: dict[str, str] = {
    "AAPL": "tech", "AMD": "tech", "MSFT": "tech", "BAC": "financials", "JPM": "financials",
    "BBY": "discretionary", "HD": "discretionary", "CVX": "energy", "XOM": "energy",
    "RRC": "energy", "GE": "industrials", "JNJ": "health", "LLY": "health", "MRK": "health",
    "PFE": "health", "UNH": "health", "KO": "staples", "PEP": "staples", "PG": "staples",
    "WMT": "staples",
}  # fmt: skip
"""Asset class (sector) of each bundled stock: stocks of one sector are the closest substitutes."""

START_PRICE = 100.0


@dataclass(frozen=True, eq=False)
class Market:
    """Daily closes `closes[t, s]` (USD) of `symbols` on `dates` (datetime64[D], ascending)."""

    dates: np.ndarray
    symbols: tuple[str, ...]
    closes: np.ndarray
    classes: tuple[str, ...]
    source: str

    def __post_init__(self) -> None:
        if self.closes.shape != (len(self.dates), len(self.symbols)):
            raise ValueError("closes must be (dates, symbols)")
        if not np.isfinite(self.closes).all() or (self.closes <= 0).any():
            problem = Problem(self.source, None, "close", "prices must be positive and complete")
            raise DataError([problem])

    def between(self, start: np.datetime64 | None, end: np.datetime64 | None) -> Market:
        """The days from `start` to `end` inclusive (None: open-ended)."""
        keep = np.ones(len(self.dates), dtype=bool)
        if start is not None:
            keep &= self.dates >= start
        if end is not None:
            keep &= self.dates <= end
        if keep.sum() < 2:
            raise DataError([Problem(self.source, None, "date", "fewer than 2 days in range")])
        return Market(self.dates[keep], self.symbols, self.closes[keep], self.classes, self.source)

    def first(self, n: int) -> Market:
        """Only the first `n` symbols (a smaller universe for quick runs)."""
        return Market(
            self.dates, self.symbols[:n], self.closes[:, :n], self.classes[:n], self.source
        )


def sp500() -> Market:
    """Daily adjusted closes of 20 large US stocks, 1990-01-02 to 2022-12-28 (8,313 days).

    Read from the data file inside the installed `skfolio` wheel (the `trimtab[data]` extra):
    skfolio ships it in the package, so nothing is downloaded.
    """
    try:
        from skfolio.datasets import load_sp500_dataset
    except ImportError as exc:
        problem = Problem(
            "skfolio", None, None, "install the data extra: pip install trimtab[data]"
        )
        raise DataError([problem]) from exc
    frame = load_sp500_dataset()
    closes = frame.to_numpy(dtype=float)
    closes = closes / closes[0] * START_PRICE
    symbols = tuple(str(c) for c in frame.columns)
    dates = frame.index.to_numpy().astype("datetime64[D]")
    classes = tuple(SECTORS.get(s, "us_large") for s in symbols)
    return Market(dates, symbols, closes, classes, "skfolio sp500_dataset")


def synthetic(
    n_names: int = 100,
    years: float = 10.0,
    *,
    seed: int = 42,
    sectors: int = 10,
    market_vol: float = 0.16,
    sector_vol: float = 0.10,
    idio_vol: float = 0.25,
    drift: float = 0.07,
    start: str = "2010-01-04",
) -> Market:
    """Seeded factor-model prices: market + sector + stock shocks, daily, business days.

    Defaults give single stocks about 31% annual volatility and a pairwise correlation near 0.3
    (0.4 within a sector), close to large US stocks, so losses appear in lots even in up years.
    """
    rng = np.random.default_rng(seed)
    days = round(years * 252)
    dt = 1 / 252
    sector = np.arange(n_names) % sectors
    shocks = (
        market_vol * rng.standard_normal((days, 1))
        + sector_vol * rng.standard_normal((days, sectors))[:, sector]
        + idio_vol * rng.standard_normal((days, n_names))
    ) * np.sqrt(dt)
    var = market_vol**2 + sector_vol**2 + idio_vol**2
    logret = (drift - var / 2) * dt + shocks
    closes = START_PRICE * np.exp(np.cumsum(logret, axis=0))
    closes = np.vstack([np.full((1, n_names), START_PRICE), closes])
    dates = np.busday_offset(np.datetime64(start, "D"), np.arange(days + 1), roll="forward")
    symbols = tuple(f"S{i:03d}" for i in range(n_names))
    classes = tuple(f"sector_{k}" for k in sector)
    return Market(dates, symbols, closes, classes, f"synthetic(seed={seed})")


def with_bonds(
    market: Market, n_bonds: int = 2, *, seed: int = 7, vol: float = 0.05, drift: float = 0.04
) -> Market:
    """`market` plus `n_bonds` synthetic aggregate-bond funds (class `us_bond`, about 5% a year
    of volatility, nearly perfectly correlated with each other, uncorrelated with stocks): no
    bond prices ship with the real data set."""
    rng = np.random.default_rng(seed)
    days = len(market.dates) - 1
    common = rng.standard_normal((days, 1)) * vol * 0.98
    own = rng.standard_normal((days, n_bonds)) * vol * 0.2
    logret = (drift - vol**2 / 2) / 252 + (common + own) / np.sqrt(252)
    closes = START_PRICE * np.exp(np.vstack([np.zeros((1, n_bonds)), np.cumsum(logret, 0)]))
    symbols = tuple(f"BOND{i + 1}" for i in range(n_bonds))
    return Market(
        market.dates, market.symbols + symbols, np.hstack([market.closes, closes]),
        market.classes + ("us_bond",) * n_bonds, f"{market.source} + {n_bonds} synthetic bonds",
    )  # fmt: skip
