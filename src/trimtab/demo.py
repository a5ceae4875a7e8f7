"""The demo: the whole loop on a generated book, on the embedded store."""

from __future__ import annotations

import time
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from trimtab.book import write_book
from trimtab.check import load_checked
from trimtab.generate import write_sample_book
from trimtab.rebalance.outputs import write_outputs
from trimtab.rebalance.run import DEFAULT_METHOD, rebalance_book
from trimtab.rebalance.summary import summarize
from trimtab.store import default_url, export_book, import_book, make_engine, upgrade


def run_demo(
    *, households: int, out_dir: Path, db_url: str | None, seed: int, console: Console
) -> None:
    """Generate -> validate -> store -> read back -> rebalance -> write outputs, with progress."""
    started = time.perf_counter()
    book_dir, result_dir = out_dir / "book", out_dir / "rebalance"
    url = db_url or default_url()
    columns = (TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as bar:
        step = bar.add_task("generating sample book", total=None)
        write_sample_book(book_dir, households=households, seed=seed)
        bar.update(step, description="validating the book")
        book = load_checked(book_dir)
        bar.update(step, description=f"importing into {_short(url)}")
        engine = make_engine(url)
        upgrade(engine)
        import_book(engine, book)
        stored = export_book(engine)
        write_book(stored, out_dir / "book-from-store")
        bar.remove_task(step)
        task = bar.add_task("rebalancing households", total=len(stored.households))
        proposals = rebalance_book(
            stored, method=DEFAULT_METHOD, progress=lambda n: bar.advance(task, n)
        )
        write_outputs(proposals, result_dir)
    console.print(summarize(proposals))
    console.print(f"book:      {book_dir}")
    console.print(f"store:     {_short(url)}")
    console.print(f"outputs:   {result_dir} (trades, accounts/households summaries, orders)")
    console.print(f"took {time.perf_counter() - started:.1f} s")


def _short(url: str) -> str:
    return url if len(url) < 80 else url[:35] + "..." + url[-40:]
