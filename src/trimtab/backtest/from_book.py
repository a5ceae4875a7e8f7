"""A backtest of one household of a book: its accounts, cash, open lots, models and
restrictions, replayed forward through simulated prices for its securities.

The prices start at the book's prices on its as-of date and follow the book's risk model (the
price-history estimate when the book has `price_history.csv`, else the asset-class default),
seeded; a book's own history lies in the past, so it cannot be replayed forward.
"""

from __future__ import annotations

import numpy as np

from trimtab.backtest.market import Market
from trimtab.backtest.setup import Setup, TaxPayment
from trimtab.book import Book
from trimtab.errors import ConfigError
from trimtab.names import CASH
from trimtab.risk import risk_model_for
from trimtab.tax.ledger import replay

DRIFT = 0.06
"""Expected yearly return of every simulated security (fraction): the comparison is between
strategies on the same paths, so a common drift keeps it about taxes and tracking."""


def book_market(book: Book, symbols: list[str], years: float, seed: int) -> Market:
    """Correlated daily prices for `symbols` from the book's as-of date (business days)."""
    risk = risk_model_for(book)
    cov = risk.sub(symbols)
    vals, vecs = np.linalg.eigh((cov + cov.T) / 2)
    root = vecs * np.sqrt(np.clip(vals, 0, None))
    days = round(years * 252)
    rng = np.random.default_rng(seed)
    shocks = rng.standard_normal((days, len(symbols))) @ root.T / np.sqrt(252)
    logret = (DRIFT - np.diag(cov) / 2) / 252 + shocks
    start = np.array([float(book.security_by_symbol[s].price) for s in symbols])
    closes = start * np.exp(np.vstack([np.zeros((1, len(symbols))), np.cumsum(logret, 0)]))
    first = np.datetime64(book.as_of(), "D")
    dates = np.busday_offset(first, np.arange(days + 1), roll="forward")
    classes = tuple(book.security_by_symbol[s].asset_class for s in symbols)
    return Market(dates, tuple(symbols), closes, classes, f"book prices simulated (seed={seed})")


def book_setup(
    book: Book,
    household_id: str | None = None,
    *,
    years: float = 5.0,
    seed: int = 42,
    tax_payment: TaxPayment = TaxPayment.ACCOUNT,
) -> Setup:
    """The household (the book's first when None) ready to replay: lots as they are open after
    the book's history, accounts with their cash, the models they follow, their restrictions."""
    hid = household_id or book.households[0].household_id
    if hid not in book.household_by_id:
        raise ConfigError(f"unknown household {hid!r}")
    household = book.household_by_id[hid]
    accounts = tuple(a for a in book.accounts_by_household.get(hid, []) if a.managed)
    if not accounts:
        raise ConfigError(f"household {hid!r} has no managed account")
    ids = {a.account_id for a in accounts}
    lots = tuple(x for x in replay(book, [hid]).open_lots if x.account_id in ids)
    models = {book.model_of(a) for a in accounts} | {household.model_id}
    symbols = {x.symbol for x in lots}
    for m in models - {None}:
        symbols |= set(book.target_weights(m)) - {CASH}  # type: ignore[arg-type]
    market = book_market(book, sorted(symbols), years, seed)
    restrictions = tuple(r for r in book.restrictions if r.scope in ids | {hid})
    return Setup(
        market, household, accounts, book.models, book.settings, tax_payment=tax_payment,
        opening=lots, restrictions=restrictions,
    )  # fmt: skip
