"""The review page in a real browser: Debian's headless Chromium driven by playwright.

The service runs in a thread on a free port over a SQLite store holding the small book and one
rebalancer. Screenshots of every step are kept as artefacts: in $TRIMTAB_ARTEFACTS when set
(CI uploads that folder), else in the test's pytest temporary folder (pytest keeps the last
three runs' folders), and the path is printed.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import Browser, Page, expect, sync_playwright

from trimtab.api import create_app
from trimtab.api.secrets import hash_password
from trimtab.api.settings import ServiceSettings
from trimtab.book import load_book
from trimtab.store import access, import_book, make_engine, upgrade
from trimtab.store.access import Role

CHROMIUM = "/usr/bin/chromium"
SMALL_BOOK = Path(__file__).resolve().parents[1] / "fixtures" / "small_book"
PASSWORD = "a long browser password"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def prepare_store(url: str) -> None:
    """The small book and a rebalancer `desk`; the hook the review tests extend."""
    engine = make_engine(url)
    upgrade(engine)
    import_book(engine, load_book(SMALL_BOOK))
    with engine.begin() as conn:
        access.add_user(conn, "desk", hash_password(PASSWORD), Role.REBALANCER)
    engine.dispose()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    url = f"sqlite:///{tmp_path_factory.mktemp('browser') / 'trimtab.sqlite'}"
    prepare_store(url)
    app = create_app(ServiceSettings(database_url=url, secure_cookies=False))
    port = _free_port()
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not srv.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the service did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `python3 dev.py test` installs Debian's chromium")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True)
        yield b
        b.close()


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    root = os.environ.get("TRIMTAB_ARTEFACTS")
    folder = Path(root) / "screenshots" if root else tmp_path / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    print(f"screenshots in {folder}")
    return folder


def log_in(page: Page, base: str, shots: Path) -> None:
    page.goto(f"{base}/households")
    expect(page).to_have_url(f"{base}/login?next=/households")
    page.get_by_label("Username").fill("desk")
    page.get_by_label("Password").fill("wrong password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert")).to_contain_text("wrong username or password")
    page.get_by_label("Password").fill(PASSWORD)
    page.screenshot(path=shots / "01-login.png")
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(f"{base}/households")


def test_log_in_find_a_household_and_see_its_allocation(
    server: str, browser: Browser, shots: Path
) -> None:
    page = browser.new_page()
    log_in(page, server, shots)
    expect(page.locator("tbody tr")).to_have_count(2)
    page.get_by_label("Search").fill("jones")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("tbody tr")).to_have_count(1)
    page.screenshot(path=shots / "02-households-filtered.png", full_page=True)
    page.get_by_role("link", name="H2").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("H2")
    chart = page.get_by_role("img", name="allocation against target")
    expect(chart).to_be_visible()
    assert chart.locator("rect.bar-current").count() >= 2
    assert chart.locator("rect.bar-target").count() >= 2
    page.screenshot(path=shots / "03-household.png", full_page=True)
    page.get_by_role("link", name="M60").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Model M60")
    expect(page.get_by_role("cell", name="A1", exact=True)).to_be_visible()
    page.screenshot(path=shots / "04-model.png", full_page=True)
    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(f"{server}/login")
    page.close()
