"""A chunk's records as they travel to a worker: columns of plain values, not pickled records.

Pickle takes a frozen slots dataclass through Python-level `__getstate__` / `__setstate__` for
each record, and each Decimal through its `__reduce__`. For a chunk of the generated book (about
100 lots a household) that cost the calling process 1.4 ms a household to send, on the one core
it shares with the saving of results (docs/performance.md, "The run's own costs"). As columns,
Decimals as their exact text and dates as day numbers, the same records travel about 5x cheaper
and rebuild about 2x cheaper; the worker gets records equal to the sent ones, field by field and
type by type, so the task's bytes do not change.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal
from functools import cache
from operator import attrgetter
from typing import Any

Column = tuple[str, tuple[Any, ...]]
"""(how the values are written, the values): "decimal" (exact text), "date" (proleptic
Gregorian ordinal) or "plain" (as they are, for pickle)."""

Packed = tuple[Any, ...]
"""("records", the record type, its columns), or ("as is", the records) where the records are
not all of one dataclass type."""

_ENCODE: dict[type, tuple[str, Callable[[Any], Any]]] = {
    Decimal: ("decimal", str),
    date: ("date", date.toordinal),
}
_DECODE: dict[str, Callable[[Any], Any]] = {"decimal": Decimal, "date": date.fromordinal}


def pack(records: Sequence[Any]) -> Packed:
    """Records of one dataclass type as columns (see the module docstring)."""
    if not records:
        return ("as is", ())
    kind = type(records[0])
    if not dataclasses.is_dataclass(kind) or any(type(r) is not kind for r in records):
        return ("as is", tuple(records))
    names = _init_fields(kind)
    if names is None:
        return ("as is", tuple(records))
    get = attrgetter(*names)
    rows = map(get, records) if len(names) > 1 else ((get(r),) for r in records)
    return ("records", kind, tuple(_column(values) for values in zip(*rows, strict=True)))


def unpack(packed: Packed) -> tuple[Any, ...]:
    """The records `pack` was given, in order."""
    if packed[0] == "as is":
        return tuple(packed[1])
    _, kind, columns = packed
    decoded = [
        values if how == "plain" else tuple(map(_DECODE[how], values)) for how, values in columns
    ]
    return tuple(kind(*row) for row in zip(*decoded, strict=True))


def _column(values: tuple[Any, ...]) -> Column:
    """The column's values written by the one rule that fits them all, else as they are (a
    column mixing None with Decimals, say, is pickled whole)."""
    kinds = set(map(type, values))
    if len(kinds) == 1:
        rule = _ENCODE.get(kinds.pop())
        if rule is not None:
            how, encode = rule
            return how, tuple(map(encode, values))
    return "plain", values


@cache
def _init_fields(kind: type) -> tuple[str, ...] | None:
    """The record type's fields in `__init__` order, or None when it has none or some field is
    not set by `__init__` (its rebuilt value would not be the sent one)."""
    fields = dataclasses.fields(kind)
    if not fields or any(not f.init for f in fields):
        return None
    return tuple(f.name for f in fields)


def pack_fields(owner: Any, names: Sequence[str]) -> dict[str, Packed]:
    """The named record fields of `owner` (a chunk's book of household records), packed."""
    return {name: pack(getattr(owner, name)) for name in names}


def unpack_fields(fields: dict[str, Packed]) -> dict[str, tuple[Any, ...]]:
    """The records of each field `pack_fields` was given."""
    return {name: unpack(packed) for name, packed in fields.items()}
