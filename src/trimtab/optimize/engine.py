"""Account by account: each managed account gets the trades that make it better, or none.

Accounts of a household are solved one after another (taxable first), each seeing what earlier
ones proposed: the household's gain budget is shared and no loss sold in one is bought back in
another. The household-as-one-portfolio mode lives in `trimtab.household` (above this package);
`trimtab.rebalance.methods` chooses between them.
"""

from __future__ import annotations

import numpy as np

from trimtab.config import Settings
from trimtab.decision import Decision
from trimtab.errors import InfeasibleError, OptimizationError
from trimtab.measures.targets import split_pro_rata
from trimtab.names import AccountKind
from trimtab.optimize.bands import band_breaches, band_messages
from trimtab.optimize.build import (
    Carry,
    LotCosts,
    account_base,
    account_problem,
    lot_costs,
)
from trimtab.optimize.diagnose import binding_constraints
from trimtab.optimize.explain import context, trade_reasons
from trimtab.optimize.problem import BAND_PENALTY, ProblemData, Solution, objective_terms
from trimtab.optimize.rounding import round_solution
from trimtab.optimize.swapback import mark_swap_back, swapped
from trimtab.optimize.washsafe import Build, solve_wash_safe
from trimtab.snapshot import Snapshot

ROUNDING_FAILED = (
    "rounding the trades to whole shares leaves cash below the reserve: lower the reserve, "
    "allow fractional shares, or trade by hand"
)


def optimize_accounts(snap: Snapshot, settings: Settings) -> Decision:
    """Each managed account alone against its model, in order, sharing budget and wash rules.

    Taxable accounts go first, so a loss harvested there keeps later accounts (IRAs included)
    from buying that wash identity. When that contests something a later account wanted (it
    targets the identity, or holds it at a loss that an earlier buy blocks), the other branch is
    solved too: every account keeps its losses in the contested identities and may buy them.
    The branch with fewer exceptions, then the lower objective in USD summed over the accounts,
    wins (docs/optimizer.md, "Wash-sale conflicts"): at most twice the solves.
    """
    costs = lot_costs(snap, settings)
    solved: dict[int, Solution] = {}
    first, carry = _in_order(snap, settings, costs, frozenset(), solved)
    if not carry.contested:
        return first
    second, other = _in_order(snap, settings, costs, frozenset(carry.contested), solved)
    return second if _score(second, other, snap) < _score(first, carry, snap) else first


def _in_order(
    snap: Snapshot,
    settings: Settings,
    costs: LotCosts,
    keep: frozenset[str],
    solved: dict[int, Solution],
) -> tuple[Decision, Carry]:
    """One pass over the accounts; `keep` are identities no account may sell at a loss.
    `solved` holds each account's first solve of the first pass: the second pass's first
    problem often differs from it in lot bounds alone, and is then solved on its solver."""
    n_a, n_s = snap.targets.shape
    values = snap.account_values()
    flows = snap.flows + split_pro_rata(snap.household_flow, values, snap.managed)
    carry = Carry(keep=keep)
    decision = Decision(np.zeros((n_a, n_s)), np.zeros(len(snap.lots)), flows)
    for a in _order(snap):
        _contest(snap, int(a), costs, carry)
        _account(snap, int(a), float(flows[a]), settings, costs, carry, decision, solved)
    return decision, carry


def _contest(snap: Snapshot, a: int, costs: LotCosts, carry: Carry) -> None:
    """Record the identities earlier accounts' trades keep account `a` from trading as it would."""
    identity = snap.identities
    wanted = set(identity[snap.targets[a] > 0])
    mine = np.flatnonzero(snap.lot_account == a)
    losses = set(identity[snap.lot_security[mine[costs.loss[mine]]]])
    carry.contested |= (carry.loss_sold & wanted) | (carry.bought & losses)


def _score(decision: Decision, carry: Carry, snap: Snapshot) -> tuple[int, float]:
    """(accounts left without a solution, objective in USD). An account that misses a band but
    trades the best it can is not counted: its miss is priced in the objective's bands term."""
    sold = np.zeros(len(snap.accounts), dtype=bool)
    sold[snap.lot_account[decision.lot_sells > 0]] = True
    trades = sold | (decision.buys > 0).any(axis=1)
    stuck = sum(1 for a in decision.exceptions if not trades[a])
    return stuck, carry.objective_usd


def _order(snap: Snapshot) -> list[int]:
    """Managed accounts, taxable first (harvesting there decides what IRAs may buy)."""
    managed = [int(a) for a in np.flatnonzero(snap.managed)]
    return sorted(managed, key=lambda a: (snap.accounts[a].kind is not AccountKind.TAXABLE, a))


def _account(
    snap: Snapshot,
    a: int,
    flow: float,
    settings: Settings,
    costs: LotCosts,
    carry: Carry,
    decision: Decision,
    solved: dict[int, Solution],
) -> None:
    try:
        data, lots, _, solution, first = solve_wash_safe(
            snap, costs, _builder(snap, a, flow, settings, costs, carry), solved.get(a)
        )
        solved.setdefault(a, first)
    except InfeasibleError:
        data, _ = account_problem(snap, a, flow, settings, costs, carry)
        decision.exceptions[a] = ("infeasible: " + "; ".join(binding_constraints(data)),)
        return
    except OptimizationError as exc:
        decision.exceptions[a] = (
            f"the solver found no answer ({exc}): trade this account by hand",
        )
        return
    except ValueError as exc:
        decision.exceptions[a] = (str(exc),)
        return
    floor = np.maximum(snap.min_trade[[a]], settings.optimizer.dust_usd)
    rounded = round_solution(
        data, solution.sells, solution.buys, None, snap.prices, snap.lot_qty[lots],
        fractional=snap.fractional[[a]], min_trade=floor,
    )  # fmt: skip
    sells, buys = rounded.sells, rounded.buys[0]
    if rounded.failed:
        decision.exceptions[a] = (ROUNDING_FAILED,)
        return
    sells_f, buys_f = _fractions(data, sells, buys, snap.prices)
    terms = objective_terms(data, sells_f, buys_f)
    if not_worth_it(data, terms, settings):
        sells, buys = np.zeros_like(sells), np.zeros_like(buys)
        sells_f, buys_f = np.zeros_like(sells_f), np.zeros_like(buys_f)
        terms = objective_terms(data, sells_f, buys_f)
    decision.lot_sells[lots] = sells
    decision.buys[a] = buys
    decision.objective[a] = sum(terms.values())
    decision.objective_terms[a] = terms
    carry.objective_usd += decision.objective[a] * data.scale
    why = context(snap, a, data, solution.sells, settings)
    decision.reasons.update(trade_reasons(snap, a, lots, sells, buys, costs, flow, why))
    mark_swap_back(snap, decision, lots, swapped(snap, data, lots, costs, settings))
    _carry_forward(snap, lots, sells, buys, costs, carry)
    missed = band_breaches(data, sells_f, buys_f)
    excess = solution.terms["bands"] / BAND_PENALTY
    bands = band_messages(data, missed, excess, solution).get(0, ())
    conflicts = _screen_conflicts(snap, a, lots)
    if conflicts or bands:
        decision.exceptions[a] = bands + conflicts


def _builder(
    snap: Snapshot, a: int, flow: float, settings: Settings, costs: LotCosts, carry: Carry
) -> Build:
    base = account_base(snap, a, flow, settings)  # the same for every branch

    def build(
        no_buy: frozenset[str], no_loss: frozenset[str]
    ) -> tuple[ProblemData, np.ndarray, None]:
        data, lots = account_problem(
            snap, a, flow, settings, costs, carry,
            extra_no_buy=no_buy, extra_no_loss=no_loss, base=base,
        )  # fmt: skip
        return data, lots, None

    return build


def _fractions(
    data: ProblemData, sells: np.ndarray, buys: np.ndarray, prices: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    sells_f = sells * prices[data.lot_security] / data.scale
    return sells_f, (buys * prices / data.scale)[None, :]


def not_worth_it(
    data: ProblemData,
    terms: dict[str, float],
    settings: Settings,
    placed: np.ndarray | None = None,
) -> bool:
    """Doing nothing is allowed (no forced screen sale, cash at the reserve after the requests,
    gain cap not already broken) and the trades gain less than `optimizer.min_improvement`."""
    if np.any(data.lot_min > 0):
        return False
    cash = data.cash + data.flow + (0 if placed is None else placed)
    if np.any(cash < data.reserve - 1e-12):
        return False
    if data.gain_cap is not None and data.gain_cap < 0:
        return False
    idle = objective_terms(
        data, np.zeros(len(data.lot_value)), np.zeros_like(data.holdings), placed
    )
    return sum(idle.values()) - sum(terms.values()) < settings.optimizer.min_improvement


def _carry_forward(
    snap: Snapshot,
    lots: np.ndarray,
    sells: np.ndarray,
    buys: np.ndarray,
    costs: LotCosts,
    carry: Carry,
) -> None:
    """Record what this account proposed for the accounts after it (budget, wash identities)."""
    identity = snap.identities
    value = sells * snap.prices[snap.lot_security[lots]]
    carry.gain_usd += float(value @ costs.gain[lots])
    carry.tax_usd += float(value @ (costs.gain[lots] * costs.rate[lots]))
    carry.bought |= set(identity[np.flatnonzero(buys > 0)])
    sold_at_loss = lots[(sells > 0) & costs.loss[lots]]
    carry.loss_sold |= set(identity[snap.lot_security[sold_at_loss]])


def _screen_conflicts(snap: Snapshot, a: int, lots: np.ndarray) -> tuple[str, ...]:
    """Held securities both excluded and no_sell: kept, and flagged for a person."""
    sec = np.unique(snap.lot_security[lots])
    both = sec[snap.exclude[a, sec] & snap.no_sell[a, sec]]
    return tuple(
        f"restrictions conflict: {snap.securities[s].symbol} is both excluded and no_sell, so "
        "it is kept; remove one of the two rules"
        for s in both
    )
