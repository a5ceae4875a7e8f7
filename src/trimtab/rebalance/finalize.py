"""The one boundary where a method's float decision becomes exact trades and metrics."""

from __future__ import annotations

from decimal import ROUND_DOWN, Decimal
from typing import NamedTuple, cast

import numpy as np

from trimtab.config import Settings
from trimtab.decision import Decision
from trimtab.measures.drift import drift, household_target
from trimtab.measures.location import drag_matrix, location_score
from trimtab.money import cents
from trimtab.names import AccountKind, Side, Status, Term
from trimtab.rebalance.positions import positions, trade_effects
from trimtab.rebalance.proposal import AccountResult, HouseholdResult, Proposal, Trade
from trimtab.snapshot import Snapshot
from trimtab.tax.holding import term_of

SHARE_STEP = Decimal("0.0001")
_ZERO = Decimal(0)
_ONE = Decimal(1)
_NOISE = Decimal("1e-7")


def shares(value: float, fractional: bool, cap: Decimal | None = None) -> Decimal:
    """Float shares to exact shares: whole unless fractional (1e-4), never above `cap`.

    A value within 1e-6 of `cap` is the cap exactly (a whole lot sold); float noise just below a
    step (2.9999999) counts as the step.
    """
    if cap is not None and abs(value - float(cap)) < 1e-6:
        return cap
    step = SHARE_STEP if fractional else _ONE
    q = (Decimal(repr(float(value))) + _NOISE).quantize(step, rounding=ROUND_DOWN)
    return min(q, cap) if cap is not None else q


def finalize(snap: Snapshot, decision: Decision, method: str, settings: Settings) -> Proposal:
    """Exact trades (lot by lot for sells), per-account results and the household result."""
    trades = _sell_trades(snap, decision) + _buy_trades(snap, decision)
    fx = _effects(snap, trades)
    accounts = tuple(
        _account_result(snap, decision, a, fx, settings) for a in range(len(snap.accounts))
    )
    cash_after = [r.cash_after for r in accounts]
    held, household_held = positions(snap, trades, cash_after, (fx.net, fx.traded))
    return Proposal(
        household_id=snap.household.household_id,
        method=method,
        trades=tuple(trades),
        accounts=accounts,
        household=_household_result(snap, accounts, fx, settings),
        positions=held,
        household_positions=household_held,
    )


def _sell_trades(snap: Snapshot, d: Decision) -> list[Trade]:
    out = []
    sold = np.flatnonzero(d.lot_sells > 1e-9)
    for i, a, s, sell in zip(
        sold.tolist(), snap.lot_account[sold].tolist(), snap.lot_security[sold].tolist(),
        d.lot_sells[sold].tolist(), strict=True,
    ):  # fmt: skip
        lot = snap.lots[i]
        account = snap.accounts[a]
        qty = shares(sell, account.fractional or not _whole(lot.quantity), lot.quantity)
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
    rows, cols = np.nonzero(d.buys > 1e-9)
    for a, s, buy in zip(rows.tolist(), cols.tolist(), d.buys[rows, cols].tolist(), strict=True):
        account = snap.accounts[a]
        qty = shares(buy, account.fractional)
        if qty <= 0:
            continue
        security = snap.securities[s]
        out.append(
            Trade(
                account.account_id, security.symbol, Side.BUY, qty, security.price,
                cents(qty * security.price), d.reasons.get((a, s), "drift"),
            )
        )  # fmt: skip
    return out


class _Effects(NamedTuple):
    """What one household's trades do, worked out once for all its accounts.

    `holdings` (A, S) shares before; `mine[a]` account a's trades in proposal order; `net` and
    `traded` (A, S) as `positions.trade_effects` gives them; `after` (A, S) the holdings with
    each trade added in turn (the household figures' float order, kept apart from `net`'s);
    `invested[a]` account a's lots at price, USD (exact).
    """

    holdings: np.ndarray
    mine: list[list[Trade]]
    net: np.ndarray
    traded: np.ndarray
    after: np.ndarray
    invested: list[Decimal]


def _effects(snap: Snapshot, trades: list[Trade]) -> _Effects:
    account = {a.account_id: i for i, a in enumerate(snap.accounts)}
    security = {s.symbol: i for i, s in enumerate(snap.securities)}
    mine: list[list[Trade]] = [[] for _ in snap.accounts]
    for t in trades:
        mine[account[t.account_id]].append(t)
    rows = [account[t.account_id] for t in trades]
    cols = [security[t.symbol] for t in trades]
    signed = [float(t.quantity) if t.side is Side.BUY else -float(t.quantity) for t in trades]
    holdings = snap.holdings()
    net, traded = trade_effects(snap, trades)
    after = holdings.copy()
    np.add.at(after, (rows, cols), signed)  # unbuffered: added one by one, in trade order
    invested = [_ZERO] * len(snap.accounts)
    prices = [s.price for s in snap.securities]
    lots = zip(snap.lots, snap.lot_account.tolist(), snap.lot_security.tolist(), strict=True)
    for lot, a, s in lots:
        invested[a] += lot.quantity * prices[s]
    return _Effects(holdings, mine, net, traded, after, invested)


def _account_result(
    snap: Snapshot,
    d: Decision,
    a: int,
    fx: _Effects,
    settings: Settings,
) -> AccountResult:
    """Account `a`'s figures. `drift_*` counts wash-group members and declared alternates as the
    model security they stand in for; `strict_drift_*` counts each symbol as itself."""
    account = snap.accounts[a]
    mine = fx.mine[a]
    value = cents(account.cash + fx.invested[a])
    flow = cents(Decimal(repr(float(d.flows[a]))))
    if a in d.exceptions and not mine:  # nothing happens: the unmet request stays a request
        flow = _ZERO
    sold = sum((t.value for t in mine if t.side is Side.SELL), _ZERO)
    bought = sum((t.value for t in mine if t.side is Side.BUY), _ZERO)
    cash_after = account.cash + flow + sold - bought
    held = fx.holdings[a] * snap.prices
    after = (fx.holdings[a] + fx.net[a]) * snap.prices
    st, lt, est_tax = _realized(snap, a, mine, settings)
    traded = sold + bought
    est_cost = cents(traded * Decimal(repr(settings.costs.bps)) / 10000)
    reasons = d.exceptions.get(a, ())
    status = Status.EXCEPTION if reasons else (Status.TRADE if mine else Status.NO_TRADE)
    target, tcash, pool = snap.targets[a], float(snap.target_cash[a]), snap.pool(a)
    cash, cash_f = float(account.cash), float(cash_after)
    return AccountResult(
        strict_drift_before=drift(held, cash, target, tcash),
        strict_drift_after=drift(after, cash_f, target, tcash),
        account_id=account.account_id,
        household_id=account.household_id,
        value=value,
        cash_before=cents(account.cash),
        cash_after=cents(cash_after),
        drift_before=drift(held, cash, target, tcash, pool),
        drift_after=drift(after, cash_f, target, tcash, pool),
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


def _household_result(
    snap: Snapshot,
    accounts: tuple[AccountResult, ...],
    fx: _Effects,
    settings: Settings,
) -> HouseholdResult:
    holdings, after = fx.holdings, fx.after
    values = snap.account_values(holdings)
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
