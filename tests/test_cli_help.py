"""Help and conventions: every option says its choices and its default, flags read as flags."""

from __future__ import annotations

from importlib.metadata import version
from typing import Any

import pytest
import typer
from typer.core import TyperOption
from typer.testing import CliRunner

from trimtab.cli import app
from trimtab.names import Method
from trimtab.rebalance.run import DEFAULT_METHOD, METHODS


def _commands() -> list[tuple[list[str], Any]]:
    """Every command of `trimtab`, sub-commands included, with the words that reach it."""
    root = typer.main.get_command(app)
    out: list[tuple[list[str], Any]] = []

    def walk(path: list[str], cmd: Any) -> None:
        out.append((path, cmd))
        for name, sub in getattr(cmd, "commands", {}).items():
            walk([*path, name], sub)

    walk([], root)
    return out


COMMANDS = _commands()


def _help(path: list[str]) -> str:
    result = CliRunner().invoke(app, [*path, "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.mark.parametrize("path", [p for p, _ in COMMANDS], ids=lambda p: " ".join(p) or "trimtab")
def test_every_option_shows_its_choices_and_default(path: list[str]) -> None:
    cmd = {tuple(p): c for p, c in COMMANDS}[tuple(path)]
    text = _help(path)
    assert "<bool>" not in text
    assert cmd.help, f"{path} has no help"
    assert len(COMMANDS) >= 9
    for param in cmd.params:
        if not isinstance(param, TyperOption) or param.name == "help":
            continue
        line = param.opts[-1]
        assert param.help, f"{line} of {path} has no help"
        assert line in text
        if param.is_flag or param.required:
            continue
        shown = param.default is not None and param.show_default is not False
        said = "default" in param.help.lower() or "required" in param.help.lower()
        assert shown or said, f"{line} of {path} hides its default"
        if shown:
            assert "[default:" in text
        choices = param.type_descriptor.choices
        if param.type_descriptor.is_choice and choices:
            assert "<" + "|".join(str(c) for c in choices) + ">" in text


def test_method_lists_its_choices_and_default() -> None:
    text = _help(["rebalance"])
    assert "<optimize|baseline>" in text
    assert "[default: optimize]" in text
    assert {m.value for m in Method} == set(METHODS)
    assert Method.OPTIMIZE.value == DEFAULT_METHOD


def test_an_unknown_method_is_a_usage_error_naming_the_choices(tmp_path) -> None:  # type: ignore[no-untyped-def]
    result = CliRunner().invoke(app, ["rebalance", "x", "--out", str(tmp_path), "--method", "nope"])
    assert result.exit_code == 2
    assert "optimize" in result.output and "baseline" in result.output


def test_version() -> None:
    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout.strip() == f"trimtab {version('trimtab')}"


def test_the_top_help_tells_a_newcomer_where_to_start() -> None:
    text = _help([])
    assert "trimtab demo" in text and "--version" in text
