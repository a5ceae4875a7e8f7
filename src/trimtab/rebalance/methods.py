"""The rebalancing methods by name, and the `optimize` method's choice of mode.

This is the one place that sees both optimizer modes: `trimtab.optimize` solves accounts one by
one, `trimtab.household` the household as one portfolio (falling back to account by account).
"""

from __future__ import annotations

from collections.abc import Callable

from trimtab.config import Settings
from trimtab.decision import Decision
from trimtab.household.engine import optimize_household
from trimtab.optimize.engine import optimize_accounts
from trimtab.optimize.harvest import harvest_gains
from trimtab.rebalance.baseline import baseline
from trimtab.snapshot import Snapshot

Method = Callable[[Snapshot, Settings], Decision]


def optimize(snap: Snapshot, settings: Settings) -> Decision:
    """The household as one portfolio when it has a model (and the setting allows), else account
    by account: solve, keep wash rules across accounts, round, gate on improvement; then
    harvest long-term gains up to the household's `gain_harvest`."""
    if settings.optimizer.household and snap.household_target is not None:
        decision = optimize_household(snap, settings)
    else:
        decision = optimize_accounts(snap, settings)
    return harvest_gains(snap, settings, decision)


METHODS: dict[str, Method] = {"baseline": baseline, "optimize": optimize}
"""Rebalancing methods by name: each a pure function of a snapshot and the settings."""

DEFAULT_METHOD = "optimize"
