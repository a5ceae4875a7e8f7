"""Holdings before and after a proposal against target, per account and per household.

What a reviewer opens first: for every security an account holds, targets or trades, its model
weight and its weight and value before and after the proposed trades. Cash is a row too (symbol
`CASH`), so an account's weights sum to 1 before and after.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from itertools import chain
from typing import Any, NamedTuple

import numpy as np

from trimtab.measures.drift import household_target
from trimtab.money import rounded_cents_all
from trimtab.names import CASH, Side
from trimtab.rebalance.orders import OrderedTrade
from trimtab.rebalance.proposal import Position
from trimtab.snapshot import Snapshot


class _Rows(NamedTuple):
    """One portfolio's rows column by column, before their USD is rounded to cents."""

    ids: tuple[str, str]  # (account_id, household_id)
    symbols: list[str]
    target: list[float]
    weight_before: list[float]
    weight_after: list[float]
    usd_before: np.ndarray
    usd_after: np.ndarray


def positions(
    snap: Snapshot,
    trades: Sequence[OrderedTrade],
    cash_after: Sequence[Decimal],
    effects: tuple[np.ndarray, np.ndarray] | None = None,
) -> tuple[tuple[Position, ...], tuple[Position, ...]]:
    """(account rows, household rows) for one household's proposal.

    `trades` carry `account_id`, `symbol`, `side` and `quantity` (shares); `cash_after[a]` is
    account a's cash after the proposal, USD; `effects` is `trade_effects(snap, trades)` when
    the caller has it already. Rows are in account order, then symbol order, with `CASH` last;
    a security with nothing held, targeted or traded is left out.
    """
    before = snap.holdings()
    net, traded = effects if effects is not None else trade_effects(snap, trades)
    after = before + net
    cash = (snap.cash.astype(float), np.array([float(c) for c in cash_after], dtype=float))
    symbols = snap.symbols  # a property that rebuilds its list: read it once
    order = np.argsort(np.array(symbols, dtype=object))
    ordered = [symbols[s] for s in order]
    parts = _account_rows(snap, before, after, traded, cash, (order, ordered))
    parts.append(_household_rows(snap, before, after, traded, cash, (order, ordered)))
    rows = _positions(parts)
    n_household = len(parts[-1].symbols)
    return rows[: len(rows) - n_household], rows[len(rows) - n_household :]


def trade_effects(snap: Snapshot, trades: Sequence[OrderedTrade]) -> tuple[np.ndarray, np.ndarray]:
    """(A, S) shares bought minus shares sold, summed from 0 in trade order, and whether
    anything traded there (a buy and a sell that cancel still traded)."""
    net = np.zeros((len(snap.accounts), len(snap.securities)))
    mask = np.zeros(net.shape, dtype=bool)
    account = {a.account_id: i for i, a in enumerate(snap.accounts)}
    security = {s.symbol: i for i, s in enumerate(snap.securities)}
    for t in trades:
        sign = 1.0 if t.side is Side.BUY else -1.0
        key = account[t.account_id], security[t.symbol]
        net[key] += sign * float(t.quantity)
        mask[key] = True
    return net, mask


def _rows(
    ids: tuple[str, str],
    symbols: list[str],
    target: np.ndarray,
    target_cash: float,
    values: tuple[np.ndarray, np.ndarray],
    cash: tuple[float, float],
    show: np.ndarray,
) -> _Rows:
    """One portfolio's rows: `ids` are (account_id, household_id), `values` (before, after) USD
    per security. Weights are one array division each (the same IEEE quotient as per row)."""
    total_b = float(values[0].sum()) + cash[0]
    total_a = float(values[1].sum()) + cash[1]
    pick = np.flatnonzero(show)
    vb, va = values[0][pick], values[1][pick]
    rows = _Rows(
        ids, [symbols[s] for s in pick], target[pick].tolist(), _shares(vb, total_b),
        _shares(va, total_a), vb, va,
    )  # fmt: skip
    if target_cash > 0 or cash[0] != 0 or cash[1] != 0:
        rows.symbols.append(CASH)
        rows.target.append(target_cash)
        rows.weight_before.append(_share(cash[0], total_b))
        rows.weight_after.append(_share(cash[1], total_a))
        rows = rows._replace(usd_before=np.append(vb, cash[0]), usd_after=np.append(va, cash[1]))
    return rows


def _positions(parts: list[_Rows]) -> tuple[Position, ...]:
    """The `Position`s of `parts`, in order, their USD rounded to cents all at once (to 6
    decimals first: float noise such as 0.004999999 must not decide a cent)."""
    usd = rounded_cents_all(
        np.concatenate([p.usd_before for p in parts] + [p.usd_after for p in parts])
    )
    n = len(usd) // 2

    def column(of: Callable[[_Rows], list[Any]]) -> list[Any]:
        return list(chain.from_iterable(of(p) for p in parts))

    return tuple(
        map(
            Position, column(lambda p: [p.ids[0]] * len(p.symbols)),
            column(lambda p: [p.ids[1]] * len(p.symbols)), column(lambda p: p.symbols),
            column(lambda p: p.target), column(lambda p: p.weight_before),
            column(lambda p: p.weight_after), usd[:n], usd[n:],
        )
    )  # fmt: skip


def _account_rows(
    snap: Snapshot,
    before: np.ndarray,
    after: np.ndarray,
    traded: np.ndarray,
    cash: tuple[np.ndarray, np.ndarray],
    order: tuple[np.ndarray, list[str]],
) -> list[_Rows]:
    """Every account's rows; `order` is the symbol-order permutation and the ordered symbols."""
    perm, symbols = order
    value_b, value_a = (before * snap.prices)[:, perm], (after * snap.prices)[:, perm]
    shown = (np.abs(before) > 1e-9) | (np.abs(after) > 1e-9) | (snap.targets > 0) | traded
    return [
        _rows(
            (account.account_id, account.household_id), symbols, snap.targets[a][perm],
            float(snap.target_cash[a]), (value_b[a], value_a[a]),
            (float(cash[0][a]), float(cash[1][a])), shown[a][perm],
        )
        for a, account in enumerate(snap.accounts)
    ]  # fmt: skip


def _household_rows(
    snap: Snapshot,
    before: np.ndarray,
    after: np.ndarray,
    traded: np.ndarray,
    cash: tuple[np.ndarray, np.ndarray],
    order: tuple[np.ndarray, list[str]],
) -> _Rows:
    if snap.household_target is not None:
        target, tcash = snap.household_target, snap.household_target_cash
    else:
        values = snap.account_values(before)
        target, tcash = household_target(values, snap.targets, snap.target_cash)
    perm, symbols = order
    held_b, held_a = before.sum(0), after.sum(0)
    show = (np.abs(held_b) > 1e-9) | (np.abs(held_a) > 1e-9) | (target > 0) | traded.any(0)
    return _rows(
        ("", snap.household.household_id), symbols, target[perm], tcash,
        ((held_b * snap.prices)[perm], (held_a * snap.prices)[perm]),
        (float(cash[0].sum()), float(cash[1].sum())), show[perm],
    )  # fmt: skip


def _share(value: float, total: float) -> float:
    return float(value) / total if total > 0 else 0.0


def _shares(values: np.ndarray, total: float) -> list[float]:
    """`_share` of each value: the same float division, done once over the array."""
    return (values / total).tolist() if total > 0 else [0.0] * len(values)
