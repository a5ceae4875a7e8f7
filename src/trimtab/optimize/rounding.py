"""Rounding to tradable shares at one boundary, then repairing what rounding broke.

Sells round per lot to whole shares (a lot sold almost whole is sold whole, fractional shares
included); buys round down. Trades under the account's minimum are dropped (forced screen
sales excepted). First the household's gain and tax caps are repaired (gain sells trimmed),
then each account's cash (buys trimmed, else more sold from the lots cheapest in tax); an account
whose cash could only be kept by breaking a cap fails (an exception, never a broken constraint).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from trimtab.optimize.problem import ProblemData

TOLERANCE = 1e-9


@dataclass(frozen=True, eq=False)
class Rounded:
    """Shares: `sells[l]` per lot of the problem, `buys[a, s]`; `failed[a]` names accounts whose
    cash could not be kept at the reserve in whole shares."""

    sells: np.ndarray
    buys: np.ndarray
    failed: tuple[int, ...] = ()


def round_solution(
    data: ProblemData,
    sells: np.ndarray,
    buys: np.ndarray,
    placed: np.ndarray | None,
    prices: np.ndarray,
    lot_qty: np.ndarray,
    *,
    fractional: np.ndarray,
    min_trade: np.ndarray,
) -> Rounded:
    """Shares for a solution (fractions of scale in, shares out), account by account."""
    lot_price = prices[data.lot_security]
    step_lot = np.where(fractional[data.lot_account], 1e-4, 1.0)
    want = sells * data.scale / lot_price
    whole = (want >= lot_qty - 0.5 * step_lot) | (data.lot_min > 0)
    sell_sh = np.where(whole, lot_qty, np.round(want / step_lot) * step_lot)
    sell_sh = np.clip(np.where(data.lot_max > 0, sell_sh, 0.0), 0.0, lot_qty)
    step_acct = np.where(fractional, 1e-4, 1.0)[:, None]
    buy_sh = np.floor(buys * data.scale / prices / step_acct + 1e-7) * step_acct
    sell_sh = _repair_gain(data, sell_sh, lot_price, step_lot)
    failed = []
    for a in range(data.holdings.shape[0]):
        mine = data.lot_account == a
        sell_sh[mine], buy_sh[a] = _min_trade(
            data.lot_security[mine], data.lot_min[mine], sell_sh[mine], buy_sh[a], prices,
            float(min_trade[a]),
        )  # fmt: skip
        extra = 0.0 if placed is None else float(placed[a])
        ok = _repair_cash(
            data, a, sell_sh, buy_sh[a], prices, lot_qty, float(step_acct[a, 0]), extra
        )
        if not ok:
            failed.append(a)
    if _cap_excess(data, sell_sh, lot_price) > 1e-6:  # cash kept only beyond the budget
        failed = sorted(set(failed) | set(data.lot_account[sell_sh > 0].tolist()))
    return Rounded(sell_sh, buy_sh, tuple(failed))


def _min_trade(
    lot_sec: np.ndarray,
    lot_min: np.ndarray,
    sell_sh: np.ndarray,
    buy_sh: np.ndarray,
    prices: np.ndarray,
    min_trade: float,
) -> tuple[np.ndarray, np.ndarray]:
    if min_trade <= 0:
        return sell_sh, buy_sh
    buy_sh = np.where(buy_sh * prices < min_trade, 0.0, buy_sh)
    per_sec = np.zeros(len(prices))
    np.add.at(per_sec, lot_sec, sell_sh * prices[lot_sec])
    small = (per_sec < min_trade)[lot_sec] & (lot_min <= 0)
    return np.where(small, 0.0, sell_sh), buy_sh


def cash_after(
    data: ProblemData,
    a: int,
    sell_sh: np.ndarray,
    buy_sh_a: np.ndarray,
    prices: np.ndarray,
    placed: float = 0.0,
) -> float:
    """USD cash of account `a` after trades and its cash requests, each trade's value rounded to
    cents against the account (sales down, buys up) as the exact ledger may round it."""
    mine = data.lot_account == a
    proceeds = float(np.floor(sell_sh[mine] * prices[data.lot_security[mine]] * 100 + 1e-6).sum())
    cost = float(np.ceil(buy_sh_a * prices * 100 - 1e-6).sum())
    start = (data.cash[a] + data.flow[a] + placed) * data.scale
    return start + (proceeds - cost) / 100


def _repair_cash(
    data: ProblemData,
    a: int,
    sell_sh: np.ndarray,
    buy_sh: np.ndarray,
    prices: np.ndarray,
    lot_qty: np.ndarray,
    step: float,
    placed: float,
) -> bool:
    """Trim buys, then sell more of the cheapest lots, until cash is at the reserve (in place)."""
    short = data.reserve[a] * data.scale - cash_after(data, a, sell_sh, buy_sh, prices, placed)
    for s in np.argsort(-(buy_sh * prices)):
        if short <= TOLERANCE:
            break
        cut = min(buy_sh[s], np.ceil(short / prices[s] / step) * step)
        buy_sh[s] -= cut
        short -= cut * prices[s]
    if short <= TOLERANCE:
        return True
    lot_price = prices[data.lot_security]
    room = np.where((data.lot_max > 0) & (data.lot_account == a), lot_qty - sell_sh, 0.0)
    for lot in np.argsort(data.lot_tax, kind="stable"):
        if short <= TOLERANCE:
            break
        if room[lot] <= 0:
            continue
        extra = min(room[lot], np.ceil(short / lot_price[lot] / step) * step)
        sell_sh[lot] += extra
        short -= extra * lot_price[lot]
    return short <= TOLERANCE


def _caps(data: ProblemData) -> list[tuple[np.ndarray, float]]:
    """The household's caps as (per unit sold of each lot, cap): net gain, then its tax."""
    out = []
    if data.gain_cap is not None:
        out.append((data.lot_gain, data.gain_cap))
    if data.tax_cap is not None:
        out.append((data.lot_gain * data.lot_tax_rate, data.tax_cap))
    return out


def _cap_excess(data: ProblemData, sell_sh: np.ndarray, lot_price: np.ndarray) -> float:
    """USD by which the rounded sells break the worst of the caps (<= 0: none broken)."""
    return max(
        (float(sell_sh @ (unit * lot_price)) - cap * data.scale for unit, cap in _caps(data)),
        default=0.0,
    )


def _repair_gain(
    data: ProblemData, sell_sh: np.ndarray, lot_price: np.ndarray, step: np.ndarray
) -> np.ndarray:
    """Trim gain sells (largest gain first) until the gain and tax caps hold again."""
    for unit, cap in _caps(data):
        sell_sh = _repair_cap(data, unit, cap, sell_sh, lot_price, step)
    return sell_sh


def _repair_cap(
    data: ProblemData,
    unit: np.ndarray,
    cap: float,
    sell_sh: np.ndarray,
    lot_price: np.ndarray,
    step: np.ndarray,
) -> np.ndarray:
    gain_per_share = unit * lot_price
    excess = float(sell_sh @ gain_per_share) - cap * data.scale
    for lot in np.argsort(-unit, kind="stable"):
        if excess <= 1e-6 or gain_per_share[lot] <= 0:
            break
        if data.lot_min[lot] > 0:
            continue
        cut = min(sell_sh[lot], np.ceil(excess / gain_per_share[lot] / step[lot]) * step[lot])
        sell_sh[lot] -= cut
        excess -= cut * gain_per_share[lot]
    return sell_sh
