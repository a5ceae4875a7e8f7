"""A self-contained HTML page: a title, sections of text, tables and inline SVG charts.

Everything is inline (styles, charts), so the file opens anywhere without a network. Each chart
sits in `<figure class="chart" id=...>`, which is what tests and PDF printing look for.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape
from pathlib import Path

STYLE = """
body { font-family: Helvetica, Arial, sans-serif; color: #222; margin: 32px auto;
       max-width: 880px; line-height: 1.4; }
h1 { font-size: 22px; margin-bottom: 4px; } h2 { font-size: 17px; margin-top: 28px; }
p.note { color: #555; font-size: 13px; }
table { border-collapse: collapse; font-size: 12px; margin: 8px 0; }
th, td { border-bottom: 1px solid #ddd; padding: 4px 8px; text-align: right; }
th:first-child, td:first-child { text-align: left; }
figure.chart { margin: 12px 0; page-break-inside: avoid; }
figure.chart svg { width: 100%; height: auto; }
figcaption { font-size: 12px; color: #555; }
"""


@dataclass(frozen=True, slots=True)
class Chart:
    key: str
    svg: str
    caption: str


@dataclass(frozen=True, slots=True)
class Section:
    title: str
    text: str = ""
    table: tuple[tuple[str, ...], ...] = ()
    charts: tuple[Chart, ...] = ()
    notes: tuple[str, ...] = field(default=())


def page(title: str, subtitle: str, sections: Sequence[Section]) -> str:
    """The whole document as text."""
    body = [f"<h1>{escape(title)}</h1>", f'<p class="note">{escape(subtitle)}</p>']
    for s in sections:
        body.append(f"<h2>{escape(s.title)}</h2>")
        if s.text:
            body.append(f"<p>{escape(s.text)}</p>")
        if s.table:
            body.append(_table(s.table))
        for c in s.charts:
            body.append(
                f'<figure class="chart" id="chart-{escape(c.key)}">{c.svg}'
                f"<figcaption>{escape(c.caption)}</figcaption></figure>"
            )
        body += [f'<p class="note">{escape(n)}</p>' for n in s.notes]
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title><style>{STYLE}</style></head>"
        f"<body>{''.join(body)}</body></html>\n"
    )


def _table(rows: tuple[tuple[str, ...], ...]) -> str:
    head, *rest = rows
    out = ["<table><thead><tr>", *(f"<th>{escape(h)}</th>" for h in head), "</tr></thead><tbody>"]
    for r in rest:
        out += ["<tr>", *(f"<td>{escape(c)}</td>" for c in r), "</tr>"]
    out.append("</tbody></table>")
    return "".join(out)


def write_page(path: Path, text: str) -> Path:
    """Write the page whole or not at all (a temporary file renamed into place)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
    return path
