"""Set up and run trimtab's two sacred jobs with nothing but Python 3.11+.

    python3 dev.py demo   # create .venv, install trimtab, run the demo on embedded SQLite
    python3 dev.py test   # create .venv, install trimtab[dev], run ruff and the whole test suite

The virtual environment is rebuilt only when pyproject.toml changes (a hash stamp).
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
STAMP = VENV / ".trimtab-stamp"


def _run(*args: str | Path) -> None:
    print("+", " ".join(str(a) for a in args), flush=True)
    subprocess.run([str(a) for a in args], cwd=ROOT, check=True)


def ensure_venv() -> None:
    """Create .venv and install the package with its dev extras when missing or stale."""
    if sys.version_info < (3, 11):  # noqa: UP036 (dev.py must run on any python3 to say so)
        sys.exit(f"trimtab needs Python 3.11+, this is {sys.version.split()[0]}")
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text() == digest:
        return
    if not (BIN / "python").exists():
        venv.EnvBuilder(with_pip=True).create(VENV)
    _run(BIN / "python", "-m", "pip", "install", "-q", "--upgrade", "pip")
    _run(BIN / "python", "-m", "pip", "install", "-q", "-e", ".[dev]")
    STAMP.write_text(digest)


CHROMIUM = Path("/usr/bin/chromium")


def ensure_chromium() -> None:
    """Debian's chromium for the browser tests (playwright drives it; its own download needs
    the network). Installed with apt-get when missing, where apt-get exists."""
    if CHROMIUM.exists() or os.name == "nt" or not Path("/usr/bin/apt-get").exists():
        return
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    _run(*sudo, "apt-get", "install", "-y", "chromium")


def demo(extra: list[str]) -> None:
    _run(BIN / "trimtab", "demo", *extra)


def test(extra: list[str]) -> None:
    ensure_chromium()
    # the whole repository, as a contributor runs it (Python blocks in docs/*.md included)
    _run(BIN / "ruff", "check", ".")
    _run(BIN / "ruff", "format", "--check", ".")
    workers = ["-n", "auto"] if (os.cpu_count() or 1) > 1 else []
    _run(BIN / "python", "-m", "pytest", *workers, *extra)


def main() -> None:
    jobs = {"demo": demo, "test": test}
    if len(sys.argv) < 2 or sys.argv[1] not in jobs:
        sys.exit("usage: python3 dev.py {demo|test} [args...]")
    ensure_venv()
    try:
        jobs[sys.argv[1]](sys.argv[2:])
    except subprocess.CalledProcessError as exc:
        sys.exit(exc.returncode)


if __name__ == "__main__":
    main()
