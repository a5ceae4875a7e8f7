from datetime import date
from decimal import Decimal

import pytest
from tax_books import lot

from trimtab.errors import TaxRuleError
from trimtab.names import LotMethod
from trimtab.tax.relief import RELIEF, relieve

LOTS = [
    lot("a", "T1", "XYZ", 100, "500", "2020-01-02"),  # +5/sh long
    lot("b", "T1", "XYZ", 100, "1500", "2024-12-02"),  # -5/sh short
    lot("c", "T1", "XYZ", 100, "1200", "2025-01-06"),  # -2/sh short
    lot("d", "T1", "XYZ", 100, "1600", "2023-01-03"),  # -6/sh long
]
ON = date(2025, 6, 2)


def taken(method: LotMethod, qty: int) -> list[tuple[str, int]]:
    out = relieve(method, LOTS, Decimal(qty), price=Decimal(10), on=ON,
                  st_rate=Decimal("0.37"), lt_rate=Decimal("0.20"))  # fmt: skip
    return [(lot.lot_id, int(q)) for lot, q in out]


def test_registry_covers_every_method() -> None:
    assert set(RELIEF) == set(LotMethod)


@pytest.mark.parametrize(
    ("method", "expected"),
    [
        (LotMethod.FIFO, [("a", 100), ("d", 50)]),
        (LotMethod.LIFO, [("c", 100), ("b", 50)]),
        (LotMethod.HIFO, [("d", 100), ("b", 50)]),
        (LotMethod.MIN_TAX, [("b", 100), ("d", 50)]),
    ],
)
def test_methods(method: LotMethod, expected: list[tuple[str, int]]) -> None:
    assert taken(method, 150) == expected


def test_min_tax_takes_losses_before_zero_rate_gains() -> None:
    lots = [
        lot("g", "T1", "XYZ", 10, "50", "2020-01-02"),
        lot("l", "T1", "XYZ", 10, "110", "2020-01-02"),
    ]
    out = relieve(LotMethod.MIN_TAX, lots, Decimal(10), price=Decimal(10), on=ON,
                  st_rate=Decimal(0), lt_rate=Decimal(0))  # fmt: skip
    assert [x.lot_id for x, _ in out] == ["l"]


def test_order_of_input_does_not_matter() -> None:
    for method in LotMethod:
        a = relieve(method, LOTS, Decimal(250), price=Decimal(10), on=ON,
                    st_rate=Decimal("0.37"), lt_rate=Decimal("0.2"))  # fmt: skip
        b = relieve(method, LOTS[::-1], Decimal(250), price=Decimal(10), on=ON,
                    st_rate=Decimal("0.37"), lt_rate=Decimal("0.2"))  # fmt: skip
        assert a == b
        assert sum(q for _, q in a) == 250


def test_selling_more_than_held_is_a_tax_rule_error() -> None:
    with pytest.raises(TaxRuleError):
        taken(LotMethod.FIFO, 401)
