"""A chunk sent to a worker arrives as the very records that went in."""

from __future__ import annotations

import pickle
from dataclasses import dataclass, fields
from datetime import date
from decimal import Decimal
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from trimtab.book import Book
from trimtab.domain import Account, Lot
from trimtab.names import AccountKind
from trimtab.workflow import wire
from trimtab.workflow.inputs import HOUSEHOLD_FIELDS
from trimtab.workflow.prepare import jobs_and_chunks
from trimtab.workflow.screen import Context


@dataclass(frozen=True)
class _Empty:
    """A record without fields."""


def _same(a: Any, b: Any) -> None:
    """Equal, field by field, with the same types and the same Decimal text (scale kept)."""
    assert type(a) is type(b)
    for f in fields(a):
        x, y = getattr(a, f.name), getattr(b, f.name)
        assert type(x) is type(y), f.name
        assert repr(x) == repr(y), f.name


def test_a_chunk_travels_as_columns_and_arrives_the_same(day_book: Book) -> None:
    ctx = {h.household_id: Context() for h in day_book.households}
    _, chunks = jobs_and_chunks(day_book, ctx, {}, 3)
    for chunk in chunks:
        back = pickle.loads(pickle.dumps(chunk, protocol=pickle.HIGHEST_PROTOCOL))
        assert back.jobs == chunk.jobs
        for name in HOUSEHOLD_FIELDS:
            sent, got = getattr(chunk.records, name), getattr(back.records, name)
            assert len(sent) == len(got)
            for a, b in zip(sent, got, strict=True):
                _same(a, b)
        assert back.records.securities == () and back.records.price_history is None
        assert back.records.settings == chunk.records.settings


def test_lots_are_written_as_text_and_day_numbers(day_book: Book) -> None:
    packed = wire.pack(day_book.lots)
    assert packed[0] == "records" and packed[1] is Lot
    hows = [how for how, _ in packed[2]]
    assert hows == ["plain", "plain", "plain", "decimal", "decimal", "date"]
    assert all(isinstance(v, str) for v in packed[2][3][1])
    assert all(isinstance(v, int) for v in packed[2][5][1])


def test_mixed_and_empty_columns_travel_as_they_are() -> None:
    accounts = (
        Account("A1", "H", AccountKind.TAXABLE, drift_tolerance=None),
        Account("A2", "H", AccountKind.TAX_DEFERRED, drift_tolerance=Decimal("0.05")),
    )
    packed = wire.pack(accounts)
    tolerance = dict(zip([f.name for f in fields(Account)], packed[2], strict=True))
    assert tolerance["drift_tolerance"] == ("plain", (None, Decimal("0.05")))
    for a, b in zip(wire.unpack(packed), accounts, strict=True):
        _same(a, b)
    assert wire.unpack(wire.pack(())) == ()
    assert wire.unpack(wire.pack((_Empty(), _Empty()))) == (_Empty(), _Empty())
    mixed = (accounts[0], Lot("L", "A1", "X", Decimal(1), Decimal(2), date(2026, 1, 2)))
    assert wire.pack(mixed)[0] == "as is"
    assert wire.unpack(wire.pack(mixed)) == mixed


@given(
    qty=st.decimals(allow_nan=True, allow_infinity=True),
    basis=st.decimals(min_value=-(10**12), max_value=10**12, places=6),
    day=st.dates(),
)
def test_any_decimal_and_date_come_back_exactly(qty: Decimal, basis: Decimal, day: date) -> None:
    lot = Lot("L1", "A1", "VOO", qty, basis, day)
    (back,) = wire.unpack(pickle.loads(pickle.dumps(wire.pack((lot,)))))
    _same(back, lot)
