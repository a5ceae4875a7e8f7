"""Built-in asset-class assumptions for asset location (docs/household.md lists them).

Expected return and income yield are fractions per year; the character says how the income is
taxed in a taxable account. Book settings override any class (`[location.classes.NAME]`); a class
neither here nor there is assumed to be equity-like (7% return, 2% qualified yield) or, by its
name, bond-like (4%, 4% ordinary) or real-estate-like (7%, 4% ordinary).
"""

from __future__ import annotations

from trimtab.config import AssetClassAssumption, LocationSettings
from trimtab.names import TaxCharacter
from trimtab.risk.classes import family

_Q, _O, _X = TaxCharacter.QUALIFIED, TaxCharacter.ORDINARY, TaxCharacter.TAX_EXEMPT

DEFAULTS: dict[str, AssetClassAssumption] = {
    "us_large": AssetClassAssumption(0.070, 0.015, _Q),
    "us_equity": AssetClassAssumption(0.070, 0.015, _Q),
    "us_mid": AssetClassAssumption(0.075, 0.015, _Q),
    "us_small": AssetClassAssumption(0.080, 0.013, _Q),
    "intl_developed": AssetClassAssumption(0.070, 0.030, _Q),
    "international": AssetClassAssumption(0.070, 0.030, _Q),
    "emerging": AssetClassAssumption(0.085, 0.028, _Q),
    "us_bond": AssetClassAssumption(0.040, 0.040, _O),
    "us_aggregate": AssetClassAssumption(0.040, 0.040, _O),
    "treasury": AssetClassAssumption(0.038, 0.038, _O),
    "short_treasury": AssetClassAssumption(0.035, 0.035, _O),
    "tips": AssetClassAssumption(0.040, 0.040, _O),
    "corporate": AssetClassAssumption(0.048, 0.048, _O),
    "high_yield": AssetClassAssumption(0.060, 0.065, _O),
    "municipal": AssetClassAssumption(0.030, 0.030, _X),
    "reit": AssetClassAssumption(0.070, 0.040, _O),
    "real_estate": AssetClassAssumption(0.070, 0.040, _O),
}

_FAMILY = {
    "equity": AssetClassAssumption(0.070, 0.020, _Q),
    "bond": AssetClassAssumption(0.040, 0.040, _O),
    "real": AssetClassAssumption(0.070, 0.040, _O),
}


def assumption(asset_class: str, settings: LocationSettings) -> AssetClassAssumption:
    """The class's assumption: the book's override, else the built-in, else its family's."""
    name = asset_class.lower()
    if name in settings.classes:
        return settings.classes[name]
    if asset_class in settings.classes:
        return settings.classes[asset_class]
    if name in DEFAULTS:
        return DEFAULTS[name]
    if "muni" in name:
        return DEFAULTS["municipal"]
    return _FAMILY[family(asset_class)]
