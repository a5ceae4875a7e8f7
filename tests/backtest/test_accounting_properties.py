"""Property: on any seeded history, with any flows, the books balance to the cent."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from trimtab.backtest.market import synthetic
from trimtab.backtest.setup import TaxPayment, single_account
from trimtab.backtest.simulate import simulate
from trimtab.backtest.strategies import strategy
from trimtab.money import cents

ZERO = Decimal(0)


@settings(max_examples=8, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    names=st.integers(2, 6),
    name=st.sampled_from(["baseline", "bands", "hold"]),
    flows=st.lists(st.tuples(st.integers(1, 180), st.integers(-30_000, 30_000)), max_size=4),
    payment=st.sampled_from(list(TaxPayment)),
)
def test_books_balance(seed: int, names: int, name: str, flows: list, payment: TaxPayment) -> None:
    m = synthetic(names, 0.8, seed=seed, idio_vol=0.4, start="2021-06-01")
    schedule: dict[np.datetime64, tuple[tuple[str, Decimal], ...]] = {}
    for day, amount in flows:
        schedule[m.dates[day]] = (*schedule.get(m.dates[day], ()), ("A1", Decimal(amount)))
    setup = single_account(m, cash=Decimal(100_000), flows=schedule, tax_payment=payment)
    run = simulate(setup, strategy(name))
    last = {s: Decimal(f"{p:.2f}") for s, p in zip(m.symbols, m.closes[-1], strict=True)}
    unrealized = sum((cents(x.quantity * last[x.symbol]) - x.cost_basis for x in run.lots), ZERO)
    realized = sum((d.gain for d in run.dispositions), ZERO)
    expected = run.initial + run.flows - run.costs - run.taxes_paid + realized + unrealized
    assert run.final_value == expected
    assert run.flows == sum((Decimal(a) for _, a in flows), ZERO)
    assert all(x.quantity > 0 for x in run.lots)  # never short
