"""The realized-gain ledger: replay opening lots and transactions into open lots and dispositions.

Households are independent taxpayers, so each is replayed on its own (`trimtab.tax.history`); a
household without transactions keeps its opening lots as they are, without per-lot work, which
keeps a book of a million lots quick. Every output is sorted canonically, so the ledger does not
depend on the order of rows in the input.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Iterable

from trimtab.book import Book
from trimtab.domain import Lot, Transaction
from trimtab.errors import DataError, Problem
from trimtab.names import Side
from trimtab.tax.history import Context, HouseholdReplay, Outcome
from trimtab.tax.records import Disposition, Ledger, LotOrigin, Purchase

__all__ = ["Disposition", "Ledger", "LotOrigin", "Purchase", "replay"]


def replay(book: Book, households: Iterable[str] | None = None) -> Ledger:
    """Open lots, dispositions and purchases after the book's whole history.

    `households` limits the replay to those household ids (all when None). Raises DataError
    carrying every problem found (file transactions.csv, the row, the field): a sell of more shares
    than the account holds, a sell naming a lot already closed or not open, an unknown account.
    """
    wanted = set(households) if households is not None else None
    household_of = {a.account_id: a.household_id for a in book.accounts}
    problems: list[Problem] = []
    lots = _by_household(book.lots, household_of, "lots.csv", problems)
    txns = _by_household(_with_lot_ids(book), household_of, "transactions.csv", problems)
    identity = {s.symbol: s.identity for s in book.securities}
    buys = (t for t in book.transactions if t.lot_id and t.side is Side.BUY)
    taken = {lot.lot_id for lot in book.lots} | {t.lot_id for t in buys}
    open_lots: list[Lot] = []
    origins: dict[str, LotOrigin] = {}
    dispositions: list[Disposition] = []
    purchases: list[Purchase] = []
    for hh in sorted(book.households, key=lambda h: h.household_id):
        hid = hh.household_id
        if wanted is not None and hid not in wanted:
            continue
        hh_lots, hh_txns = lots.get(hid, []), txns.get(hid, [])
        if not hh_txns:
            open_lots += hh_lots
            purchases += _opening_purchases(hid, hh_lots, identity)
            continue
        accounts = {a.account_id: a for a in book.accounts_by_household.get(hid, [])}
        ctx = Context(hh, accounts, identity, taken)
        out: Outcome = HouseholdReplay(ctx, hh_lots, hh_txns).run()
        open_lots += out.open_lots
        origins.update(out.origins)
        dispositions += out.dispositions
        purchases += out.purchases
        problems += out.problems
    if problems:
        problems.sort(key=lambda p: (p.file, p.row or 0, p.field or ""))
        raise DataError(problems, f"the history cannot be replayed: {len(problems)} problem(s)")
    open_lots.sort(key=lambda lot: (lot.account_id, lot.symbol, lot.acquired, lot.lot_id))
    dispositions.sort(key=_disposition_key)
    purchases.sort(key=lambda p: (p.household_id, p.date, p.account_id, p.symbol, p.lot_id))
    return Ledger(tuple(open_lots), tuple(dispositions), tuple(purchases), household_of, origins)


def _disposition_key(d: Disposition) -> tuple:
    return (d.household_id, d.sold, d.account_id, d.symbol, d.lot_id, not d.washed, d.quantity)


def _by_household(
    records: Iterable[Lot] | Iterable[Transaction],
    household_of: dict[str, str],
    file: str,
    problems: list[Problem],
) -> dict[str, list]:
    out: dict[str, list] = defaultdict(list)
    for r in records:
        hid = household_of.get(r.account_id)
        if hid is None:
            row = getattr(r, "row", 0) or None
            problems.append(Problem(file, row, "account_id", f"unknown account {r.account_id!r}"))
            continue
        out[hid].append(r)
    return out


def _with_lot_ids(book: Book) -> list[Transaction]:
    """Transactions with every buy carrying the id of the lot it opens (made up when absent)."""
    buys = (t for t in book.transactions if t.lot_id and t.side is Side.BUY)
    taken = {lot.lot_id for lot in book.lots} | {t.lot_id for t in buys}
    out = []
    for t in sorted(book.transactions, key=_fill_order):
        if t.side is Side.BUY and not t.lot_id:
            base, n = f"{t.account_id}.{t.symbol}.{t.date}", 1
            lot_id = base
            while lot_id in taken:
                n += 1
                lot_id = f"{base}.{n}"
            taken.add(lot_id)
            t = dataclasses.replace(t, lot_id=lot_id)
        out.append(t)
    return out


def _fill_order(t: Transaction) -> tuple:
    return (t.date, t.account_id, t.symbol, t.side.value, t.quantity, t.price, t.lot_id or "")


def _opening_purchases(hid: str, lots: list[Lot], identity: dict[str, str]) -> list[Purchase]:
    return [
        Purchase(hid, lot.account_id, lot.symbol, identity.get(lot.symbol, lot.symbol),
                 lot.acquired, lot.quantity, lot.lot_id)
        for lot in lots
    ]  # fmt: skip
