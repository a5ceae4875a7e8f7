"""Trades that follow cash, not targets: invest a deposit at the model weights, raise a
withdrawal pro rata. Buy-and-hold does only this; every strategy starts with `invest`."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import ROUND_DOWN, Decimal

import numpy as np

from trimtab.domain import Transaction
from trimtab.names import Side

STEP = Decimal("0.0001")
"""Share step of the backtest's fractional accounts."""


def _shares(x: float) -> Decimal:
    return Decimal(repr(max(float(x), 0.0))).quantize(STEP, rounding=ROUND_DOWN)


def invest(
    account_id: str,
    amount: float,
    targets: np.ndarray,
    target_cash: float,
    prices: Sequence[Decimal],
    symbols: Sequence[str],
    day: date,
) -> list[Transaction]:
    """Buys spending `amount` USD at the target weights (the model's cash share kept)."""
    if amount <= 0 or target_cash >= 1:
        return []
    out = []
    for s in np.flatnonzero(targets > 0):
        q = _shares(amount * targets[s] / float(prices[s]))
        if q > 0:
            out.append(Transaction(account_id, day, symbols[s], Side.BUY, q, prices[s]))
    return out


def raise_cash(
    account_id: str,
    amount: float,
    held: Sequence[Decimal],
    prices: Sequence[Decimal],
    symbols: Sequence[str],
    day: date,
) -> list[Transaction]:
    """Sells of every position pro rata worth at least `amount` USD (exact shares `held` per
    symbol; lots relieved by the account's lot method)."""
    value = float(sum((q * p for q, p in zip(held, prices, strict=True)), Decimal(0)))
    if amount <= 0 or value <= 0:
        return []
    share = min(1.0, amount / value * 1.001 + 1e-9)
    out = []
    for s, q_held in enumerate(held):
        if q_held > 0:
            q = min(q_held, _shares(float(q_held) * share) + STEP)
            out.append(Transaction(account_id, day, symbols[s], Side.SELL, q, prices[s]))
    return out
