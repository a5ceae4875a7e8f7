"""A run's inputs as canonical text and back: what the store keeps so that any proposal can be
recomputed from it alone, and what digests a household's input version.

The run's book-wide inputs (`Shared`) are stored once per run; each household's records and its
context once per proposal. Texts are `codec`'s canonical JSON, so equal inputs give equal bytes.
"""

from __future__ import annotations

import dataclasses
import json
import typing
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np

from trimtab.book import Book
from trimtab.domain import Lot
from trimtab.risk.model import RiskModel
from trimtab.workflow import codec
from trimtab.workflow.screen import Context

HOUSEHOLD_FIELDS = ("households", "accounts", "lots", "transactions", "restrictions", "cash_flows")
"""Book fields that belong to households; every other field (securities, models, settings...)
is book-wide and shared by the whole run."""


@dataclass(frozen=True, eq=False)
class Shared:
    """The run's book-wide inputs. `book` holds no household records and no price history: the
    risk model estimated from it and each security's last price date stand in for it."""

    as_of: date
    method: str
    book: Book
    risk: RiskModel
    price_dates: Mapping[str, date] = field(default_factory=dict)
    digest: str = ""
    """Digest of `text()`: part of every household's input digest (see `with_digest`)."""

    def with_digest(self) -> Shared:
        """The same inputs with `digest` set (computed once, in the calling process)."""
        return dataclasses.replace(self, digest=codec.digest(self.text()))

    def text(self) -> str:
        """Canonical JSON of the shared inputs (stored once per run)."""
        wide = {f: getattr(self.book, f) for f in _shared_fields()}
        risk = {
            "symbols": self.risk.symbols,
            "cov": self.risk.cov,
            "source": self.risk.source,
            "shrinkage": self.risk.shrinkage,
            "measured": self.risk.measured,
            "loadings": self.risk.loadings,
            "specific": self.risk.specific,
        }
        return codec.dumps(
            {
                "as_of": self.as_of,
                "method": self.method,
                "book": wide,
                "risk": risk,
                "price_dates": dict(self.price_dates),
            }
        )


def input_digest(shared: Shared, inputs: str) -> str:
    """A household's input version: its own inputs and the run's book-wide ones."""
    return codec.digest(f"{shared.digest}\n{inputs}")


def household_text(book: Book, household_id: str, ctx: Context) -> str:
    """Canonical JSON of one household's inputs: its records and the run's context for it."""
    return codec.dumps({"records": household_records(book, household_id), "context": ctx})


def household_records(
    book: Book, household_id: str, lots: Mapping[str, Sequence[Lot]] | None = None
) -> dict[str, tuple[Any, ...]]:
    """The household's records of every household field, in book order; `lots` by account
    when they are not in `book` (a run reads them a chunk at a time)."""
    accounts = book.accounts_by_household.get(household_id, [])
    by_account = book.lots_by_account if lots is None else lots
    ids = {a.account_id for a in accounts}
    scopes = ids | {household_id}
    return {
        "households": (book.household_by_id[household_id],),
        "accounts": tuple(accounts),
        "lots": tuple(lot for a in accounts for lot in by_account.get(a.account_id, ())),
        "transactions": tuple(
            t for a in accounts for t in book.transactions_by_account.get(a.account_id, ())
        ),
        "restrictions": tuple(
            r for s in sorted(scopes) for r in _by_scope(book, "restrictions").get(s, ())
        ),
        "cash_flows": tuple(
            c for s in sorted(scopes) for c in _by_scope(book, "cash_flows").get(s, ())
        ),
    }


def _by_scope(book: Book, name: str) -> dict[str, list[Any]]:
    cache = book.__dict__.setdefault(f"_workflow_{name}_by_scope", {})
    if not cache:
        grouped: dict[str, list[Any]] = defaultdict(list)
        for record in getattr(book, name):
            grouped[record.scope].append(record)
        cache.update(grouped)
    return cache


def _shared_fields() -> tuple[str, ...]:
    skip = {*HOUSEHOLD_FIELDS, "price_history"}
    return tuple(f.name for f in dataclasses.fields(Book) if f.name not in skip)


def shared_from_text(text: str) -> Shared:
    """The inverse of `Shared.text`."""
    data = json.loads(text)
    hints = _book_hints()
    wide = {k: codec.from_plain(hints[k], v) for k, v in data["book"].items()}
    empty = dict.fromkeys(HOUSEHOLD_FIELDS, ())
    book = Book(**empty, **wide)  # type: ignore[arg-type]
    r = data["risk"]
    risk = RiskModel(
        tuple(r["symbols"]),
        np.array(r["cov"], dtype=float).reshape(len(r["symbols"]), len(r["symbols"])),
        r["source"],
        r["shrinkage"],
        _array(r.get("measured"), bool),
        _array(r.get("loadings"), float),
        _array(r.get("specific"), float),
    )
    dates = {k: date.fromisoformat(v) for k, v in data["price_dates"].items()}
    day = date.fromisoformat(data["as_of"])
    return Shared(day, data["method"], book, risk, dates, codec.digest(text))


def _array(value: Any, dtype: type) -> np.ndarray | None:
    """A stored array (nested lists) back as numpy, None when absent."""
    return None if value is None else np.array(value, dtype=dtype)


def household_from_text(text: str) -> tuple[dict[str, tuple[Any, ...]], Context]:
    """The inverse of `household_text`: records by field, and the context."""
    data = json.loads(text)
    hints = _book_hints()
    records = {k: codec.from_plain(hints[k], v) for k, v in data["records"].items()}
    return records, codec.from_plain(Context, data["context"])


def _book_hints() -> dict[str, Any]:
    return typing.get_type_hints(Book)
