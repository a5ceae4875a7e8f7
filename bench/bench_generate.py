"""Time writing a large sample book: seconds, rows per file and size on disk.

Usage: .venv/bin/python bench/bench_generate.py [--accounts 100000] [--seed 0] [--keep DIR]
       [--direct-share 0.3]
The households are accounts / MEAN_ACCOUNTS (2.48 accounts per household on average).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from trimtab.generate import MEAN_ACCOUNTS, write_sample_book


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--direct-share", type=float, default=None, help="e.g. 0.3 (issue 13)")
    parser.add_argument("--keep", type=Path, default=None, help="write here and keep the book")
    args = parser.parse_args()
    households = max(1, round(args.accounts / MEAN_ACCOUNTS))
    with tempfile.TemporaryDirectory() as tmp:
        out = args.keep or Path(tmp) / "book"
        start = time.perf_counter()
        counts = write_sample_book(out, households, seed=args.seed, direct_share=args.direct_share)
        seconds = time.perf_counter() - start
        size = sum(p.stat().st_size for p in out.iterdir())
    print(f"households {households:,}  accounts {counts['accounts.csv']:,}")
    for name, rows in counts.items():
        print(f"  {name:<20} {rows:>12,} rows")
    print(f"size {size / 2**20:,.1f} MiB")
    print(f"seconds {seconds:.2f}")


if __name__ == "__main__":
    main()
