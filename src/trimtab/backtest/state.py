"""One strategy's holdings through a backtest, kept as a book: opening lots, the transactions
since, account cash; every trade is booked through the tax ledger (`trimtab.tax.ledger.replay`),
so wash sales, holding periods and lot relief are the engine's own.

The history is compacted so the replay stays short. At a cut date C where no loss sale and
purchase of one wash identity lie within 30 days of each other on opposite sides of C, the
history up to C cannot affect the wash-sale treatment after it (nor the reverse): the lots open
after C's trades become the opening lots and the dispositions up to C are archived. The ledger
is the same as a replay of the whole history, only faster. The holding-period start of a lot
carries any wash-sale tacking already.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from decimal import Decimal

import numpy as np

from trimtab.backtest.setup import Setup
from trimtab.book import Book
from trimtab.domain import Account, CashFlow, Household, Lot, Security, Transaction
from trimtab.money import cents
from trimtab.names import Side, Term
from trimtab.tax.ledger import replay
from trimtab.tax.records import Disposition, Ledger

QUIET = timedelta(days=31)
KEEP = timedelta(days=45)
"""History older than this is cut when a safe cut date exists."""
ZERO = Decimal(0)


@dataclasses.dataclass(frozen=True, slots=True)
class Booked:
    """What booking one day's trades did: USD traded and paid in costs, trades booked."""

    traded: Decimal
    costs: Decimal
    count: int


class State:
    """Lots, transactions and cash of one strategy (mutable; one instance per simulated run)."""

    def __init__(self, setup: Setup) -> None:
        self.setup = setup
        self.symbols = setup.market.symbols
        self.sym_index = {s: i for i, s in enumerate(self.symbols)}
        self.acct_index = {a.account_id: i for i, a in enumerate(setup.accounts)}
        self.cash = {a.account_id: cents(a.cash) for a in setup.accounts}
        self.opening: tuple[Lot, ...] = setup.opening
        self.taken = {x.lot_id for x in setup.opening}
        self.txns: list[Transaction] = []
        self.archived: list[Disposition] = []
        self.next_id = 1
        self.taxable = np.array([a.taxable for a in setup.accounts], dtype=bool)
        self.ledger = Ledger((), (), ())
        self._lots_to_arrays()

    # -- the book ------------------------------------------------------------------------------

    def securities(self, prices: Sequence[Decimal]) -> tuple[Security, ...]:
        classes = self.setup.market.classes
        return tuple(
            Security(s, p, c) for s, p, c in zip(self.symbols, prices, classes, strict=True)
        )

    def household(self, year: int, carry: tuple[Decimal, Decimal]) -> Household:
        """The household with the year's archived gains and the carryforward coming in."""
        st = lt = ZERO
        for d in self.archived:
            if d.taxable and d.sold.year == year:
                if d.term is Term.LONG:
                    lt += d.gain
                else:
                    st += d.gain
        return dataclasses.replace(
            self.setup.household, realized_st_ytd=st, realized_lt_ytd=lt,
            loss_carryforward_st=carry[0], loss_carryforward_lt=carry[1],
        )  # fmt: skip

    def book(
        self,
        prices: Sequence[Decimal],
        household: Household | None = None,
        flows: Iterable[tuple[str, Decimal]] = (),
        as_of: date | None = None,
    ) -> Book:
        accounts = tuple(
            dataclasses.replace(a, cash=self.cash[a.account_id]) for a in self.setup.accounts
        )
        settings = self.setup.settings
        if as_of is not None:
            settings = dataclasses.replace(settings, as_of=as_of)
        return Book(
            securities=self.securities(prices),
            households=(household or self.setup.household,),
            accounts=accounts,
            lots=self.opening,
            models=self.setup.models,
            restrictions=self.setup.restrictions,
            transactions=tuple(self.txns),
            cash_flows=tuple(CashFlow(scope, amount) for scope, amount in flows),
            settings=settings,
        )

    # -- booking -------------------------------------------------------------------------------

    def book_trades(self, trades: Iterable[Transaction], day: date, bps: float) -> Booked:
        """Record trades (buys get fresh lot ids), move cash, pay costs, replay the ledger."""
        traded = costs = ZERO
        count = 0
        rate = Decimal(repr(bps)) / 10000
        for t in trades:
            if t.quantity <= 0:
                continue
            if t.side is Side.BUY:
                t = dataclasses.replace(t, lot_id=self._new_id())
            value = cents(t.quantity * t.price)
            cost = cents(value * rate)
            self.cash[t.account_id] += (-value if t.side is Side.BUY else value) - cost
            self.txns.append(dataclasses.replace(t, date=day))
            traded += value
            costs += cost
            count += 1
        if count:
            self.refresh()
        return Booked(traded, costs, count)

    def _new_id(self) -> str:
        """A lot id no opening lot uses."""
        while f"bt{self.next_id}" in self.taken:
            self.next_id += 1
        self.next_id += 1
        return f"bt{self.next_id - 1}"

    def move_cash(self, account_id: str, amount: Decimal) -> None:
        """A deposit (> 0) or withdrawal (< 0) of USD, or a tax paid from the account."""
        self.cash[account_id] += cents(amount)

    def refresh(self) -> None:
        """Replay the ledger after new trades; compaction keeps the replay short."""
        book = self.book([Decimal(1)] * len(self.symbols))
        self.ledger = replay(book)
        self._lots_to_arrays()

    def compact(self, today: date) -> None:
        """Cut the history at the latest safe date at least 31 days back (see the module doc);
        tried once the kept history spans more than `KEEP` days."""
        if not self.txns or self.txns[0].date > today - KEEP:
            return
        if self.txns[-1].date <= today - QUIET:
            cut = self.txns[-1].date
        else:
            found = safe_cut(self.txns, self.ledger.dispositions, today - QUIET)
            if found is None or found < self.txns[0].date:
                return
            cut = found
        before = [t for t in self.txns if t.date <= cut]
        after = [t for t in self.txns if t.date > cut]
        if len(before) == len(self.txns):
            at_cut = self.ledger
        else:
            self.txns = before
            at_cut = replay(self.book([Decimal(1)] * len(self.symbols)))
        self.archived += at_cut.dispositions
        self.opening = at_cut.open_lots
        self.txns = after
        self.refresh()

    def dispositions(self) -> list[Disposition]:
        return [*self.archived, *self.ledger.dispositions]

    # -- arrays ---------------------------------------------------------------------------------

    def _lots_to_arrays(self) -> None:
        lots = self.ledger.open_lots or self.opening
        self.lots = lots
        self.lot_account = np.array([self.acct_index[x.account_id] for x in lots], dtype=np.int64)
        self.lot_security = np.array([self.sym_index[x.symbol] for x in lots], dtype=np.int64)
        self.lot_qty = np.array([float(x.quantity) for x in lots], dtype=float)
        self.lot_basis = np.array([float(x.cost_basis) for x in lots], dtype=float)
        held = np.zeros((len(self.setup.accounts), len(self.symbols)))
        np.add.at(held, (self.lot_account, self.lot_security), self.lot_qty)
        self.holdings = held

    def exact_holdings(self, account_id: str) -> list[Decimal]:
        """Shares held per symbol in one account, exact."""
        out = [ZERO] * len(self.symbols)
        for x in self.lots:
            if x.account_id == account_id:
                out[self.sym_index[x.symbol]] += x.quantity
        return out

    def cash_array(self) -> np.ndarray:
        return np.array([float(self.cash[a.account_id]) for a in self.setup.accounts])

    def values(self, prices: np.ndarray) -> np.ndarray:
        """Account values (USD, float) at `prices`."""
        return self.holdings @ prices + self.cash_array()

    def exact_value(self, prices: Sequence[Decimal]) -> Decimal:
        """Total value of all accounts, USD cents: each lot at price, plus cash."""
        held = sum((cents(x.quantity * prices[self.sym_index[x.symbol]]) for x in self.lots), ZERO)
        return held + sum(self.cash.values(), ZERO)


def account_of(accounts: Sequence[Account], account_id: str) -> Account:
    return next(a for a in accounts if a.account_id == account_id)


def safe_cut(
    txns: Sequence[Transaction], dispositions: Sequence[Disposition], latest: date
) -> date | None:
    """The latest date C <= `latest` such that no taxable loss sale and purchase of one symbol
    within 30 days of each other lie on opposite sides of C (a trade on C counts as before)."""
    buys: dict[str, list[int]] = {}
    for t in txns:
        if t.side is Side.BUY:
            buys.setdefault(t.symbol, []).append(t.date.toordinal())
    lo_list, hi_list = [], []
    for d in dispositions:
        if not d.taxable or not (d.washed or d.gain < 0):
            continue
        sold = d.sold.toordinal()
        near = np.array(buys.get(d.symbol, ()), dtype=np.int64)
        near = near[(np.abs(near - sold) <= 30) & (near != sold)]
        lo_list += np.minimum(near, sold).tolist()
        hi_list += np.maximum(near, sold).tolist()
    lo, hi = np.array(lo_list, dtype=np.int64), np.array(hi_list, dtype=np.int64)
    day = latest.toordinal()
    while True:
        inside = (lo <= day) & (day < hi)
        if not inside.any():
            return date.fromordinal(day) if day > 0 else None
        day = int(lo[inside].min()) - 1
