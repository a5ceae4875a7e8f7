"""Inline SVG charts: no JavaScript, no library, readable without colour (labels and values)."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from markupsafe import Markup

from trimtab.web.allocation import Slice

ROW = 34
LABEL = 150
BAR = 360


def allocation_chart(rows: Sequence[Slice]) -> Markup:
    """Grouped horizontal bars per asset class: current, target and (when known) after trades."""
    series = [("current", "#4a78b5"), ("target", "#9aa5b1")]
    if any(r.after is not None for r in rows):
        series.append(("after", "#2f9e6a"))
    top = max([1e-9, *(max(r.current, r.target, r.after or 0) for r in rows)])
    bar_h = (ROW - 8) / len(series)
    height = ROW * len(rows) + 30
    parts = [
        f'<svg class="chart" role="img" aria-label="allocation against target" '
        f'viewBox="0 0 {LABEL + BAR + 70} {height}" width="100%" '
        f'xmlns="http://www.w3.org/2000/svg">'
    ]
    for i, r in enumerate(rows):
        y = i * ROW
        parts.append(
            f'<text x="0" y="{y + ROW / 2 + 4:.1f}" font-size="12">{escape(r.label)}</text>'
        )
        for j, (name, colour) in enumerate(series):
            value = getattr(r, name) or 0.0
            width = BAR * value / top
            by = y + 2 + j * bar_h
            parts.append(
                f'<rect class="bar-{name}" x="{LABEL}" y="{by:.1f}" width="{width:.1f}" '
                f'height="{bar_h - 1:.1f}" fill="{colour}"><title>{escape(r.label)} {name}: '
                f"{value:.1%}</title></rect>"
                f'<text x="{LABEL + width + 4:.1f}" y="{by + bar_h - 2:.1f}" font-size="10">'
                f"{value:.1%}</text>"
            )
    legend_y = ROW * len(rows) + 18
    for j, (name, colour) in enumerate(series):
        x = LABEL + j * 90
        parts.append(
            f'<rect x="{x}" y="{legend_y - 9}" width="10" height="10" fill="{colour}"/>'
            f'<text x="{x + 14}" y="{legend_y}" font-size="11">{name}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))
