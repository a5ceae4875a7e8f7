"""The one boundary where a method's float decision becomes exact trades and metrics."""

from __future__ import annotations

from decimal import ROUND_DOWN, Decimal
from typing import cast

import numpy as np

from trimtab.config import Settings
from trimtab.decision import Decision
from trimtab.measures.drift import drift, household_target
from trimtab.measures.location import drag_matrix, location_score
from trimtab.money import cents
from trimtab.names import AccountKind, Side, Status, Term
from trimtab.rebalance.positions import positions
from trimtab.rebalance.proposal import AccountResult, HouseholdResult, Proposal, Trade
from trimtab.snapshot import Snapshot
from trimtab.tax.holding import term_of

SHARE_STEP = Decimal("0.0001")
_ZERO = Decimal(0)
_NOISE = Decimal("1e-7")


def shares(value: float, fractional: bool, cap: Decimal | None = None) -> Decimal:
    """Float shares to exact shares: whole unless fractional (1e-4), never above `cap`.

    A value within 1e-6 of `cap` is the cap exactly (a whole lot sold); float noise just below a
    step (2.9999999) counts as the step.
    """
    if cap is not None and abs(value - float(cap)) < 1e-6:
        return cap
    step = SHARE_STEP if fractional else Decimal(1)
    q = (Decimal(repr(float(value))) + _NOISE).quantize(step, rounding=ROUND_DOWN)
    return min(q, cap) if cap is not None else q


def finalize(snap: Snapshot, decision: Decision, method: str, settings: Settings) -> Proposal:
    """Exact trades (lot by lot for sells), per-account results and the household result."""
    trades = _sell_trades(snap, decision) + _buy_trades(snap, decision)
    accounts = tuple(
        _account_result(snap, decision, a, trades, settings) for a in range(len(snap.accounts))
    )
    held, household_held = positions(snap, trades, [r.cash_after for r in accounts])
    return Proposal(
        household_id=snap.household.household_id,
        method=method,
        trades=tuple(trades),
        accounts=accounts,
        household=_household_result(snap, trades, accounts, settings),
        positions=held,
        household_positions=household_held,
    )


def _sell_trades(snap: Snapshot, d: Decision) -> list[Trade]:
    out = []
    for i in np.flatnonzero(d.lot_sells > 1e-9):
        lot = snap.lots[i]
        a, s = int(snap.lot_account[i]), int(snap.lot_security[i])
        account = snap.accounts[a]
        qty = shares(
            float(d.lot_sells[i]), account.fractional or not _whole(lot.quantity), lot.quantity
        )
        if qty <= 0:
            continue
        price = snap.securities[s].price
        value = cents(qty * price)
        # every sell says its gain and term; in a tax-deferred or tax-exempt account they are
        # informational (the account's realized_* and est_tax count taxable accounts only)
        gain = value - cents(lot.cost_basis * qty / lot.quantity)
        term = term_of(lot.acquired, snap.as_of)
        out.append(
            Trade(
                account.account_id, lot.symbol, Side.SELL, qty, price, value,
                d.reasons.get((a, s), "drift"), lot.lot_id, lot.acquired, gain, term,
            )
        )  # fmt: skip
    return out


def _whole(q: Decimal) -> bool:
    return q == q.to_integral_value()


def _buy_trades(snap: Snapshot, d: Decision) -> list[Trade]:
    out = []
    for a, s in zip(*np.nonzero(d.buys > 1e-9), strict=True):
        account = snap.accounts[a]
        qty = shares(float(d.buys[a, s]), account.fractional)
        if qty <= 0:
            continue
        price = snap.securities[s].price
        out.append(
            Trade(
                account.account_id, snap.securities[s].symbol, Side.BUY, qty, price,
                cents(qty * price), d.reasons.get((int(a), int(s)), "drift"),
            )
        )  # fmt: skip
    return out


def _account_result(
    snap: Snapshot,
    d: Decision,
    a: int,
    trades: list[Trade],
    settings: Settings,
) -> AccountResult:
    """Account `a`'s figures. `drift_*` counts wash-group members and declared alternates as the
    model security they stand in for; `strict_drift_*` counts each symbol as itself."""
    account = snap.accounts[a]
    mine = [t for t in trades if t.account_id == account.account_id]
    held = snap.holdings()[a]
    value = cents(account.cash + _holdings_value(snap, a))
    flow = cents(Decimal(repr(float(d.flows[a]))))
    if a in d.exceptions and not mine:  # nothing happens: the unmet request stays a request
        flow = _ZERO
    sold = sum((t.value for t in mine if t.side is Side.SELL), _ZERO)
    bought = sum((t.value for t in mine if t.side is Side.BUY), _ZERO)
    cash_after = account.cash + flow + sold - bought
    after = held + _net_shares(snap, mine)
    st, lt, est_tax = _realized(snap, a, mine, settings)
    traded = sold + bought
    est_cost = cents(traded * Decimal(repr(settings.costs.bps)) / 10000)
    reasons = d.exceptions.get(a, ())
    status = Status.EXCEPTION if reasons else (Status.TRADE if mine else Status.NO_TRADE)
    target, tcash = snap.targets[a], float(snap.target_cash[a])
    return AccountResult(
        strict_drift_before=drift(held * snap.prices, float(account.cash), target, tcash),
        strict_drift_after=drift(after * snap.prices, float(cash_after), target, tcash),
        account_id=account.account_id,
        household_id=account.household_id,
        value=value,
        cash_before=cents(account.cash),
        cash_after=cents(cash_after),
        drift_before=drift(held * snap.prices, float(account.cash), target, tcash, snap.pool(a)),
        drift_after=drift(after * snap.prices, float(cash_after), target, tcash, snap.pool(a)),
        realized_st=cents(st),
        realized_lt=cents(lt),
        est_tax=est_tax,
        est_cost=est_cost,
        turnover=float(traded / value) if value > 0 else 0.0,
        status=status,
        objective=d.objective.get(a),
        objective_terms=d.objective_terms.get(a, {}),
        exception_reasons=reasons,
    )


def estimated_tax(snap: Snapshot, decision: Decision, settings: Settings) -> Decimal:
    """The household's `est_tax` of the proposal `finalize` would make from `decision`, USD, from
    its sells alone: without the account and household measures (drift, location score,
    positions), so a caller that needs only the tax (the baseline's, for "tax saved") pays for
    no more."""
    sells = _sell_trades(snap, decision)
    return sum(
        (
            _realized(snap, a, [t for t in sells if t.account_id == account.account_id], settings)[
                2
            ]
            for a, account in enumerate(snap.accounts)
        ),
        _ZERO,
    )


def _realized(
    snap: Snapshot, a: int, mine: list[Trade], settings: Settings
) -> tuple[Decimal, Decimal, Decimal]:
    """Account `a`'s realized short- and long-term gains (taxable accounts only) and their
    estimated tax at the household's rates (NIIT included when set), USD cents."""
    if snap.accounts[a].kind is not AccountKind.TAXABLE:
        return _ZERO, _ZERO, cents(_ZERO)
    st = sum((cast(Decimal, t.realized_gain) for t in mine if t.term is Term.SHORT), _ZERO)
    lt = sum((cast(Decimal, t.realized_gain) for t in mine if t.term is Term.LONG), _ZERO)
    hh = snap.household
    niit = Decimal(repr(settings.tax.niit_rate)) if settings.tax.niit else _ZERO
    return st, lt, cents(st * (hh.st_rate + niit) + lt * (hh.lt_rate + niit))


def _holdings_value(snap: Snapshot, a: int) -> Decimal:
    total = _ZERO
    for i in np.flatnonzero(snap.lot_account == a):
        lot = snap.lots[i]
        total += lot.quantity * snap.securities[int(snap.lot_security[i])].price
    return total


def _net_shares(snap: Snapshot, trades: list[Trade]) -> np.ndarray:
    index = {s.symbol: i for i, s in enumerate(snap.securities)}
    out = np.zeros(len(snap.securities))
    for t in trades:
        sign = 1.0 if t.side is Side.BUY else -1.0
        out[index[t.symbol]] += sign * float(t.quantity)
    return out


def _household_result(
    snap: Snapshot,
    trades: list[Trade],
    accounts: tuple[AccountResult, ...],
    settings: Settings,
) -> HouseholdResult:
    holdings = snap.holdings()
    values = snap.account_values(holdings)
    after = holdings.copy()
    index = {s.symbol: i for i, s in enumerate(snap.securities)}
    acct = {a.account_id: i for i, a in enumerate(snap.accounts)}
    for t in trades:
        after[acct[t.account_id], index[t.symbol]] += float(t.quantity) * (
            1 if t.side is Side.BUY else -1
        )
    cash_after = np.array([float(r.cash_after) for r in accounts])
    if snap.household_target is not None:
        target, tcash = snap.household_target, snap.household_target_cash
    else:
        target, tcash = household_target(values, snap.targets, snap.target_cash)
    drag = drag_matrix(snap.accounts, snap.securities, snap.household, settings.location)
    classes = [s.asset_class for s in snap.securities]
    held_before, cash_before = holdings.sum(0) * snap.prices, float(snap.cash.sum())
    held_after, cash_total_after = after.sum(0) * snap.prices, float(cash_after.sum())
    return HouseholdResult(
        location_score_before=location_score(holdings * snap.prices, drag, classes),
        location_score_after=location_score(after * snap.prices, drag, classes),
        tax_drag_before=cents(Decimal(repr(float((holdings * snap.prices * drag).sum())))),
        tax_drag_after=cents(Decimal(repr(float((after * snap.prices * drag).sum())))),
        household_id=snap.household.household_id,
        value=sum((r.value for r in accounts), _ZERO),
        drift_before=drift(held_before, cash_before, target, tcash, snap.pool()),
        drift_after=drift(held_after, cash_total_after, target, tcash, snap.pool()),
        strict_drift_before=drift(held_before, cash_before, target, tcash),
        strict_drift_after=drift(held_after, cash_total_after, target, tcash),
        est_tax=sum((r.est_tax for r in accounts), _ZERO),
    )
