"""File output that is never half-written: write to a staging folder, then publish at once."""

from __future__ import annotations

import csv
import shutil
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def staged_dir(target: Path, owned: Iterable[str] = ()) -> Iterator[Path]:
    """Yield a staging folder beside `target`; on success its files replace target's, else vanish.

    A new target is published by one rename. An existing one gets each staged file moved in
    (files of the same name are replaced, others are left alone), and the files named in `owned`
    that were not staged are removed: a book written over an older one must not keep the older
    one's optional tables.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        yield stage
        if not target.exists():
            stage.rename(target)
            return
        staged = {item.name for item in stage.iterdir()}
        for item in stage.iterdir():
            item.replace(target / item.name)
        for name in set(owned) - staged:
            (target / name).unlink(missing_ok=True)
    finally:
        shutil.rmtree(stage, ignore_errors=True)


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[object]]) -> int:
    """Write a CSV with a header; returns the number of data rows."""
    n = 0
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        for row in rows:
            writer.writerow(row)
            n += 1
    return n
