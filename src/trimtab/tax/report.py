"""The tax report: realized.csv (Form 8949 rows), open_lots.csv and tax_summary.csv.

Written all or nothing through `trimtab.files.staged_dir`. Only dispositions in taxable accounts
are reported (a sale inside an IRA is not a taxable event); open lots of every account are.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

from trimtab.book import Book
from trimtab.errors import ConfigError
from trimtab.files import staged_dir, write_csv
from trimtab.money import CENT, fmt
from trimtab.tax.ledger import replay
from trimtab.tax.records import Disposition, Ledger
from trimtab.tax.summary import YearSummary, summarize

REALIZED = (
    "household_id", "account_id", "lot_id", "symbol", "quantity", "acquired", "sold", "proceeds",
    "cost_basis", "wash_sale_disallowed", "gain", "term",
)  # fmt: skip
OPEN_LOTS = ("account_id", "symbol", "quantity", "cost_basis", "acquired", "lot_id")
SUMMARY = (
    "household_id", "year", "st_gain", "lt_gain", "net_gain", "deductible_loss",
    "carryforward_st", "carryforward_lt", "est_tax",
)  # fmt: skip


def money(value: Decimal) -> str:
    """USD as text: two decimals, or every digit given when an input carried more."""
    rounded = value.quantize(CENT)
    return f"{rounded:f}" if rounded == value else fmt(value)


def year_summaries(book: Book, ledger: Ledger, year: int) -> list[YearSummary]:
    """Every household's summary of `year`; YTD and carryovers count in the book's own year."""
    own_year = year == book.as_of().year
    by_household = ledger.dispositions_by_household
    return [
        summarize(hh, year, by_household.get(hh.household_id, []), book.settings.tax,
                  include_outside=own_year)
        for hh in sorted(book.households, key=lambda h: h.household_id)
    ]  # fmt: skip


def write_tax_report(book: Book, out: Path, *, year: int | None = None) -> dict[str, int]:
    """Replay the book and write the three report files into `out`; rows written per file.

    `year` defaults to the book's as-of year. Raises ConfigError for a year outside the book's
    history, DataError when the history cannot be replayed (then nothing is written).
    """
    year = year if year is not None else book.as_of().year
    check_year(book, year)
    ledger = replay(book)
    counts: dict[str, int] = {}
    with staged_dir(Path(out)) as stage:
        realized = (d for d in ledger.dispositions if d.taxable and d.sold.year == year)
        counts["realized.csv"] = write_csv(stage / "realized.csv", REALIZED, _realized(realized))
        counts["open_lots.csv"] = write_csv(
            stage / "open_lots.csv",
            OPEN_LOTS,
            ([lot.account_id, lot.symbol, fmt(lot.quantity), money(lot.cost_basis),
              lot.acquired.isoformat(), lot.lot_id] for lot in ledger.open_lots),
        )  # fmt: skip
        counts["tax_summary.csv"] = write_csv(
            stage / "tax_summary.csv", SUMMARY, _summaries(year_summaries(book, ledger, year))
        )
    return counts


def check_year(book: Book, year: int) -> None:
    """Refuse a tax year the book says nothing about: after its as-of date, or before its first
    lot or transaction (a report of such a year would be all zeros, and look like a real one)."""
    as_of = book.as_of()
    dates = [lot.acquired for lot in book.lots] + [t.date for t in book.transactions]
    first = min(dates, default=as_of).year
    if not first <= year <= as_of.year:
        raise ConfigError(
            f"tax year {year} is outside the book's history: {first} (its first lot or "
            f"transaction) to {as_of.year} (its as-of date {as_of}); give a --year in that range"
        )


def _realized(rows: Iterator[Disposition]) -> Iterator[list[str]]:
    for d in rows:
        yield [
            d.household_id, d.account_id, d.lot_id, d.symbol, fmt(d.quantity),
            d.acquired.isoformat(), d.sold.isoformat(), money(d.proceeds), money(d.cost_basis),
            money(d.wash_sale_disallowed), money(d.gain), d.term.value,
        ]  # fmt: skip


def _summaries(rows: list[YearSummary]) -> Iterator[list[str]]:
    for s in rows:
        yield [
            s.household_id, str(s.year), money(s.st_gain), money(s.lt_gain), money(s.net_gain),
            money(s.deductible_loss), money(s.carryforward_st), money(s.carryforward_lt),
            money(s.est_tax),
        ]  # fmt: skip
