"""Name the constraints that make an account infeasible, by relaxing one family at a time."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from trimtab.errors import InfeasibleError, OptimizationError
from trimtab.optimize.problem import BAND_PENALTY, ProblemData


def binding_constraints(data: ProblemData) -> list[str]:
    """Readable reasons: each constraint family whose removal alone makes the problem feasible.

    When no single family suffices, every family that is tight is named together.
    """
    from trimtab.optimize.qp import solve

    reasons = []
    for name, relaxed in _relaxations(data):
        try:
            solve(relaxed)
        except InfeasibleError:
            continue
        reasons.append(_explain(name, data))
    return reasons or [_explain(name, data) for name, _ in _relaxations(data)]


BAND_MET = 1e-7
"""A band excess (fractions of value, see `band_excess`) this small counts as met."""


def binding_limits(data: ProblemData, solved_excess: float) -> str:
    """Which hard limit keeps a band from being met, as `NAME binds` (docs/optimizer.md).

    `solved_excess` is the band excess of the solve (its `bands` term over the penalty). When the
    solve met every band, rounding to shares broke one. Else each family of hard limits is relaxed
    alone: those that let every band be met are named; failing that, those that bring the
    bands closer; failing that, all of them together.
    """
    from trimtab.optimize.qp import solve

    if solved_excess <= BAND_MET:
        return "rounding to whole shares binds"
    alone, closer = [], []
    for name, relaxed in _limit_relaxations(data):
        try:
            excess = solve(relaxed).terms["bands"] / BAND_PENALTY
        except OptimizationError:
            continue
        if excess <= BAND_MET:
            alone.append(name)
        elif excess < solved_excess - BAND_MET:
            closer.append(name)
    if alone:
        return " or ".join(alone) + " binds"
    if closer:
        return " and ".join(closer) + " bind"
    return "the account's hard limits together bind"


def _limit_relaxations(data: ProblemData) -> list[tuple[str, ProblemData]]:
    """Each family of hard limits lifted alone, named as a desk reads it."""
    out = []
    if data.gain_cap is not None:
        out.append(("gain budget", replace(data, gain_cap=None)))
    if data.tax_cap is not None:
        out.append(("tax budget", replace(data, tax_cap=None)))
    held = data.lot_max < data.lot_value
    no_sell = data.lot_no_sell if data.lot_no_sell is not None else np.zeros_like(held)
    if np.any(held & no_sell):
        out.append(
            ("no_sell", replace(data, lot_max=np.where(no_sell, data.lot_value, data.lot_max)))
        )
    if np.any(held & ~no_sell):
        out.append(
            (
                "wash-sale rule",
                replace(data, lot_max=np.where(no_sell, data.lot_max, data.lot_value)),
            )
        )
    if np.any(data.lot_min > 0):
        out.append(("screens", replace(data, lot_min=np.zeros_like(data.lot_min))))
    if not data.can_buy.all():
        out.append(("buy restrictions", replace(data, can_buy=np.ones_like(data.can_buy))))
    out.append(("cash reserve", replace(data, reserve=np.full_like(data.reserve, -1e9))))
    return out


def _relaxations(data: ProblemData) -> list[tuple[str, ProblemData]]:
    out = []
    if data.gain_cap is not None or data.tax_cap is not None:
        out.append(("budget", replace(data, gain_cap=None, tax_cap=None)))
    if np.any(data.lot_min > 0):
        out.append(("screens", replace(data, lot_min=np.zeros_like(data.lot_min))))
    out.append(("cash", replace(data, reserve=np.full_like(data.reserve, -1e9))))
    return out


def _explain(name: str, data: ProblemData) -> str:
    usd = data.scale
    if name == "budget":
        cap = "none" if data.gain_cap is None else f"{data.gain_cap * usd:,.2f} USD"
        return f"gain_budget: the cash request needs gains beyond the remaining budget ({cap})"
    if name == "screens":
        return "screens: excluded holdings cannot be sold as required"
    sellable = np.bincount(data.lot_account, weights=data.lot_max, minlength=len(data.cash))
    short = data.reserve - data.cash - data.flow
    parts = []
    for a in np.flatnonzero(short > sellable + 1e-12):
        name = data.account_ids[a] if a < len(data.account_ids) else str(a)
        parts.append(
            f"cash: {short[a] * usd:,.2f} USD must be raised but only "
            f"{sellable[a] * usd:,.2f} USD may be sold in {name}"
        )
    if parts:
        return "; ".join(parts)
    need = float(np.maximum(short, 0.0).sum())
    need -= min(data.placed_total, 0.0) if data.places_flow else 0.0
    can = float(sellable.sum()) * usd
    return f"cash: {need * usd:,.2f} USD must be raised but only {can:,.2f} USD may be sold"
