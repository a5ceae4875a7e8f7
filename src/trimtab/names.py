"""The closed vocabularies of the book, as StrEnums so they print and serialise as their values."""

from __future__ import annotations

from enum import StrEnum


class AccountKind(StrEnum):
    TAXABLE = "taxable"
    TAX_DEFERRED = "tax_deferred"
    TAX_EXEMPT = "tax_exempt"


class SecurityKind(StrEnum):
    """What a security is: one issuer's shares carry their own risk, a fund is diversified."""

    FUND = "fund"
    STOCK = "stock"
    BOND = "bond"
    OTHER = "other"


class Side(StrEnum):
    BUY = "buy"
    SELL = "sell"


class Term(StrEnum):
    SHORT = "short"
    LONG = "long"


class LotMethod(StrEnum):
    FIFO = "fifo"
    LIFO = "lifo"
    HIFO = "hifo"
    MIN_TAX = "min_tax"


class Rule(StrEnum):
    """A restriction's rule: `exclude` means hold none of it (sell what is held, buy none)."""

    NO_BUY = "no_buy"
    NO_SELL = "no_sell"
    EXCLUDE = "exclude"


class FilingStatus(StrEnum):
    SINGLE = "single"
    MARRIED_JOINT = "married_joint"
    MARRIED_SEPARATE = "married_separate"
    HEAD_OF_HOUSEHOLD = "head_of_household"


class TaxCharacter(StrEnum):
    """How an asset class's income is taxed in a taxable account."""

    ORDINARY = "ordinary"
    QUALIFIED = "qualified"
    TAX_EXEMPT = "tax_exempt"


class Status(StrEnum):
    """An account's outcome in a rebalance."""

    TRADE = "trade"
    NO_TRADE = "no_trade"
    EXCEPTION = "exception"


class Method(StrEnum):
    """A rebalancing method, as `trimtab rebalance --method` names it (see `rebalance.run`)."""

    OPTIMIZE = "optimize"
    BASELINE = "baseline"


CASH = "CASH"
"""The model component that stands for cash."""

MODEL_PREFIX = "model:"
"""A model component that names another model."""

TAG_PREFIX = "tag:"
"""A restriction target that names a tag rather than a symbol."""
