"""Approved alternates: securities a desk allows to stand in for a model's security."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Alternate:
    """`alternate` may be held in place of `symbol` (and, unless `one_way`, the reverse).

    `model_id` limits it to one model (None: every model); `rank` orders one symbol's alternates,
    1 first. An alternate held in place of the model's security counts as it in `drift`.
    """

    symbol: str
    alternate: str
    model_id: str | None = None
    rank: int = 1
    one_way: bool = False

    def pairs(self) -> tuple[tuple[str, str], ...]:
        """(model security, stand-in) pairs this declaration allows."""
        forward = ((self.symbol, self.alternate),)
        return forward if self.one_way else (*forward, (self.alternate, self.symbol))
