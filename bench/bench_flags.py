"""Share of households the exception rules flag on a clean generated book (default settings).

Usage: .venv/bin/python bench/bench_flags.py [--households 200] [--seed 3] [--drift-after X]
One sequential first run (every household solved; the baseline comparison off) in a temporary
SQLite store; prints the statuses and, for each rule, the households it flags and their share.
`--drift-after 0.05` sets the `drift_after` override (the default before it followed the bands).
"""

from __future__ import annotations

import argparse
import dataclasses
import tempfile
from collections import defaultdict
from pathlib import Path

import sqlalchemy as sa

from trimtab.batch import SequentialExecutor
from trimtab.generate import generate_book
from trimtab.store import import_book, make_engine, upgrade
from trimtab.store import workflow_tables as w
from trimtab.workflow.run import run_day


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=200)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--drift-after", type=float, default=None)
    args = parser.parse_args()
    book = generate_book(args.households, seed=args.seed)
    s = book.settings
    s = dataclasses.replace(
        s,
        workflow=dataclasses.replace(s.workflow, compare_baseline=False),
        exceptions=dataclasses.replace(s.exceptions, drift_after=args.drift_after),
    )
    book = dataclasses.replace(book, settings=s)
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'flags.sqlite'}")
        upgrade(engine)
        import_book(engine, book)
        result = run_day(engine, actor="bench", executor=SequentialExecutor())
        by_rule: dict[str, set[int]] = defaultdict(set)
        with engine.connect() as conn:
            for pid, rule in conn.execute(
                sa.select(w.exceptions.c.proposal_id, w.exceptions.c.rule)
            ):
                by_rule[rule].add(pid)
        engine.dispose()
    n = result.summary["households"]
    flagged = set().union(*by_rule.values())
    print(f"households {n}  by status {result.summary['by_status']}")
    print(f"flagged by any rule: {len(flagged)} ({len(flagged) / n:.1%})")
    for rule, ids in sorted(by_rule.items()):
        print(f"  {rule:<16} {len(ids):>5} ({len(ids) / n:.1%})")


if __name__ == "__main__":
    main()
