"""The sample model lineup: sleeves combined into risk levels, and a direct-indexed model.

Weights are kept as integer millionths so every model sums to exactly 1 when written with six
decimals; a rounding residual goes to the model's largest component.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from trimtab.generate.universe import ASSET_CLASSES, Universe
from trimtab.names import CASH, MODEL_PREFIX

UNIT = 1_000_000
"""Weights are integer multiples of 1/UNIT."""

RISK_LEVELS = (20, 40, 60, 80, 90)
"""Equity percentages of the balanced models (20/80 ... 90/10)."""

EQUITY_SLEEVE = {"us_large": 0.45, "us_mid": 0.10, "us_small": 0.08,
                 "intl_developed": 0.22, "emerging": 0.08, "reit": 0.07}  # fmt: skip
BOND_SLEEVE = {"us_aggregate": 0.50, "treasury": 0.25, "tips": 0.25}
MUNI_SLEEVE = {"municipal": 0.60, "us_aggregate": 0.20, "tips": 0.20}

DI_MODEL = "DI_US100"
DI_BLEND = "DI_BLEND_80"
DI_BLEND_ETFS = {"IJH": 0.08, "IJR": 0.06, "VEA": 0.12, "VWO": 0.05, "VNQ": 0.04}
"""The non-US-large equity of DI_BLEND_80, held in ETFs beside the direct-indexed stocks."""
DI_CASH = 0.005
"""Cash weight of the direct-indexed model (the rest is the stocks at cap weight)."""


def balanced_id(lineup: str, level: int) -> str:
    """Id of a balanced model: lineup CORE (primary ETFs), ALT (second ETFs) or MUNI."""
    return f"{lineup}_{level}"


LINEUPS = ("CORE", "ALT", "MUNI")


@dataclass(frozen=True, eq=False)
class Lineup:
    """Every model: its rows (model_id, component, weight text) and flattened holdings.

    `holdings[model_id]` is (security indexes, weights as fractions) of the securities the model
    holds once sub-models are multiplied out, CASH left out.
    """

    rows: list[tuple[str, str, str]]
    holdings: dict[str, tuple[np.ndarray, np.ndarray]]


def build_lineup(universe: Universe) -> Lineup:
    """Sleeves per ETF lineup, balanced models at each risk level, and two direct-index models."""
    index = {str(s): i for i, s in enumerate(universe.symbols)}
    pick = {name: i for i, name in enumerate(ac.name for ac in ASSET_CLASSES)}
    etf = {
        (c, k): str(universe.symbols[universe.class_etfs(c)[k]]) for c in range(10) for k in (0, 1)
    }
    models: dict[str, dict[str, float]] = {}
    for tag, k in (("A", 0), ("B", 1)):
        models[f"EQ_{tag}"] = {etf[pick[c], k]: w for c, w in EQUITY_SLEEVE.items()}
        models[f"FI_{tag}"] = {etf[pick[c], k]: w for c, w in BOND_SLEEVE.items()}
    models["FI_MUNI"] = {etf[pick[c], 0]: w for c, w in MUNI_SLEEVE.items()}
    sleeves = {"CORE": ("EQ_A", "FI_A"), "ALT": ("EQ_B", "FI_B"), "MUNI": ("EQ_A", "FI_MUNI")}
    for lineup, (eq, fi) in sleeves.items():
        for level in RISK_LEVELS:
            cash = 0.02 if level <= 40 else 0.01
            models[balanced_id(lineup, level)] = {
                MODEL_PREFIX + eq: level / 100,
                MODEL_PREFIX + fi: 1 - level / 100 - cash,
                CASH: cash,
            }
    stocks = np.flatnonzero(universe.is_stock)
    models[DI_MODEL] = {str(universe.symbols[i]): (1 - DI_CASH) * universe.cap[i] for i in stocks}
    models[DI_MODEL][CASH] = DI_CASH
    models[DI_BLEND] = {MODEL_PREFIX + DI_MODEL: 0.45, **DI_BLEND_ETFS,
                        MODEL_PREFIX + "FI_MUNI": 0.18, CASH: 0.02}  # fmt: skip
    ints = {mid: _to_units(weights) for mid, weights in models.items()}
    rows = [(mid, comp, _text(w)) for mid, comps in ints.items() for comp, w in comps.items()]
    holdings = {mid: _flatten(mid, ints, index) for mid in ints}
    return Lineup(rows=rows, holdings=holdings)


def _to_units(weights: dict[str, float]) -> dict[str, int]:
    """Weights in integer millionths summing to UNIT; the residual goes to the largest."""
    units = {comp: round(w * UNIT) for comp, w in weights.items()}
    largest = max(units, key=lambda comp: units[comp])
    units[largest] += UNIT - sum(units.values())
    return units


def _text(units: int) -> str:
    """Six-decimal text of a weight in millionths (exact, no float formatting)."""
    return f"{units // UNIT}.{units % UNIT:06d}"


def _flatten(
    model_id: str, ints: dict[str, dict[str, int]], index: dict[str, int]
) -> tuple[np.ndarray, np.ndarray]:
    weights: dict[int, float] = {}
    stack = [(model_id, 1.0)]
    while stack:
        mid, scale = stack.pop()
        for comp, units in ints[mid].items():
            w = scale * units / UNIT
            if comp.startswith(MODEL_PREFIX):
                stack.append((comp[len(MODEL_PREFIX) :], w))
            elif comp != CASH:
                weights[index[comp]] = weights.get(index[comp], 0.0) + w
    order = sorted(weights)
    return np.array(order, dtype=np.int64), np.array([weights[i] for i in order])
