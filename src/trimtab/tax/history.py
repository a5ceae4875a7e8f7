"""Replay one household's history: lot relief, dispositions and household-wide wash sales.

Internal to the ledger (`trimtab.tax.ledger.replay` is the public entry). Days are processed in
date order; within a day every buy comes before every sell, and the day's loss sales are matched
with replacement shares only once all of that day's sells are done, so lots sold the same day are
never each other's replacements. Within a day, rows are taken in a canonical order (account,
symbol, sells naming a lot before sells that do not, lot id, price, quantity), so the result does
not depend on the order of rows in the input. The rules themselves are stated in docs/tax.md.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from trimtab.domain import Account, Household, Lot, Transaction
from trimtab.errors import Problem
from trimtab.money import cents
from trimtab.names import Side
from trimtab.tax.holding import term_of
from trimtab.tax.records import Disposition, LotOrigin, Purchase
from trimtab.tax.relief import relieve

WINDOW = timedelta(days=30)
"""Replacement shares bought within 30 days before or after a loss sale wash it (§1091(a))."""

ZERO = Decimal(0)
TXN = "transactions.csv"


@dataclass(slots=True)
class Held:
    """A lot while the history is replayed (mutable working state; `Lot` is the record)."""

    lot_id: str
    root: str  # the purchase this lot came from (a wash-sale split keeps its root)
    account_id: str
    symbol: str
    identity: str
    quantity: Decimal
    basis: Decimal
    acquired: date  # holding-period start (tacked by wash sales)
    bought: date  # trade date of the purchase: what the wash-sale window looks at
    taxable: bool
    spare: Decimal  # shares not yet used as replacement shares

    def as_lot(self) -> Lot:
        return Lot(
            self.lot_id, self.account_id, self.symbol, self.quantity, self.basis, self.acquired
        )


@dataclass(frozen=True, slots=True)
class Sold:
    """Shares relieved from one lot by one sell, before wash-sale treatment."""

    lot: Held  # the lot as it was (a copy)
    quantity: Decimal
    proceeds: Decimal
    basis: Decimal
    sold: date

    @property
    def loss(self) -> Decimal:
        return self.basis - self.proceeds


@dataclass(frozen=True, slots=True)
class Piece:
    """Part of a later buy reserved as replacement shares for an earlier loss sale."""

    quantity: Decimal
    added_basis: Decimal
    sold_acquired: date
    sold: date


@dataclass(frozen=True, slots=True)
class Context:
    """What a household's replay needs from the book."""

    household: Household
    accounts: Mapping[str, Account]
    identity: Mapping[str, str]  # symbol -> wash identity
    taken_ids: set[str]  # every lot id in use, shared so split ids stay unique


@dataclass(frozen=True, slots=True)
class Outcome:
    open_lots: list[Lot]
    origins: dict[str, LotOrigin]
    dispositions: list[Disposition]
    purchases: list[Purchase]
    problems: list[Problem]


def tacked(replacement_acquired: date, sold_acquired: date, sold: date) -> date:
    """The replacement's holding-period start once the sold shares' period is included (§1223(3)).

    The replacement start moves back by the days the sold shares were held that do not overlap its
    own holding period (so a replacement bought before the sale counts the overlap once).
    """
    overlap_end = min(sold, replacement_acquired)
    shift = max(0, (overlap_end - sold_acquired).days)
    return replacement_acquired - timedelta(days=shift)


def _buy_key(t: Transaction) -> tuple[date, str, str, str, Decimal, Decimal]:
    return (t.date, t.account_id, t.symbol, t.lot_id or "", t.quantity, t.price)


def _sell_key(t: Transaction) -> tuple[str, str, bool, str, Decimal, Decimal]:
    return (t.account_id, t.symbol, t.lot_id is None, t.lot_id or "", t.price, t.quantity)


class HouseholdReplay:
    """Replays one household. Build it, call `run()` once."""

    def __init__(self, ctx: Context, lots: Sequence[Lot], txns: Sequence[Transaction]) -> None:
        self.ctx = ctx
        self.hh = ctx.household.household_id
        self.lots = lots
        self.buys = sorted((t for t in txns if t.side is Side.BUY), key=_buy_key)
        self.sells = [t for t in txns if t.side is Side.SELL]
        self.held: dict[tuple[str, str], list[Held]] = defaultdict(list)
        self.by_identity: dict[str, list[Held]] = defaultdict(list)
        self.future: dict[str, list[Transaction]] = defaultdict(list)
        self.pending: dict[str, list[Piece]] = defaultdict(list)
        self.closed: dict[str, date] = {}
        self.dispositions: list[Disposition] = []
        self.purchases: list[Purchase] = []
        self.problems: list[Problem] = []
        self.untouched: list[Lot] = []  # opening lots of identities no transaction trades

    def run(self) -> Outcome:
        touched = {self._identity(t.symbol) for t in (*self.buys, *self.sells)}
        for lot in self.lots:
            if self._identity(lot.symbol) not in touched:  # no trade can change it: keep as is
                self.untouched.append(lot)
                ident = self._identity(lot.symbol)
                self.purchases.append(Purchase(self.hh, lot.account_id, lot.symbol, ident,
                                               lot.acquired, lot.quantity, lot.lot_id))  # fmt: skip
                continue
            self._open(lot.lot_id, lot.account_id, lot.symbol, lot.quantity, lot.cost_basis,
                       lot.acquired)  # fmt: skip
        for t in self.buys:
            self.future[self._identity(t.symbol)].append(t)
        days: dict[date, list[Transaction]] = defaultdict(list)
        for t in self.sells:
            days[t.date].append(t)
        for t in self.buys:
            days.setdefault(t.date, [])
        buys_by_day: dict[date, list[Transaction]] = defaultdict(list)
        for t in self.buys:
            buys_by_day[t.date].append(t)
        for day in sorted(days):
            self._day(day, buys_by_day.get(day, []), sorted(days[day], key=_sell_key))
        return self._outcome()

    # -- opening lots ---------------------------------------------------------------------------

    def _identity(self, symbol: str) -> str:
        return self.ctx.identity.get(symbol, symbol)

    def _open(
        self, lot_id: str, account_id: str, symbol: str, qty: Decimal, basis: Decimal, on: date
    ) -> Held:
        taxable = self.ctx.accounts[account_id].taxable
        h = Held(lot_id, lot_id, account_id, symbol, self._identity(symbol), qty, basis, on, on,
                 taxable, qty)  # fmt: skip
        self._track(h)
        self.purchases.append(Purchase(self.hh, account_id, symbol, h.identity, on, qty, lot_id))
        return h

    def _track(self, h: Held) -> None:
        self.held[(h.account_id, h.symbol)].append(h)
        self.by_identity[h.identity].append(h)

    def _buy(self, t: Transaction) -> None:
        lot_id = t.lot_id or ""
        h = self._open(lot_id, t.account_id, t.symbol, t.quantity, cents(t.quantity * t.price),
                       t.date)  # fmt: skip
        self.future[h.identity].remove(t)
        for piece in self.pending.pop(lot_id, []):
            self._wash(h, piece.quantity, piece.added_basis, piece.sold_acquired, piece.sold)

    # -- one day --------------------------------------------------------------------------------

    def _day(self, day: date, buys: list[Transaction], sells: list[Transaction]) -> None:
        for t in buys:
            self._buy(t)
        sold: list[Sold] = []
        for t in sells:
            sold += self._sell(t)
        for s in sold:
            self._dispose(s)

    def _sell(self, t: Transaction) -> list[Sold]:
        lots = [h for h in self.held.get((t.account_id, t.symbol), []) if h.quantity > 0]
        chosen = self._named(t, lots) if t.lot_id is not None else self._by_method(t, lots)
        if chosen is None:
            return []
        out: list[Sold] = []
        done = ZERO
        for h, shares in chosen:
            proceeds = cents((done + shares) * t.price) - cents(done * t.price)
            done += shares
            out.append(self._take(h, shares, proceeds, t.date))
        return out

    def _named(self, t: Transaction, lots: list[Held]) -> list[tuple[Held, Decimal]] | None:
        """Specific identification: the lot the sell names. A name of a wash-sale part (`ID.w1`)
        takes that part; the original id takes that lot first, then its parts."""
        exact = [h for h in lots if h.lot_id == t.lot_id]
        rest = sorted(
            (h for h in lots if h.root == t.lot_id and h.lot_id != t.lot_id),
            key=lambda h: (h.acquired, h.lot_id),
        )
        parts = exact + rest
        if not parts:
            when = self.closed.get(t.lot_id or "")
            why = f"was closed on {when}" if when else f"is not open in {t.account_id} on {t.date}"
            self._problem(t, "lot_id", f"lot {t.lot_id!r} of {t.symbol} {why}")
            return None
        held = sum((h.quantity for h in parts), ZERO)
        if t.quantity > held:
            self._problem(
                t, "quantity", f"sells {t.quantity} shares of lot {t.lot_id!r}: {held} left"
            )
            return None
        return _take_in_order(parts, t.quantity)

    def _by_method(self, t: Transaction, lots: list[Held]) -> list[tuple[Held, Decimal]] | None:
        held = sum((h.quantity for h in lots), ZERO)
        if t.quantity > held:
            self._problem(
                t, "quantity",
                f"sells {t.quantity} {t.symbol} but {t.account_id} holds {held} on {t.date}",
            )  # fmt: skip
            return None
        by_id = {h.lot_id: h for h in lots}
        hh = self.ctx.household
        method = self.ctx.accounts[t.account_id].lot_method
        taken = relieve(method, [h.as_lot() for h in lots], t.quantity, price=t.price, on=t.date,
                        st_rate=hh.st_rate, lt_rate=hh.lt_rate)  # fmt: skip
        return [(by_id[lot.lot_id], shares) for lot, shares in taken]

    def _take(self, h: Held, shares: Decimal, proceeds: Decimal, on: date) -> Sold:
        before = dataclasses.replace(h)
        basis = h.basis if shares == h.quantity else cents(h.basis * shares / h.quantity)
        h.quantity -= shares
        h.basis -= basis
        h.spare = min(h.spare, h.quantity)
        if h.quantity == 0:
            self.held[(h.account_id, h.symbol)].remove(h)
            self.by_identity[h.identity].remove(h)
            if not any(x.root == h.root for x in self.held[(h.account_id, h.symbol)]):
                self.closed[h.root] = on
        return Sold(before, shares, proceeds, basis, on)

    def _problem(self, t: Transaction, field: str, message: str) -> None:
        self.problems.append(Problem(TXN, t.row or None, field, message))

    # -- wash sales -----------------------------------------------------------------------------

    def _dispose(self, s: Sold) -> None:
        """Record a sale; a loss in a taxable account first meets its replacement shares."""
        matched: list[tuple[Held | Transaction, Decimal]] = []
        if s.lot.taxable and s.loss > 0:
            matched = self._replacements(s)
        washed = sum((m for _, m in matched), ZERO)
        done, prev = ZERO, ZERO
        for target, m in matched:
            done += m
            piece = cents(s.loss * done / s.quantity) - prev
            prev += piece
            if isinstance(target, Held):
                self._wash(target, m, piece, s.lot.acquired, s.sold)
            else:
                self.pending[target.lot_id or ""].append(Piece(m, piece, s.lot.acquired, s.sold))
        self._rows(s, washed, prev)

    def _replacements(self, s: Sold) -> list[tuple[Held | Transaction, Decimal]]:
        """Replacement shares for a loss sale, in the order they were bought, each used once.

        Candidates: lots of the same identity in any account of the household, bought within 30
        days before the sale and still held at the end of the sale day (never the sold purchase
        itself, Rev. Rul. 56-602), then buys within 30 days after it.
        """
        start, end = s.sold - WINDOW, s.sold + WINDOW
        held = [
            h for h in self.by_identity.get(s.lot.identity, [])
            if h.root != s.lot.root and start <= h.bought <= s.sold and h.spare > 0
        ]  # fmt: skip
        held.sort(key=lambda h: (h.bought, h.account_id, h.lot_id))
        out: list[tuple[Held | Transaction, Decimal]] = []
        need = s.quantity
        for h in held:
            if need <= 0:
                return out
            m = min(need, h.spare)
            out.append((h, m))
            need -= m
        for t in self.future.get(s.lot.identity, []):
            if need <= 0 or t.date > end:
                break
            if t.date <= s.sold:
                continue
            free = t.quantity - sum(
                (p.quantity for p in self.pending.get(t.lot_id or "", [])), ZERO
            )
            m = min(need, free)
            if m > 0:
                out.append((t, m))
                need -= m
        return out

    def _wash(self, h: Held, m: Decimal, added: Decimal, sold_acquired: date, sold: date) -> None:
        """Use `m` shares of lot `h` as replacement shares: add the disallowed loss to their basis
        and include the sold shares' holding period (§1091(d), §1223(3)). In a tax-deferred or
        tax-exempt account the loss is simply lost (Rev. Rul. 2008-5): nothing is adjusted."""
        h.spare -= m
        if not h.taxable:
            return
        part = h
        if m < h.quantity:
            part = dataclasses.replace(
                h, lot_id=self._fresh(h.root), quantity=m, basis=cents(h.basis * m / h.quantity),
                spare=ZERO,
            )  # fmt: skip
            h.quantity -= m
            h.basis -= part.basis
            self._track(part)
        part.basis += added
        part.acquired = tacked(h.acquired, sold_acquired, sold)

    def _fresh(self, root: str) -> str:
        n = 1
        while f"{root}.w{n}" in self.ctx.taken_ids:
            n += 1
        self.ctx.taken_ids.add(f"{root}.w{n}")
        return f"{root}.w{n}"

    def _rows(self, s: Sold, washed: Decimal, disallowed: Decimal) -> None:
        if washed <= 0:
            self._row(s, s.quantity, s.proceeds, s.basis, ZERO, washed=False)
            return
        b = cents(s.basis * washed / s.quantity)
        p = b - disallowed  # the washed shares' loss is all disallowed: their gain is 0
        self._row(s, washed, p, b, disallowed, washed=True)
        if washed < s.quantity:
            self._row(s, s.quantity - washed, s.proceeds - p, s.basis - b, ZERO, washed=False)

    def _row(
        self,
        s: Sold,
        qty: Decimal,
        proceeds: Decimal,
        basis: Decimal,
        wash: Decimal,
        *,
        washed: bool,
    ) -> None:
        lot = s.lot
        self.dispositions.append(
            Disposition(
                self.hh, lot.account_id, lot.symbol, lot.lot_id, qty, lot.acquired, s.sold,
                proceeds, basis, wash, proceeds - basis + wash, term_of(lot.acquired, s.sold),
                lot.taxable, washed,
            )
        )  # fmt: skip

    def _outcome(self) -> Outcome:
        lots: list[Lot] = list(self.untouched)
        origins: dict[str, LotOrigin] = {}
        for group in self.held.values():
            for h in group:
                lots.append(h.as_lot())
                if h.root != h.lot_id or h.bought != h.acquired or h.spare != h.quantity:
                    origins[h.lot_id] = LotOrigin(h.root, h.bought, h.spare)
        return Outcome(lots, origins, self.dispositions, self.purchases, self.problems)


def _take_in_order(parts: list[Held], quantity: Decimal) -> list[tuple[Held, Decimal]]:
    out: list[tuple[Held, Decimal]] = []
    left = quantity
    for h in parts:
        if left <= 0:
            break
        take = min(left, h.quantity)
        out.append((h, take))
        left -= take
    return out
