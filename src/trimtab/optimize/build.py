"""From a snapshot to problem data: which lots may or must be sold, what each costs in tax.

Per-lot quantities are vectors over the snapshot's lots; nothing here loops over lots in Python.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from trimtab.config import Settings
from trimtab.measures.bands import Limits, limits_for
from trimtab.measures.substitutes import buy_list, sleeves
from trimtab.measures.targets import screened_target
from trimtab.names import AccountKind
from trimtab.optimize.problem import FactorCov, Group, ProblemData, members_of
from trimtab.optimize.swapback import swap_back_lots, swap_back_no_buy
from trimtab.snapshot import Snapshot
from trimtab.tax.costs import LotArrays, sale_tax


@dataclass
class Carry:
    """What earlier accounts of the same proposal leave to later ones (household-wide rules).

    `gain_usd`/`tax_usd`: net realized gain and its tax proposed so far; `bought` identities
    bought and `loss_sold` identities sold at a loss so far (wash sales across the household).
    `keep` are identities no account may sell at a loss (the wash-sale branch that buys them);
    `contested` identities an earlier account's trade kept a later one from trading as it
    would; `objective_usd` the accounts' objective so far, in USD.
    """

    gain_usd: float = 0.0
    tax_usd: float = 0.0
    bought: set[str] = field(default_factory=set)
    loss_sold: set[str] = field(default_factory=set)
    keep: frozenset[str] = frozenset()
    contested: set[str] = field(default_factory=set)
    objective_usd: float = 0.0


@dataclass(frozen=True, eq=False)
class LotCosts:
    """Per lot of the snapshot: tax per USD sold, gain per USD sold, the rate, loss flag."""

    tax: np.ndarray
    gain: np.ndarray
    rate: np.ndarray
    loss: np.ndarray


def lot_costs(snap: Snapshot, settings: Settings) -> LotCosts:
    """Tax cost per USD of each lot sold (documented in docs/optimizer.md, "Taxes").

    A gain costs its rate; a loss is worth (rate - d * lt_rate); a short-term gain lot also pays
    the value of waiting (`waiting_value`). Non-taxable: 0.
    """
    opt, hh = settings.optimizer, snap.household
    niit = settings.tax.niit_rate if settings.tax.niit else 0.0
    st, lt = float(hh.st_rate) + niit, float(hh.lt_rate) + niit
    prices = snap.prices[snap.lot_security]
    lots = LotArrays(snap.lot_qty, snap.lot_basis, snap.lot_acquired)
    taxes = sale_tax(lots, prices, snap.as_of, st, lt)
    value = snap.lot_qty * prices
    gain = np.divide(value - snap.lot_basis, value, out=np.zeros_like(value), where=value > 0)
    taxable = np.array([a.kind is AccountKind.TAXABLE for a in snap.accounts], dtype=bool)
    taxable = taxable[snap.lot_account] if len(snap.lots) else np.zeros(0, dtype=bool)
    rate = np.where(taxable, np.where(taxes.is_long, lt, st), 0.0)
    tax = np.where(gain >= 0, gain * rate, gain * np.maximum(rate - opt.loss_deferral * lt, 0.0))
    wait = waiting_value(gain, taxes.is_long, taxes.days_to_long_term, st - lt, settings)
    tax = tax + np.where(taxable, wait, 0.0)
    tax = tax * opt.tax_weight
    return LotCosts(tax, np.where(taxable, gain, 0.0), rate, (gain < 0) & taxable)


DAYS_PER_YEAR = 365.0


def waiting_value(
    gain: np.ndarray,
    is_long: np.ndarray,
    days_to_long: np.ndarray,
    rate_gap: float,
    settings: Settings,
) -> np.ndarray:
    """What waiting to sell a short-term gain lot until it turns long-term is worth, per USD
    sold now (docs/optimizer.md, "The value of waiting").

    Waiting saves (st - lt) x gain per USD, but keeps the position off model meanwhile: each USD
    carried costs `wait_carry_cost` a year, so the value is max(0, (st - lt) x gain -
    wait_carry_cost x years left), times `wait_penalty`, for lots at most `wait_days` from
    long-term. A large gain months from long-term keeps most of its value; a small gain or a
    long wait keeps none, and drift, bands or a restriction decide.
    """
    opt = settings.optimizer
    years = days_to_long / DAYS_PER_YEAR
    value = np.maximum(gain * rate_gap - opt.wait_carry_cost * years, 0.0)
    counts = (~is_long) & (gain > 0) & (days_to_long <= opt.wait_days)
    return np.where(counts, opt.wait_penalty * value, 0.0)


@dataclass(frozen=True, eq=False)
class AccountBase:
    """What account `a`'s problem keeps whatever earlier accounts or a wash-sale branch forbid:
    built once per account and pass, not once per solve (a direct-indexed account is solved 3 to
    5 times; its bands and buy list were half of each build). `held` is USD per security,
    `scale` the account's value after the cash request, USD."""

    lots: np.ndarray
    held: np.ndarray
    scale: float
    may_buy: np.ndarray
    target: np.ndarray
    target_cash: float
    limits: Limits


def account_base(snap: Snapshot, a: int, flow: float, settings: Settings) -> AccountBase:
    """Account `a`'s lots, value, buy list, screened target and bands.

    Raises ValueError when the account has nothing left after the cash request.
    """
    lots = np.flatnonzero(snap.lot_account == a)
    sec = snap.lot_security[lots]
    held = np.zeros(len(snap.securities))
    np.add.at(held, sec, snap.lot_qty[lots] * snap.prices[sec])
    scale = float(held.sum() + snap.cash[a] + flow)
    if scale <= 0:
        raise ValueError(
            f"the cash request of {-flow:,.2f} USD is more than the account is worth "
            f"({float(held.sum() + snap.cash[a]):,.2f} USD): lower the withdrawal"
        )
    target, target_cash = screened_target(
        snap.targets[a], float(snap.target_cash[a]), snap.exclude[a]
    )
    may_buy = buy_list(snap, a, settings.optimizer.substitute_min_correlation)
    limits = account_limits(snap, a, settings)
    for shared in (lots, held, may_buy, target):  # every branch's problem reads them: read only
        shared.flags.writeable = False
    return AccountBase(lots, held, scale, may_buy, target, target_cash, limits)


def account_problem(
    snap: Snapshot,
    a: int,
    flow: float,
    settings: Settings,
    costs: LotCosts,
    carry: Carry,
    *,
    extra_no_buy: frozenset[str] = frozenset(),
    extra_no_loss: frozenset[str] = frozenset(),
    base: AccountBase | None = None,
) -> tuple[ProblemData, np.ndarray]:
    """The problem for account `a` alone, and the snapshot indices of its lots. `base` is
    `account_base(snap, a, flow, settings)` when the caller kept it.

    Raises ValueError when the account has nothing left after the cash request.
    """
    opt = settings.optimizer
    base = base if base is not None else account_base(snap, a, flow, settings)
    lots, scale = base.lots, base.scale
    sec = snap.lot_security[lots]
    lot_min, lot_max, value = lot_bounds(
        snap, lots, scale, costs, carry.bought | carry.keep | extra_no_loss, opt.screen_max_tax
    )
    swap = swap_back_lots(
        snap, lots, costs.gain, costs.loss, opt.swap_back_max_gain, carry.loss_sold | extra_no_buy
    )
    swap &= lot_max > 0
    lot_min = np.where(swap, lot_max, lot_min)
    no_buy = ~base.may_buy | snap.no_buy[a] | snap.exclude[a] | snap.wash_no_buy
    no_buy |= swap_back_no_buy(snap, lots, swap)[a]
    no_buy |= members_of(snap.identities, carry.loss_sold | extra_no_buy)
    n_s = len(snap.securities)
    data = ProblemData(
        scale=scale,
        holdings=(base.held / scale)[None, :],
        cash=np.array([snap.cash[a] / scale]),
        flow=np.array([flow / scale]),
        reserve=np.array([snap.reserve[a] / scale]),
        can_buy=~no_buy[None, :],
        cost=np.full(n_s, settings.costs.bps / 1e4),
        location=np.zeros((1, n_s)),
        lot_account=np.zeros(len(lots), dtype=np.int64),
        lot_security=sec,
        lot_value=value,
        lot_min=lot_min,
        lot_max=lot_max,
        lot_tax=costs.tax[lots],
        lot_gain=costs.gain[lots],
        lot_tax_rate=costs.rate[lots],
        groups=(
            Group(
                np.array([0]), base.target, base.target_cash, 1.0, np.zeros(n_s), 0.0, base.limits
            ),
        ),
        cov=snap.cov,
        factors=risk_factors(snap),
        risk_aversion=opt.risk_aversion,
        drift_penalty=opt.drift_penalty,
        gain_cap=_gain_cap(snap, carry, scale),
        tax_cap=tax_cap(snap, carry, scale),
        identity=snap.pool(a),
        sleeve=sleeves(snap, opt.substitute_min_correlation),
        substitute_credit=opt.substitute_credit,
        account_ids=(snap.accounts[a].account_id,),
        lot_no_sell=snap.no_sell[a, sec],
    )
    return data, lots


def account_limits(snap: Snapshot, a: int, settings: Settings) -> Limits:
    """Account `a`'s bands against its model (its own, else its household's), aimed inside by
    the rounding margin."""
    account = snap.accounts[a]
    model = account.model_id or snap.household.model_id
    own = account.drift_tolerance
    return group_limits(snap, settings, model, own)


def group_limits(snap: Snapshot, settings: Settings, model_id: str | None, own: object) -> Limits:
    """Bands of a group following `model_id`, with its own `drift_tolerance` (None: settings)."""
    classes = [s.asset_class for s in snap.securities]
    limits = limits_for(settings.bands, model_id, classes, own)  # type: ignore[arg-type]
    return limits.tightened(settings.bands.rounding_margin)


def lot_bounds(
    snap: Snapshot,
    lots: np.ndarray,
    scale: float,
    costs: LotCosts,
    no_loss: set[str] | frozenset[str],
    max_tax: float | None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(least, most, value) of each lot's sale, fractions of `scale`.

    A lot may not be sold under no_sell, nor at a loss when the sale would be washed (a recent
    purchase in the household, or an identity in `no_loss` bought earlier in this proposal). An
    excluded lot must be sold whole unless it may not be, or its tax exceeds `max_tax` of value.
    """
    acct, sec = snap.lot_account[lots], snap.lot_security[lots]
    identity = snap.identities
    value = snap.lot_qty[lots] * snap.prices[sec] / scale
    blocked = snap.lot_loss_blocked[lots] | members_of(identity[sec], no_loss)
    blocked &= costs.loss[lots]
    no_sell = snap.no_sell[acct, sec]
    forced = snap.exclude[acct, sec] & ~no_sell & ~blocked
    if max_tax is not None:
        forced &= costs.tax[lots] <= max_tax
    return np.where(forced, value, 0.0), np.where(no_sell | blocked, 0.0, value), value


def _gain_cap(snap: Snapshot, carry: Carry, scale: float) -> float | None:
    budget = snap.household.gain_budget
    if budget is None:
        return None
    used = snap.realized_st_ytd + snap.realized_lt_ytd + carry.gain_usd
    return max(float(budget) - used, 0.0) / scale


def tax_cap(snap: Snapshot, carry: Carry, scale: float) -> float | None:
    budget = snap.household.tax_budget
    if budget is None:
        return None
    hh = snap.household
    ytd = max(
        snap.realized_st_ytd * float(hh.st_rate) + snap.realized_lt_ytd * float(hh.lt_rate), 0
    )
    return max(float(budget) - ytd - carry.tax_usd, 0.0) / scale


def risk_factors(snap: Snapshot) -> FactorCov | None:
    """The risk model's factor form over the snapshot's securities (None: dense only)."""
    if snap.loadings is None or snap.specific is None:
        return None
    return FactorCov(snap.loadings, snap.specific)
