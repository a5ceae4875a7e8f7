"""Hypothesis strategies for books whose records are awkward but consistent with the schema."""

from __future__ import annotations

import string
from datetime import date
from decimal import Decimal

import numpy as np
from hypothesis import strategies as st

from trimtab.book import Book, PriceHistory
from trimtab.config import Settings, TaxSettings
from trimtab.domain import (
    Account,
    Alternate,
    CashFlow,
    Household,
    Lot,
    Model,
    ModelComponent,
    Restriction,
    Security,
    Transaction,
)
from trimtab.names import AccountKind, FilingStatus, LotMethod, Rule, SecurityKind, Side

AWKWARD = [
    Decimal("0.000001"),
    Decimal("123456789.123456"),
    Decimal("0"),
    Decimal("-0.5"),
    Decimal("250.00"),
    Decimal("1E+3"),
    Decimal("0.1000"),
    Decimal("99999999999999.999999"),
]

decimals = st.sampled_from(AWKWARD) | st.decimals(
    min_value=-(10**12), max_value=10**12, places=6, allow_nan=False, allow_infinity=False
)
positive = decimals.filter(lambda d: d > 0)
ids = st.text(string.ascii_letters + string.digits + "-_. é,\"'", min_size=1, max_size=10)
labels = st.text(string.ascii_lowercase + "_é", min_size=1, max_size=8)
days = st.dates(min_value=date(1990, 1, 1), max_value=date(2030, 12, 31))
maybe_id = st.none() | ids


@st.composite
def books(draw: st.DrawFn) -> Book:
    """A book: unique ids, accounts in drawn households, lots and trades in drawn accounts."""
    symbols = draw(st.lists(ids, min_size=1, max_size=5, unique=True))
    securities = tuple(
        Security(
            s,
            draw(positive),
            draw(labels),
            draw(st.frozensets(labels, max_size=3)),
            draw(maybe_id),
            draw(st.sampled_from(SecurityKind)),
        )
        for s in symbols
    )
    household_ids = draw(st.lists(ids, min_size=1, max_size=3, unique=True))
    households = tuple(_household(draw, h) for h in household_ids)
    account_ids = draw(st.lists(ids, min_size=1, max_size=4, unique=True))
    accounts = tuple(_account(draw, a, draw(st.sampled_from(household_ids))) for a in account_ids)
    lot_ids = draw(st.lists(ids, max_size=8, unique=True))
    lots = tuple(
        Lot(
            lot,
            draw(st.sampled_from(account_ids)),
            draw(st.sampled_from(symbols)),
            draw(positive),
            draw(decimals),
            draw(days),
        )
        for lot in lot_ids
    )
    return Book(
        securities=securities,
        households=households,
        accounts=accounts,
        lots=lots,
        models=draw(_models(symbols)),
        restrictions=tuple(
            Restriction(draw(st.sampled_from(account_ids + household_ids)), target, rule)
            for target, rule in draw(st.lists(st.tuples(ids, st.sampled_from(Rule)), max_size=3))
        ),
        transactions=tuple(
            Transaction(
                draw(st.sampled_from(account_ids)),
                draw(days),
                draw(st.sampled_from(symbols)),
                draw(st.sampled_from(Side)),
                draw(positive),
                draw(positive),
                draw(maybe_id),
                row,
            )
            for row in draw(st.lists(st.integers(0, 10_000), max_size=5))
        ),
        cash_flows=tuple(
            CashFlow(scope, amount)
            for scope, amount in draw(st.lists(st.tuples(ids, decimals), max_size=3))
        ),
        alternates=tuple(
            Alternate(sym, alt, draw(maybe_id), draw(st.integers(1, 10**6)), draw(st.booleans()))
            for sym, alt in draw(
                st.lists(st.tuples(st.sampled_from(symbols), ids), max_size=3, unique=True)
            )
        ),
        price_history=draw(st.none() | _price_history(symbols)),
        settings=Settings(as_of=draw(st.none() | days), tax=TaxSettings(niit=draw(st.booleans()))),
    )


def _household(draw: st.DrawFn, household_id: str) -> Household:
    return Household(
        household_id,
        name=draw(st.text(max_size=12).filter(lambda s: "\x00" not in s)),
        st_rate=draw(decimals),
        lt_rate=draw(decimals),
        model_id=draw(maybe_id),
        gain_budget=draw(st.none() | decimals),
        tax_budget=draw(st.none() | decimals),
        realized_st_ytd=draw(decimals),
        realized_lt_ytd=draw(decimals),
        loss_carryforward_st=draw(decimals),
        loss_carryforward_lt=draw(decimals),
        filing_status=draw(st.sampled_from(FilingStatus)),
        gain_harvest=draw(decimals),
        drift_tolerance=draw(st.none() | decimals),
    )


def _account(draw: st.DrawFn, account_id: str, household_id: str) -> Account:
    return Account(
        account_id,
        household_id,
        kind=draw(st.sampled_from(AccountKind)),
        model_id=draw(maybe_id),
        cash=draw(decimals),
        cash_reserve=draw(decimals),
        min_trade=draw(decimals),
        fractional=draw(st.booleans()),
        lot_method=draw(st.sampled_from(LotMethod)),
        managed=draw(st.booleans()),
        drift_tolerance=draw(st.none() | decimals),
    )


@st.composite
def _models(draw: st.DrawFn, symbols: list[str]) -> tuple[Model, ...]:
    model_ids = draw(st.lists(ids, min_size=1, max_size=3, unique=True))
    components = st.sampled_from([*symbols, "CASH", *(f"model:{m}" for m in model_ids)])
    return tuple(
        Model(
            m,
            tuple(
                ModelComponent(c, draw(decimals))
                for c in draw(st.lists(components, min_size=1, max_size=4))
            ),
        )
        for m in model_ids
    )


@st.composite
def _price_history(draw: st.DrawFn, symbols: list[str]) -> PriceHistory:
    keys = draw(st.lists(st.tuples(days, st.sampled_from(symbols)), max_size=10, unique=True))
    closes = draw(
        st.lists(st.floats(1e-6, 1e9, allow_nan=False), min_size=len(keys), max_size=len(keys))
    )
    return PriceHistory(
        dates=np.array([d for d, _ in keys], dtype="datetime64[D]"),
        symbols=np.array([s for _, s in keys], dtype=object),
        closes=np.array(closes, dtype=float),
    )
