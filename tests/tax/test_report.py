import csv
from pathlib import Path

import pytest
from tax_books import household_book, lot, txn

from trimtab.errors import DataError
from trimtab.tax.report import write_tax_report


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_only_taxable_sales_of_the_year_are_reported(tmp_path: Path) -> None:
    book = household_book(
        [lot("L1", "T1", "XYZ", 10, "100", "2024-01-02"),
         lot("L2", "IRA", "XYZ", 10, "100", "2024-01-02")],
        [txn("T1", "2024-12-30", "XYZ", "sell", 5, "12"),
         txn("T1", "2025-01-03", "XYZ", "sell", 5, "12"),
         txn("IRA", "2025-01-03", "XYZ", "sell", 10, "12")],
    )  # fmt: skip
    counts = write_tax_report(book, tmp_path / "r", year=2025)
    assert counts == {"realized.csv": 1, "open_lots.csv": 0, "tax_summary.csv": 1}
    (r,) = rows(tmp_path / "r" / "realized.csv")
    assert (r["sold"], r["gain"], r["term"]) == ("2025-01-03", "10.00", "long")
    (s,) = rows(tmp_path / "r" / "tax_summary.csv")
    assert (s["year"], s["lt_gain"]) == ("2025", "10.00")
    write_tax_report(book, tmp_path / "r", year=2024)
    assert rows(tmp_path / "r" / "realized.csv")[0]["sold"] == "2024-12-30"


def test_nothing_is_written_when_the_history_is_invalid(tmp_path: Path) -> None:
    book = household_book([], [txn("T1", "2025-01-03", "XYZ", "sell", 5, "12", row=2)])
    with pytest.raises(DataError):
        write_tax_report(book, tmp_path / "r", year=2025)
    assert not (tmp_path / "r").exists()
    assert list(tmp_path.iterdir()) == []
