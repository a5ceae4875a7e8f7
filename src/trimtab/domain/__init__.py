"""Frozen, typed records of the book. Pure data: no I/O, no ORM, no pydantic."""

from trimtab.domain.account import Account, Household
from trimtab.domain.alternate import Alternate
from trimtab.domain.lot import Lot, Transaction
from trimtab.domain.model import Model, ModelComponent, flatten_model, flatten_models
from trimtab.domain.rules import CashFlow, Restriction
from trimtab.domain.security import Security

__all__ = [
    "Account",
    "Alternate",
    "CashFlow",
    "Household",
    "Lot",
    "Model",
    "ModelComponent",
    "Restriction",
    "Security",
    "Transaction",
    "flatten_model",
    "flatten_models",
]
