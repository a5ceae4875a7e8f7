"""One decision per household: solve all managed accounts together, round, gate, explain."""

from __future__ import annotations

import numpy as np

from trimtab.config import Settings
from trimtab.decision import Decision, Reason
from trimtab.errors import OptimizationError
from trimtab.household.problem import household_problem
from trimtab.optimize.bands import band_breaches, band_messages, is_household_group
from trimtab.optimize.build import LotCosts, lot_costs
from trimtab.optimize.engine import not_worth_it, optimize_accounts
from trimtab.optimize.explain import context, trade_reasons
from trimtab.optimize.problem import BAND_PENALTY, ProblemData, Solution, objective_terms
from trimtab.optimize.rounding import round_solution
from trimtab.optimize.swapback import mark_swap_back, swapped
from trimtab.optimize.washsafe import Build, solve_wash_safe
from trimtab.snapshot import Snapshot


def optimize_household(snap: Snapshot, settings: Settings) -> Decision:
    """The household's trades from one solve.

    When no trades satisfy the household's constraints together, or rounding to shares cannot
    keep them, the household falls back to account by account (`_account_by_account`).
    """
    n_a, n_s = snap.targets.shape
    decision = Decision(np.zeros((n_a, n_s)), np.zeros(len(snap.lots)), snap.flows.copy())
    costs = lot_costs(snap, settings)
    try:
        data, lots, managed, solution, _ = solve_wash_safe(
            snap, costs, _builder(snap, settings, costs)
        )
    except (OptimizationError, ValueError):  # infeasible, or a solve that did not converge
        return _account_by_account(snap, settings, costs)
    placed = _placed_usd(data, solution)
    rounded = round_solution(
        data, solution.sells, solution.buys, None if placed is None else placed / data.scale,
        snap.prices, snap.lot_qty[lots], fractional=snap.fractional[managed],
        min_trade=np.maximum(snap.min_trade[managed], settings.optimizer.dust_usd),
    )  # fmt: skip
    if rounded.failed:
        return _account_by_account(snap, settings, costs)
    sells, buys = rounded.sells, rounded.buys
    sells_f = sells * snap.prices[data.lot_security] / data.scale
    buys_f = buys * snap.prices / data.scale
    placed_f = None if placed is None else placed / data.scale
    terms = objective_terms(data, sells_f, buys_f, placed_f)
    if not_worth_it(data, terms, settings, placed_f):
        sells, buys = np.zeros_like(sells), np.zeros_like(buys)
        sells_f, buys_f = sells_f * 0, buys_f * 0
        terms = objective_terms(data, sells_f, buys_f, placed_f)
    missed = band_breaches(data, sells_f, buys_f, placed_f)
    excess = solution.terms["bands"] / BAND_PENALTY
    for i, reasons in band_messages(data, missed, excess, solution).items():
        decision.exceptions[int(managed[i])] = reasons
    decision.lot_sells[lots] = sells
    decision.buys[managed] = buys
    decision.flows[managed] = np.round(data.flow * data.scale, 2)  # a request split by value
    if placed is not None:
        decision.flows[managed] += placed
    for i, a in enumerate(managed):
        a = int(a)
        decision.objective[a] = sum(terms.values())
        decision.objective_terms[a] = terms
        mine = lots[data.lot_account == i]
        why = context(snap, a, data, solution.sells, settings)
        decision.reasons.update(
            trade_reasons(
                snap, a, mine, decision.lot_sells[mine], buys[i], costs, decision.flows[a], why
            )
        )
    _mark_location(snap, decision, managed)
    mark_swap_back(snap, decision, lots, swapped(snap, data, lots, costs, settings))
    return decision


def _account_by_account(snap: Snapshot, settings: Settings, costs: LotCosts) -> Decision:
    """The fallback when the household has no solution as a whole (infeasible, or not in whole
    shares): its accounts one by one, so one account's problem does not stop the others."""
    fallback = optimize_accounts(snap, settings)
    note = " (no household-wide solution: the household was solved account by account)"
    for a, reasons in fallback.exceptions.items():
        fallback.exceptions[a] = (reasons[0] + note, *reasons[1:])
    _flag_group_bands(snap, settings, costs, fallback)
    return fallback


def _flag_group_bands(
    snap: Snapshot, settings: Settings, costs: LotCosts, fallback: Decision
) -> None:
    """Account by account, each account meets its own bands, but the household group (held-away
    holdings included) may not: its accounts then carry the household band missed, so a desk
    never reads a quiet household whose whole is off its bands."""
    try:
        data, managed, lots = household_problem(snap, settings, costs)
    except (OptimizationError, ValueError):
        return
    sells = fallback.lot_sells[lots] * snap.prices[data.lot_security] / data.scale
    buys = fallback.buys[managed] * snap.prices / data.scale
    placed = fallback.flows[managed] / data.scale - data.flow
    cause = next(iter(fallback.exceptions.values()), ("another account's problem",))[0]
    for k, found in band_breaches(data, sells, buys, placed):
        g = data.groups[k]
        if not is_household_group(g):
            continue  # an account's own group: its own solve checked its bands
        for i in g.accounts:
            a = int(managed[int(i)])
            if a not in fallback.exceptions:
                fallback.exceptions[a] = tuple(
                    f"household {b.text()}: no household-wide solution ({cause})" for b in found
                )


def _mark_location(snap: Snapshot, decision: Decision, managed: np.ndarray) -> None:
    """Tag trades that move a security between accounts (the household's own holding of it
    changes by less than the account's trade) as asset location."""
    sold = np.zeros(decision.buys.shape)
    np.add.at(sold, (snap.lot_account, snap.lot_security), decision.lot_sells)
    trade = decision.buys - sold
    net = np.abs(trade[managed].sum(0))
    for (a, s), why in list(decision.reasons.items()):
        if abs(trade[a, s]) > net[s] + 1e-9 and Reason.LOCATION not in why:
            decision.reasons[(a, s)] = f"{why};{Reason.LOCATION}"


def _builder(snap: Snapshot, settings: Settings, costs: LotCosts) -> Build:
    def build(
        no_buy: frozenset[str], no_loss: frozenset[str]
    ) -> tuple[ProblemData, np.ndarray, np.ndarray]:
        data, managed, lots = household_problem(
            snap, settings, costs, extra_no_buy=no_buy, extra_no_loss=no_loss
        )
        return data, lots, managed

    return build


def _placed_usd(data: ProblemData, solution: Solution) -> np.ndarray | None:
    """The household request per account in USD, to the cent, summing exactly to the request."""
    if solution.placed is None:
        return None
    usd = np.round(solution.placed * data.scale, 2)
    total = round(data.placed_total * data.scale, 2)
    usd[np.argmax(np.abs(usd))] += round(total - usd.sum(), 2)
    return usd
