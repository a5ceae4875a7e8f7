"""Name the constraints that make an account infeasible, by relaxing one family at a time."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from trimtab.errors import InfeasibleError, OptimizationError
from trimtab.optimize.problem import BAND_PENALTY, ProblemData, Solution


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


def binding_limits(data: ProblemData, solved_excess: float, like: Solution | None = None) -> str:
    """Which hard limit keeps a band from being met, as `NAME binds` (docs/optimizer.md).

    `solved_excess` is the band excess of the solve (its `bands` term over the penalty). When the
    solve met every band, rounding to shares broke one. Else each family of hard limits is relaxed
    alone: those that let every band be met are named; failing that, those that bring the
    bands closer; failing that, all of them together. `like`, the solve of `data`, solves the
    relaxations that only lift lot bounds again on its solver.
    """
    from trimtab.optimize.qp import solve

    if solved_excess <= BAND_MET:
        return "rounding to whole shares binds"
    alone, closer = [], []
    for name, relaxed in _limit_relaxations(data):
        try:
            excess = solve(relaxed, like=like).terms["bands"] / BAND_PENALTY
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
        blocked = "buy restrictions (no_buy, exclude, wash-sale blocks)"
        out.append((blocked, replace(data, can_buy=np.ones_like(data.can_buy))))
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
    """One true sentence per family: what is required, and the limit it runs into (USD)."""
    if name == "budget":
        return _budget_reason(data)
    if name == "screens":
        return _screen_reason(data)
    return _cash_reason(data)


def _shortfall(data: ProblemData) -> np.ndarray:
    """USD fractions each account must raise by selling (reserve - cash - requests), at least
    the least withdrawal a household request may place in it."""
    short = data.reserve - data.cash - data.flow
    if data.places_flow and data.placed_max is not None:
        short = short - data.placed_max
    return short


def _budget_reason(data: ProblemData) -> str:
    usd = data.scale
    needs = []
    need = float(np.maximum(_shortfall(data), 0.0).sum()) * usd
    if need > 0.005:
        needs.append(f"raising {need:,.2f} USD of cash")
    if np.any(data.lot_min > 0):
        needs.append("selling the excluded holdings")
    what = " and ".join(needs) or "the required sales"
    if data.gain_cap is not None:
        return (
            f"gain_budget: {what} would realize more than the {data.gain_cap * usd:,.2f} USD "
            "of gains left in the budget"
        )
    cap = (data.tax_cap or 0.0) * usd
    return f"tax_budget: {what} would cost more than the {cap:,.2f} USD of tax left in the budget"


def _screen_reason(data: ProblemData) -> str:
    usd = data.scale
    value = float(data.lot_min.sum()) * usd
    gain = float(data.lot_min @ data.lot_gain) * usd
    return (
        f"screens: excluded holdings worth {value:,.2f} USD must be sold, realizing "
        f"{gain:,.2f} USD of gains"
    )


def _cash_reason(data: ProblemData) -> str:
    usd = data.scale
    sellable = np.bincount(data.lot_account, weights=data.lot_max, minlength=len(data.cash))
    short = _shortfall(data)
    parts = []
    for a in np.flatnonzero(short > sellable + 1e-12):
        name = data.account_ids[a] if a < len(data.account_ids) else str(a)
        parts.append(
            f"cash: {short[a] * usd:,.2f} USD must be raised but only "
            f"{sellable[a] * usd:,.2f} USD may be sold in {name}"
        )
    if parts:
        return "; ".join(parts)
    need = float(np.maximum(short, 0.0).sum()) * usd
    can = float(sellable.sum()) * usd
    if need > can:
        return f"cash: {need:,.2f} USD must be raised but only {can:,.2f} USD may be sold"
    within = _most_sold_within_budget(data) * usd
    if within < need:
        which = "gain_budget" if data.gain_cap is not None else "tax_budget"
        return (
            f"cash: {need:,.2f} USD must be raised; the holdings that may be sold are worth "
            f"{can:,.2f} USD, but within the {which} at most {within:,.2f} USD of them can be sold"
        )
    return (
        f"cash: {need:,.2f} USD must be raised and {can:,.2f} USD of holdings may be sold, but "
        "no set of sales meets every account's cash reserve together with the other constraints"
    )


def _most_sold_within_budget(data: ProblemData) -> float:
    """The most value (fraction of `scale`) that may be sold without breaking the gain or tax
    cap: exact for one cap (losses first, then gains by gain per USD), the smaller of the two
    when both are set (an upper bound then). Infinite without a cap."""
    caps = []
    if data.gain_cap is not None:
        caps.append((data.lot_gain, data.gain_cap))
    if data.tax_cap is not None:
        caps.append((data.lot_gain * data.lot_tax_rate, data.tax_cap))
    best = float("inf")
    for weight, cap in caps:
        room = cap - float(weight @ data.lot_min)
        extra = data.lot_max - data.lot_min
        free = weight <= 0
        room -= float(weight[free] @ extra[free])
        sold = float(data.lot_max[free].sum() + data.lot_min[~free].sum())
        for i in np.flatnonzero(~free)[np.argsort(weight[~free], kind="stable")]:
            if room <= 0:
                break
            take = min(float(extra[i]), room / float(weight[i]))
            sold += take
            room -= take * float(weight[i])
        best = min(best, sold)
    return best
