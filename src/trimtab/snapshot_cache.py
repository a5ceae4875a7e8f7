"""Caches of a run's snapshots: what depends only on the book-wide inputs and a household's
securities, built once and shared by every household with the same securities.

A book of 100,000 accounts has far fewer distinct universes than households (an ETF model's
households mostly hold the same securities), so targets, stand-ins, restriction masks and the
covariance are built per universe, not per household. The caches belong to one set of book-wide
inputs (the very same objects: a run's chunks share them) and start over with other ones.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

import numpy as np

from trimtab.domain import Restriction, Security
from trimtab.names import CASH
from trimtab.risk import RiskModel
from trimtab.standins import rank_matrix, stand_ins

if TYPE_CHECKING:
    from trimtab.book import Book

MAX_UNIVERSES = 256
"""Universes whose arrays are kept (each holds an S x S covariance): past it the cache starts
over, which bounds its memory whatever the book."""


@dataclass(eq=False)
class Universe:
    """What depends only on a household's securities (and the book-wide inputs), built once
    and shared by every household with the same securities: arrays are copied out, never
    handed over."""

    secs: tuple[Security, ...]
    symbols: list[str]
    index: dict[str, int]
    identity: np.ndarray
    prices: np.ndarray
    cov: np.ndarray
    measured: np.ndarray
    loadings: np.ndarray | None
    specific: np.ndarray | None
    rows: dict[str | None, tuple[np.ndarray, float, np.ndarray, np.ndarray]] = field(
        default_factory=dict
    )
    matched: dict[str, np.ndarray] = field(default_factory=dict)
    household: dict[tuple[str | None, frozenset[str]], np.ndarray] = field(default_factory=dict)

    @classmethod
    def build(cls, secs: tuple[Security, ...], risk: RiskModel) -> Universe:
        symbols = [s.symbol for s in secs]
        factors = risk.factors_of(symbols)
        identity = np.unique(
            np.array([s.identity for s in secs], dtype=object), return_inverse=True
        )
        return cls(
            secs=secs,
            symbols=symbols,
            index={s: i for i, s in enumerate(symbols)},
            identity=identity[1],
            prices=np.array([float(s.price) for s in secs]),
            cov=risk.sub(symbols),
            measured=risk.measured_of(symbols),
            loadings=None if factors is None else factors[0],
            specific=None if factors is None else factors[1],
        )

    def model_row(
        self, book: Book, model_id: str | None
    ) -> tuple[np.ndarray, float, np.ndarray, np.ndarray]:
        """A model's (target weights, cash weight, stand-in, alternate rank) over the universe."""
        row = self.rows.get(model_id)
        if row is None:
            target, cash = np.zeros(len(self.secs)), 0.0
            if model_id:
                cash = _fill(target, book.target_weights(model_id), self.index)
            ranks = rank_matrix(
                self.symbols, book.alternates_for({model_id} if model_id else set())
            )
            stand, rank = stand_ins(target > 0, self.identity, ranks)
            row = self.rows[model_id] = (target, cash, stand, rank)
        return row

    def hits(self, restriction: Restriction) -> np.ndarray:
        """Which securities a restriction's target matches."""
        hit = self.matched.get(restriction.target)
        if hit is None:
            hit = np.array([restriction.matches(s.symbol, s.tags) for s in self.secs], dtype=bool)
            self.matched[restriction.target] = hit
        return hit

    def household_stand_in(
        self, book: Book, model_id: str | None, models: set[str], targets: np.ndarray
    ) -> np.ndarray:
        """Stand-ins against the household's target (its model's, else its accounts')."""
        key = (model_id, frozenset(models))
        stand = self.household.get(key)
        if stand is None:
            targeted = (self.model_row(book, model_id)[0] if model_id else targets.sum(0)) > 0
            ranks = rank_matrix(self.symbols, book.alternates_for(models))
            stand = self.household[key] = stand_ins(targeted, self.identity, ranks)[0]
        return stand.copy()


@dataclass(eq=False)
class Frames:
    """Caches for one set of book-wide inputs (securities, models, alternates, settings, risk
    model): a household's extra securities by its targets and models, and universes."""

    owner: tuple[object, ...]
    extra: dict[tuple[frozenset[str], frozenset[str]], frozenset[str]] = field(default_factory=dict)
    universes: dict[tuple[str, ...], Universe] = field(default_factory=dict)

    def universe(self, book: Book, secs: tuple[Security, ...], risk: RiskModel) -> Universe:
        key = tuple(s.symbol for s in secs)
        found = self.universes.get(key)
        if found is None:
            if len(self.universes) >= MAX_UNIVERSES:
                self.universes.clear()
            found = self.universes[key] = Universe.build(secs, risk)
        return found


FRAMES: list[Frames] = []


def frames(book: Book, risk: RiskModel) -> Frames:
    """The caches of these book-wide inputs (the same objects: a run's chunks share them);
    other inputs start them over."""
    owner = (book.securities, book.models, book.alternates, book.settings, risk)
    if not FRAMES or any(a is not b for a, b in zip(FRAMES[0].owner, owner, strict=True)):
        FRAMES[:] = [Frames(owner)]
    return FRAMES[0]


def _fill(row: np.ndarray, weights: dict[str, Decimal], index: dict[str, int]) -> float:
    """Write a flattened model into `row`; returns its cash weight."""
    for sym, w in weights.items():
        if sym != CASH:
            row[index[sym]] += float(w)
    return float(weights.get(CASH, 0))
