"""Per-account and per-household customization: restrictions and cash requests."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from trimtab.names import TAG_PREFIX, Rule


@dataclass(frozen=True, slots=True)
class Restriction:
    """`rule` on `target` (a symbol, or `tag:LABEL`) in `scope` (an account or household)."""

    scope: str
    target: str
    rule: Rule

    @property
    def tag(self) -> str | None:
        """The tag label when the target is a tag, else None."""
        return self.target[len(TAG_PREFIX) :] if self.target.startswith(TAG_PREFIX) else None

    def matches(self, symbol: str, tags: frozenset[str]) -> bool:
        tag = self.tag
        return tag in tags if tag is not None else self.target == symbol


@dataclass(frozen=True, slots=True)
class CashFlow:
    """A cash request in USD: > 0 a deposit to invest, < 0 a withdrawal to raise now.

    `scope` is an account, or a household to let trimtab choose the accounts.
    """

    scope: str
    amount: Decimal
