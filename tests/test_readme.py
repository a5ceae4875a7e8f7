"""The README's first screen and quick start: every command in them works as written."""

from __future__ import annotations

import importlib.util
import re
import shlex
from pathlib import Path
from types import ModuleType

import pytest
from typer.testing import CliRunner

from trimtab.cli import app

ROOT = Path(__file__).parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _section(title: str) -> str:
    start = README.index(title)
    end = README.find("\n## ", start + len(title))
    return README[start : end if end >= 0 else None]


def _sh_lines(text: str) -> list[str]:
    (block,) = re.findall(r"```sh\n(.*?)```", text, re.S)
    return [line.split("#")[0].strip() for line in block.splitlines() if line.strip()]


def _dev() -> ModuleType:
    spec = importlib.util.spec_from_file_location("dev", ROOT / "dev.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_first_screen_says_what_it_does_the_two_commands_and_what_to_open() -> None:
    first = README[: README.index("## Quick start")]
    assert len(first.splitlines()) <= 30
    assert "proposes the trades" in first and "tax" in first and "book" in first
    assert _sh_lines(first) == ["python3 dev.py demo", "python3 dev.py test"]
    jobs = _dev()
    assert hasattr(jobs, "demo") and hasattr(jobs, "test")
    assert "demo-out/rebalance/positions.csv" in first and "docs/concepts.md" in first
    assert (ROOT / "docs" / "concepts.md").is_file()


def test_the_quick_start_works_line_by_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    quick = _section("## Quick start")
    monkeypatch.chdir(tmp_path)
    dev = _dev()
    for line in _sh_lines(quick):
        if line == "python3 dev.py demo":  # sets up .venv (covered by tests/test_demo.py)
            assert callable(dev.demo)
            continue
        if line == ". .venv/bin/activate":  # where dev.py puts trimtab
            assert dev.BIN.relative_to(dev.ROOT).as_posix() == ".venv/bin"
            continue
        words = shlex.split(line)
        assert words[0] == "trimtab", f"the test does not know how to run {line!r}"
        result = CliRunner().invoke(app, words[1:])
        assert result.exit_code == 0, f"{line}\n{result.output}"
    for path in re.findall(r"`((?:proposal|tax|book)/[\w.]*)`", quick):
        assert (tmp_path / path).exists(), path
