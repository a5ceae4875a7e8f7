"""Tolerance bands: how far from its target the desk lets one account or household end a run.

Three limits, all fractions of the value tracked (docs/optimizer.md, "Bands"): the drift (half
the L1 distance to target, cash included, wash groups pooled as in the reported `drift`), the
weight of each asset class against its target weight, and optionally the ex-ante tracking
error. A measure shared by the optimizer (which imposes them) and whatever checks a result.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

import numpy as np

from trimtab.config import BandSettings, ModelBands

TOLERANCE = 1e-6
"""A measure this close to its limit meets it (float noise of the share arithmetic)."""


@dataclass(frozen=True, eq=False)
class Limits:
    """The bands of one target group. `asset_class[s]` numbers each security's class (names in
    `class_names`), `class_band[c]` the largest |class weight - target| (inf: none); `drift` the
    largest drift; `tracking_error` the largest annual tracking error (None: no cap)."""

    drift: float
    asset_class: np.ndarray
    class_names: tuple[str, ...]
    class_band: np.ndarray
    tracking_error: float | None = None
    desk: Limits | None = None
    """The bands as the desk set them, when these are tightened for the solve."""

    def tightened(self, margin: float) -> Limits:
        """The same bands `margin` inside (never below zero): what the solve aims for, so that
        rounding to shares stays within the desk's (kept as `desk`, what results are held to)."""
        te = self.tracking_error
        return Limits(
            max(self.drift - margin, 0.0),
            self.asset_class,
            self.class_names,
            np.maximum(self.class_band - margin, 0.0),
            None if te is None else max(te - margin, 0.0),
            self,
        )


def limits_for(
    bands: BandSettings,
    model_id: str | None,
    asset_classes: Sequence[str],
    own_tolerance: Decimal | float | None = None,
) -> Limits:
    """The bands of a group following `model_id` over securities of `asset_classes`.

    Precedence: the account's or household's own `drift_tolerance`, then the model's
    `[bands.models.ID]`, then `[bands]`; a class band from the model's `classes`, the model's
    `class_band`, `[bands.classes]`, then `[bands] class_band`.
    """
    model = bands.models.get(model_id or "", ModelBands())
    drift = _first(own_tolerance, model.drift_tolerance, bands.drift_tolerance)
    names, index = np.unique(np.array(list(asset_classes), dtype=object), return_inverse=True)
    default = _first(model.class_band, bands.class_band)
    band = np.array(
        [
            _first(model.classes.get(str(c)), bands.classes.get(str(c)), default, np.inf)
            for c in names
        ],
        dtype=float,
    )
    te = _first(model.tracking_error, bands.tracking_error)
    return Limits(
        float(drift if drift is not None else np.inf),
        index.astype(np.int64),
        tuple(str(c) for c in names),
        band,
        None if te is None else float(te),
    )


def _first(*values: object) -> float | None:
    for v in values:
        if v is not None:
            return float(v)  # type: ignore[arg-type]
    return None


@dataclass(frozen=True, slots=True)
class Breach:
    """One band not met: what (`drift`, `class NAME`, `tracking error`), its value and limit."""

    what: str
    value: float
    limit: float

    def text(self) -> str:
        """E.g. `drift 0.12 over tolerance 0.05`, `class us_bond 0.07 off target, band 0.05`."""
        if self.what.startswith("class "):
            return f"{self.what} {self.value:.3g} off target, band {self.limit:.3g}"
        return f"{self.what} {self.value:.3g} over tolerance {self.limit:.3g}"


def measure(
    limits: Limits,
    gap: np.ndarray,
    cash_gap: float,
    pool: np.ndarray,
    cov: np.ndarray,
) -> tuple[float, np.ndarray, float]:
    """(drift, |class weight - target| per class, tracking error) of weight gaps (actual - target,
    per security; `cash_gap` for cash); `pool` numbers the securities counted as one (wash
    groups)."""
    pooled = np.bincount(pool, weights=gap, minlength=int(pool.max(initial=-1)) + 1)
    drift = 0.5 * (float(np.abs(pooled).sum()) + abs(cash_gap))
    by_class = np.abs(
        np.bincount(limits.asset_class, weights=gap, minlength=len(limits.class_names))
    )
    te = float(np.sqrt(max(float(gap @ cov @ gap), 0.0)))
    return drift, by_class, te


def breaches(
    limits: Limits,
    gap: np.ndarray,
    cash_gap: float,
    pool: np.ndarray,
    cov: np.ndarray,
) -> list[Breach]:
    """The bands the gaps do not meet (see `measure`): drift, classes, tracking error. Tightened
    limits are checked as the desk set them."""
    limits = limits.desk or limits
    drift, by_class, te = measure(limits, gap, cash_gap, pool, cov)
    out = []
    if drift > limits.drift + TOLERANCE:
        out.append(Breach("drift", drift, limits.drift))
    for c in np.flatnonzero(by_class > limits.class_band + TOLERANCE):
        out.append(
            Breach(
                f"class {limits.class_names[c]}", float(by_class[c]), float(limits.class_band[c])
            )
        )
    if limits.tracking_error is not None and te > limits.tracking_error + TOLERANCE:
        out.append(Breach("tracking error", te, limits.tracking_error))
    return out


_BAND_REASON = re.compile(r"(over tolerance|off target, band) [0-9.e-]+: .+ binds?$")


def is_band_reason(reason: str) -> bool:
    """Whether an exception reason is a band missed within the hard limits (`Breach.text` and
    the limit that binds): the account traded the best it could, it is not infeasible."""
    return _BAND_REASON.search(reason) is not None
