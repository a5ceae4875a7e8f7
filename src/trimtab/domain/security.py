"""A tradable security."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from trimtab.names import SecurityKind


@dataclass(frozen=True, slots=True)
class Security:
    """A security with its last close (USD per share).

    `wash_group` names the set of *substantially identical* securities for the wash-sale rule;
    None means the symbol stands alone (the book's default). `kind` says whether it is one
    issuer's shares (`stock`, the default: never assumed interchangeable with anything) or a
    diversified fund.
    """

    symbol: str
    price: Decimal
    asset_class: str
    tags: frozenset[str] = field(default_factory=frozenset)
    wash_group: str | None = None
    kind: SecurityKind = SecurityKind.STOCK

    @property
    def identity(self) -> str:
        """The wash-sale identity: the wash group, or the symbol itself when it has none."""
        return self.wash_group or self.symbol
