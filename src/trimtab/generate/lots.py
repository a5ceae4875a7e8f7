"""Opening tax lots: each funded account holds its model, drifted, bought over past years.

A position's value today is the account's value times its model weight, with a log-normal
drift; it is split into 1-3 lots bought on random trading days of the past LOT_YEARS at that
day's simulated close, so the book has gains and losses, short- and long-term lots. Some ETF
positions are held in another ETF of the same class (a legacy or transferred-in holding), and a
direct-indexed account misses a few names.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from trimtab.book.schema import LOTS
from trimtab.generate.columns import Table, dates_text, decimals, ids, money
from trimtab.generate.models import Lineup
from trimtab.generate.people import People
from trimtab.generate.prices import DAYS_PER_YEAR, Paths
from trimtab.generate.universe import Universe

LOT_YEARS = 6
"""Lots are acquired over this many past years."""
RECENT_LOT_P, RECENT_DAYS = 0.2, 280
"""Share of lots bought within the last RECENT_DAYS trading days (recent money and trades)."""
DRIFT_SIGMA = 0.15
"""Standard deviation of the log drift of a position's value from its model weight."""
SUBSTITUTE_P = 0.15
"""Share of ETF positions held in another ETF of the same asset class."""
MISSING_STOCK_P = 0.10
"""Share of a direct-indexed model's stocks an account does not hold."""
EXTRA_LOTS = {False: 0.25, True: 0.15}
"""Lots per position are 1 + Binomial(2, p); p for ETFs (False) and stocks (True)."""
FRACTION_PLACES = 3
"""Decimals of share quantities in fractional accounts (others hold whole shares)."""


@dataclass(frozen=True, eq=False)
class Holdings:
    """The opening lots as columns (indexes into accounts, securities and trading days)."""

    table: Table
    account: np.ndarray
    security: np.ndarray
    quantity: np.ndarray
    acquired: np.ndarray
    lot_ids: np.ndarray


def build_lots(
    people: People,
    lineup: Lineup,
    universe: Universe,
    paths: Paths,
    last_day: int,
    rng: np.random.Generator,
) -> Holdings:
    """Lots of every funded account, acquired on trading days up to index `last_day`."""
    account, security, value = _positions(people, lineup, universe, rng)
    stock = universe.is_stock[security]
    per_position = 1 + rng.binomial(2, np.where(stock, EXTRA_LOTS[True], EXTRA_LOTS[False]))
    pos = np.repeat(np.arange(len(account)), per_position)
    share = rng.uniform(0.2, 1.0, len(pos))
    starts = np.r_[0, np.cumsum(per_position)[:-1]].astype(np.int64)
    totals = np.add.reduceat(share, starts) if len(pos) else share
    share = share / np.repeat(totals, per_position)
    acquired = _acquired(len(pos), last_day, rng)
    acc, sec = account[pos], security[pos]
    fractional = people.fractional[acc]
    raw = value[pos] * share / paths.today[sec]
    quantity = np.where(fractional, np.round(raw, FRACTION_PLACES), np.rint(raw))
    keep = quantity > 0
    acc, sec, quantity, acquired = acc[keep], sec[keep], quantity[keep], acquired[keep]
    cost = np.round(quantity * paths.closes[acquired, sec], 2)
    lot_ids = ids("L", len(acc), 8)
    table = Table(LOTS, {
        "account_id": people.account_ids[acc].tolist(),
        "symbol": universe.symbols[sec].tolist(),
        "quantity": decimals(quantity, FRACTION_PLACES),
        "cost_basis": money(cost),
        "acquired": dates_text(paths.dates, acquired),
        "lot_id": lot_ids.tolist(),
    })  # fmt: skip
    return Holdings(table, acc, sec, quantity, acquired, lot_ids)


def _positions(
    people: People, lineup: Lineup, universe: Universe, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(account, security, value USD today) of every position, grouped by account."""
    parts_acc, parts_sec, parts_w = [], [], []
    funded = np.flatnonzero(people.funded)
    models = people.holding_model[funded]
    for model_id in np.unique(models):
        accounts = funded[models == model_id]
        sec, w = lineup.holdings[str(model_id)]
        parts_acc.append(np.repeat(accounts, len(sec)))
        parts_sec.append(np.tile(sec, len(accounts)))
        parts_w.append(np.tile(w, len(accounts)))
    if not parts_acc:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0)
    account, security = np.concatenate(parts_acc), np.concatenate(parts_sec)
    weight = np.concatenate(parts_w)
    order = np.argsort(account, kind="stable")
    account, security, weight = account[order], security[order], weight[order]
    value = people.value[account] * weight * rng.lognormal(0.0, DRIFT_SIGMA, len(account))
    swap = ~universe.is_stock[security] & (rng.random(len(security)) < SUBSTITUTE_P)
    security = np.where(swap, universe.other_etf(security, rng), security)
    keep = ~(universe.is_stock[security] & (rng.random(len(security)) < MISSING_STOCK_P))
    return account[keep], security[keep], value[keep]


def _acquired(n: int, last_day: int, rng: np.random.Generator) -> np.ndarray:
    """Trading-day indexes of lot purchases: uniform over LOT_YEARS, some in the recent past."""
    first = max(0, last_day - LOT_YEARS * DAYS_PER_YEAR)
    old = rng.integers(first, last_day + 1, n)
    recent = rng.integers(max(first, last_day - RECENT_DAYS), last_day + 1, n)
    return np.where(rng.random(n) < RECENT_LOT_P, recent, old)
