"""A book's household replayed forward: its lots, cash, models and restrictions."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest

from trimtab.backtest.from_book import book_setup
from trimtab.backtest.simulate import simulate
from trimtab.backtest.strategies import strategy
from trimtab.check import load_checked
from trimtab.money import cents

SMALL = Path(__file__).parents[1] / "fixtures" / "small_book"
ZERO = Decimal(0)


@pytest.fixture(scope="module")
def setup():
    return book_setup(load_checked(SMALL), "H1", years=0.5, seed=3)


def test_the_household_starts_as_the_book_holds_it(setup) -> None:
    book = load_checked(SMALL)
    assert [a.account_id for a in setup.accounts] == ["A1", "A2"]
    assert {x.lot_id for x in setup.opening} >= {"L1", "L3"}
    assert str(setup.market.dates[0]) == str(book.as_of())
    first = dict(zip(setup.market.symbols, setup.market.closes[0], strict=True))
    assert first["VTI"] == pytest.approx(float(book.security_by_symbol["VTI"].price))
    assert {r.scope for r in setup.restrictions} <= {"A1", "A2", "H1"}


@pytest.mark.parametrize("name", ["engine", "baseline", "hold"])
def test_a_replayed_book_reconciles_to_the_cent(setup, name: str) -> None:
    run = simulate(setup, strategy(name, frequency="weekly" if name == "engine" else None))
    closes = np.round(setup.market.closes[-1], 2)
    last = {s: Decimal(f"{p:.2f}") for s, p in zip(setup.market.symbols, closes, strict=True)}
    unrealized = sum((cents(x.quantity * last[x.symbol]) - x.cost_basis for x in run.lots), ZERO)
    realized = sum((d.gain for d in run.dispositions), ZERO)
    assert sum((d.wash_sale_disallowed for d in run.dispositions), ZERO) == 0
    cash = sum((a.cash for a in setup.accounts), ZERO)
    basis = sum((x.cost_basis for x in setup.opening), ZERO)
    expected = cash + basis + run.flows - run.costs - run.taxes_paid + realized + unrealized
    assert run.final_value == expected
    if name != "hold":
        assert run.trades > 0
