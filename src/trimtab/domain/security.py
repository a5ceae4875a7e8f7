"""A tradable security."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class Security:
    """A security with its last close (USD per share).

    `wash_group` names the set of *substantially identical* securities for the wash-sale rule;
    None means the symbol stands alone (the book's default).
    """

    symbol: str
    price: Decimal
    asset_class: str
    tags: frozenset[str] = field(default_factory=frozenset)
    wash_group: str | None = None

    @property
    def identity(self) -> str:
        """The wash-sale identity: the wash group, or the symbol itself when it has none."""
        return self.wash_group or self.symbol
