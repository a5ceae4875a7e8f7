"""The documented default risk assumptions per asset class, used when a book has no price history.

Each asset class has an annual volatility and a family (equity, bond, real asset); classes in one
family are correlated more than across families. Securities of one class share the class factor
and add their own idiosyncratic volatility, which depends on the security's `kind`: a fund is
diversified (two funds of a class correlate at 0.99), a single stock carries its own issuer risk
(two stocks of a class correlate at about 0.41, a stock and a fund of its class at about 0.64).
Without a declaration (alternates.csv) or a measurement (price history) nothing here makes two
securities interchangeable: the correlations only shape the tracking term.
"""

from __future__ import annotations

CLASS_VOL: dict[str, float] = {
    "us_large": 0.16,
    "us_equity": 0.16,
    "us_mid": 0.18,
    "us_small": 0.21,
    "intl_developed": 0.17,
    "international": 0.17,
    "emerging": 0.22,
    "us_bond": 0.05,
    "us_aggregate": 0.05,
    "treasury": 0.05,
    "short_treasury": 0.02,
    "tips": 0.06,
    "municipal": 0.045,
    "corporate": 0.07,
    "high_yield": 0.09,
    "intl_bond": 0.06,
    "reit": 0.20,
    "real_estate": 0.20,
    "commodities": 0.18,
}
"""Annual volatility (fraction) by asset class name; other names use the family default."""

FAMILY_VOL = {"equity": 0.17, "bond": 0.05, "real": 0.19}
FAMILY_CORR = {
    ("equity", "equity"): 0.80,
    ("bond", "bond"): 0.60,
    ("real", "real"): 0.70,
    ("equity", "bond"): 0.10,
    ("equity", "real"): 0.60,
    ("bond", "real"): 0.20,
}
"""Correlation between two different classes, by their families."""

IDIO_SHARE = 0.1
"""Idiosyncratic volatility of a fund around its class factor, as a share of the class
volatility: two funds of one class then correlate at 1 / (1 + 0.1^2) = 0.99."""

KIND_IDIO_SHARE = {"fund": IDIO_SHARE, "stock": 1.2, "bond": 0.5, "other": 0.5}
"""Idiosyncratic share by security kind. A stock's 1.2 puts one name's correlation with its class
at 1 / sqrt(1 + 1.2^2) = 0.64 and two names' at 1 / (1 + 1.2^2) = 0.41, about what large US stocks
show; an individual bond or other security sits in between (0.8 with another of its class)."""

_BOND_WORDS = ("bond", "treasur", "tips", "muni", "corporate", "yield", "fixed", "credit")
_REAL_WORDS = ("reit", "real", "commodit", "gold")


def family(asset_class: str) -> str:
    """equity, bond or real: from keywords in the class name (equity when none match)."""
    name = asset_class.lower()
    if any(w in name for w in _BOND_WORDS):
        return "bond"
    if any(w in name for w in _REAL_WORDS):
        return "real"
    return "equity"


def class_vol(asset_class: str) -> float:
    return CLASS_VOL.get(asset_class.lower(), FAMILY_VOL[family(asset_class)])


def class_corr(a: str, b: str) -> float:
    if a == b:
        return 1.0
    fa, fb = sorted((family(a), family(b)))
    return FAMILY_CORR.get((fa, fb), FAMILY_CORR.get((fb, fa), 0.3))
