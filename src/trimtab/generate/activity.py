"""Recent transactions, restrictions and cash requests.

Transactions fall in the last WINDOW_DAYS calendar days before the as-of date, after every
opening lot, so part of them sits inside the 30-day wash-sale window. A sell relieves part or all
of one opening lot (named by lot_id, or left to the account's lot method) and there is at most
one sell per account and symbol, so no sell can exceed what the account holds at that time.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from trimtab.book.schema import CASH_FLOWS, RESTRICTIONS, TRANSACTIONS
from trimtab.generate.columns import Table, dates_text, decimals, ids, money
from trimtab.generate.lots import FRACTION_PLACES, Holdings
from trimtab.generate.models import DI_BLEND, DI_MODEL
from trimtab.generate.people import People
from trimtab.generate.prices import Paths
from trimtab.generate.universe import Universe
from trimtab.names import TAG_PREFIX

WINDOW_DAYS = 45
"""Transactions are dated within this many calendar days before the as-of date."""
ACTIVE_P = 0.08
"""Share of managed, funded accounts with recent transactions."""
SELL_P = {False: 0.15, True: 0.05}
"""Per position of an active account: chance of a recent sell (ETFs False, stocks True)."""
FULL_SELL_P, NAMED_LOT_P = 0.5, 0.7
"""A sell relieves its whole lot with FULL_SELL_P, and names the lot with NAMED_LOT_P."""
SWAP_P = 0.3
"""Chance that an ETF sell is a harvest swap: the same day, buy another ETF of its class."""
BUY_P = {False: 0.10, True: 0.03}
"""Per position of an active account: chance of a recent additional buy."""
DI_EXCLUSIONS = {"fossil_fuels": 0.25, "tobacco": 0.10, "weapons": 0.06, "gambling": 0.04}
"""Chance that a direct-indexed account excludes each tag."""
HOUSEHOLD_EXCLUSIONS = {"fossil_fuels": 0.03, "alcohol": 0.01}
NO_SELL_P, NO_BUY_P = 0.02, 0.02
"""Shares of managed accounts with a no_sell rule on a held symbol / a no_buy rule on an ETF."""
ACCOUNT_FLOW_P, DEPOSIT_P, HOUSEHOLD_FLOW_P = 0.03, 0.4, 0.01
"""Shares of accounts and households with a cash request, and of those requests that deposit."""


@dataclass(frozen=True, slots=True)
class Trades:
    """Transactions as columns (indexes into accounts, securities and trading days)."""

    account: np.ndarray
    security: np.ndarray
    day: np.ndarray
    buy: np.ndarray
    quantity: np.ndarray
    lot_id: np.ndarray


def build_transactions(
    people: People,
    lots: Holdings,
    universe: Universe,
    paths: Paths,
    first_day: int,
    rng: np.random.Generator,
) -> Table:
    """Sells of opening lots, harvest swaps and added buys on trading days from `first_day`."""
    n_days = len(paths.dates)
    active = people.managed & people.funded & (rng.random(len(people.account_ids)) < ACTIVE_P)
    head = np.ones(len(lots.account), dtype=bool)
    head[1:] = (np.diff(lots.account) != 0) | (np.diff(lots.security) != 0)
    head &= active[lots.account]
    stock = universe.is_stock[lots.security]
    sell = head & (rng.random(len(head)) < np.where(stock, SELL_P[True], SELL_P[False]))
    sells = _sells(lots, np.flatnonzero(sell), people, first_day, n_days, rng)
    buy = head & ~sell & (rng.random(len(head)) < np.where(stock, BUY_P[True], BUY_P[False]))
    idx = np.flatnonzero(buy)
    day = rng.integers(first_day, n_days, len(idx))
    value = people.value[lots.account[idx]] * rng.uniform(0.005, 0.03, len(idx))
    adds = _buys(lots.account[idx], lots.security[idx], day, value, people, paths)
    swap = ~universe.is_stock[sells.security] & (rng.random(len(sells.day)) < SWAP_P)
    swapped = universe.other_etf(sells.security[swap], rng)
    sold_value = sells.quantity[swap] * paths.closes[sells.day[swap], sells.security[swap]]
    swaps = _buys(sells.account[swap], swapped, sells.day[swap], sold_value, people, paths)
    return _table(_concat(sells, adds, swaps), people, universe, paths)


def _sells(
    lots: Holdings,
    chosen: np.ndarray,
    people: People,
    first_day: int,
    n_days: int,
    rng: np.random.Generator,
) -> Trades:
    held = lots.quantity[chosen]
    acc = lots.account[chosen]
    part = held * rng.uniform(0.2, 0.9, len(chosen))
    part = np.where(people.fractional[acc], np.round(part, FRACTION_PLACES), np.floor(part))
    full = (rng.random(len(chosen)) < FULL_SELL_P) | (part <= 0)
    named = rng.random(len(chosen)) < NAMED_LOT_P
    return Trades(
        account=acc,
        security=lots.security[chosen],
        day=rng.integers(first_day, n_days, len(chosen)),
        buy=np.zeros(len(chosen), dtype=bool),
        quantity=np.where(full, held, np.minimum(part, held)),
        lot_id=np.where(named, lots.lot_ids[chosen], ""),
    )


def _buys(
    acc: np.ndarray,
    sec: np.ndarray,
    day: np.ndarray,
    value: np.ndarray,
    people: People,
    paths: Paths,
) -> Trades:
    """Buys of about `value` USD each, at least one share (or 0.001 in fractional accounts)."""
    raw = value / paths.closes[day, sec]
    fractional = people.fractional[acc]
    step = np.where(fractional, 10.0**-FRACTION_PLACES, 1.0)
    quantity = np.maximum(np.where(fractional, np.round(raw, FRACTION_PLACES), np.rint(raw)), step)
    lot_id = np.full(len(acc), "", dtype=object)
    return Trades(acc, sec, day, np.ones(len(acc), dtype=bool), quantity, lot_id)


def _concat(*parts: Trades) -> Trades:
    """All trades by date, account, symbol (sells first); buys numbered T00000001... in order."""
    names = [f.name for f in fields(Trades)]
    merged = Trades(*(np.concatenate([getattr(p, name) for p in parts]) for name in names))
    order = np.lexsort((merged.buy, merged.security, merged.account, merged.day))
    t = Trades(*(getattr(merged, name)[order] for name in names))
    lot_id = t.lot_id.astype(object)
    lot_id[t.buy] = ids("T", int(t.buy.sum()), 8)
    return Trades(t.account, t.security, t.day, t.buy, t.quantity, lot_id)


def _table(t: Trades, people: People, universe: Universe, paths: Paths) -> Table:
    return Table(TRANSACTIONS, {
        "account_id": people.account_ids[t.account].tolist(),
        "date": dates_text(paths.dates, t.day),
        "symbol": universe.symbols[t.security].tolist(),
        "side": np.where(t.buy, "buy", "sell").tolist(),
        "quantity": decimals(t.quantity, FRACTION_PLACES),
        "price": money(paths.closes[t.day, t.security]),
        "lot_id": [str(x) for x in t.lot_id],
    })  # fmt: skip


def build_restrictions(
    people: People, lots: Holdings, universe: Universe, rng: np.random.Generator
) -> Table:
    """Tag exclusions for direct-indexed accounts and some households; symbol no_sell/no_buy."""
    scope: list[np.ndarray] = []
    target: list[np.ndarray] = []
    rule: list[np.ndarray] = []

    def add(who: np.ndarray, what: np.ndarray | str, how: str) -> None:
        scope.append(who)
        target.append(np.broadcast_to(np.asarray(what, dtype=object), who.shape))
        rule.append(np.full(len(who), how, dtype=object))

    direct = people.managed & np.isin(people.holding_model, [DI_MODEL, DI_BLEND])
    for tag, p in DI_EXCLUSIONS.items():
        add(people.account_ids[direct & (rng.random(len(direct)) < p)], TAG_PREFIX + tag, "exclude")
    for tag, p in HOUSEHOLD_EXCLUSIONS.items():
        chosen = rng.random(len(people.household_ids)) < p
        add(people.household_ids[chosen], TAG_PREFIX + tag, "exclude")
    first_lot = np.searchsorted(lots.account, np.arange(len(people.account_ids)))
    has_lot = np.isin(np.arange(len(people.account_ids)), lots.account)
    no_sell = people.managed & has_lot & (rng.random(len(has_lot)) < NO_SELL_P)
    held = lots.security[first_lot[no_sell]]
    add(people.account_ids[no_sell], universe.symbols[held].astype(object), "no_sell")
    etfs = np.flatnonzero(~universe.is_stock)
    no_buy = people.managed & (rng.random(len(has_lot)) < NO_BUY_P)
    picked = etfs[rng.integers(0, len(etfs), int(no_buy.sum()))]
    add(people.account_ids[no_buy], universe.symbols[picked].astype(object), "no_buy")
    return Table(RESTRICTIONS, {
        "scope": np.concatenate(scope).tolist(),
        "target": np.concatenate(target).tolist(),
        "rule": np.concatenate(rule).tolist(),
    })  # fmt: skip


def build_cash_flows(people: People, rng: np.random.Generator) -> Table:
    """Deposits and withdrawals (USD, to $100) for a few accounts and households."""
    n_acc, n_hh = len(people.account_ids), len(people.household_ids)
    chosen = people.managed & people.funded & (rng.random(n_acc) < ACCOUNT_FLOW_P)
    sign = np.where(rng.random(n_acc) < DEPOSIT_P, 1.0, -1.0)
    amount = np.maximum(np.round(people.value * rng.uniform(0.02, 0.10, n_acc), -2), 100.0) * sign
    hh = rng.random(n_hh) < HOUSEHOLD_FLOW_P
    hh_amount = -np.maximum(np.round(rng.lognormal(9.5, 0.8, n_hh), -2), 100.0)
    scopes = np.concatenate([people.account_ids[chosen], people.household_ids[hh]])
    return Table(CASH_FLOWS, {
        "scope": scopes.tolist(),
        "amount": money(np.concatenate([amount[chosen], hh_amount[hh]])),
    })  # fmt: skip
