"""Domain results as JSON-ready dicts: proposals, frontier points, tax reports.

Floats that are not numbers (a drift that could not be measured) become None; money stays a
Decimal, which the response encoder writes as a decimal string.
"""

from __future__ import annotations

import dataclasses
import math
from decimal import Decimal
from enum import Enum
from typing import Any

from trimtab.rebalance.proposal import Proposal


def plain(value: Any) -> Any:
    """A JSON-ready copy: dataclasses to dicts, NaN and infinities to None, enums to values."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [plain(v) for v in value]
    if isinstance(value, Decimal):
        return str(value) if value.is_finite() else None
    return value


def proposal(p: Proposal) -> dict[str, Any]:
    """A proposal: household metrics, each account's result, each trade with its reason."""
    out: dict[str, Any] = plain(p)
    out["trade_count"] = len(p.trades)
    return out
