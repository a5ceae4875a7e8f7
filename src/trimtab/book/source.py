"""Opening a book's files as an attacker or an unlucky operator may have left them.

A book file may be missing, a folder, a FIFO (opening it would block forever), a device, a
symlink loop or to nowhere, unreadable, or not UTF-8. Each case is one named problem for the
file (with the line of the first bad byte for bad UTF-8), never a traceback or a hang.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from trimtab.errors import Problem

MISSING = "required file is missing"


def file_problem(path: Path, name: str) -> Problem | None:
    """Why `path` cannot be read as a book file (None when it is a readable regular file).

    A missing file is reported as MISSING: the caller decides whether that is a problem.
    """
    try:
        info = path.stat()  # follows symlinks
    except FileNotFoundError:
        if path.is_symlink():
            return Problem(name, None, None, "is a symbolic link to a file that does not exist")
        return Problem(name, None, None, MISSING)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return Problem(name, None, None, "is a symbolic link loop, not a file")
        return Problem(name, None, None, f"cannot be read: {exc.strerror}")
    if stat.S_ISDIR(info.st_mode):
        return Problem(name, None, None, "is a folder, not a file")
    if not stat.S_ISREG(info.st_mode):
        return Problem(
            name, None, None, "is not a regular file (a FIFO, socket or device): not read"
        )
    if not os.access(path, os.R_OK):
        return Problem(name, None, None, "cannot be read: permission denied")
    return None


def read_text(path: Path, name: str) -> tuple[str | None, list[Problem]]:
    """The file's text (a UTF-8 BOM dropped), or None and the problem that prevents reading it."""
    problem = file_problem(path, name)
    if problem is not None:
        return None, [problem]
    try:
        # O_NONBLOCK: if the file was swapped for a FIFO since the check, do not block on it
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as handle:
            data = handle.read()
    except OSError as exc:
        return None, [Problem(name, None, None, f"cannot be read: {exc.strerror}")]
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        message = f"not UTF-8 text: byte 0x{data[exc.start]:02x} at character {column}"
        return None, [Problem(name, line, None, message + " (save the file as UTF-8)")]
