"""Solving without creating a wash sale inside the proposal.

"Never sell an identity at a loss and buy it anywhere in the household in the same proposal" is
not convex. A solve that does both for some identities is settled by forbidding one side of
each: no buy (the loss is harvested, a substitute bought) or no loss sale (the lots are kept).
Both are solved and the better objective wins; a few rounds settle conflicts the fix uncovers,
then both sides are forbidden.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np

from trimtab.errors import InfeasibleError
from trimtab.optimize.build import LotCosts
from trimtab.optimize.problem import ProblemData, Solution
from trimtab.optimize.qp import solve
from trimtab.snapshot import Snapshot

MAX_CONFLICT_ROUNDS = 3

Build = Callable[[frozenset[str], frozenset[str]], tuple[ProblemData, np.ndarray, Any]]
"""(identities not to buy, not to sell at a loss) -> (data, snapshot lot indices, extra)."""


class Safe(NamedTuple):
    """A wash-safe solve: the problem solved last, its lots, the builder's extra, its solution,
    and the solution of the first problem built (a later pass may solve that one's again)."""

    data: ProblemData
    lots: np.ndarray
    extra: Any
    solution: Solution
    first: Solution


def solve_wash_safe(
    snap: Snapshot, costs: LotCosts, build: Build, like: Solution | None = None
) -> Safe:
    """The solution of the problem `build` makes, with no identity both loss-sold and bought.

    `like`: the solution of a problem like the first one built (the same account in an earlier
    pass); where only lot bounds differ it is solved again on that solver (`qp.solve`)."""
    no_buy: frozenset[str] = frozenset()
    no_loss: frozenset[str] = frozenset()
    data, lots, extra = build(no_buy, no_loss)
    solved = (data, lots, extra, solve(data, like=like))
    first = solved[3]
    for _ in range(MAX_CONFLICT_ROUNDS):
        clash = clashes(snap, solved[1], solved[3], costs)
        if not clash:
            return Safe(*solved, first)
        options = []
        for nb, nl in ((no_buy | clash, no_loss), (no_buy, no_loss | clash)):
            try:
                data, lots, extra = build(nb, nl)
                # keeping the losses only zeroes lot bounds: solved again on the same solver
                options.append((nb, nl, (data, lots, extra, solve(data, like=solved[3]))))
            except InfeasibleError:
                continue
        if not options:
            raise InfeasibleError("wash-sale rules leave no feasible trades")
        # the winning branch is the next round's starting solve, not solved again
        no_buy, no_loss, solved = min(options, key=lambda o: o[2][3].objective)
    both = no_buy | no_loss
    data, lots, extra = build(both, both)
    return Safe(data, lots, extra, solve(data), first)


def clashes(
    snap: Snapshot, lots: np.ndarray, solution: Solution, costs: LotCosts
) -> frozenset[str]:
    """Identities the solution both sells at a loss and buys (in any account of the problem)."""
    identity = snap.identities
    loss_sold = lots[(solution.sells > 1e-7) & costs.loss[lots]]
    sold = set(identity[snap.lot_security[loss_sold]])
    bought = set(identity[np.flatnonzero((solution.buys > 1e-7).any(axis=0))])
    return frozenset(sold & bought)
