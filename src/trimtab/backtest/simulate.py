"""Replay one strategy through the market, day by day. Pure: a setup in, a `Run` out."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import numpy as np

from trimtab.backtest.passive import invest, raise_cash
from trimtab.backtest.setup import Setup, TaxPayment
from trimtab.backtest.state import State
from trimtab.backtest.strategies import (
    Screen,
    Strategy,
    drift_due,
    harvest_due,
    new_period,
    over_band,
)
from trimtab.backtest.taxes import YearTax, liquidation_tax, year_tax
from trimtab.domain import Lot, Transaction
from trimtab.measures.assumptions import assumption
from trimtab.money import cents
from trimtab.names import CASH, Side, TaxCharacter
from trimtab.rebalance.proposal import Proposal
from trimtab.rebalance.run import rebalance_snapshot
from trimtab.risk.model import RiskModel, class_model, estimated_model
from trimtab.snapshot import build_snapshots
from trimtab.tax.records import Disposition

ZERO = Decimal(0)
RISK_DAYS = 504
"""Trailing trading days (two years) the yearly risk model is estimated from."""


@dataclass(frozen=True, eq=False)
class Run:
    """One strategy's path. Arrays are per trading day (T) and account (A); money USD.

    `values[t, a]` is the account value after day t's trades; `external[t, a]` the money that
    came in from outside that day (deposits > 0, withdrawals and taxes paid from the account < 0)
    and `deposits[t, a]` the part of it that is the setup's cash flows (no taxes);
    `traded[t]` the USD bought plus sold. `initial` is the starting cash plus the opening lots at
    the first day's prices (USD). `unpaid_tax` is the last year's tax (assessed at the
    end, not yet paid) plus, when taxes are paid outside, every year's tax; `liquidation_tax` the
    extra tax of selling everything on the last day.
    """

    strategy: str
    dates: np.ndarray
    values: np.ndarray
    drift: np.ndarray
    external: np.ndarray
    deposits: np.ndarray
    traded: np.ndarray
    targets: np.ndarray
    target_cash: np.ndarray
    years: tuple[YearTax, ...]
    trades: int
    calls: int
    exceptions: int
    costs: Decimal
    initial: Decimal
    flows: Decimal
    taxes_paid: Decimal
    final_value: Decimal
    unpaid_tax: Decimal
    liquidation_tax: Decimal
    lots: tuple[Lot, ...]
    dispositions: tuple[Disposition, ...]

    @property
    def after_tax(self) -> Decimal:
        """Wealth after the taxes owed, before liquidation (USD)."""
        return self.final_value - self.unpaid_tax

    @property
    def liquidated(self) -> Decimal:
        """Wealth after selling everything and paying every tax (USD)."""
        return self.after_tax - self.liquidation_tax


def targets_of(state: State) -> tuple[np.ndarray, np.ndarray]:
    """(A, S) target weights and (A,) target cash of each account's model."""
    book = state.book([Decimal(1)] * len(state.symbols))
    n_a, n_s = len(state.setup.accounts), len(state.symbols)
    t, c = np.zeros((n_a, n_s)), np.zeros(n_a)
    for i, a in enumerate(state.setup.accounts):
        model = book.model_of(a)
        if model is None:
            continue
        for sym, w in book.target_weights(model).items():
            if sym == CASH:
                c[i] = float(w)
            else:
                t[i, state.sym_index[sym]] = float(w)
    return t, c


class Simulation:
    """The loop's working state (one instance per run)."""

    def __init__(self, setup: Setup, strategy: Strategy, screen: Screen) -> None:
        self.setup, self.strategy, self.screen = setup, strategy, screen
        self.state = State(setup)
        self.targets, self.target_cash = targets_of(self.state)
        n_t, n_a = len(setup.market.dates), len(setup.accounts)
        self.values, self.drift = np.zeros((n_t, n_a)), np.zeros((n_t, n_a))
        self.external, self.deposits = np.zeros((n_t, n_a)), np.zeros((n_t, n_a))
        self.traded = np.zeros(n_t)
        self.years: list[YearTax] = []
        self.carry = (ZERO, ZERO)
        self.pending = ZERO
        self.unpaid = ZERO
        self.taxes_paid = ZERO
        self.flows = ZERO
        self.costs = ZERO
        self.trades = self.calls = self.exceptions = 0
        self.looked = np.zeros(0)
        self.looked_drift = np.zeros(len(setup.accounts))
        self.risk: dict[int, RiskModel] = {}
        self.income = 0.0
        self.income_rate = income_rates(setup) if setup.income_tax else np.zeros((n_a, 1))
        self.payer = next((a.account_id for a in setup.accounts if a.taxable),
                          setup.accounts[0].account_id)  # fmt: skip

    # -- the loop ------------------------------------------------------------------------------

    def run(self, progress: Callable[[int], None] | None = None) -> Run:
        m = self.setup.market
        prev = None
        for t, day64 in enumerate(m.dates):
            day: date = day64.astype(object)
            px = np.round(m.closes[t], 2)
            flows = self._flows(t, day64)
            if t == 0 and not self.setup.opening:
                self._start(px, day, flows)
            elif t == 0 or flows or self._due(prev, day64, px):
                self._act(t, px, day, flows)
            self.state.compact(day)
            self.values[t] = self.state.values(px)
            self.income += float((self.state.holdings * px * self.income_rate).sum()) / 252
            self.drift[t] = self._drift(px)
            if t == len(m.dates) - 1 or m.dates[t + 1].astype(object).year != day.year:
                self._year_end(day, px, last=t == len(m.dates) - 1)
            prev = day64
            if progress is not None:
                progress(1)
        return self._result(px, day)

    def _flows(self, t: int, day64: np.datetime64) -> list[tuple[str, Decimal]]:
        flows = list(self.setup.flows.get(day64, ()))
        for scope, amount in flows:
            a = self.state.acct_index.get(scope)
            share = [a] if a is not None else list(self.state.acct_index.values())
            for i in share:
                self.deposits[t, i] += float(amount) / len(share)
        self.external[t] += self.deposits[t]
        self.flows += sum((amount for _, amount in flows), ZERO)
        if self.pending:
            flows.append((self.payer, -self.pending))
            self.external[t, self.state.acct_index[self.payer]] -= float(self.pending)
            self.taxes_paid += self.pending
            self.pending = ZERO
        return flows

    def _start(self, px: np.ndarray, day: date, flows: list[tuple[str, Decimal]]) -> None:
        """Every strategy starts the same way: cash (and day-0 deposits) invested at target."""
        for scope, amount in flows:
            self.state.move_cash(self._account(scope), amount)
        dec = _decimal(px)
        buys = []
        for i, a in enumerate(self.setup.accounts):
            cash = float(self.state.cash[a.account_id])
            buys += invest(a.account_id, cash, self.targets[i], float(self.target_cash[i]), dec,
                           self.state.symbols, day)  # fmt: skip
        self._book(0, buys, day)
        self.looked = self._loss(px)

    def _due(self, prev: np.datetime64 | None, day64: np.datetime64, px: np.ndarray) -> bool:
        s = self.strategy
        if s.cadence == "never":
            return False
        if s.cadence == "bands":
            return over_band(self._weights(px), self.targets, s.band)
        if s.cadence != "daily":
            return new_period(prev, day64, s.cadence)
        if new_period(prev, day64, "monthly"):
            return True
        if drift_due(self._drift(px), self.looked_drift, self.screen):
            return True
        taxable = self.state.taxable[self.state.lot_account]
        value = float(self.state.values(px).sum())
        loss, basis = self._loss(px), self.state.lot_basis
        return harvest_due(loss, self.looked, basis, taxable, value, self.screen)

    def _act(self, t: int, px: np.ndarray, day: date, flows: list[tuple[str, Decimal]]) -> None:
        if self.strategy.method is None:
            self._passive(t, px, day, flows)
        else:
            self._rebalance(t, px, day, flows)
        self.looked = self._loss(px)
        self.looked_drift = self._drift(px)

    # -- strategies ------------------------------------------------------------------------------

    def _passive(self, t: int, px: np.ndarray, day: date, flows: list[tuple[str, Decimal]]) -> None:
        dec = _decimal(px)
        for scope, amount in flows:
            acct = self._account(scope)
            i = self.state.acct_index[acct]
            if amount > 0:
                self.state.move_cash(acct, amount)
                buys = invest(acct, float(amount), self.targets[i], float(self.target_cash[i]),
                              dec, self.state.symbols, day)  # fmt: skip
                self._book(t, buys, day)
            else:
                self._raise(t, acct, -amount, dec, day)
                self.state.move_cash(acct, amount)

    def _raise(self, t: int, acct: str, amount: Decimal, dec: list[Decimal], day: date) -> None:
        """Sell pro rata what cash does not cover of a withdrawal of `amount` USD."""
        short = float(amount - max(self.state.cash[acct], ZERO))
        if short > 0:
            held = self.state.exact_holdings(acct)
            self._book(t, raise_cash(acct, short, held, dec, self.state.symbols, day), day)

    def _rebalance(
        self, t: int, px: np.ndarray, day: date, flows: list[tuple[str, Decimal]]
    ) -> None:
        dec = _decimal(px)
        state = self.state
        book = state.book(dec, state.household(day.year, self.carry), flows, as_of=day)
        self.calls += 1
        placed = ZERO
        for snap in build_snapshots(book, state.ledger, day, risk=self._risk(t)):
            proposal = rebalance_snapshot(snap, book.settings, self.strategy.method or "")
            placed += self._apply(t, proposal, day)
        unmet = sum((amount for _, amount in flows), ZERO) - placed
        if unmet < 0:
            self._raise(t, self.payer, -unmet, dec, day)
        if unmet:
            state.move_cash(self.payer, unmet)

    def _apply(self, t: int, proposal: Proposal, day: date) -> Decimal:
        """Book a proposal's trades; returns the cash requests it placed (USD)."""
        txns = [
            Transaction(x.account_id, day, x.symbol, x.side, x.quantity, x.price,
                        x.lot_id if x.side is Side.SELL else None)
            for x in proposal.trades
        ]  # fmt: skip
        self.exceptions += sum(1 for r in proposal.accounts if r.exception_reasons)
        self._book(t, txns, day)
        placed = ZERO
        for r in proposal.accounts:
            mine = [x for x in proposal.trades if x.account_id == r.account_id]
            net = sum((x.value if x.side is Side.SELL else -x.value for x in mine), ZERO)
            flow = r.cash_after - r.cash_before - net
            self.state.move_cash(r.account_id, flow)
            placed += flow
        return placed

    def _book(self, t: int, txns: list[Transaction], day: date) -> None:
        booked = self.state.book_trades(txns, day, self.setup.settings.costs.bps)
        self.traded[t] += float(booked.traded)
        self.costs += booked.costs
        self.trades += booked.count

    # -- yearly taxes ----------------------------------------------------------------------------

    def _year_end(self, day: date, px: np.ndarray, *, last: bool) -> None:
        hh = self.setup.household
        tax = self.setup.settings.tax
        year = year_tax(hh, day.year, self.state.dispositions(), tax, self.carry)
        year = dataclasses.replace(year, income_tax=cents(Decimal(repr(self.income))))
        self.income = 0.0
        self.years.append(year)
        self.carry = (year.carry_st, year.carry_lt)
        if last or self.setup.tax_payment is TaxPayment.OUTSIDE:
            self.unpaid += year.total
        else:
            self.pending = year.total

    # -- measures --------------------------------------------------------------------------------

    def _weights(self, px: np.ndarray) -> np.ndarray:
        values = self.state.values(px)
        safe = np.where(values > 0, values, 1.0)[:, None]
        return self.state.holdings * px / safe

    def _drift(self, px: np.ndarray) -> np.ndarray:
        values = self.state.values(px)
        safe = np.where(values > 0, values, 1.0)
        w = self.state.holdings * px / safe[:, None]
        cash_w = self.state.cash_array() / safe
        return 0.5 * (np.abs(w - self.targets).sum(1) + np.abs(cash_w - self.target_cash))

    def _loss(self, px: np.ndarray) -> np.ndarray:
        s = self.state
        value = s.lot_qty * px[s.lot_security]
        return np.where(s.lot_basis > 0, 1 - value / np.maximum(s.lot_basis, 1e-9), 0.0)

    def _risk(self, t: int) -> RiskModel:
        m = self.setup.market
        year = int(m.dates[t].astype("datetime64[Y]").astype(int))
        if year not in self.risk:
            secs = self.state.securities([Decimal(1)] * len(m.symbols))
            lo = max(0, t - RISK_DAYS)
            if t - lo < 60:
                self.risk[year] = class_model(secs)
            else:
                factors = self.setup.settings.optimizer.risk_factors
                window = (m.dates[lo:t], m.symbols, m.closes[lo:t])
                self.risk[year] = estimated_model(secs, *window, factors)
        return self.risk[year]

    def _account(self, scope: str) -> str:
        if scope in self.state.acct_index:
            return scope
        return self.payer

    def _result(self, px: np.ndarray, day: date) -> Run:
        dec = _decimal(px)
        tax = self.setup.settings.tax
        liq = liquidation_tax(self.state, dec, day, tax, self._carry_in())
        initial = sum((a.cash for a in self.setup.accounts), ZERO)
        first = _decimal(np.round(self.setup.market.closes[0], 2))
        initial += sum(
            (cents(x.quantity * first[self.state.sym_index[x.symbol]]) for x in self.setup.opening),
            ZERO,
        )
        return Run(
            self.strategy.name, self.setup.market.dates, self.values, self.drift, self.external,
            self.deposits, self.traded, self.targets, self.target_cash, tuple(self.years),
            self.trades, self.calls, self.exceptions, self.costs, initial, self.flows,
            self.taxes_paid, self.state.exact_value(dec), self.unpaid, liq,
            tuple(self.state.lots), tuple(self.state.dispositions()),
        )  # fmt: skip

    def _carry_in(self) -> tuple[Decimal, Decimal]:
        """The carryforward coming into the last year (its tax is recomputed with the sales)."""
        if len(self.years) < 2:
            return (ZERO, ZERO)
        prev = self.years[-2]
        return (prev.carry_st, prev.carry_lt)


def income_rates(setup: Setup) -> np.ndarray:
    """(A, S) yearly tax on income per USD held: yield x rate in taxable accounts, else 0."""
    hh = setup.household
    rates = {
        TaxCharacter.ORDINARY: float(hh.st_rate),
        TaxCharacter.QUALIFIED: float(hh.lt_rate),
        TaxCharacter.TAX_EXEMPT: 0.0,
    }
    per_class = {}
    for c in set(setup.market.classes):
        a = assumption(c, setup.settings.location)
        per_class[c] = a.income_yield * rates[a.character]
    row = np.array([per_class[c] for c in setup.market.classes])
    taxable = np.array([a.taxable for a in setup.accounts], dtype=float)
    return taxable[:, None] * row[None, :]


def _decimal(px: np.ndarray) -> list[Decimal]:
    return [Decimal(f"{p:.2f}") for p in px]


def simulate(
    setup: Setup,
    strategy: Strategy,
    *,
    screen: Screen | None = None,
    progress: Callable[[int], None] | None = None,
) -> Run:
    """Replay `strategy` through `setup.market`, booking every trade through the tax engine."""
    return Simulation(setup, strategy, screen or Screen()).run(progress)
