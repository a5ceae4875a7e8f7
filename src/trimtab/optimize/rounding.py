"""Rounding to tradable shares at one boundary, then repairing what rounding broke.

Sells round per lot to whole shares (a lot sold almost whole is sold whole, fractional shares
included); buys round down. Trades under the account's minimum are dropped (forced screen
sales excepted). Then cash is repaired (buys trimmed, else more sold from the cheapest lots) and
the gain cap is repaired (gain sells trimmed).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from trimtab.optimize.problem import ProblemData

TOLERANCE = 1e-9


@dataclass(frozen=True, eq=False)
class Rounded:
    """Shares: `sells[l]` per lot of the problem, `buys[s]` for its one account."""

    sells: np.ndarray
    buys: np.ndarray
    ok: bool
    note: str = ""


def round_account(
    data: ProblemData,
    sells: np.ndarray,
    buys: np.ndarray,
    prices: np.ndarray,
    lot_qty: np.ndarray,
    *,
    fractional: bool,
    min_trade: float,
) -> Rounded:
    """Shares for a one-account solution (fractions of scale in, shares out)."""
    step = 1e-4 if fractional else 1.0
    lot_price = prices[data.lot_security]
    want = sells * data.scale / lot_price
    whole = (want >= lot_qty - 0.5 * step) | (data.lot_min > 0)
    sell_sh = np.where(whole, lot_qty, np.round(want / step) * step)
    sell_sh = np.clip(np.where(data.lot_max > 0, sell_sh, 0.0), 0.0, lot_qty)
    buy_sh = np.floor(buys[0] * data.scale / prices / step + 1e-7) * step
    sell_sh, buy_sh = _min_trade(data, sell_sh, buy_sh, prices, min_trade)
    buy_sh, sell_sh, ok = _repair_cash(data, sell_sh, buy_sh, prices, lot_qty, step)
    sell_sh = _repair_gain(data, sell_sh, lot_price, step)
    note = "" if ok else "rounding to whole shares cannot keep cash at the reserve"
    return Rounded(sell_sh, buy_sh, ok, note)


def _min_trade(data, sell_sh, buy_sh, prices, min_trade):  # type: ignore[no-untyped-def]
    if min_trade <= 0:
        return sell_sh, buy_sh
    buy_sh = np.where(buy_sh * prices < min_trade, 0.0, buy_sh)
    per_sec = np.zeros(len(prices))
    np.add.at(per_sec, data.lot_security, sell_sh * prices[data.lot_security])
    small = (per_sec < min_trade)[data.lot_security] & (data.lot_min <= 0)
    return np.where(small, 0.0, sell_sh), buy_sh


def cash_after(data: ProblemData, sell_sh, buy_sh, prices) -> float:  # type: ignore[no-untyped-def]
    """USD cash of the account after trades and its cash request."""
    proceeds = float(sell_sh @ prices[data.lot_security])
    return (data.cash[0] + data.flow[0]) * data.scale + proceeds - float(buy_sh @ prices)


def _repair_cash(data, sell_sh, buy_sh, prices, lot_qty, step):  # type: ignore[no-untyped-def]
    reserve = data.reserve[0] * data.scale
    short = reserve - cash_after(data, sell_sh, buy_sh, prices)
    for s in np.argsort(-(buy_sh * prices)):
        if short <= TOLERANCE:
            break
        cut = min(buy_sh[s], np.ceil(short / prices[s] / step) * step)
        buy_sh[s] -= cut
        short -= cut * prices[s]
    if short > TOLERANCE:
        lot_price = prices[data.lot_security]
        room = np.where(data.lot_max > 0, lot_qty - sell_sh, 0.0)
        for lot in np.argsort(data.lot_tax, kind="stable"):
            if short <= TOLERANCE:
                break
            if room[lot] <= 0:
                continue
            extra = min(room[lot], np.ceil(short / lot_price[lot] / step) * step)
            sell_sh[lot] += extra
            short -= extra * lot_price[lot]
    return buy_sh, sell_sh, short <= TOLERANCE


def _repair_gain(data, sell_sh, lot_price, step):  # type: ignore[no-untyped-def]
    if data.gain_cap is None:
        return sell_sh
    gain_per_share = data.lot_gain * lot_price
    excess = float(sell_sh @ gain_per_share) - data.gain_cap * data.scale
    for lot in np.argsort(-data.lot_gain, kind="stable"):
        if excess <= 1e-6 or gain_per_share[lot] <= 0:
            break
        cut = min(sell_sh[lot], np.ceil(excess / gain_per_share[lot] / step) * step)
        cut = cut if data.lot_min[lot] <= 0 else 0.0
        sell_sh[lot] -= cut
        excess -= cut * gain_per_share[lot]
    return sell_sh
