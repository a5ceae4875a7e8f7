"""Book files as an unlucky operator leaves them: each is one named problem, never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from hostile import copy_small
from typer.testing import CliRunner

import trimtab
from trimtab.book import read_book
from trimtab.book import source as source_module
from trimtab.cli import app
from trimtab.errors import Problem

SRC = str(Path(trimtab.__file__).resolve().parents[1])


def _read_with_deadline(folder: Path, seconds: float = 20) -> list[Problem]:
    """read_book in a thread: a FIFO that blocks it fails the test instead of hanging it."""
    result: list[list[Problem]] = []
    worker = threading.Thread(target=lambda: result.append(read_book(folder)[1]), daemon=True)
    worker.start()
    worker.join(seconds)
    assert result, f"read_book({folder}) did not return within {seconds} s"
    return result[0]


def _only(problems: list[Problem], file: str) -> Problem:
    mine = [p for p in problems if p.file == file]
    assert len(mine) == 1, problems
    return mine[0]


def test_a_book_file_that_is_a_folder(tmp_path: Path) -> None:
    folder = copy_small(tmp_path)
    (folder / "lots.csv").unlink()
    (folder / "lots.csv").mkdir()
    assert _only(read_book(folder)[1], "lots.csv").message.startswith("is a folder, not a file")


def test_a_book_file_that_is_a_fifo_does_not_hang(tmp_path: Path) -> None:
    folder = copy_small(tmp_path)
    for name in ("securities.csv", "trimtab.toml"):
        (folder / name).unlink()
        os.mkfifo(folder / name)
    problems = _read_with_deadline(folder)
    assert "FIFO" in _only(problems, "securities.csv").message
    assert "FIFO" in _only(problems, "trimtab.toml").message
    code = "from trimtab.cli import main; main()"
    result = subprocess.run(
        [sys.executable, "-c", code, "validate", str(folder)],
        env={**os.environ, "PYTHONPATH": SRC},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert "securities.csv: is not a regular file (a FIFO" in result.stdout


def test_a_symlink_loop_and_a_dangling_symlink_are_named(tmp_path: Path) -> None:
    folder = copy_small(tmp_path)
    (folder / "lots.csv").unlink()
    (folder / "lots.csv").symlink_to(folder / "lots.csv")
    (folder / "models.csv").unlink()
    (folder / "models.csv").symlink_to(tmp_path / "gone.csv")
    problems = read_book(folder)[1]
    assert _only(problems, "lots.csv").message.startswith("is a symbolic link loop, not a file")
    assert "does not exist" in _only(problems, "models.csv").message
    assert all(p.message != "required file is missing" for p in problems)


def test_an_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = copy_small(tmp_path)
    real = os.access
    monkeypatch.setattr(
        source_module.os, "access", lambda p, m: not str(p).endswith("lots.csv") and real(p, m)
    )  # (tests may run as root, who can read anything: the permission check is what is tested)
    message = _only(read_book(folder)[1], "lots.csv").message
    assert message.startswith("cannot be read: permission denied")


def test_invalid_utf8_is_reported_with_its_line(tmp_path: Path) -> None:
    folder = copy_small(tmp_path)
    lines = (folder / "lots.csv").read_bytes().split(b"\n")
    lines[3] = lines[3].replace(b"BND", b"B\xffND")
    (folder / "lots.csv").write_bytes(b"\n".join(lines))
    problem = _only(read_book(folder)[1], "lots.csv")
    assert problem.row == 4
    assert problem.message.startswith("not UTF-8 text: byte 0xff at character 5")


def test_a_bom_in_trimtab_toml_is_accepted(tmp_path: Path) -> None:
    folder = copy_small(tmp_path)
    (folder / "trimtab.toml").write_bytes(b"\xef\xbb\xbfas_of = 2026-11-20\n")
    book, problems = read_book(folder)
    assert problems == []
    assert book is not None
    assert str(book.settings.as_of) == "2026-11-20"


def test_models_nested_too_deep_are_one_named_problem(tmp_path: Path) -> None:
    folder = copy_small(tmp_path)
    chain = [f"D{i},model:D{i + 1},1" for i in range(700)] + ["D700,VTI,1"]
    with (folder / "models.csv").open("a") as handle:
        handle.write("\n".join(chain) + "\n")
    problems = read_book(folder)[1]
    assert len(problems) == 1
    assert problems[0].file == "models.csv"
    assert problems[0].message.startswith("models nested more than 32 levels deep: D0 -> D1")
    result = CliRunner().invoke(app, ["validate", str(folder)])
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
