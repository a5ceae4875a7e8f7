"""Model portfolios, which may contain other models."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from trimtab.errors import DataError, Problem
from trimtab.names import MODEL_PREFIX


@dataclass(frozen=True, slots=True)
class ModelComponent:
    """One line of a model: a symbol (or `CASH`), or `model:ID` for a sub-model, at `weight`."""

    component: str
    weight: Decimal

    @property
    def submodel(self) -> str | None:
        c = self.component
        return c[len(MODEL_PREFIX) :] if c.startswith(MODEL_PREFIX) else None


@dataclass(frozen=True, slots=True)
class Model:
    """A model portfolio: components whose weights (fractions of value) sum to 1."""

    model_id: str
    components: tuple[ModelComponent, ...]


MAX_MODEL_DEPTH = 32
"""Levels of sub-models one model may nest (real ones use 2 or 3); deeper is refused, by name,
before it could exhaust Python's recursion limit."""


def flatten_model(model_id: str, models: Mapping[str, Model]) -> dict[str, Decimal]:
    """Target weights by symbol (CASH included), sub-models multiplied out.

    Raises DataError naming the cycle when a model contains itself, directly or not, and naming
    the chain when models nest more than MAX_MODEL_DEPTH levels.
    """
    out: dict[str, Decimal] = {}
    _expand(model_id, Decimal(1), models, (), out)
    return out


def flatten_models(models: Mapping[str, Model]) -> dict[str, dict[str, Decimal]]:
    """Every model flattened; those whose expansion fails are left out (validation reports them)."""
    flat: dict[str, dict[str, Decimal]] = {}
    for model_id in models:
        try:
            flat[model_id] = flatten_model(model_id, models)
        except DataError:
            continue
    return flat


def _expand(
    model_id: str,
    scale: Decimal,
    models: Mapping[str, Model],
    path: tuple[str, ...],
    out: dict[str, Decimal],
) -> None:
    if len(path) >= MAX_MODEL_DEPTH:
        chain = " -> ".join((*path[:3], "...", model_id))
        message = f"models nested more than {MAX_MODEL_DEPTH} levels deep: {chain}"
        raise DataError([Problem("models.csv", None, "component", message)])
    if model_id in path:
        cycle = " -> ".join((*path[path.index(model_id) :], model_id))
        raise DataError([Problem("models.csv", None, "component", f"model cycle: {cycle}")])
    model = models.get(model_id)
    if model is None:
        raise DataError([Problem("models.csv", None, "model_id", f"unknown model {model_id!r}")])
    for comp in model.components:
        sub = comp.submodel
        if sub is None:
            out[comp.component] = out.get(comp.component, Decimal(0)) + scale * comp.weight
        else:
            _expand(sub, scale * comp.weight, models, (*path, model_id), out)
