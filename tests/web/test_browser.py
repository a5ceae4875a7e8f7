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
from trimtab.batch import SequentialExecutor
from trimtab.book import load_book
from trimtab.store import access, import_book, make_engine, upgrade
from trimtab.store.access import Role
from trimtab.workflow.run import run_day

CHROMIUM = "/usr/bin/chromium"
SMALL_BOOK = Path(__file__).resolve().parents[1] / "fixtures" / "small_book"
PASSWORD = "a long browser password"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def prepare_store(url: str) -> None:
    """The small book, a rebalancer `desk`, and the day's run: a proposal for each household."""
    engine = make_engine(url)
    upgrade(engine)
    import_book(engine, load_book(SMALL_BOOK))
    with engine.begin() as conn:
        access.add_user(conn, "desk", hash_password(PASSWORD), Role.REBALANCER)
    run_day(engine, actor="desk", executor=SequentialExecutor())
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


def log_in(page: Page, base: str, shots: Path, path: str) -> None:
    page.goto(f"{base}{path}")
    expect(page).to_have_url(f"{base}/login?next={path}")
    page.get_by_label("Username").fill("desk")
    page.get_by_label("Password").fill("wrong password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert")).to_contain_text("wrong username or password")
    page.get_by_label("Password").fill(PASSWORD)
    page.screenshot(path=shots / "01-login.png")
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(f"{base}{path}")


def test_log_in_find_a_household_and_see_its_allocation(
    server: str, browser: Browser, shots: Path
) -> None:
    page = browser.new_page()
    log_in(page, server, shots, "/households")
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


def test_filter_the_queue_open_a_household_and_approve_its_proposal(
    server: str, browser: Browser, shots: Path
) -> None:
    page = browser.new_page()
    log_in(page, server, shots, "/queue")
    rows = page.locator("table.queue tbody tr")
    expect(rows).to_have_count(2)
    page.get_by_label("Exception rule").select_option("large_trade")
    page.get_by_role("button", name="Filter").click()
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("H2")
    expect(rows.first).to_contain_text("large_trade")
    page.screenshot(path=shots / "11-queue-filtered.png", full_page=True)
    page.get_by_label("Exception rule").select_option("drift_after")
    page.get_by_role("button", name="Filter").click()
    expect(rows).to_have_count(1)
    expect(rows.first.get_by_text("proposed")).to_be_visible()
    rows.first.get_by_role("link", name="H1").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("H1")
    chart = page.get_by_role("img", name="allocation against target")
    expect(chart).to_be_visible()
    assert chart.locator("rect.bar-after").count() >= 2  # the proposal's after-trade weights
    proposal = page.get_by_role("region", name="proposal")
    expect(proposal.get_by_test_id("proposal-state")).to_have_text("proposed")
    expect(proposal.get_by_role("cell", name="drift", exact=True).first).to_be_visible()
    page.screenshot(path=shots / "12-household-proposal.png", full_page=True)
    proposal.get_by_label("Note").fill("checked with the advisor")
    proposal.get_by_role("button", name="Approve").click()
    expect(proposal.get_by_test_id("proposal-state")).to_have_text("approved")
    expect(proposal).to_contain_text("Approved by desk: “checked with the advisor”")
    expect(proposal.get_by_role("button", name="Approve")).to_have_count(0)
    page.screenshot(path=shots / "13-approved.png", full_page=True)

    page.get_by_role("link", name="Queue").click()
    page.get_by_label("State").select_option("approved")
    page.get_by_role("button", name="Filter").click()
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("H1")
    page.get_by_role("link", name="Audit trail").click()
    expect(page.locator("table.audit tbody tr").first).to_contain_text("approve")
    expect(page.locator("table.audit tbody tr").first).to_contain_text("desk")
    page.screenshot(path=shots / "14-audit.png", full_page=True)
    page.close()
