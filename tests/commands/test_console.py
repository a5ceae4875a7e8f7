"""The CLI's consoles: a pipe receives tables whole (not cut at 80 columns)."""

from __future__ import annotations

import pytest

from trimtab.commands.console import PIPE_WIDTH, make_console


def test_off_a_terminal_the_width_is_the_pipe_width(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COLUMNS", raising=False)
    assert make_console().width == PIPE_WIDTH
    assert make_console(stderr=True).width == PIPE_WIDTH


def test_columns_still_rules_when_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "100")
    assert make_console().width == 100
