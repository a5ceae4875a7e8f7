"""The `trimtab` command: a thin shell over the library. Errors map to exit codes in one place."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape

from trimtab.commands import backtest as backtest_command
from trimtab.commands import daily
from trimtab.commands import report as report_command
from trimtab.commands import serve as serve_commands
from trimtab.commands.console import make_console
from trimtab.errors import DataError, TrimtabError
from trimtab.names import Method

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    rich_markup_mode=None,
    help="trimtab: automated, tax-aware, household-level portfolio rebalancing.\n\n"
    "New here? Run `trimtab demo`, or `trimtab generate book` then `trimtab rebalance book "
    "--out proposal`. `trimtab COMMAND --help` explains each command; docs/cli.md has them all.",
)
db_app = typer.Typer(
    no_args_is_help=True,
    rich_markup_mode=None,
    help="The embedded store (SQLite default, or any URL).",
)
app.add_typer(db_app, name="db")
backtest_command.register(app)
report_command.register(app)
err = make_console(stderr=True)
out = make_console()

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        metavar="URL",
        help="SQLAlchemy URL of the store (default: TRIMTAB_DATABASE_URL, else the embedded "
        "SQLite file)",
    ),
]
AsOf = Annotated[
    str | None,
    typer.Option(
        "--as-of", metavar="DATE", help="Date YYYY-MM-DD (default: the book's as_of, else today)"
    ),
]


def _version(show: bool) -> None:
    if show:
        from importlib.metadata import version

        out.print(f"trimtab {version('trimtab')}", highlight=False)
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """Options of `trimtab` itself (the app's help text is set on `app`)."""


def _date(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(f"not a date YYYY-MM-DD: {text!r}") from None


BookArg = Annotated[
    Path | None,
    typer.Argument(
        metavar="BOOK", help="Book folder; leave it out to use the book in the store (--db)"
    ),
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
    from trimtab.store import export_book, has_book, open_store
    from trimtab.tax.ledger import replay

    engine = open_store(db, write=False)
    if not has_book(engine):
        raise StoreError("the store holds no book: run `trimtab db import BOOK` first")
    b = export_book(engine)
    replay(b)
    return b


def _outside_the_book(out: Path, book: Path | None, *, folder: bool = True) -> None:
    """Refuse an output that cannot be written as asked (a file where a folder goes, or the
    reverse), or that is the book folder or inside it: the outputs would become files of the
    book, which would then no longer validate."""
    _output_kind(out, folder=folder)
    if book is None:
        return
    target, folder_of_book = out.resolve(), book.resolve()
    if target == folder_of_book or folder_of_book in target.parents:
        from trimtab.errors import ConfigError

        raise ConfigError(
            f"--out {out} is inside the book folder {book}: the outputs would become part of the "
            "book; choose a folder outside it"
        )


def _output_kind(out: Path, *, folder: bool) -> None:
    """An output folder must not be an existing file, an output file not an existing folder."""
    from trimtab.errors import ConfigError

    if folder and out.exists() and not out.is_dir():
        raise ConfigError(f"{out} is not a folder: give a folder for the outputs")
    if not folder and out.is_dir():
        raise ConfigError(f"{out} is a folder: give a file name for the output")


def _guard(fn: Callable[[], Any]) -> Any:
    """Run a command body; a trimtab error prints its message and exits with its code, and so
    does a file that cannot be read or written (exit 2), instead of a traceback."""
    try:
        return fn()
    except OSError as exc:
        where = f" {exc.filename}" if exc.filename else ""
        err.print(f"[red]error:[/] cannot use{escape(where)}: {escape(exc.strerror or str(exc))}")
        raise typer.Exit(2) from None
    except DataError as exc:
        err.print(f"[red]error:[/] {escape(exc.args[0])}", highlight=False)
        raise typer.Exit(exc.exit_code) from None
    except TrimtabError as exc:
        err.print(f"[red]error:[/] {escape(str(exc))}", highlight=False)
        raise typer.Exit(exc.exit_code) from None


@app.command()
def validate(
    book: Annotated[Path, typer.Argument(metavar="BOOK", help="Book folder")],
    as_json: Annotated[bool, typer.Option("--json", help="Print problems as JSON")] = False,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            metavar="DATE",
            help="No transaction may be after this date, YYYY-MM-DD (default: the book's as_of; "
            "without one, transaction dates are not checked)",
        ),
    ] = None,
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
    out_dir: Annotated[
        Path, typer.Option("--out", metavar="DIR", help="Folder for the outputs (created)")
    ],
    book: BookArg = None,
    as_of: AsOf = None,
    method: Annotated[
        Method,
        typer.Option(
            help="optimize: tax-aware, household-aware; baseline: snap to target, tax-blind"
        ),
    ] = Method.OPTIMIZE,
    db: DbOption = None,
) -> None:
    """Propose trades for every account; writes trades, summaries, positions and block orders."""
    from trimtab.rebalance.outputs import write_outputs
    from trimtab.rebalance.run import rebalance_book

    name = method.value

    def body() -> None:
        _outside_the_book(out_dir, book)
        b = _load(book, as_of, db)
        proposals = _with_progress(len(b.households), "rebalancing", lambda tick: rebalance_book(
            b, method=name, progress=tick))  # fmt: skip
        counts = write_outputs(proposals, out_dir)
        _summary(proposals, counts, out_dir)

    _guard(body)


@app.command("tax-report")
def tax_report(
    out_dir: Annotated[
        Path, typer.Option("--out", metavar="DIR", help="Folder for the report (created)")
    ],
    book: BookArg = None,
    year: Annotated[
        int | None, typer.Option(metavar="YYYY", help="Tax year (default: the as-of year)")
    ] = None,
    as_of: AsOf = None,
    db: DbOption = None,
) -> None:
    """Realized gains (Form 8949 style), open lots and each household's tax year."""
    from trimtab.tax.report import write_tax_report

    def body() -> None:
        _outside_the_book(out_dir, book)
        b = _load(book, as_of, db)
        counts = write_tax_report(b, out_dir, year=year)
        for name, n in counts.items():
            out.print(f"{name}: {n} rows")

    _guard(body)


@app.command()
def frontier(
    book: BookArg = None,
    account: Annotated[
        str | None,
        typer.Option(metavar="ID", help="Account to trace (this or --household is required)"),
    ] = None,
    household: Annotated[
        str | None,
        typer.Option(
            metavar="ID", help="Household with a model to trace (this or --account is required)"
        ),
    ] = None,
    as_of: AsOf = None,
    out_file: Annotated[
        Path | None,
        typer.Option("--out", metavar="FILE", help="Also write the points as CSV (default: none)"),
    ] = None,
    db: DbOption = None,
) -> None:
    """The tax/tracking frontier: from "ignore taxes" to "no realized gains"."""
    from rich.table import Table

    from trimtab.optimize.frontier import COLUMNS, csv_rows
    from trimtab.optimize.frontier import frontier as trace

    def body() -> None:
        if out_file is not None:
            _outside_the_book(out_file, book, folder=False)
        b = _load(book, as_of, db)
        points = trace(b, account_id=account, household_id=household)
        table = Table(title=f"frontier: {account or household}")
        names = ["tax weight", "est tax USD", "net gain USD", "tracking error", "drift",
                 "traded USD"]  # fmt: skip
        for name in names:
            table.add_column(name, justify="right")
        for p, row in zip(points, csv_rows(points), strict=True):
            money = (f"{x:,.2f}" for x in (p.est_tax, p.realized_gain))
            table.add_row(
                row[0], *money, f"{p.tracking_error:.2%}", f"{p.drift:.4f}", f"{p.traded:,.2f}"
            )
        out.print(table)
        for p, row in zip(points, csv_rows(points), strict=True):
            if p.reasons:
                out.print(f"exception at tax weight {row[0]}: {row[-1]}", highlight=False)
        if out_file is not None:
            _write_file(out_file, COLUMNS, csv_rows(points))
            out.print(f"wrote {len(points)} points to {out_file}")

    _guard(body)


@app.command()
def generate(
    out_dir: Annotated[Path, typer.Argument(metavar="OUT", help="Folder for the new book")],
    households: Annotated[int, typer.Option(min=1, help="Number of households")] = 100,
    seed: Annotated[int, typer.Option(help="Random seed")] = 0,
) -> None:
    """Write a realistic sample book (deterministic for a seed)."""
    from trimtab.generate import write_sample_book

    def body() -> dict[str, int]:
        _output_kind(out_dir, folder=True)
        return write_sample_book(out_dir, households=households, seed=seed)

    counts = _guard(body)
    for name, n in counts.items():
        out.print(f"{name}: {n} rows")


@db_app.command("import")
def db_import(
    book: Annotated[Path, typer.Argument(metavar="BOOK", help="Book folder")],
    db: DbOption = None,
) -> None:
    """Import a book, all or nothing: a bad book changes nothing and every problem is reported."""
    from trimtab.check import load_checked
    from trimtab.store import import_book, open_store

    def body() -> None:
        b = load_checked(book)
        engine = open_store(db, write=True)
        counts = import_book(engine, b)
        out.print(f"imported into {engine.url.render_as_string(hide_password=True)}")
        for name, n in counts.items():
            out.print(f"  {name}: {n}")

    _guard(body)


@db_app.command("export")
def db_export(
    out_dir: Annotated[Path, typer.Argument(metavar="DIR", help="Folder for the book")],
    db: DbOption = None,
) -> None:
    """Write the stored book back to a book folder."""
    from trimtab.book import write_book
    from trimtab.store import export_book, open_store

    def body() -> None:
        _output_kind(out_dir, folder=True)
        engine = open_store(db, write=False)
        write_book(export_book(engine), out_dir)
        out.print(f"exported to {out_dir}")

    _guard(body)


@db_app.command("upgrade")
def db_upgrade(db: DbOption = None) -> None:
    """Create the store or migrate its schema to this trimtab's revision (reads never do)."""
    from trimtab.store import open_store

    def body() -> None:
        engine = open_store(db, write=True)
        out.print(f"store ready: {engine.url.render_as_string(hide_password=True)}")

    _guard(body)


@app.command()
def demo(
    households: Annotated[int, typer.Option(min=1, help="Households in the sample book")] = 300,
    out_dir: Annotated[
        Path, typer.Option("--out", metavar="DIR", help="Folder for everything")
    ] = Path("demo-out"),
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            metavar="URL",
            help="Store to use instead of the demo's own (default: DIR/demo.sqlite; "
            "TRIMTAB_DATABASE_URL is ignored)",
        ),
    ] = None,
    replace: Annotated[
        bool,
        typer.Option("--replace", help="Let the demo replace the book stored at --db"),
    ] = False,
    seed: Annotated[int, typer.Option(help="Random seed")] = 7,
    serve: Annotated[bool, typer.Option("--serve", help="Then start the service on it")] = False,
) -> None:
    """Generate a sample book, store it, rebalance it and summarise: the whole loop.

    The demo keeps its book in a store of its own (DIR/demo.sqlite), never in yours.
    """
    from trimtab.demo import run_demo

    def body() -> None:
        _output_kind(out_dir, folder=True)
        run_demo(
            households=households,
            out_dir=out_dir,
            db_url=db,
            seed=seed,
            console=out,
            replace=replace,
        )

    _guard(body)
    if serve:
        from trimtab.commands.serve import serve_demo
        from trimtab.demo import demo_url

        serve_demo(db or demo_url(out_dir))


def _write_file(path: Path, header: tuple[str, ...], rows: list[list[str]]) -> None:
    """One CSV file, all or nothing: written beside `path`, then renamed onto it at once."""
    from trimtab.files import staged_file, write_csv

    with staged_file(path) as temp:
        write_csv(temp, header, rows)


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
serve_commands.register(app)


def main() -> None:
    app()
