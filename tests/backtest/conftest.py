"""Fixtures of the backtest tests."""

from __future__ import annotations

import pytest
from histories import small_market

from trimtab.backtest.market import Market


@pytest.fixture(scope="session")
def market() -> Market:
    return small_market()
