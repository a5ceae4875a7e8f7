"""Golden tax scenarios: tiny books whose expected report files were worked out by hand.

Each folder under tests/scenarios/tax/ holds a `book/` and one or more `expected_*.csv`; the tax
report of the book's as-of year must match each expected file exactly (see docs/tax.md).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from trimtab.book import load_book
from trimtab.tax.report import write_tax_report

HERE = Path(__file__).parent
SCENARIOS = sorted(p.name for p in HERE.iterdir() if (p / "book").is_dir())


def test_every_scenario_has_expectations() -> None:
    assert len(SCENARIOS) >= 14
    for name in SCENARIOS:
        assert list((HERE / name).glob("expected_*.csv")), name


@pytest.mark.parametrize("name", SCENARIOS)
def test_scenario(name: str, tmp_path: Path) -> None:
    book = load_book(HERE / name / "book")
    counts = write_tax_report(book, tmp_path / "out")
    for expected in sorted((HERE / name).glob("expected_*.csv")):
        produced = tmp_path / "out" / expected.name.removeprefix("expected_")
        assert produced.read_text(encoding="utf-8") == expected.read_text(encoding="utf-8"), (
            f"{name}: {produced.name} differs"
        )
        rows = len(expected.read_text(encoding="utf-8").splitlines()) - 1
        assert counts[produced.name] == rows
