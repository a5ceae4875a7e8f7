"""The `trimtab` command: a thin shell over the library. Errors map to exit codes in one place."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape

from trimtab.commands import daily
from trimtab.errors import DataError, TrimtabError

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="trimtab: automated, tax-aware, household-level portfolio rebalancing.",
)
db_app = typer.Typer(no_args_is_help=True, help="The embedded store (SQLite default, or any URL).")
app.add_typer(db_app, name="db")
err = Console(stderr=True, soft_wrap=True)
out = Console(soft_wrap=True)

DbOption = Annotated[
    str | None,
    typer.Option("--db", help="SQLAlchemy URL (default: TRIMTAB_DATABASE_URL or SQLite)"),
]
AsOf = Annotated[
    str | None, typer.Option("--as-of", help="Date YYYY-MM-DD (default: book's as_of)")
]


def _date(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(f"not a date YYYY-MM-DD: {text!r}") from None


BookArg = Annotated[
    Path | None,
    typer.Argument(help="Book folder; leave it out to use the book in the store (--db)"),
]


def _load(book: Path | None, as_of: str | None, db: str | None = None) -> Any:
    """A fully checked book, from its folder or, without one, from the store; `--as-of` becomes
    the book's as-of date for everything after."""
    import dataclasses

    from trimtab.check import load_checked

    day = _date(as_of)
    b = load_checked(book, as_of=day) if book is not None else _stored(db)
    if day is None:
        return b
    return dataclasses.replace(b, settings=dataclasses.replace(b.settings, as_of=day))


def _stored(db: str | None) -> Any:
    """The book in the store, replayed once more so a history problem is caught here too."""
    from trimtab.errors import StoreError
    from trimtab.store import export_book, has_book, make_engine, upgrade
    from trimtab.tax.ledger import replay

    engine = make_engine(db)
    upgrade(engine)
    if not has_book(engine):
        raise StoreError("the store holds no book: run `trimtab db import BOOK` first")
    b = export_book(engine)
    replay(b)
    return b


def _guard(fn: Callable[[], Any]) -> Any:
    """Run a command body; a trimtab error prints its message and exits with its code."""
    try:
        return fn()
    except DataError as exc:
        err.print(f"[red]error:[/] {escape(exc.args[0])}", highlight=False)
        raise typer.Exit(exc.exit_code) from None
    except TrimtabError as exc:
        err.print(f"[red]error:[/] {escape(str(exc))}", highlight=False)
        raise typer.Exit(exc.exit_code) from None


@app.command()
def validate(
    book: Path,
    as_json: Annotated[bool, typer.Option("--json", help="Print problems as JSON")] = False,
    as_of: AsOf = None,
) -> None:
    """Print every problem of a book with file, row and field; exit 1 if any."""
    from trimtab.check import check_book

    _, problems = check_book(book, as_of=_date(as_of))
    if as_json:
        print(json.dumps([p.to_dict() for p in problems], indent=2))
    else:
        for p in problems:
            print(p)
        err.print(f"{len(problems)} problem(s)" if problems else "book is valid")
    if problems:
        raise typer.Exit(1)


@app.command()
def rebalance(
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for the outputs")],
    book: BookArg = None,
    as_of: AsOf = None,
    method: Annotated[str | None, typer.Option(help="Rebalancing method")] = None,
    db: DbOption = None,
) -> None:
    """Propose trades for every account; writes trades, summaries and block orders."""
    from trimtab.rebalance.outputs import write_outputs
    from trimtab.rebalance.run import DEFAULT_METHOD, METHODS, rebalance_book

    name = method or DEFAULT_METHOD
    if name not in METHODS:
        raise typer.BadParameter(f"unknown method {name!r}; one of {', '.join(METHODS)}")

    def body() -> None:
        b = _load(book, as_of, db)
        proposals = _with_progress(len(b.households), "rebalancing", lambda tick: rebalance_book(
            b, method=name, progress=tick))  # fmt: skip
        counts = write_outputs(proposals, out_dir)
        _summary(proposals, counts, out_dir)

    _guard(body)


@app.command("tax-report")
def tax_report(
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for the report")],
    book: BookArg = None,
    year: Annotated[int | None, typer.Option(help="Tax year (default: the as-of year)")] = None,
    as_of: AsOf = None,
    db: DbOption = None,
) -> None:
    """Realized gains (Form 8949 style), open lots and each household's tax year."""
    from trimtab.tax.report import write_tax_report

    def body() -> None:
        b = _load(book, as_of, db)
        counts = write_tax_report(b, out_dir, year=year)
        for name, n in counts.items():
            out.print(f"{name}: {n} rows")

    _guard(body)


@app.command()
def frontier(
    book: BookArg = None,
    account: Annotated[str | None, typer.Option(help="Account to trace")] = None,
    household: Annotated[str | None, typer.Option(help="Household (with a model) to trace")] = None,
    as_of: AsOf = None,
    out_file: Annotated[
        Path | None, typer.Option("--out", help="Also write the points as CSV")
    ] = None,
    db: DbOption = None,
) -> None:
    """The tax/tracking frontier: from "ignore taxes" to "no realized gains"."""
    from rich.table import Table

    from trimtab.optimize.frontier import frontier as trace

    def body() -> None:
        b = _load(book, as_of, db)
        points = trace(b, account_id=account, household_id=household)
        table = Table(title=f"frontier: {account or household}")
        for name in (
            "tax weight",
            "est tax USD",
            "net gain USD",
            "tracking error",
            "drift",
            "traded USD",
        ):
            table.add_column(name, justify="right")
        rows = []
        for p in points:
            if p.feasible:
                rows.append(
                    [p.tax_weight, p.est_tax, p.realized_gain, p.tracking_error, p.drift, p.traded]
                )
            weight = "gains <= 0" if p.tax_weight is None else f"{p.tax_weight:g}"
            if not p.feasible:
                table.add_row(weight, "infeasible", "", "", "", "")
                continue
            row = [weight, f"{p.est_tax:,.2f}", f"{p.realized_gain:,.2f}",
                   f"{p.tracking_error:.4%}", f"{p.drift:.4f}", f"{p.traded:,.0f}"]  # fmt: skip
            table.add_row(*row)
        out.print(table)
        if out_file is not None:
            from trimtab.files import write_csv

            header = ("tax_weight", "est_tax", "realized_gain", "tracking_error", "drift", "traded")
            write_csv(out_file, header, ([_num(x) for x in row] for row in rows))

    _guard(body)


@app.command()
def generate(
    out_dir: Path,
    households: Annotated[int, typer.Option(min=1, help="Number of households")] = 100,
    seed: Annotated[int, typer.Option(help="Random seed")] = 0,
) -> None:
    """Write a realistic sample book (deterministic for a seed)."""
    from trimtab.generate import write_sample_book

    counts = _guard(lambda: write_sample_book(out_dir, households=households, seed=seed))
    for name, n in counts.items():
        out.print(f"{name}: {n} rows")


@db_app.command("import")
def db_import(book: Path, db: DbOption = None) -> None:
    """Import a book, all or nothing: a bad book changes nothing and every problem is reported."""
    from trimtab.check import load_checked
    from trimtab.store import import_book, make_engine, upgrade

    def body() -> None:
        b = load_checked(book)
        engine = make_engine(db)
        upgrade(engine)
        counts = import_book(engine, b)
        out.print(f"imported into {engine.url.render_as_string(hide_password=True)}")
        for name, n in counts.items():
            out.print(f"  {name}: {n}")

    _guard(body)


@db_app.command("export")
def db_export(out_dir: Path, db: DbOption = None) -> None:
    """Write the stored book back to a book folder."""
    from trimtab.book import write_book
    from trimtab.store import export_book, make_engine, upgrade

    def body() -> None:
        engine = make_engine(db)
        upgrade(engine)
        write_book(export_book(engine), out_dir)
        out.print(f"exported to {out_dir}")

    _guard(body)


@app.command()
def demo(
    households: Annotated[int, typer.Option(min=1, help="Households in the sample book")] = 300,
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for everything")] = Path(
        "demo-out"
    ),
    db: DbOption = None,
    seed: Annotated[int, typer.Option(help="Random seed")] = 7,
) -> None:
    """Generate a sample book, store it, rebalance it and summarise: the whole loop."""
    from trimtab.demo import run_demo

    _guard(
        lambda: run_demo(households=households, out_dir=out_dir, db_url=db, seed=seed, console=out)
    )


def _num(value: float | None) -> str:
    """A figure for a CSV: empty for None (the zero-gain point), else 10 significant digits."""
    return "" if value is None else f"{value:.10g}"


def _with_progress(total: int, label: str, work: Callable[[Callable[[int], None]], Any]) -> Any:
    from rich.progress import Progress

    with Progress(console=err, transient=True, disable=not sys.stderr.isatty()) as bar:
        task = bar.add_task(label, total=total)
        return work(lambda n: bar.advance(task, n))


def _summary(proposals: list[Any], counts: dict[str, int], out_dir: Path) -> None:
    from trimtab.rebalance.summary import summarize

    out.print(summarize(proposals))
    out.print(f"wrote {', '.join(f'{k} ({v})' for k, v in counts.items())} to {out_dir}")


daily.register(app)


def main() -> None:
    app()
