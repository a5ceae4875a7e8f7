"""The desk's day on a generated book: import, feed, run, approve and release orders.

Usage: .venv/bin/python bench/bench_day.py [--accounts 10000] [--db sqlite|postgres|URL]...
       [--workers N] [--chunk-size N] [--no-baseline] [--seed S]

For each database (default: SQLite in a temporary folder; `postgres` is a fresh database on
TRIMTAB_TEST_PG_URL or the local server, dropped afterwards) it prints seconds per step,
households per second of the run and peak memory (resident set: this process and the largest
worker). The feed carries every security's close, trades in 1% of accounts, cash requests for
0.5%, one model change and custodian positions for 1% of accounts (a few deliberately off).
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import psutil
import sqlalchemy as sa
from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from memory import MIB, PeakMemory
from trimtab.batch import make
from trimtab.book import Book
from trimtab.generate import MEAN_ACCOUNTS, generate_book
from trimtab.store import export_book, import_book, make_engine, upgrade
from trimtab.store import workflow_tables as w
from trimtab.tax.ledger import replay
from trimtab.workflow.feed import apply_feed
from trimtab.workflow.feed_read import read_feed
from trimtab.workflow.orders import release_orders, write_release
from trimtab.workflow.proposals import ProposalFilter, approve
from trimtab.workflow.run import run_day

PG_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=10_000)
    parser.add_argument("--db", action="append", default=None, help="sqlite, postgres or a URL")
    parser.add_argument("--workers", type=int, default=None, help="default: all cores")
    parser.add_argument("--chunk-size", type=int, default=None)
    parser.add_argument("--no-baseline", action="store_true", help="skip the baseline compare")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--days",
        type=int,
        choices=(1, 2),
        default=2,
        help="1: feed then run; 2: run, release, feed with the executed trades, run again",
    )
    args = parser.parse_args()
    households = max(1, round(args.accounts / MEAN_ACCOUNTS))
    start = time.perf_counter()
    book = generate_book(households, seed=args.seed)
    if args.no_baseline:
        workflow = dataclasses.replace(book.settings.workflow, compare_baseline=False)
        book = dataclasses.replace(
            book, settings=dataclasses.replace(book.settings, workflow=workflow)
        )
    took = time.perf_counter() - start
    print(
        f"book: {len(book.households):,} households, {len(book.accounts):,} accounts, "
        f"{len(book.lots):,} lots (generated in {took:.1f} s)"
    )
    print(f"workers: {args.workers or os.cpu_count()}")
    for target in args.db or ["sqlite"]:
        with tempfile.TemporaryDirectory() as tmp, database(target, Path(tmp)) as url:
            day(book, url, Path(tmp), args)


def day(book: Book, url: str, tmp: Path, args: argparse.Namespace) -> None:
    engine = make_engine(url)
    upgrade(engine)
    print(f"\n{engine.dialect.name}")
    executor = make(args.workers)
    timed("import", lambda: import_book(engine, book))
    held = psutil.Process().memory_info().rss / MIB
    print(f"  (this process holds {held:,.0f} MiB before the day: the bench's own generated book)")
    with PeakMemory() as peak:
        _the_day(engine, book, executor, tmp, args)
    print(f"  peak memory: {peak.text()}")
    engine.dispose()


def _the_day(
    engine: Engine, book: Book, executor: Any, tmp: Path, args: argparse.Namespace
) -> None:
    first = book.as_of()
    if args.days == 2:
        run_and_release(engine, first, executor, args, tmp / "orders1", "run day 1")
    feed = write_feed(engine, book, first, tmp / "feed")
    second = first + timedelta(days=1)
    result = timed("feed", lambda: apply_feed(engine, feed, as_of=second, actor="bench"))
    print(f"    {result.counts}, {len(result.breaks)} breaks")
    run_and_release(engine, second, executor, args, tmp / "orders2", f"run day {args.days}")
    again = timed("rerun", lambda: run_day(engine, second, actor="bench", executor=executor))
    print(f"    {again.unchanged:,} unchanged, {again.kept:,} kept, {again.proposed:,} proposed")


def run_and_release(
    engine: Engine, as_of: date, executor: Any, args: argparse.Namespace, out: Path, label: str
) -> None:
    start = time.perf_counter()
    run = run_day(engine, as_of, actor="bench", executor=executor, chunk_size=args.chunk_size)
    seconds = time.perf_counter() - start
    print(f"  {label} {seconds:7.1f} s   {run.households / seconds:,.1f} households/s")
    print(f"    {run.summary['by_status']}")
    approved = timed("approve", lambda: approve(engine, ProposalFilter(clean=True), "bench"))
    release = timed("orders", lambda: release_orders(engine, "bench"))
    write_release(release, out)
    print(f"    {len(approved):,} approved, {len(release.orders):,} block orders")


def timed(label: str, work: Callable[[], Any]) -> Any:
    start = time.perf_counter()
    value = work()
    print(f"  {label:<9} {time.perf_counter() - start:7.1f} s")
    return value


def write_feed(engine: Engine, book: Book, executed: date, folder: Path) -> Path:
    """The next day: every security's close, the released trades as executed, cash requests for
    one account in 200, a model change, and custodian positions for one account in 100 (one in
    ten of those off by a share)."""
    rng = np.random.default_rng(1)
    folder.mkdir(parents=True)
    moves = rng.normal(0, 0.01, len(book.securities))
    prices = {s.symbol: (s.price * Decimal(repr(1 + float(m)))).quantize(Decimal("0.01"))
              for s, m in zip(book.securities, moves, strict=True)}  # fmt: skip
    lines = ["symbol,price"] + [f"{s},{p}" for s, p in prices.items()]
    (folder / "prices.csv").write_text("\n".join(lines) + "\n")
    trades = ["account_id,date,symbol,side,quantity,price,lot_id"]
    pt, p = w.proposed_trades, w.proposals
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(pt.c.account_id, pt.c.symbol, pt.c.side, pt.c.quantity, pt.c.price,
                      pt.c.lot_id)
            .join(p, p.c.proposal_id == pt.c.proposal_id)
            .where(p.c.state == "released")
            .order_by(pt.c.proposal_id, pt.c.position)
        ).all()  # fmt: skip
    known = {lot.lot_id for lot in book.lots} | {t.lot_id for t in book.transactions if t.lot_id}
    for a, sym, side, q, price, lot in rows:
        # a lot the history derived (a wash-sale split) has no id a custodian knows: lot method
        named = lot if side == "sell" and lot in known else ""
        trades.append(f"{a},{executed},{sym},{side},{q},{price},{named}")
    (folder / "transactions.csv").write_text("\n".join(trades) + "\n")
    asks = [f"{a.account_id},-1000" for a in book.accounts[::200]]
    (folder / "cash_flows.csv").write_text("\n".join(["scope,amount", *asks]) + "\n")
    model = next(m for m in book.models if len(m.components) >= 2 and not any(
        c.submodel for c in m.components))  # fmt: skip
    weights = [c.weight for c in model.components]
    shift = min(weights[0], Decimal("0.02"))
    weights[0], weights[1] = weights[0] - shift, weights[1] + shift
    rows_m = [f"{model.model_id},{c.component},{wt}"
              for c, wt in zip(model.components, weights, strict=True)]  # fmt: skip
    (folder / "models.csv").write_text("\n".join(["model_id,component,weight", *rows_m]) + "\n")
    merged = read_feed(folder, export_book(engine), executed + timedelta(days=1)).book
    (folder / "custodian_positions.csv").write_text(_positions(merged) + "\n")
    return folder


def _positions(merged: Book) -> str:
    """The holdings the store derives after the feed's trades, for one account in 100."""
    listed = merged.accounts[::100]
    lines = ["account_id,symbol,quantity"]
    shares: dict[str, dict[str, Decimal]] = {a.account_id: {} for a in listed}
    households = {a.household_id for a in listed}
    for lot in replay(merged, households).open_lots:
        if lot.account_id in shares:
            held = shares[lot.account_id]
            held[lot.symbol] = held.get(lot.symbol, Decimal(0)) + lot.quantity
    for i, (account, held) in enumerate(shares.items()):
        for symbol, q in sorted(held.items()):
            off = 1 if i % 10 == 0 and symbol == min(held) else 0
            lines.append(f"{account},{symbol},{q + off}")
    return "\n".join(lines)


@contextmanager
def database(target: str, tmp: Path) -> Iterator[str]:
    if target == "sqlite":
        yield f"sqlite:///{tmp / 'bench.sqlite'}"
        return
    if target != "postgres":
        yield target
        return
    server = make_url(os.environ.get("TRIMTAB_TEST_PG_URL", PG_SERVER))
    name = f"trimtab_bench_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT", poolclass=sa.NullPool)
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


if __name__ == "__main__":
    sys.exit(main())
