"""Charts as inline SVG text (matplotlib, Agg backend: no display, no network, no files).

Each function takes plain arrays and labels and returns one `<svg>` element; colours and sizes
are fixed so reports look the same everywhere.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping, Sequence

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

SIZE = (8.0, 3.4)
"""Chart size in inches (768 x 326 px at the SVG's 96 dpi)."""
COLORS = ("#1f5f8b", "#d1495b", "#edae49", "#00798c", "#66a182", "#8d96a3")


def svg(fig: Figure) -> str:
    """The figure as an `<svg>` element: prolog, comments and metadata (a creation date)
    stripped, so the same data draws the same text."""
    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight")
    plt.close(fig)
    text = buf.getvalue()
    start = text.find("<svg")
    text = re.sub(r"<metadata>.*?</metadata>", "", text[start:], flags=re.S)
    return re.sub(r"<!--.*?-->", "", text, flags=re.S)


def _figure(title: str, ylabel: str) -> tuple[Figure, plt.Axes]:
    fig, ax = plt.subplots(figsize=SIZE)
    ax.set_title(title, loc="left", fontsize=11)
    ax.set_ylabel(ylabel)
    ax.grid(alpha=0.3)
    ax.spines[["top", "right"]].set_visible(False)
    return fig, ax


def lines(
    dates: np.ndarray,
    series: Mapping[str, np.ndarray],
    *,
    title: str,
    ylabel: str,
    log: bool = False,
) -> str:
    """One line per named series over `dates` (datetime64)."""
    fig, ax = _figure(title, ylabel)
    x = dates.astype("datetime64[D]").astype(object)
    for i, (name, y) in enumerate(series.items()):
        ax.plot(x, y, label=name, color=COLORS[i % len(COLORS)], linewidth=1.4)
    if log:
        ax.set_yscale("log")
    ax.legend(frameon=False, fontsize=8)
    return svg(fig)


def bars(
    labels: Sequence[str],
    groups: Mapping[str, Sequence[float]],
    *,
    title: str,
    ylabel: str,
) -> str:
    """Grouped bars: one group per label, one bar per named series."""
    fig, ax = _figure(title, ylabel)
    x = np.arange(len(labels))
    width = 0.8 / max(1, len(groups))
    for i, (name, values) in enumerate(groups.items()):
        ax.bar(x + i * width, values, width, label=name, color=COLORS[i % len(COLORS)])
    ax.set_xticks(x + width * (len(groups) - 1) / 2, labels, rotation=45 if len(labels) > 8 else 0)
    ax.axhline(0, color="#444", linewidth=0.8)
    ax.legend(frameon=False, fontsize=8)
    return svg(fig)


def scatter(
    points: Mapping[str, tuple[float, float]],
    *,
    title: str,
    xlabel: str,
    ylabel: str,
    connect: bool = False,
) -> str:
    """Named points (x, y); `connect` draws a line through them in order (a frontier)."""
    fig, ax = _figure(title, ylabel)
    ax.set_xlabel(xlabel)
    xs = [p[0] for p in points.values()]
    ys = [p[1] for p in points.values()]
    if connect:
        ax.plot(xs, ys, color=COLORS[0], linewidth=1.0)
    for i, (name, (x, y)) in enumerate(points.items()):
        ax.scatter([x], [y], color=COLORS[i % len(COLORS)], s=40, zorder=3)
        ax.annotate(name, (x, y), textcoords="offset points", xytext=(5, 5), fontsize=8)
    return svg(fig)


def histogram(
    series: Mapping[str, Sequence[float]], *, title: str, xlabel: str, bins: int = 20
) -> str:
    """Overlaid histograms of named samples (NaN ignored)."""
    fig, ax = _figure(title, "accounts")
    ax.set_xlabel(xlabel)
    clean = {k: [v for v in vals if not np.isnan(v)] for k, vals in series.items()}
    every = [v for vals in clean.values() for v in vals] or [0.0]
    edges = np.histogram_bin_edges(every, bins=bins)
    for i, (name, vals) in enumerate(clean.items()):
        ax.hist(vals, bins=edges, alpha=0.6, label=name, color=COLORS[i % len(COLORS)])
    ax.legend(frameon=False, fontsize=8)
    return svg(fig)
