"""`trimtab backtest`: replay a household through real or synthetic prices under each strategy
and print what each was worth after tax."""

from __future__ import annotations

import time
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any

import typer

from trimtab.commands.console import make_console

out = make_console()
err = make_console(stderr=True)


def register(app: typer.Typer) -> None:
    app.command("backtest")(backtest)


def backtest(
    data: Annotated[
        str, typer.Option(help="sp500 (20 US stocks 1990-2022, from skfolio) or synthetic")
    ] = "sp500",
    book: Annotated[
        Path | None,
        typer.Option(help="Replay a household of this book on simulated prices (default: none)"),
    ] = None,
    household: Annotated[
        str | None, typer.Option(help="--book: household id (default: the book's first)")
    ] = None,
    strategies: Annotated[
        str, typer.Option(help="Comma-separated: engine, baseline, bands, hold")
    ] = "engine,baseline,bands,hold",
    frequency: Annotated[
        str, typer.Option(help="Engine cadence: daily (screened), weekly, monthly, quarterly")
    ] = "daily",
    band: Annotated[float, typer.Option(help="Bands strategy: weight tolerance (fraction)")] = 0.05,
    start: Annotated[
        str | None, typer.Option(help="First day YYYY-MM-DD (default: the data's first)")
    ] = None,
    end: Annotated[
        str | None, typer.Option(help="Last day YYYY-MM-DD (default: the data's last)")
    ] = None,
    names: Annotated[int, typer.Option(min=2, help="Synthetic: number of stocks")] = 100,
    years: Annotated[float, typer.Option(min=0.1, help="Synthetic: years of prices")] = 10.0,
    seed: Annotated[int, typer.Option(help="Synthetic: random seed")] = 42,
    cash: Annotated[float, typer.Option(min=1.0, help="Starting cash (USD)")] = 1_000_000.0,
    st_rate: Annotated[float, typer.Option(help="Short-term gains rate")] = 0.35,
    lt_rate: Annotated[float, typer.Option(help="Long-term gains rate")] = 0.15,
    cost_bps: Annotated[float, typer.Option(help="One-way trading cost, basis points")] = 5.0,
    taxes: Annotated[
        str, typer.Option(help="Pay taxes from the 'account' (default) or from 'outside'")
    ] = "account",
    workers: Annotated[int, typer.Option(min=1, help="Processes running strategies")] = 2,
    csv: Annotated[
        Path | None, typer.Option(help="Write the metrics table as CSV here (default: none)")
    ] = None,
    report: Annotated[
        Path | None, typer.Option(help="Write an HTML (or .pdf) report here (default: none)")
    ] = None,
) -> None:
    """Backtest trimtab's engine against snap-to-target, bands and buy-and-hold."""
    import dataclasses

    import numpy as np

    from trimtab.backtest.compare import compare
    from trimtab.backtest.market import sp500, synthetic
    from trimtab.backtest.metrics import measure_all
    from trimtab.backtest.setup import TaxPayment, single_account
    from trimtab.backtest.strategies import BASELINE, STRATEGIES, strategy
    from trimtab.backtest.table import metrics_table, write_metrics
    from trimtab.config import CostSettings, Settings
    from trimtab.errors import DataError, TrimtabError

    wanted = [s.strip() for s in strategies.split(",") if s.strip()]
    unknown = [s for s in wanted if s not in STRATEGIES]
    if unknown:
        raise typer.BadParameter(f"unknown strategy {unknown[0]!r}: use {', '.join(STRATEGIES)}")
    if data not in ("sp500", "synthetic"):
        raise typer.BadParameter("data must be sp500 or synthetic")
    try:
        chosen = [strategy(s, frequency=frequency, band=band) for s in wanted]
        payment = TaxPayment(taxes)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None
    settings = dataclasses.replace(Settings(), costs=CostSettings(bps=cost_bps))
    try:
        if book is not None:
            setup = _book_setup(book, household, years, seed, payment)
            market = setup.market
        else:
            market = sp500() if data == "sp500" else synthetic(names, years, seed=seed)
            market = market.between(
                np.datetime64(start) if start else None, np.datetime64(end) if end else None
            )
            setup = single_account(
                market, cash=Decimal(repr(cash)), st_rate=Decimal(repr(st_rate)),
                lt_rate=Decimal(repr(lt_rate)), settings=settings, tax_payment=payment,
            )  # fmt: skip
    except TrimtabError as exc:
        err.print(f"error: {exc}")
        raise typer.Exit(2 if isinstance(exc, DataError) else 1) from None
    t0 = time.perf_counter()
    runs = compare(setup, chosen, workers=workers)
    metrics = measure_all(runs, np.round(market.closes, 2), BASELINE)
    first, last = market.dates[0], market.dates[-1]
    title = (
        f"backtest: {market.source}, {len(market.symbols)} stocks, {first} to {last}, "
        f"engine {frequency}, taxes paid from {payment.value}"
    )
    out.print(metrics_table(metrics, title))
    out.print(f"{time.perf_counter() - t0:.1f} s")
    if csv is not None:
        write_metrics(metrics, csv)
        out.print(f"wrote {csv}")
    if report is not None:
        from trimtab.report.backtest import write_backtest_report

        write_backtest_report(runs, metrics, market, title, report)
        out.print(f"wrote {report}")


def _book_setup(book: Path, household: str | None, years: float, seed: int, payment: object) -> Any:
    """A book's household on simulated prices (its own settings, rates and costs)."""
    from trimtab.backtest.from_book import book_setup
    from trimtab.check import load_checked

    return book_setup(load_checked(book), household, years=years, seed=seed,
                      tax_payment=payment)  # type: ignore[arg-type]  # fmt: skip
