"""Holdings before and after a proposal against target, per account and per household.

What a reviewer opens first: for every security an account holds, targets or trades, its model
weight and its weight and value before and after the proposed trades. Cash is a row too (symbol
`CASH`), so an account's weights sum to 1 before and after.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

import numpy as np

from trimtab.measures.drift import household_target
from trimtab.money import cents
from trimtab.names import CASH, Side
from trimtab.rebalance.orders import OrderedTrade
from trimtab.rebalance.proposal import Position
from trimtab.snapshot import Snapshot


def positions(
    snap: Snapshot, trades: Sequence[OrderedTrade], cash_after: Sequence[Decimal]
) -> tuple[tuple[Position, ...], tuple[Position, ...]]:
    """(account rows, household rows) for one household's proposal.

    `trades` carry `account_id`, `symbol`, `side` and `quantity` (shares); `cash_after[a]` is
    account a's cash after the proposal, USD. Rows are in account order, then symbol order, with
    `CASH` last; a security with nothing held, targeted or traded is left out.
    """
    before = snap.holdings()
    after = before + _net_shares(snap, trades)
    traded = _traded_mask(snap, trades)
    cash_before = snap.cash.astype(float)
    cash_after_f = np.array([float(c) for c in cash_after], dtype=float)
    accounts = _account_rows(snap, before, after, traded, cash_before, cash_after_f)
    household = _household_rows(snap, before, after, traded, cash_before, cash_after_f)
    return accounts, household


def _net_shares(snap: Snapshot, trades: Sequence[OrderedTrade]) -> np.ndarray:
    """(A, S) shares bought minus shares sold."""
    out = np.zeros((len(snap.accounts), len(snap.securities)))
    account = {a.account_id: i for i, a in enumerate(snap.accounts)}
    security = {s.symbol: i for i, s in enumerate(snap.securities)}
    for t in trades:
        sign = 1.0 if t.side is Side.BUY else -1.0
        key = account[t.account_id], security[t.symbol]
        out[key] += sign * float(t.quantity)
    return out


def _traded_mask(snap: Snapshot, trades: Sequence[OrderedTrade]) -> np.ndarray:
    mask = np.zeros((len(snap.accounts), len(snap.securities)), dtype=bool)
    account = {a.account_id: i for i, a in enumerate(snap.accounts)}
    security = {s.symbol: i for i, s in enumerate(snap.securities)}
    for t in trades:
        mask[account[t.account_id], security[t.symbol]] = True
    return mask


def _rows(
    account_id: str,
    household_id: str,
    symbols: list[str],
    target: np.ndarray,
    target_cash: float,
    values: tuple[np.ndarray, np.ndarray],
    cash: tuple[float, float],
    show: np.ndarray,
) -> list[Position]:
    """One portfolio's rows: `values` (before, after) are USD per security."""
    total_b = float(values[0].sum()) + cash[0]
    total_a = float(values[1].sum()) + cash[1]
    out = []
    for s in np.flatnonzero(show):
        out.append(
            Position(
                account_id, household_id, symbols[s], float(target[s]),
                _share(values[0][s], total_b), _share(values[1][s], total_a),
                _usd(values[0][s]), _usd(values[1][s]),
            )
        )  # fmt: skip
    if target_cash > 0 or cash[0] != 0 or cash[1] != 0:
        out.append(
            Position(
                account_id, household_id, CASH, target_cash, _share(cash[0], total_b),
                _share(cash[1], total_a), _usd(cash[0]), _usd(cash[1]),
            )
        )  # fmt: skip
    return out


def _account_rows(
    snap: Snapshot,
    before: np.ndarray,
    after: np.ndarray,
    traded: np.ndarray,
    cash_before: np.ndarray,
    cash_after: np.ndarray,
) -> tuple[Position, ...]:
    order = np.argsort(np.array(snap.symbols, dtype=object))
    symbols = [snap.symbols[s] for s in order]
    out: list[Position] = []
    for a, account in enumerate(snap.accounts):
        vb, va = (before[a] * snap.prices)[order], (after[a] * snap.prices)[order]
        target = snap.targets[a][order]
        show = (np.abs(before[a]) > 1e-9) | (np.abs(after[a]) > 1e-9) | (snap.targets[a] > 0)
        show = (show | traded[a])[order]
        cash = (float(cash_before[a]), float(cash_after[a]))
        out += _rows(
            account.account_id, account.household_id, symbols, target,
            float(snap.target_cash[a]), (vb, va), cash, show,
        )  # fmt: skip
    return tuple(out)


def _household_rows(
    snap: Snapshot,
    before: np.ndarray,
    after: np.ndarray,
    traded: np.ndarray,
    cash_before: np.ndarray,
    cash_after: np.ndarray,
) -> tuple[Position, ...]:
    if snap.household_target is not None:
        target, tcash = snap.household_target, snap.household_target_cash
    else:
        values = snap.account_values(before)
        target, tcash = household_target(values, snap.targets, snap.target_cash)
    order = np.argsort(np.array(snap.symbols, dtype=object))
    held_b, held_a = before.sum(0), after.sum(0)
    show = (np.abs(held_b) > 1e-9) | (np.abs(held_a) > 1e-9) | (target > 0) | traded.any(0)
    return tuple(
        _rows(
            "", snap.household.household_id, [snap.symbols[s] for s in order], target[order],
            tcash, ((held_b * snap.prices)[order], (held_a * snap.prices)[order]),
            (float(cash_before.sum()), float(cash_after.sum())), show[order],
        )
    )  # fmt: skip


def _share(value: float, total: float) -> float:
    return float(value) / total if total > 0 else 0.0


def _usd(value: float) -> Decimal:
    return cents(Decimal(repr(round(float(value), 6))))
