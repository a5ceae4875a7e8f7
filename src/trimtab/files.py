"""File output that is never half-written and never mixed: stage everything, then publish at once.

A reader of an output folder sees either the complete old contents or the complete new ones,
even when the writing process is killed at any instant (docs/guarantees.md):

* a new folder is published by one `rename` of the staging folder;
* an existing folder is swapped with the fully prepared staging folder by one
  `renameat2(RENAME_EXCHANGE)` (Linux 3.15+, ext4/xfs/btrfs/tmpfs...); the old contents end in
  the staging folder's hidden name and are deleted after;
* where the exchange is not available (another OS, a filesystem without it) the old folder is
  renamed aside, then the new one renamed in: a reader may briefly find no folder, never a mix,
  and a run killed in between has the old folder put back by the next run.

Staging folders are hidden siblings named `.NAME.trimtab-stage-PID-XXXX` (and `-old-` for the
fallback's set-aside folder). Each publish first sweeps those left by processes no longer alive.
"""

from __future__ import annotations

import csv
import ctypes
import errno
import os
import re
import secrets
import shutil
import signal
import sys
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from trimtab.errors import OutputError

STAGE_TAG = ".trimtab-stage-"
OLD_TAG = ".trimtab-old-"
CRASH_ENV = "TRIMTAB_TEST_CRASH_AT"
"""Test hook: when set to a publishing step's name, the process SIGKILLs itself at that step,
so tests can prove a crash at any step leaves the folder wholly old or wholly new."""

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
"""First characters a spreadsheet treats as the start of a formula (OWASP's CSV injection list)."""
_NUMBER = re.compile(r"[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?")


@contextmanager
def staged_dir(target: Path, owned: Iterable[str] = ()) -> Iterator[Path]:
    """Yield a staging folder beside `target`; on success it replaces target at once, else vanishes.

    Files of an existing target that were not staged are kept (hard-linked into the new folder),
    except those named in `owned`: a book written over an older one must not keep the older
    one's optional tables. OutputError when `target` exists and is not a folder.
    """
    target = _resolve(Path(target))
    if target.exists() and not target.is_dir():
        raise OutputError(f"{target} exists and is not a folder: choose a folder for the outputs")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create {target.parent}: {exc.strerror}") from None
    sweep_leftovers(target)
    stage = _hidden_dir(target, STAGE_TAG)
    try:
        yield stage
        _publish(stage, target, set(owned))
    finally:
        shutil.rmtree(stage, ignore_errors=True)


@contextmanager
def staged_file(target: Path) -> Iterator[Path]:
    """Yield a hidden temporary path beside `target`; on success it replaces target at once."""
    target = _resolve(Path(target))
    if target.is_dir():
        raise OutputError(f"{target} is a folder: name a file for this output")
    target.parent.mkdir(parents=True, exist_ok=True)
    sweep_leftovers(target)
    temp = target.parent / f".{target.name}{STAGE_TAG}{os.getpid()}-{secrets.token_hex(4)}"
    try:
        yield temp
        crash_point("file-written")
        temp.replace(target)
    finally:
        temp.unlink(missing_ok=True)


def sweep_leftovers(target: Path) -> None:
    """Remove staging folders of `target` left by dead processes; put back a set-aside old one."""
    prefix = f".{target.name}"
    try:
        entries = list(target.parent.iterdir())
    except OSError:
        return
    for entry in sorted(entries, key=lambda p: p.name):
        rest = entry.name[len(prefix) :] if entry.name.startswith(prefix) else ""
        tag = next((t for t in (STAGE_TAG, OLD_TAG) if rest.startswith(t)), None)
        if tag is None or _alive(rest[len(tag) :].split("-", 1)[0]):
            continue
        if tag == OLD_TAG and not target.exists() and entry.is_dir():
            entry.rename(target)  # the fallback was killed between its two renames
        elif entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)


def crash_point(step: str) -> None:
    """The test hook of CRASH_ENV: die here, as `kill -9` would, when asked to."""
    if os.environ.get(CRASH_ENV) == step:
        os.kill(os.getpid(), signal.SIGKILL)


def spreadsheet_safe(text: str) -> str:
    """A CSV cell a spreadsheet will not run as a formula; `book_text` undoes it exactly.

    Text starting with `=`, `+`, `-`, `@`, tab, CR or LF gets a leading `'` (the spreadsheet
    convention for "this is text"), as does text already starting with `'` followed by one of
    those or by another `'`, so the mapping stays reversible. Plain numbers (`-12.5`) are left
    as they are: a spreadsheet reads them as numbers, not formulas.
    """
    if not text:
        return text
    first = text[0]
    if first in FORMULA_START:
        return text if _NUMBER.fullmatch(text) else "'" + text
    if first == "'" and len(text) > 1 and (text[1] in FORMULA_START or text[1] == "'"):
        return "'" + text
    return text


def book_text(cell: str) -> str:
    """The text `spreadsheet_safe` was given: one protective leading `'` removed."""
    if len(cell) > 1 and cell[0] == "'" and (cell[1] in FORMULA_START or cell[1] == "'"):
        return cell[1:]
    return cell


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[object]]) -> int:
    """Write a CSV with a header, every cell spreadsheet-safe; returns the number of data rows."""
    n = 0
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        for row in rows:
            writer.writerow([spreadsheet_safe(c) if isinstance(c, str) else c for c in row])
            n += 1
    return n


def _publish(stage: Path, target: Path, owned: set[str]) -> None:
    crash_point("staged")
    if not target.exists():
        stage.rename(target)
        crash_point("published")
        return
    _carry_over(target, stage, owned)
    crash_point("carried")
    if _exchange(stage, target):
        crash_point("exchanged")
        return  # the old contents now sit in `stage`, removed by the caller
    old = _hidden_dir(target, OLD_TAG)
    target.rename(old)  # replaces the empty folder just made, atomically
    crash_point("set-aside")
    stage.rename(target)
    crash_point("published")
    shutil.rmtree(old, ignore_errors=True)


def _carry_over(target: Path, stage: Path, owned: set[str]) -> None:
    """Hard-link (else copy) into the stage what the new contents keep of the old folder."""
    for item in target.iterdir():
        dest = stage / item.name
        if item.name in owned or dest.exists() or item.name.startswith(".trimtab-"):
            continue
        if item.is_dir() and not item.is_symlink():
            shutil.copytree(item, dest, symlinks=True, copy_function=_link_or_copy)
        elif item.is_symlink():
            dest.symlink_to(item.readlink())
        else:
            _link_or_copy(str(item), str(dest))


def _link_or_copy(src: str, dst: str) -> None:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux renameat2 RENAME_EXCHANGE); False where unsupported."""
    if sys.platform != "linux" or os.environ.get("TRIMTAB_NO_RENAME_EXCHANGE"):
        return False
    libc = ctypes.CDLL(None, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    at_fdcwd, rename_exchange = -100, 2
    result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(b))


def _hidden_dir(target: Path, tag: str) -> Path:
    """A new empty sibling folder named for `target`, this process and `tag` (mode per umask)."""
    while True:
        path = target.parent / f".{target.name}{tag}{os.getpid()}-{secrets.token_hex(4)}"
        try:
            path.mkdir()
            return path
        except FileExistsError:
            continue


def _resolve(path: Path) -> Path:
    """Publish through a symlinked output path to the folder it names, not over the link."""
    return path.resolve() if path.is_symlink() else path


def _alive(pid_text: str) -> bool:
    try:
        pid = int(pid_text)
    except ValueError:
        return False
    if pid == os.getpid():
        return True  # this process's own folder: another publish in progress here
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
