"""The strategies a backtest compares, as data: which rebalance method, and when it runs.

Every strategy shares the model, cash flows and rates; only the decision differs:

- `engine`: trimtab's optimizer (`optimize`), looked at every trading day through a cheap screen
  (see `Screen`), or at a fixed cadence when asked (`--frequency monthly`).
- `baseline`: snap-to-target (`baseline`), tax-blind, on the first trading day of each quarter.
- `bands`: snap-to-target whenever a security's weight is more than `band` (fraction of account
  value, 0.05 = 5 points) away from its target, checked daily.
- `hold`: buy and hold; cash flows are invested at the model weights or raised pro rata.

Any strategy also runs on a day with a cash request (a flow, or a tax paid from the account).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

CADENCES = ("daily", "weekly", "monthly", "quarterly", "bands", "never")


@dataclass(frozen=True, slots=True)
class Screen:
    """When the daily engine is worth calling (fractions).

    The engine runs on the first trading day of each month, and on any day an account's drift
    (half the L1 distance of weights, cash included) exceeds `drift` and is `drift_step` more
    than when the engine last looked at it, or a taxable lot has lost at least `loss` of its
    basis and `step` more than when the engine last looked at it, such lots' losses adding up to
    `harvest` of the household's value. ("More than last time" keeps a drift or a loss the
    engine chose to keep from calling it again every day.)
    """

    drift: float = 0.03
    drift_step: float = 0.02
    loss: float = 0.10
    step: float = 0.05
    harvest: float = 0.01


@dataclass(frozen=True, slots=True)
class Strategy:
    name: str
    method: str | None
    cadence: str
    band: float = 0.05


STRATEGIES: dict[str, Strategy] = {
    "engine": Strategy("engine", "optimize", "daily"),
    "baseline": Strategy("baseline", "baseline", "quarterly"),
    "bands": Strategy("bands", "baseline", "bands"),
    "hold": Strategy("hold", None, "never"),
}
"""The registry, by name; `engine` is the one tax alpha is measured for."""

BASELINE = "baseline"


def strategy(name: str, *, frequency: str | None = None, band: float | None = None) -> Strategy:
    """A registered strategy; `frequency` overrides the engine's cadence, `band` the bands'."""
    s = STRATEGIES[name]
    if frequency is not None and s.name == "engine":
        if frequency not in CADENCES[:4]:
            raise ValueError(f"frequency must be one of {', '.join(CADENCES[:4])}")
        s = replace(s, cadence=frequency)
    if band is not None and s.cadence == "bands":
        s = replace(s, band=band)
    return s


def new_period(prev: np.datetime64 | None, day: np.datetime64, cadence: str) -> bool:
    """Is `day` the first trading day of a new week, month or quarter?"""
    if prev is None:
        return False
    if cadence == "weekly":
        return bool((day - prev).astype(int) >= 7 or _weekday(day) < _weekday(prev))
    months = day.astype("datetime64[M]").astype(int), prev.astype("datetime64[M]").astype(int)
    if cadence == "monthly":
        return months[0] != months[1]
    if cadence == "quarterly":
        return months[0] // 3 != months[1] // 3
    return False


def _weekday(day: np.datetime64) -> int:
    return int((day.astype("datetime64[D]").astype(int) + 3) % 7)


def over_band(weights: np.ndarray, targets: np.ndarray, band: float) -> bool:
    """Is any security of any account more than `band` away from its target weight?"""
    return bool((np.abs(weights - targets) > band + 1e-12).any())


def drift_due(drift: np.ndarray, looked: np.ndarray, screen: Screen) -> bool:
    """Has an account drifted past `screen.drift`, `screen.drift_step` more than last time?"""
    return bool(((drift > screen.drift) & (drift >= looked + screen.drift_step)).any())


def harvest_due(
    loss: np.ndarray,
    looked: np.ndarray,
    basis: np.ndarray,
    taxable: np.ndarray,
    value: float,
    screen: Screen,
) -> bool:
    """Do taxable lots that lost at least `screen.loss` of their basis, `screen.step` more than
    when the engine last looked, hold losses worth `screen.harvest` of `value` (USD)?
    (`loss`, `looked` are fractions of basis per lot; `basis` USD per lot.)"""
    new = (loss >= screen.loss) & (loss >= looked + screen.step) & taxable
    return bool((loss[new] * basis[new]).sum() >= screen.harvest * value)
