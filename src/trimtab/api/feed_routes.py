"""The day's feed through the API: prices, transactions, cash balances, cash requests, model and
restriction changes and the custodian's positions, applied to the stored book all or nothing.

The files are the CSV files of a feed folder (docs/daily-run.md), sent as JSON (`POST /api/feeds`:
file name to text) or uploaded as multipart files (`POST /api/feeds/upload`). Either way they are
written to a private temporary folder and go through the daily run's own `apply_feed`: validated
as strictly as a book (a 422 names the file, row and field of every problem, and nothing is
written), applied in one transaction with its audit event naming the caller.
"""

from __future__ import annotations

import dataclasses
import tempfile
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile

from trimtab.api import schemas as s
from trimtab.api import views
from trimtab.api.access import Conn, Principal, engine_of, needs
from trimtab.api.book_routes import Limit, Offset
from trimtab.errors import DataError, Problem
from trimtab.store import review as rv
from trimtab.workflow.feed import apply_feed
from trimtab.workflow.feed_read import FEED_FILES

router = APIRouter(prefix="/api", tags=["feed"])

Feeder = Annotated[Principal, Depends(needs("feed"))]
NAMES = frozenset(spec.name for spec in FEED_FILES)
MAX_BYTES = 50_000_000
"""The largest file accepted (a day's transactions of 100,000 accounts is a few MB)."""


def applied(
    request: Request, who: Principal, files: Iterable[tuple[str, bytes]], day: date | None
) -> dict[str, Any]:
    """Write the files to a temporary folder and apply them as the caller (see module doc)."""
    with tempfile.TemporaryDirectory(prefix="trimtab-feed-") as folder:
        for name, data in files:
            (Path(folder) / name).write_bytes(data)
        try:
            result = apply_feed(
                engine_of(request), Path(folder), as_of=day, actor=who.user.username
            )
        except DataError as exc:  # a problem with the whole feed names "feed", not the folder
            problems = [dataclasses.replace(p, file="feed") if p.file == folder else p
                        for p in exc.problems]  # fmt: skip
            raise DataError(problems, f"the feed has {len(problems)} problem(s)") from None
    return {
        "feed_id": result.feed_id,
        "as_of": result.as_of,
        "counts": result.counts,
        "changed_models": list(result.changed_models),
        "breaks": views.plain(list(result.breaks)),
    }


@router.post("/feeds", response_model=s.FeedOut, status_code=201)
def post_feed(request: Request, who: Feeder, body: s.FeedIn) -> dict[str, Any]:
    """Apply a day's feed sent as JSON: each file's CSV text under its name."""
    return applied(
        request, who, ((n, t.encode("utf-8")) for n, t in body.files.items()), body.as_of
    )


@router.post("/feeds/upload", response_model=s.FeedOut, status_code=201)
def upload_feed(
    request: Request,
    who: Feeder,
    files: Annotated[list[UploadFile], File(description="The feed's CSV files, by name")],
    as_of: Annotated[date | None, Form()] = None,
) -> dict[str, Any]:
    """Apply a day's feed uploaded as multipart files named as in a feed folder."""
    problems, read = [], []
    seen: set[str] = set()
    for upload in files:
        name = upload.filename or ""
        data = upload.file.read(MAX_BYTES + 1)
        if name not in NAMES:
            problems.append(Problem(name[:200], None, "files", "not a feed file name"))
        elif name in seen:
            problems.append(Problem(name, None, "files", "uploaded twice"))
        elif len(data) > MAX_BYTES:
            problems.append(Problem(name, None, "files", f"larger than {MAX_BYTES:,} bytes"))
        seen.add(name)
        read.append((name, data))
    if problems:
        raise DataError(problems, f"{len(problems)} problem(s) with the uploaded files")
    return applied(request, who, read, as_of)


@router.get("/feeds", response_model=s.Page[s.FeedRow])
def list_feeds(conn: Conn, who: Feeder, offset: Offset = 0, limit: Limit = 50) -> dict[str, object]:
    """Feeds applied to the store, newest first, with their rows per file."""
    page = rv.feeds_page(conn, offset=offset, limit=limit)
    return {"items": page.items, "total": page.total, "offset": offset, "limit": limit}
