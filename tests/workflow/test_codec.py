"""Stored inputs come back as the very records that went in, and the text is canonical."""

from __future__ import annotations

import zlib
from datetime import date
from decimal import Decimal

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from trimtab.book import Book
from trimtab.domain import Account
from trimtab.names import AccountKind
from trimtab.risk import risk_model_for
from trimtab.workflow import codec
from trimtab.workflow.inputs import (
    household_from_text,
    household_records,
    household_text,
    shared_from_text,
)
from trimtab.workflow.prepare import shared_inputs
from trimtab.workflow.screen import Break, Context


def test_household_inputs_round_trip(day_book: Book) -> None:
    ctx = Context(date(2026, 10, 1), ("EQ_A",), (Break("A1", "VOO", "10", "12", "1300.34"),))
    for hh in day_book.households:
        text = household_text(day_book, hh.household_id, ctx)
        records, back = household_from_text(text)
        assert records == household_records(day_book, hh.household_id)
        assert back == ctx
        assert household_text(day_book, hh.household_id, back) == text


def test_shared_inputs_round_trip(day_book: Book) -> None:
    shared = shared_inputs(day_book, date(2026, 11, 20), "optimize").with_digest()
    back = shared_from_text(shared.text())
    assert back.text() == shared.text()
    assert back.digest == shared.digest
    assert back.book.securities == day_book.securities
    assert back.book.models == day_book.models
    assert back.book.settings == day_book.settings
    model = risk_model_for(day_book)
    assert np.array_equal(back.risk.cov, model.cov)
    for field in ("loadings", "specific", "measured"):  # the solve's factor form travels too
        mine, theirs = getattr(back.risk, field), getattr(model, field)
        assert (mine is None) == (theirs is None)
        assert theirs is None or np.array_equal(mine, theirs)


@given(
    cash=st.decimals(min_value=-(10**9), max_value=10**9, places=4, allow_nan=False),
    model=st.one_of(st.none(), st.text(min_size=1, max_size=8)),
)
def test_decimals_keep_value_and_scale(cash: Decimal, model: str | None) -> None:
    account = Account("A", "H", AccountKind.TAXABLE, model_id=model, cash=cash)
    back = codec.from_plain(Account, codec.to_plain(account))
    assert back == account
    assert str(back.cash) == str(account.cash)


def test_text_is_canonical() -> None:
    value = {"b": [1.5, float("nan")], "a": Decimal("2.50"), "c": date(2026, 1, 2)}
    assert codec.dumps(value) == '{"a":"2.50","b":[1.5,null],"c":"2026-01-02"}'
    assert codec.unpack(codec.pack(codec.dumps(value))) == codec.dumps(value)


def test_inputs_stored_at_an_earlier_compression_level_still_read() -> None:
    text = codec.dumps({"lots": [{"quantity": "12.5", "symbol": "VOO"}] * 50})
    assert codec.unpack(zlib.compress(text.encode(), 6)) == text
    assert len(codec.pack(text)) < len(text) / 4


def test_encoding_is_by_type_and_subclasses_keep_their_rules() -> None:
    """The per-type cache gives what the rules give: an int Enum its value, a datetime its ISO
    text with time, numpy scalars and NaN floats as plain JSON."""
    import enum
    from datetime import datetime

    class Level(enum.IntEnum):
        HIGH = 3

    value = {
        "e": Level.HIGH,
        "dt": datetime(2026, 1, 2, 3, 4),
        "n": np.float64("nan"),
        "i": np.int64(7),
        "s": frozenset({"b", "a"}),
        "d": Decimal("1.50"),
        "x": float("nan"),
    }
    assert codec.dumps(value) == (
        '{"d":"1.50","dt":"2026-01-02T03:04:00","e":3,"i":7,"n":null,"s":["a","b"],"x":null}'
    )
