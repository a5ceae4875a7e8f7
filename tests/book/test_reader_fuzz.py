"""Fuzz of the book reader: malformed rows, extreme numbers and hostile strings.

The only outcomes allowed are a valid book (which then round-trips through write_book) or a list
of named problems; never a traceback. Refused imports leave the store exactly as it was.
"""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path

from hostile import SMALL
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from trimtab.book import load_book, read_book, write_book
from trimtab.book.schema import FILES
from trimtab.check import check_book
from trimtab.cli import app
from trimtab.config import FILE as SETTINGS_FILE
from trimtab.store import export_book, make_engine

TEXTS = {p.name: p.read_text(encoding="utf-8") for p in sorted(SMALL.iterdir())}
KNOWN = {spec.name for spec in FILES} | {SETTINGS_FILE}

EXTREME = st.sampled_from(
    ["1e308", "-1e308", "1e999999", "-1e999999", "1e-999999", "nan", "NaN", "inf", "-Infinity",
     "1e-30", "0", "-0", "0.000001", "1e12", "1_000", "0x10", "1,819.77", "", " ", "9" * 400,
     "1e", ".", "-", "+", "9999-12-31", "0001-01-01", "2026-02-30", "2026-11-21", "true",
     "model:", "tag:", "model:M60", "CASH"]
)  # fmt: skip
HOSTILE = st.sampled_from(
    ["=1+1", "+A1", "-L1", "@SUM(A1)", "'=x", "''", "\t", "\r", "a\x00b", "\x7f", "A" * 300,
     "\ufeffH1", "H1\u200b", "\"", "a,b", "line\nbreak", "\\", "%s", "{}", "🙂"]
)  # fmt: skip
CELL = st.one_of(
    EXTREME,
    HOSTILE,
    st.text(max_size=30),
    st.floats().map(repr),
    st.decimals(allow_nan=True).map(str),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.dates().map(lambda d: d.isoformat()),
)


def _rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def _csv(rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue()


KINDS = ["cell", "cell", "header", "row", "raw", "bytes", "drop", "plausible", "plausible"]
MONEY = st.decimals(min_value=-(10**12), max_value=10**12, places=2).map(str)
PLAUSIBLE = st.one_of(
    st.tuples(st.just("households.csv"), st.just("name"), st.one_of(HOSTILE, st.text(max_size=20))),
    st.tuples(st.just("accounts.csv"), st.just("cash"), MONEY),
    st.tuples(st.just("households.csv"), st.just("gain_budget"), MONEY),
    st.tuples(st.just("lots.csv"), st.just("cost_basis"), MONEY.filter(lambda m: m[0] != "-")),
)


@st.composite
def mutated_books(draw: st.DrawFn) -> dict[str, bytes]:
    """The small book with 1 to 4 mutations: cells, headers, raw lines, bytes, lost files."""
    files = {name: text.encode("utf-8") for name, text in TEXTS.items()}
    csvs = sorted(n for n in files if n.endswith(".csv"))
    for _ in range(draw(st.integers(1, 4))):
        name = draw(st.sampled_from(csvs))
        if name not in files:
            continue
        rows = _rows(files[name].decode("utf-8", errors="replace")) or [[""]]
        kind = draw(st.sampled_from(KINDS))
        if kind == "cell" and len(rows) > 1:
            row = draw(st.integers(1, len(rows) - 1))
            rows[row] = rows[row] or [""]
            col = draw(st.integers(0, len(rows[row]) - 1))
            rows[row][col] = draw(CELL)
            files[name] = _csv(rows).encode("utf-8", errors="surrogatepass")
        elif kind == "header" and rows[0]:
            col = draw(st.integers(0, len(rows[0]) - 1))
            rows[0][col] = draw(st.one_of(HOSTILE, st.text(max_size=10)))
            files[name] = _csv(rows).encode("utf-8", errors="surrogatepass")
        elif kind == "row":
            rows.append(draw(st.lists(CELL, max_size=14)))
            files[name] = _csv(rows).encode("utf-8", errors="surrogatepass")
        elif kind == "raw":
            files[name] += draw(st.text(max_size=40)).encode("utf-8", errors="surrogatepass")
        elif kind == "bytes":
            files[name] += draw(st.binary(max_size=20))
        elif kind == "drop":
            del files[name]
        elif kind == "plausible":  # a value that may well be valid: the round trip is tested
            name, column, value = draw(PLAUSIBLE)
            rows = _rows(files[name].decode("utf-8", errors="replace")) if name in files else []
            if rows and column in rows[0] and len(rows) > 2:
                row, col = draw(st.integers(1, 2)), rows[0].index(column)
                rows[row] += [""] * (col + 1 - len(rows[row]))  # an earlier mutation cut it short
                rows[row][col] = value
                files[name] = _csv(rows).encode("utf-8", errors="surrogatepass")
    if draw(st.booleans()):
        files[SETTINGS_FILE] = draw(
            st.sampled_from([b"\xef\xbb\xbfas_of = 2026-11-20\n", b"as_of = 9999-12-31\n",
                             b"as_of = \"x\"\n", b"\xff\xfe", b"[tax]\nniit = 1e999\n", b""])
        )  # fmt: skip
    return files


def _write(folder: Path, files: dict[str, bytes]) -> None:
    folder.mkdir()
    for name, data in files.items():
        (folder / name).write_bytes(data)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_books())
def test_the_reader_gives_a_valid_book_or_named_problems_never_a_traceback(
    files: dict[str, bytes],
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "book"
        _write(folder, files)
        book, problems = check_book(folder)
        if book is None:
            assert problems
            for p in problems:
                assert p.file in KNOWN or p.file == str(folder), p
                assert isinstance(p.message, str) and p.message
                assert "Traceback" not in p.message
            return
        assert problems == []
        write_book(book, Path(tmp) / "again")
        again, problems_again = read_book(Path(tmp) / "again")
        assert problems_again == []
        assert again == book


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_books())
def test_a_refused_import_leaves_the_store_untouched(files: dict[str, bytes]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'store.sqlite'}"
        runner = CliRunner()
        assert runner.invoke(app, ["db", "import", str(SMALL), "--db", url]).exit_code == 0
        folder = Path(tmp) / "book"
        _write(folder, files)
        result = runner.invoke(app, ["db", "import", str(folder), "--db", url])
        assert result.exit_code in (0, 1), result.output
        assert result.exception is None or isinstance(result.exception, SystemExit)
        engine = make_engine(url)
        expected = load_book(folder) if result.exit_code == 0 else load_book(SMALL)
        assert export_book(engine) == expected
        engine.dispose()
