"""The sample book's security universe: an ETF lineup over ten asset classes and ~100 stocks.

The universe is fixed (it does not depend on the seed), so books of different seeds share their
symbols and models and differ only in prices, people and holdings. Stocks are fictional; ETF
tickers are real ones used for realism only, with made-up prices.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

US_LARGE = "us_large"


@dataclass(frozen=True, slots=True)
class AssetClass:
    """An asset class with its simulated annual drift and volatility (fractions per year)."""

    name: str
    drift: float
    vol: float
    equity: bool
    etfs: tuple[tuple[str, float, str], ...]
    """(symbol, start price USD, wash_group or "") for 2-3 interchangeable ETFs."""


# Wash groups are given only where two funds track the very same index (S&P 500; Bloomberg US
# Aggregate): those are the pairs most practitioners treat as substantially identical.
ASSET_CLASSES: tuple[AssetClass, ...] = (
    AssetClass(US_LARGE, 0.08, 0.16, True,
               (("VOO", 330.0, "sp500"), ("IVV", 360.0, "sp500"), ("SCHX", 38.0, ""))),
    AssetClass("us_mid", 0.08, 0.19, True,
               (("IJH", 42.0, ""), ("VO", 190.0, ""), ("SCHM", 60.0, ""))),
    AssetClass("us_small", 0.07, 0.22, True,
               (("IJR", 80.0, ""), ("VB", 160.0, ""), ("SCHA", 38.0, ""))),
    AssetClass("intl_developed", 0.05, 0.17, True,
               (("VEA", 40.0, ""), ("IEFA", 62.0, ""), ("SCHF", 33.0, ""))),
    AssetClass("emerging", 0.05, 0.21, True,
               (("VWO", 42.0, ""), ("IEMG", 50.0, ""), ("SCHE", 25.0, ""))),
    AssetClass("reit", 0.06, 0.22, True,
               (("VNQ", 85.0, ""), ("SCHH", 20.0, ""), ("USRT", 50.0, ""))),
    AssetClass("us_aggregate", 0.025, 0.06, False,
               (("AGG", 110.0, "us_agg"), ("SCHZ", 50.0, "us_agg"), ("BND", 82.0, ""))),
    AssetClass("treasury", 0.02, 0.05, False,
               (("GOVT", 27.0, ""), ("VGIT", 64.0, ""), ("SCHR", 54.0, ""))),
    AssetClass("tips", 0.025, 0.06, False, (("TIP", 115.0, ""), ("SCHP", 56.0, ""))),
    AssetClass("municipal", 0.02, 0.05, False,
               (("MUB", 108.0, ""), ("VTEB", 52.0, ""), ("TFI", 47.0, ""))),
)  # fmt: skip

# Sector: (share of the index's cap, number of stocks, {tag: how many of the sector carry it}).
SECTORS: tuple[tuple[str, float, int, dict[str, int]], ...] = (
    ("technology", 0.30, 22, {}),
    ("financials", 0.13, 12, {"gambling": 1}),
    ("health_care", 0.12, 11, {}),
    ("consumer_discretionary", 0.10, 10, {"gambling": 2, "alcohol": 1}),
    ("communication", 0.09, 7, {"adult_content": 1}),
    ("industrials", 0.08, 10, {"weapons": 4}),
    ("consumer_staples", 0.06, 8, {"tobacco": 2, "alcohol": 2}),
    ("energy", 0.04, 7, {"fossil_fuels": 7}),
    ("utilities", 0.03, 5, {"fossil_fuels": 2}),
    ("materials", 0.03, 5, {"fossil_fuels": 1}),
    ("real_estate", 0.02, 3, {}),
)
STOCK_DRIFT, STOCK_VOL = 0.09, 0.28
"""Annual drift and volatility of a single stock (fractions)."""

_UNIVERSE_SEED = 20_260_101
"""Fixed: the stock tickers, tags and cap weights are the same for every book seed."""


@dataclass(frozen=True, eq=False)
class Universe:
    """Every security as columns, ETFs first (class by class), then stocks (sector by sector).

    `cls` indexes ASSET_CLASSES (stocks are us_large); `sector` indexes SECTORS (-1 for ETFs);
    `cap` is a stock's index weight (0 for ETFs; the stocks' caps sum to 1).
    """

    symbols: np.ndarray
    asset_class: np.ndarray
    tags: np.ndarray
    wash_group: np.ndarray
    start_price: np.ndarray
    drift: np.ndarray
    vol: np.ndarray
    cls: np.ndarray
    sector: np.ndarray
    is_stock: np.ndarray
    cap: np.ndarray

    def __len__(self) -> int:
        return len(self.symbols)

    def class_etfs(self, cls: int) -> np.ndarray:
        """Indexes of the ETFs of an asset class, lineup order (the first is the primary)."""
        return np.flatnonzero((self.cls == cls) & ~self.is_stock)

    def other_etf(self, security: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """For each ETF index, a different ETF of its asset class at random (stocks: itself)."""
        n_classes = len(ASSET_CLASSES)
        members = [self.class_etfs(c) for c in range(n_classes)]
        count = np.array([len(m) for m in members])
        table = np.zeros((n_classes, int(count.max())), dtype=np.int64)
        rank = np.zeros(len(self), dtype=np.int64)
        for c, m in enumerate(members):
            table[c, : len(m)] = m
            rank[m] = np.arange(len(m))
        cls = self.cls[security]
        shift = 1 + (rng.random(len(security)) * (count[cls] - 1)).astype(np.int64)
        other = table[cls, (rank[security] + shift) % count[cls]]
        return np.where(self.is_stock[security], security, other)


def build_universe() -> Universe:
    """The fixed universe: 29 ETFs over 10 classes and 100 fictional large-cap stocks."""
    keys = ("sym", "ac", "tags", "wg", "p0", "mu", "vol", "cls", "sector")
    cols: dict[str, list] = {k: [] for k in keys}
    for i, ac in enumerate(ASSET_CLASSES):
        for sym, p0, wg in ac.etfs:
            for key, val in zip(
                cols, (sym, ac.name, "", wg, p0, ac.drift, ac.vol, i, -1), strict=True
            ):
                cols[key].append(val)
    rng = np.random.default_rng(_UNIVERSE_SEED)
    tickers = _tickers(rng, sum(s[2] for s in SECTORS), set(cols["sym"]))
    caps: list[np.ndarray] = []
    k = 0
    for s, (sector, share, count, tagged) in enumerate(SECTORS):
        cap = np.sort(rng.pareto(1.2, count) + 1.0)[::-1]
        caps.append(share * cap / cap.sum())
        labels = [[f"sector_{sector}"] for _ in range(count)]
        for tag, n in tagged.items():
            for j in rng.choice(count, n, replace=False):
                labels[j].append(tag)
        for j in range(count):
            price = float(np.round(rng.uniform(20, 400), 2))
            tag_text = ";".join(sorted(labels[j]))
            values = (tickers[k], US_LARGE, tag_text, "", price, STOCK_DRIFT, STOCK_VOL, 0, s)
            for key, val in zip(cols, values, strict=True):
                cols[key].append(val)
            k += 1
    n_etf = len(cols["sym"]) - k
    cap_all = np.concatenate([np.zeros(n_etf), *caps])
    return Universe(
        symbols=np.array(cols["sym"]),
        asset_class=np.array(cols["ac"]),
        tags=np.array(cols["tags"]),
        wash_group=np.array(cols["wg"]),
        start_price=np.array(cols["p0"], dtype=float),
        drift=np.array(cols["mu"], dtype=float),
        vol=np.array(cols["vol"], dtype=float),
        cls=np.array(cols["cls"], dtype=np.int64),
        sector=np.array(cols["sector"], dtype=np.int64),
        is_stock=np.arange(len(cap_all)) >= n_etf,
        cap=cap_all,
    )


def _tickers(rng: np.random.Generator, n: int, taken: set[str]) -> list[str]:
    """`n` distinct fictional tickers of 3-4 letters, none equal to an ETF's or CASH."""
    letters = np.array(list("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
    out: list[str] = []
    seen = {*taken, "CASH"}
    while len(out) < n:
        word = "".join(rng.choice(letters, int(rng.integers(3, 5))))
        if word not in seen:
            seen.add(word)
            out.append(word)
    return out
