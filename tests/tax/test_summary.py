from decimal import Decimal

import pytest

from trimtab.config import TaxSettings
from trimtab.domain import Household
from trimtab.names import FilingStatus
from trimtab.tax.summary import loss_limit, net_gains, summarize

D = Decimal


@pytest.mark.parametrize(
    ("st", "lt", "expected"),
    [
        ("100", "200", ("100", "200", "0", "0", "0")),
        ("-100", "200", ("0", "100", "0", "0", "0")),
        ("300", "-200", ("100", "0", "0", "0", "0")),
        ("-5000", "1000", ("0", "0", "3000", "1000", "0")),
        ("1000", "-5000", ("0", "0", "3000", "0", "1000")),
        ("-1000", "-5000", ("0", "0", "3000", "0", "3000")),
        ("-4000", "-500", ("0", "0", "3000", "1000", "500")),
    ],
)
def test_netting(st: str, lt: str, expected: tuple[str, ...]) -> None:
    n = net_gains(D(st), D(lt), D(3000))
    assert (n.taxed_st, n.taxed_lt, n.deductible, n.carry_st, n.carry_lt) == tuple(map(D, expected))


def test_limit_by_filing_status() -> None:
    assert loss_limit(FilingStatus.MARRIED_SEPARATE) == 1500
    assert {loss_limit(s) for s in FilingStatus if s is not FilingStatus.MARRIED_SEPARATE} == {3000}


def test_outside_gains_only_in_the_books_year() -> None:
    hh = Household("H1", realized_st_ytd=D(1000), loss_carryforward_lt=D(400))
    own = summarize(hh, 2025, [], TaxSettings())
    assert (own.st_gain, own.lt_gain, own.est_tax) == (D("1000.00"), D("-400.00"), D("222.00"))
    other = summarize(hh, 2024, [], TaxSettings(), include_outside=False)
    assert (other.net_gain, other.est_tax) == (0, 0)
