"""A solved problem kept for a re-solve that changes only the lots' bounds.

The wash-sale branch that keeps an identity's losses (`washsafe.py`) is the problem just solved
with some lots' maximum sale set to zero: the same matrices P and A and the same linear cost c,
another right-hand side b. Clarabel's setup (equilibration, ordering, symbolic factorization)
depends on P and A alone, so the solver of the first problem, given the new b, solves the second
from the same start a fresh solver would take, to the same bits (tested), without the setup and
the assembly: a third of a book's solves (840 of 2,660 on 403 households), each about 1 ms
cheaper. Where the bounds are the same too (a contested second pass often poses an account the
very problem of its first), the problem is the one solved and its answer is taken as it is.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

import numpy as np

from trimtab.optimize.problem import ProblemData, Solution, objective_terms

BOUNDS = ("lot_max", "lot_min")
"""The fields a re-solve may change: they only enter the right-hand side."""


@dataclass(frozen=True, eq=False)
class Assembled:
    """What a solve built: the (reduced) problem, which securities it kept, the live solver, its
    right-hand side and where the lot bounds sit in it (row of each lot's maximum; its minimum's
    row is `n_lots` further), and how its solution maps back (`pairs`, `offsets`)."""

    data: ProblemData
    keep: np.ndarray | None
    solver: Any
    b: np.ndarray
    max_rows: np.ndarray
    pairs: tuple[np.ndarray, np.ndarray]
    offsets: tuple[int, int]

    def fits(self, data: ProblemData, keep: np.ndarray | None) -> bool:
        """Whether `data` (reduced, keeping `keep`) is this problem but for the lot bounds."""
        return _same(self.keep, keep) and all(
            _same(getattr(self.data, f.name), getattr(data, f.name))
            for f in dataclasses.fields(ProblemData)
            if f.name not in BOUNDS
        )

    def same_problem(self, data: ProblemData, like: Solution, shape: tuple[int, ...]) -> bool:
        """With `fits`: whether `data` is this very problem, lot bounds included, and `like` is
        its solution over securities of `shape` (A, S)."""
        return like.buys.shape == shape and all(
            _same(getattr(self.data, f), getattr(data, f)) for f in BOUNDS
        )

    def rhs(self, data: ProblemData) -> np.ndarray:
        """The right-hand side of `data`: this one with its lot bounds written in."""
        b = self.b.copy()
        b[self.max_rows] = data.lot_max
        b[self.max_rows + len(self.max_rows)] = -data.lot_min
        return b


def _same(a: Any, b: Any) -> bool:
    """Equal to the bit (arrays, nested dataclasses and tuples of them, floats)."""
    if a is b:
        return True
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return (
            isinstance(a, np.ndarray)
            and isinstance(b, np.ndarray)
            and a.shape == b.shape
            and a.dtype == b.dtype
            and bool(np.array_equal(a, b))
        )
    if dataclasses.is_dataclass(a) and not isinstance(a, type):
        return type(a) is type(b) and all(
            _same(getattr(a, f.name), getattr(b, f.name)) for f in dataclasses.fields(a)
        )
    if isinstance(a, tuple):
        return (
            isinstance(b, tuple) and len(a) == len(b) and all(map(_same, a, b))  # type: ignore[arg-type]
        )
    return bool(a == b)


def known_solution(data: ProblemData, like: Solution, before: Assembled) -> Solution:
    """`like`'s trades as the solution of `data`, whose reduced problem is the one `like`
    solved, bit for bit (`Assembled.same_problem`): a re-solve would give the same bits. The
    terms are worked out on `data`, which may differ in securities the solve left out."""
    sells, buys = like.sells.copy(), like.buys.copy()
    placed = None if like.placed is None else like.placed.copy()
    terms = objective_terms(data, sells, buys, placed)
    return Solution(sells, buys, sum(terms.values()), terms, like.status, placed, before)
