"""`trimtab report`: one household's report a client can read (HTML, or PDF via Chromium)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from trimtab.commands.console import make_console

if TYPE_CHECKING:
    from trimtab.book import Book
    from trimtab.optimize.frontier import FrontierPoint

out = make_console()
err = make_console(stderr=True)


def register(app: typer.Typer) -> None:
    app.command("report")(report)


def report(
    book: Annotated[Path, typer.Argument(help="Book folder")],
    household: Annotated[str, typer.Option(help="Household id")],
    out_path: Annotated[Path, typer.Option("--out", help="report.html, or report.pdf")] = Path(
        "report.html"
    ),
    method: Annotated[str, typer.Option(help="optimize or baseline")] = "optimize",
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Date YYYY-MM-DD (default: the book's as_of)")
    ] = None,
    frontier: Annotated[bool, typer.Option(help="Add the tax/tracking frontier")] = True,
) -> None:
    """Rebalance one household and write its report: allocation, drift, gains, value, frontier."""
    from datetime import date

    from trimtab.check import load_checked
    from trimtab.errors import TrimtabError
    from trimtab.rebalance.run import METHODS, rebalance_book
    from trimtab.report.household import household_page
    from trimtab.report.pdf import write_report

    if method not in METHODS:
        raise typer.BadParameter(f"method must be one of {', '.join(METHODS)}")
    try:
        day = date.fromisoformat(as_of) if as_of else None
    except ValueError:
        raise typer.BadParameter(f"not a date YYYY-MM-DD: {as_of!r}") from None
    try:
        b = load_checked(book, as_of=day)
        if household not in b.household_by_id:
            raise typer.BadParameter(f"unknown household {household!r}")
        (proposal,) = rebalance_book(b, method=method, households=[household])
        points = _frontier(b, household) if frontier else []
        text = household_page(proposal, frontier=points, as_of=b.as_of())
        written = write_report(out_path, text)
    except TrimtabError as exc:
        err.print(f"error: {exc}")
        raise typer.Exit(1) from None
    out.print(f"wrote {written}")


def _frontier(book: Book, household: str) -> list[FrontierPoint]:
    """The household's frontier when it has a model, else its first modelled account's."""
    from trimtab.optimize.frontier import frontier

    if book.household_by_id[household].model_id:
        return frontier(book, household_id=household)
    for a in book.accounts_by_household.get(household, []):
        if a.managed and book.model_of(a):
            return frontier(book, account_id=a.account_id)
    return []
