from datetime import date

import numpy as np
from tax_books import SECURITIES, household_book, lot, txn

from trimtab.tax.costs import LotArrays, sale_tax, wash_blocks
from trimtab.tax.ledger import replay

SECS = {s.symbol: s for s in SECURITIES}


def test_sale_tax_arrays() -> None:
    lots = [
        lot("a", "T1", "XYZ", 10, "50", "2020-01-02"),
        lot("b", "T1", "XYZ", 4, "60", "2025-05-01"),
    ]
    t = sale_tax(lots, np.array([10.0, 10.0]), date(2025, 6, 2), 0.37, 0.20)
    assert np.allclose(t.gain_per_share, [5.0, -5.0])
    assert t.is_long.tolist() == [True, False]
    assert t.days_to_long_term.tolist() == [0, (date(2026, 5, 2) - date(2025, 6, 2)).days]
    assert np.allclose(t.tax_per_share, [1.0, -1.85])
    same = sale_tax(LotArrays.from_lots(lots), np.array([10.0, 10.0]), date(2025, 6, 2), 0.37, 0.2)
    assert np.array_equal(same.tax_per_share, t.tax_per_share)


def test_no_buy_after_an_unwashed_loss_until_the_window_closes() -> None:
    book = household_book([lot("L1", "T1", "SPY", 10, "5000", "2025-01-02")],
                          [txn("T1", "2025-03-03", "SPY", "sell", 10, "450", "L1")])  # fmt: skip
    ledger = replay(book)
    blocks = wash_blocks(ledger, "H1", date(2025, 4, 2), SECS)
    assert (
        blocks.no_buy == {"sp500"} and blocks.buy_blocked("IVV") and not blocks.buy_blocked("XYZ")
    )
    assert not wash_blocks(ledger, "H1", date(2025, 4, 3), SECS).no_buy


def test_a_fully_washed_loss_blocks_nothing_more() -> None:
    book = household_book([lot("L1", "T1", "XYZ", 10, "100", "2025-01-02")],
                          [txn("T1", "2025-03-03", "XYZ", "sell", 10, "5", "L1"),
                           txn("T2", "2025-03-05", "XYZ", "buy", 10, "5", "B1")])  # fmt: skip
    blocks = wash_blocks(replay(book), "H1", date(2025, 3, 10), SECS)
    assert not blocks.no_buy
    assert not blocks.no_loss_sale  # B1's shares are already used as replacement shares


def test_recent_purchase_blocks_loss_sales_except_from_itself() -> None:
    book = household_book([lot("L1", "T1", "XYZ", 10, "100", "2024-01-02")],
                          [txn("IRA", "2025-03-01", "XYZ", "buy", 5, "9", "B1"),
                           txn("T1", "2025-03-02", "XYZ", "buy", 5, "9", "B2")])  # fmt: skip
    ledger = replay(book)
    blocks = wash_blocks(ledger, "H1", date(2025, 3, 20), SECS)
    assert blocks.no_loss_sale == {"XYZ"}
    assert blocks.loss_sale_blocked("XYZ", "L1") and blocks.loss_sale_blocked("XYZ", "B2")
    later = wash_blocks(ledger, "H1", date(2025, 4, 1), SECS)  # B1 left the window
    assert later.loss_sale_blocked("XYZ", "L1") and not later.loss_sale_blocked("XYZ", "B2")
    assert not wash_blocks(ledger, "H1", date(2025, 4, 2), SECS).no_loss_sale
    assert wash_blocks(ledger, "H1", date(2025, 3, 20), SECS).no_buy == frozenset()
