"""The demo: the whole loop on a generated book, in a store of its own.

The demo never touches the user's store: without `--db` it keeps its book in `OUT/demo.sqlite`,
and with `--db` it refuses a store that already holds a book unless told `replace=True`.
"""

from __future__ import annotations

import time
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from trimtab.book import write_book
from trimtab.check import load_checked
from trimtab.errors import StoreError
from trimtab.generate import write_sample_book
from trimtab.rebalance.outputs import write_outputs
from trimtab.rebalance.run import DEFAULT_METHOD, rebalance_book
from trimtab.rebalance.summary import summarize
from trimtab.store import export_book, has_book, import_book, make_engine, upgrade

STORE_FILE = "demo.sqlite"
"""The demo's own SQLite store, inside its output folder."""


def demo_url(out_dir: Path) -> str:
    """The demo's own store: `OUT/demo.sqlite`."""
    return f"sqlite:///{(Path(out_dir) / STORE_FILE).resolve()}"


def run_demo(
    *,
    households: int,
    out_dir: Path,
    db_url: str | None,
    seed: int,
    console: Console,
    replace: bool = False,
) -> None:
    """Generate -> validate -> store -> read back -> rebalance -> write outputs, with progress.

    `db_url` None means the demo's own store (`demo_url`); a store named explicitly that already
    holds a book is replaced only with `replace`, else StoreError before anything is written.
    """
    started = time.perf_counter()
    book_dir, result_dir = out_dir / "book", out_dir / "rebalance"
    url = db_url or demo_url(out_dir)
    if db_url is not None and not replace:
        _refuse_a_stored_book(db_url)
    out_dir.mkdir(parents=True, exist_ok=True)
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
    whose = "the demo's own store" if db_url is None else "the store you named with --db"
    console.print(f"store:     {_short(url)} ({whose})")
    console.print(f"outputs:   {result_dir} (trades, summaries, positions, orders, allocations)")
    console.print(f"took {time.perf_counter() - started:.1f} s")


def _refuse_a_stored_book(url: str) -> None:
    engine = make_engine(url)
    try:
        if has_book(engine):
            raise StoreError(
                f"the store {_short(url)} already holds a book and the demo would replace it: "
                "leave out --db to use the demo's own store, or add --replace to replace it"
            )
    finally:
        engine.dispose()


def _short(url: str) -> str:
    return url if len(url) < 80 else url[:35] + "..." + url[-40:]
