"""Small in-code books for the tax tests."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from trimtab.book import Book
from trimtab.domain import Account, Household, Lot, Security, Transaction
from trimtab.names import AccountKind, LotMethod, Side

SECURITIES = (
    Security("XYZ", Decimal(10), "us_equity"),
    Security("SPY", Decimal(450), "us_large", wash_group="sp500"),
    Security("IVV", Decimal(460), "us_large", wash_group="sp500"),
)


def household_book(
    lots: list[Lot],
    txns: list[Transaction],
    *,
    households: tuple[Household, ...] = (Household("H1"),),
    accounts: tuple[Account, ...] | None = None,
) -> Book:
    accounts = accounts or (
        Account("T1", "H1", AccountKind.TAXABLE),
        Account("T2", "H1", AccountKind.TAXABLE, lot_method=LotMethod.HIFO),
        Account("IRA", "H1", AccountKind.TAX_DEFERRED),
    )
    return Book(SECURITIES, households, accounts, tuple(lots), (), transactions=tuple(txns))


def lot(lot_id: str, account: str, symbol: str, qty: int, basis: str, acquired: str) -> Lot:
    return Lot(lot_id, account, symbol, Decimal(qty), Decimal(basis), date.fromisoformat(acquired))


def txn(
    account: str, day: str, symbol: str, side: str, qty: int, price: str, lot_id: str | None = None,
    row: int = 0,
) -> Transaction:  # fmt: skip
    return Transaction(account, date.fromisoformat(day), symbol, Side(side), Decimal(qty),
                       Decimal(price), lot_id, row)  # fmt: skip
