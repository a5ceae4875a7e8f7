from datetime import date
from decimal import Decimal

import pytest
from tax_books import household_book, lot, txn

from trimtab.book import load_book
from trimtab.domain import Account, Household
from trimtab.errors import DataError
from trimtab.names import AccountKind
from trimtab.tax.ledger import replay


def test_errors_are_collected_with_row_and_field() -> None:
    book = household_book(
        [lot("L1", "T1", "XYZ", 10, "100", "2025-01-02")],
        [
            txn("T1", "2025-02-03", "XYZ", "sell", 10, "9", "L1", row=2),
            txn("T1", "2025-02-04", "XYZ", "sell", 1, "9", "L1", row=3),  # closed
            txn("T1", "2025-02-05", "XYZ", "sell", 5, "9", row=4),  # nothing held
            txn("T1", "2025-02-06", "XYZ", "sell", 1, "9", "B9", row=5),  # not open yet
            txn("T1", "2025-03-01", "XYZ", "buy", 2, "9", "B9", row=6),
            txn("T1", "2025-03-02", "XYZ", "sell", 3, "9", "B9", row=7),  # too many
        ],
    )
    with pytest.raises(DataError) as info:
        replay(book)
    where = [(p.file, p.row, p.field) for p in info.value.problems]
    assert where == [
        ("transactions.csv", 3, "lot_id"),
        ("transactions.csv", 4, "quantity"),
        ("transactions.csv", 5, "lot_id"),
        ("transactions.csv", 7, "quantity"),
    ]
    assert "closed on 2025-02-03" in info.value.problems[0].message


def test_fixture_book_replays() -> None:
    book = load_book("tests/fixtures/small_book")
    ledger = replay(book)
    (d,) = ledger.dispositions
    assert (d.lot_id, d.quantity, d.proceeds, d.cost_basis, d.gain) == (
        "L3", 10, Decimal("710.00"), Decimal("800.00"), Decimal("-90.00"))  # fmt: skip
    assert d.taxable and not d.washed
    assert {x.lot_id for x in ledger.open_lots} == {f"L{i}" for i in range(1, 9)}
    l3 = next(x for x in ledger.open_lots if x.lot_id == "L3")
    assert (l3.quantity, l3.cost_basis) == (140, Decimal("11200.00"))
    assert {p.lot_id for p in ledger.purchases} == {f"L{i}" for i in range(1, 9)}
    assert replay(book, households=["H2"]).open_lots == tuple(
        x for x in ledger.open_lots if x.account_id in ("A3", "A4")
    )


def test_ira_sales_are_not_taxable_and_never_washed() -> None:
    book = household_book(
        [lot("L1", "IRA", "XYZ", 10, "100", "2025-01-02")],
        [txn("IRA", "2025-02-03", "XYZ", "sell", 10, "5"),
         txn("IRA", "2025-02-04", "XYZ", "buy", 10, "5", "B1")],
    )  # fmt: skip
    (d,) = replay(book).dispositions
    assert not d.taxable and d.wash_sale_disallowed == 0 and d.gain == Decimal("-50.00")


def test_other_households_do_not_wash() -> None:
    households = (Household("H1"), Household("H2"))
    accounts = (Account("T1", "H1", AccountKind.TAXABLE), Account("U1", "H2", AccountKind.TAXABLE))
    book = household_book(
        [lot("L1", "T1", "XYZ", 10, "100", "2025-01-02")],
        [txn("T1", "2025-02-03", "XYZ", "sell", 10, "5"),
         txn("U1", "2025-02-04", "XYZ", "buy", 10, "5", "B1")],
        households=households, accounts=accounts,
    )  # fmt: skip
    (d,) = replay(book).dispositions
    assert d.wash_sale_disallowed == 0 and d.gain == Decimal("-50.00")


def test_window_is_thirty_days_each_side() -> None:
    def washed(buy_day: str) -> Decimal:
        book = household_book(
            [lot("L1", "T1", "XYZ", 10, "100", "2025-01-02")],
            [txn("T1", "2025-03-03", "XYZ", "sell", 10, "5", "L1"),
             txn("T2", buy_day, "XYZ", "buy", 10, "5", "B1")],
        )  # fmt: skip
        return sum(d.wash_sale_disallowed for d in replay(book).dispositions)

    assert washed("2025-04-02") == 50  # 30 days after
    assert washed("2025-04-03") == 0
    assert washed("2025-02-01") == 50  # 30 days before
    assert washed("2025-01-31") == 0


def test_chained_wash_carries_basis_and_holding_period() -> None:
    book = household_book(
        [lot("L1", "T1", "XYZ", 10, "100", "2024-01-02")],
        [txn("T1", "2025-03-03", "XYZ", "sell", 10, "5", "L1"),
         txn("T1", "2025-03-10", "XYZ", "buy", 10, "5", "B1"),
         txn("T1", "2025-03-20", "XYZ", "sell", 10, "4", "B1"),
         txn("T2", "2025-04-01", "XYZ", "buy", 10, "4", "B2")],
    )  # fmt: skip
    ledger = replay(book)
    second = [d for d in ledger.dispositions if d.lot_id == "B1"]
    assert [(d.cost_basis, d.wash_sale_disallowed, d.term.value) for d in second] == [
        (Decimal("100.00"), Decimal("60.00"), "long")
    ]
    (b2,) = ledger.open_lots
    assert b2.cost_basis == Decimal("100.00")
    # both holding periods count; the days out of the position (two gaps) do not
    gaps = (date(2025, 3, 10) - date(2025, 3, 3)) + (date(2025, 4, 1) - date(2025, 3, 20))
    assert b2.acquired == date(2024, 1, 2) + gaps
