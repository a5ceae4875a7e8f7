"""Print an HTML report to PDF with headless Chromium, when it is installed."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from trimtab.errors import ConfigError

CANDIDATES = ("/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome")


def chromium() -> str | None:
    """The path of a Chromium (or Chrome) executable, or None."""
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


def print_pdf(html: Path, pdf: Path, *, timeout: float = 120.0) -> Path:
    """Render `html` to `pdf` (A4-ish, backgrounds on); ConfigError when Chromium is missing."""
    exe = chromium()
    if exe is None:
        raise ConfigError("PDF needs Chromium: install it (apt-get install chromium)")
    args = [
        exe, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
        f"--print-to-pdf={pdf.resolve()}", html.resolve().as_uri(),
    ]  # fmt: skip
    subprocess.run(args, check=True, capture_output=True, timeout=timeout)
    return pdf
