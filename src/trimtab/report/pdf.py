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


def write_report(path: Path, html_text: str) -> Path:
    """Write an HTML report; when `path` ends in .pdf, also print it (the HTML sits beside)."""
    from trimtab.report.html import write_page

    path = Path(path)
    html = write_page(path.with_suffix(".html"), html_text)
    return print_pdf(html, path) if path.suffix.lower() == ".pdf" else html
