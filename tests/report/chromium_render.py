"""Render an HTML file with headless Chromium: the DOM after scripts, and a PNG screenshot."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import numpy as np
from matplotlib.image import imread

from trimtab.report.pdf import chromium

WIDTH, HEIGHT = 1000, 6000
BOXES = """<script>
document.querySelectorAll('figure.chart').forEach(function (f) {
  var r = f.querySelector('svg').getBoundingClientRect();
  f.setAttribute('data-box', [r.left, r.top + window.scrollY, r.width, r.height]
    .map(Math.round).join(','));
});
</script>"""


def _run(*args: str) -> str:
    exe = chromium()
    if exe is None:  # dev.py installs it (ensure_chromium); a missing browser is a failure
        raise AssertionError("headless Chromium is needed: run python3 dev.py test")
    base = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
            f"--window-size={WIDTH},{HEIGHT}", "--force-device-scale-factor=1"]  # fmt: skip
    done = subprocess.run([*base, *args], capture_output=True, text=True, timeout=120, check=True)
    return done.stdout


def chart_boxes(html: Path) -> dict[str, tuple[int, int, int, int]]:
    """Chart id -> (x, y, width, height) in CSS pixels, measured by Chromium's layout."""
    probe = html.with_name("probe.html")
    probe.write_text(html.read_text(encoding="utf-8").replace("</body>", BOXES + "</body>"))
    dom = _run("--dump-dom", probe.as_uri())
    found = re.findall(r'<figure class="chart" id="([^"]+)" data-box="([-\d,]+)"', dom)
    return {key: tuple(int(v) for v in box.split(",")) for key, box in found}  # type: ignore[misc]


def screenshot(html: Path, png: Path) -> np.ndarray:
    """The page as an (H, W, 3) float array in 0..1."""
    _run(f"--screenshot={png}", html.as_uri())
    return imread(png)[..., :3]


def ink(img: np.ndarray, box: tuple[int, int, int, int]) -> float:
    """Share of the box's pixels that are not (near) white."""
    x, y, w, h = box
    region = img[y : y + h, x : x + w]
    if region.size == 0:
        return 0.0
    return float((region.min(axis=2) < 0.9).mean())
