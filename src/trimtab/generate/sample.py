"""A realistic sample book, deterministic for a seed: in memory, or written fast as CSV files.

Both entry points build the same text tables (see `columns.py`); `write_sample_book` writes them
straight to disk, `generate_book` parses them with the book's own column parsers, so a written
and loaded book equals the generated one. Each stage draws from its own random stream
(`default_rng([seed, stage])`), so changing one stage does not reshuffle the others.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import numpy as np

from trimtab.book import Book
from trimtab.book.checks import check_references
from trimtab.book.read import Tables, build_book
from trimtab.book.schema import ALTERNATES, FILES, MODELS, PRICE_HISTORY, SECURITIES
from trimtab.config import FILE as SETTINGS_FILE
from trimtab.config import Settings, dump_toml, settings_to_dict
from trimtab.errors import BookError, ConfigError
from trimtab.files import staged_dir
from trimtab.generate.activity import (
    WINDOW_DAYS,
    build_cash_flows,
    build_restrictions,
    build_transactions,
)
from trimtab.generate.columns import Table, dates_text, money, write_table
from trimtab.generate.lots import LOT_YEARS, build_lots
from trimtab.generate.models import build_lineup
from trimtab.generate.people import build_people
from trimtab.generate.prices import DAYS_PER_YEAR, Paths, simulate, trading_days
from trimtab.generate.universe import ASSET_CLASSES, Universe, build_universe

DEFAULT_AS_OF = date(2026, 11, 20)
"""A fixed as-of date keeps the default output byte-identical from one day to the next."""
DEFAULT_HISTORY_DAYS = 504
"""Trading days of price history written (about two years)."""
SIMULATED_DAYS = LOT_YEARS * DAYS_PER_YEAR + 60
"""Trading days simulated: the lots' years plus the transaction window, with room to spare."""

_STAGES = ("prices", "people", "lots", "transactions", "restrictions", "cash_flows")


def generate_book(
    households: int,
    *,
    seed: int = 0,
    as_of: date = DEFAULT_AS_OF,
    history_days: int = DEFAULT_HISTORY_DAYS,
    direct_share: float | None = None,
) -> Book:
    """The sample book in memory (for tests and small books); equal to the written one.

    `direct_share`: share of accounts that direct-index (None: the default mix, about 4%).
    """
    tables = build_tables(
        households, seed=seed, as_of=as_of, history_days=history_days, direct_share=direct_share
    )
    parsed = Tables()
    for spec in FILES:
        table = tables.get(spec.name)
        parsed.rows[spec.name] = _parse(table) if table is not None else []
        if table is not None:
            parsed.present.add(spec.name)
    book = build_book(parsed, Settings(as_of=as_of))
    problems = check_references(book, parsed, as_of)
    if problems:
        raise BookError(problems, "the sample book generator built an invalid book (a bug)")
    return book


def write_sample_book(
    out: Path,
    households: int,
    *,
    seed: int = 0,
    as_of: date = DEFAULT_AS_OF,
    history_days: int = DEFAULT_HISTORY_DAYS,
    direct_share: float | None = None,
) -> dict[str, int]:
    """Write the sample book into folder `out`, all or nothing; returns data rows per CSV file.

    Every CSV file is written, header only when it has no rows, so rewriting an existing folder
    leaves no stale table behind; `price_history.csv` only when `history_days` > 0.
    """
    tables = build_tables(
        households, seed=seed, as_of=as_of, history_days=history_days, direct_share=direct_share
    )
    counts: dict[str, int] = {}
    with staged_dir(Path(out)) as stage:
        for spec in FILES:
            table = tables.get(spec.name)
            if table is not None:
                counts[spec.name] = write_table(stage / spec.name, table)
        settings = dump_toml(settings_to_dict(Settings(as_of=as_of)))
        (stage / SETTINGS_FILE).write_text(settings, encoding="utf-8")
    return counts


def build_tables(
    households: int,
    *,
    seed: int,
    as_of: date,
    history_days: int,
    direct_share: float | None = None,
) -> dict[str, Table]:
    """Every CSV file of the sample book as a text table, by file name."""
    _check_arguments(households, seed, history_days)
    rng = {stage: np.random.default_rng([seed, k]) for k, stage in enumerate(_STAGES)}
    universe = build_universe()
    lineup = build_lineup(universe)
    dates = trading_days(as_of, max(SIMULATED_DAYS, history_days))
    window = np.datetime64(as_of - timedelta(days=WINDOW_DAYS), "D")
    first_trade_day = int(np.searchsorted(dates, window, side="left"))
    paths = simulate(universe, dates, rng["prices"])
    people = build_people(households, rng["people"], direct_share)
    lots = build_lots(people, lineup, universe, paths, first_trade_day - 1, rng["lots"])
    tables = [
        _securities(universe, paths),
        people.households,
        people.accounts,
        lots.table,
        Table(MODELS, {k: [r[i] for r in lineup.rows] for i, k in enumerate(MODELS.column_names)}),
        build_restrictions(people, lots, universe, rng["restrictions"]),
        build_transactions(people, lots, universe, paths, first_trade_day, rng["transactions"]),
        build_cash_flows(people, rng["cash_flows"]),
        _alternates(universe),
    ]
    if history_days > 0:
        tables.append(_price_history(universe, paths, history_days))
    return {t.spec.name: t for t in tables}


def _check_arguments(households: int, seed: int, history_days: int) -> None:
    if households < 1:
        raise ConfigError(f"households must be at least 1, got {households}")
    if seed < 0:
        raise ConfigError(f"seed must be >= 0, got {seed}")
    if history_days < 0:
        raise ConfigError(f"history_days must be >= 0, got {history_days}")


def _securities(universe: Universe, paths: Paths) -> Table:
    return Table(SECURITIES, {
        "symbol": universe.symbols.tolist(),
        "price": money(paths.today),
        "asset_class": universe.asset_class.tolist(),
        "tags": universe.tags.tolist(),
        "wash_group": universe.wash_group.tolist(),
        "kind": np.where(universe.is_stock, "stock", "fund").tolist(),
    })  # fmt: skip


def _alternates(universe: Universe) -> Table:
    """Firm-wide approved alternates: the ETFs of a class stand in for one another, two-way.

    The lineup's primary and alternate ETF of a class are each other's first choice (rank 1);
    the class's third ETF is rank 2 for both. Pairs in one wash group (VOO/IVV, AGG/SCHZ) are
    declared too: they may be held in place of each other, never used to harvest a loss.
    """
    rows: list[tuple[str, str, str]] = []
    for c in range(len(ASSET_CLASSES)):
        etfs = [str(universe.symbols[i]) for i in universe.class_etfs(c)]
        for i, first in enumerate(etfs):
            for second in etfs[i + 1 :]:
                rows.append((first, second, "1" if (i, etfs.index(second)) == (0, 1) else "2"))
    return Table(ALTERNATES, {
        "symbol": [r[0] for r in rows],
        "alternate": [r[1] for r in rows],
        "rank": [r[2] for r in rows],
    })  # fmt: skip


def _price_history(universe: Universe, paths: Paths, history_days: int) -> Table:
    """The last `history_days` closes of every security, date by date."""
    n_sec, n_days = len(universe), len(paths.dates)
    days = np.repeat(np.arange(n_days - history_days, n_days), n_sec)
    return Table(PRICE_HISTORY, {
        "date": dates_text(paths.dates, days),
        "symbol": np.tile(universe.symbols, history_days).tolist(),
        "close": money(paths.closes[-history_days:].ravel()),
    })  # fmt: skip


def _parse(table: Table) -> list[tuple[int, dict[str, object]]]:
    """Rows as the book reader parses them: blank cells take the column's default."""
    table.check_shape()
    specs = table.spec.columns
    cells = table.column_lists()
    rows = []
    for i, row in enumerate(zip(*cells, strict=True)):
        values = {c.name: (c.parse(v) if v else c.default) for c, v in zip(specs, row, strict=True)}
        rows.append((i + 2, values))
    return rows
