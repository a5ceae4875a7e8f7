"""`python3 dev.py test` checks what a contributor checks: ruff over the whole repository."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).parents[1]


def _dev() -> ModuleType:
    spec = importlib.util.spec_from_file_location("dev", ROOT / "dev.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_dev_test_runs_ruff_on_the_whole_repository(monkeypatch: pytest.MonkeyPatch) -> None:
    dev = _dev()
    calls: list[tuple[str, ...]] = []
    monkeypatch.setattr(dev, "_run", lambda *args: calls.append(tuple(str(a) for a in args)))
    dev.test([])
    ruff = [c[1:] for c in calls if Path(c[0]).name == "ruff"]
    assert ("check", ".") in ruff
    assert ("format", "--check", ".") in ruff
    assert any(Path(c[0]).name == "python" and "pytest" in c for c in calls)


def _ruff() -> str:
    found = shutil.which("ruff") or str(Path(sys.executable).parent / "ruff")
    if not Path(found).exists():
        pytest.fail("ruff is not installed (it is a dev dependency)")
    return found


@pytest.mark.parametrize("command", [["check", "."], ["format", "--check", "."]])
def test_the_repository_is_ruff_clean_including_python_in_docs(command: list[str]) -> None:
    result = subprocess.run(
        [_ruff(), *command], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
