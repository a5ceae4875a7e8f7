"""Screening: which households are worth solving today. Pure functions of a snapshot.

A quiet household (no trigger fires) gets a proposal without trades and costs a snapshot, not a
solve. The triggers, in the order they are reported: `drift`, `cash`, `loss`, `restriction`,
`model_change`, `review`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import numpy as np

from trimtab.config import ScreenSettings
from trimtab.measures.drift import drift
from trimtab.snapshot import Snapshot


@dataclass(frozen=True, slots=True)
class Break:
    """A reconciliation break: shares the store derives vs shares the custodian reports."""

    account_id: str
    symbol: str
    store_quantity: str
    custodian_quantity: str
    value: str
    """USD, |difference| x price, as exact text."""


@dataclass(frozen=True, slots=True)
class Context:
    """What the day's run knows of a household beyond its records (stored with its inputs)."""

    last_solved: date | None = None
    """as-of of its last solved proposal before today (None: never)."""
    changed_models: tuple[str, ...] = ()
    """Models the household follows that changed after `last_solved`, up to today."""
    breaks: tuple[Break, ...] = ()


def triggers(snap: Snapshot, ctx: Context, settings: ScreenSettings) -> tuple[str, ...]:
    """The screening triggers that fire for the household (empty: quiet)."""
    out: list[str] = []
    if settings.drift is not None and drift_over(snap, settings.drift):
        out.append("drift")
    if settings.cash_usd is not None and _cash_off(snap, settings.cash_usd):
        out.append("cash")
    if settings.loss_usd is not None and _largest_loss(snap) > settings.loss_usd:
        out.append("loss")
    if settings.restrictions and _breaches(snap):
        out.append("restriction")
    if settings.model_change and ctx.changed_models:
        out.append("model_change")
    if _review_due(snap.as_of, ctx, settings):
        out.append("review")
    return tuple(out)


def drift_over(snap: Snapshot, default: float) -> bool:
    """Whether a managed account drifts past its `drift_tolerance` (else `default`), or the
    household past its own, when it is managed as one portfolio (fractions of value)."""
    held_value = snap.holdings() * snap.prices[None, :]
    if snap.household_target is not None:
        found = drift(
            held_value.sum(0),
            float(snap.cash.sum()),
            snap.household_target,
            snap.household_target_cash,
            snap.identity,
        )
        return found > _tolerance(snap.household.drift_tolerance, default)
    for a, account in enumerate(snap.accounts):
        if not snap.managed[a]:
            continue
        found = drift(
            held_value[a],
            float(snap.cash[a]),
            snap.targets[a],
            float(snap.target_cash[a]),
            snap.identity,
        )
        if found > _tolerance(account.drift_tolerance, default):
            return True
    return False


def _tolerance(own: Decimal | None, default: float) -> float:
    return float(own) if own is not None else default


def _cash_off(snap: Snapshot, threshold: float) -> bool:
    """A pending request, or cash off its target (reserve + model cash) by more than threshold."""
    if snap.household_flow != 0 or bool(np.any(snap.flows != 0)):
        return True
    values = snap.account_values()
    wanted = np.maximum(snap.reserve, snap.target_cash * values)
    gap = (snap.cash - wanted)[snap.managed]
    below = (snap.cash < snap.reserve)[snap.managed]
    return bool(np.any(gap > threshold) or np.any(below))


def _largest_loss(snap: Snapshot) -> float:
    """USD of the largest unrealized loss of a lot in a managed taxable account."""
    if len(snap.lots) == 0:
        return 0.0
    taxable = np.array([a.taxable and a.managed for a in snap.accounts], dtype=bool)
    loss = snap.lot_basis - snap.lot_qty * snap.prices[snap.lot_security]
    loss = np.where(taxable[snap.lot_account], loss, 0.0)
    return float(loss.max(initial=0.0))


def _breaches(snap: Snapshot) -> bool:
    held = snap.holdings() > 0
    return bool(np.any(held & snap.exclude & snap.managed[:, None]))


def _review_due(as_of: date, ctx: Context, settings: ScreenSettings) -> bool:
    if ctx.last_solved is None:
        return settings.new_households
    days = settings.review_days
    return days is not None and (as_of - ctx.last_solved).days >= days


def models_of(snap: Snapshot) -> Iterable[str]:
    """Model ids the household follows (its own and its accounts')."""
    ids = {a.model_id for a in snap.accounts} | {snap.household.model_id}
    return sorted(i for i in ids if i)
