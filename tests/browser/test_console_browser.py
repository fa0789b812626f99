"""The operator console in a real headless Chromium (issue 16, "Tests"): Debian's ``/usr/bin/chromium`` driven
through ``/usr/bin/chromedriver`` by Selenium, against ``predator serve`` running as a real process on a test
database that holds a small book (``tests.helpers.build_book``).

An operator opens the console, is sent to the login page, types the token and sees the overview (the account,
"No halt in force"); on the halt / resume page fills a reason and clicks Halt: the halt is in ``api.halts`` and
``api.halt_events`` (with the reason and the operator's login) and on the pages after a reload. A dirty
reconciliation makes the page's resume come back refused with the database's PD014 and HINT; once the runbook's
conditions hold (a clean reconciliation, the severity-1 incidents resolved through the API) the resume form
lifts the halt, in SQL and on the page. The operator logs out. Every page visited is saved as a full-page PNG
under ``reports/screenshots/`` (the test's artefacts). The browser and the console are stopped here.

Not collected by ``make test`` (it needs Chromium): ``make test-browser`` runs it.
"""

from __future__ import annotations

import base64
import os
import re
from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.chrome.webdriver import WebDriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from predator.config import PROJECT_ROOT
from predator.db import api, ops_reads
from predator.db.connection import Target
from tests.console_support import (
    Console,
    active_halts,
    console_env,
    last_halt_event,
    make_approver_token_file,
    make_token_file,
    start_console,
    stop_console,
)
from tests.helpers import T0, build_book, new_account

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
SCREENSHOTS = PROJECT_ROOT / "reports" / "screenshots"
OPERATOR_LOGIN = "predator_operator_login"


@pytest.fixture()
def browser(tmp_path: Path) -> Iterator[WebDriver]:
    """A headless Chromium with a profile of its own, quit afterwards."""
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not p.exists()]
    if missing:
        pytest.fail(f"missing {', '.join(missing)}: install the Debian packages chromium and chromium-driver")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for arg in ("--headless=new", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1400,1000",
                "--no-first-run", "--no-default-browser-check", f"--user-data-dir={tmp_path / 'chromium'}"):
        options.add_argument(arg)
    if os.geteuid() == 0:
        options.add_argument("--no-sandbox")  # Chromium's sandbox refuses to run as root
    driver = webdriver.Chrome(options=options, service=Service(str(CHROMEDRIVER)))
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture()
def console(db: Target, tmp_path: Path) -> Iterator[Console]:
    path, token = make_token_file(tmp_path, console_env(db))
    approver = make_approver_token_file(tmp_path, console_env(db))
    running = start_console(db, path, token, approver=approver)
    try:
        yield running
    finally:
        stop_console(running)


class Operator:
    """What the operator does in the browser, each page saved as a screenshot."""

    def __init__(self, driver: WebDriver, console: Console) -> None:
        self.driver, self.console = driver, console
        self.shots: list[Path] = []

    def open(self, path: str) -> None:
        self.driver.get(self.console.origin + path)

    def path(self) -> str:
        url: str = self.driver.current_url
        assert url.startswith(self.console.origin), url
        return url[len(self.console.origin):]

    def wait_for_path(self, pattern: str) -> str:
        WebDriverWait(self.driver, 20).until(lambda d: re.fullmatch(pattern, self.path()) is not None,
                                             f"never reached {pattern}")
        return self.path()

    def text(self, css: str) -> str:
        """The visible text of the first element ``css`` selects, waiting for it to appear."""
        element = WebDriverWait(self.driver, 20).until(lambda d: d.find_element(By.CSS_SELECTOR, css),
                                                       f"no element {css} on {self.path()}")
        found: str = element.text
        return found

    def fill(self, css: str, value: str) -> None:
        field = self.driver.find_element(By.CSS_SELECTOR, css)
        field.clear()
        field.send_keys(value)

    def click(self, css: str) -> None:
        self.driver.find_element(By.CSS_SELECTOR, css).click()

    def shoot(self, name: str) -> None:
        """The whole page (beyond the window) as reports/screenshots/<name>.png."""
        metrics: dict[str, Any] = self.driver.execute_cdp_cmd("Page.getLayoutMetrics", {})
        size = metrics["cssContentSize"]
        shot = self.driver.execute_cdp_cmd("Page.captureScreenshot", {
            "format": "png", "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1}})
        path = SCREENSHOTS / f"{name}.png"
        path.write_bytes(base64.b64decode(shot["data"]))
        assert path.stat().st_size > 5000, path  # a rendered page, not an empty image
        self.shots.append(path)


def _open_severity1(target: Target) -> list[str]:
    with target.connect("auditor") as conn:
        return [r[0] for r in conn.execute(
            "SELECT incident FROM api.incidents WHERE severity = 1 AND status <> 'resolved' ORDER BY incident")]


def _dirty_accounts(target: Target) -> list[str]:
    with target.connect("auditor") as conn:
        return [r[0] for r in conn.execute(
            "SELECT DISTINCT ON (account) account, clean FROM api.reconciliations ORDER BY account, seq DESC")
            if not r[1]]


def test_an_operator_halts_and_resumes_through_the_pages(db: Target, console: Console, browser: WebDriver) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for old in SCREENSHOTS.glob("console_*.png"):
        old.unlink()
    book = build_book(db)
    op = Operator(browser, console)

    # Without a session the console sends the browser to the login page; a wrong token is refused there.
    op.open("/")
    op.wait_for_path("/login")
    assert "Log in" in op.text("h1")
    op.shoot("console_01_login")
    op.fill("#token", "not-the-token-" + "x" * 32)
    op.click("form.action button[type=submit]")
    assert "That is not the console's token." in op.text("div.banner")
    op.fill("#token", console.token)
    op.click("form.action button[type=submit]")

    # The overview: the book's account, its open order, no halt.
    op.wait_for_path("/")
    assert op.text("#halt-state") == "No halt in force"
    accounts = op.text("#accounts")
    assert book.account in accounts and "paper" in accounts and "normal" in accounts
    assert book.orders["eth_buy2"] in op.text("#orders")  # the partially filled order left open
    assert "ETH/USDT" in op.text("#positions")
    session = browser.get_cookie("predator_console")
    assert session is not None and session["httpOnly"] and session.get("sameSite") == "Strict"
    op.shoot("console_02_overview")

    # Halt / resume: fill the reason, click Halt.
    op.click("header a[href='/admin']")
    op.wait_for_path("/admin")
    assert op.text("div.banner") == "No halt in force"
    op.shoot("console_03_admin")
    reason = "browser drill: halted from the page"
    assert Select(browser.find_element(By.ID, "halt-scope")).first_selected_option.text == "global"
    op.fill("#halt-reason", reason)
    op.click("#halt-form button[type=submit]")
    done = op.wait_for_path(r"/admin\?done=halt&seq=\d+")
    seq = int(done.rsplit("=", 1)[1])
    assert op.text("#done") == f"Halt recorded (halt event {seq})."
    # In SQL: the halt in force with its reason, written as the operator's login.
    assert active_halts(db) == [("global", "*", reason)]
    assert last_halt_event(db) == ("halt", reason, "operator", OPERATOR_LOGIN)
    with db.connect("auditor") as conn:
        # The page names the event's seq (numbered per book; a global halt's book is 0).
        assert conn.execute("SELECT action, reason FROM api.halt_events WHERE book_id = 0 AND seq = %s",
                            (seq,)).fetchone() == ("halt", reason)
    assert reason in op.text("div.banner.halted")
    op.shoot("console_04_admin_halted")

    # On the pages after a reload.
    op.open("/")
    browser.refresh()
    op.wait_for_path("/")
    assert op.text("#halt-state") == "HALTED: 1 halt(s) in force"
    halts = op.text("#halts")
    assert reason in halts and OPERATOR_LOGIN in halts and "global" in halts
    op.shoot("console_05_overview_halted")

    # A dirty reconciliation of a second book (the venue says 1 USDT where the book holds 1000): the page's
    # resume is refused with the database's code, message and hint, and the halt stays.
    with db.connect("operator") as conn:
        other = new_account(conn, name="browseracct", principal=Decimal("1000"))
    with db.connect("worker") as conn, conn.transaction():
        assert not api.reconcile(conn, account=other, ts=T0 + timedelta(hours=10),
                                 venue_balances={"USDT": Decimal(1)}, venue_open_orders=[]).clean
    op.open("/")
    assert "DIRTY" in op.text("#reconciliations")
    op.shoot("console_06_overview_dirty")
    op.open("/admin")
    op.fill("#resume-reason", "too early")
    op.click("#resume-form button[type=submit]")
    op.wait_for_path("/ui/resume")
    assert op.text("h1") == "Refused (409)"
    refusal = op.text("div.banner.halted")
    assert refusal.startswith("PD014: resume of global * refused: reconciliation is dirty for browseracct"), refusal
    assert "resume after a clean reconciliation" in op.text("main p")
    assert ("global", "*") in [(k, s) for k, s, _ in active_halts(db)]
    op.shoot("console_07_resume_refused")

    # The runbook's conditions: the venue agrees again (a clean reconciliation) and the severity-1 incidents are
    # resolved (through the control API with the token: the pages have no incident form yet).
    with db.connect("worker") as conn, conn.transaction():
        assert api.reconcile(conn, account=other, ts=T0 + timedelta(hours=11),
                             venue_balances={"USDT": Decimal(1000)}, venue_open_orders=[]).clean
    with db.connect("auditor") as conn:
        incidents = [i.incident for i in ops_reads.incidents(conn)]
    for incident in incidents:
        answer = console.post(f"/api/v1/incidents/{incident}/resolve", token=console.token,
                              body={"reason": "venue balance confirmed"})
        assert answer.status == 200, answer.body
    assert _dirty_accounts(db) == [] and _open_severity1(db) == []
    # The two-person rule: the operator asks (the control API with its token), a second operator approves (the
    # approver's token); the pages have no approval form yet.
    asked = console.post("/api/v1/approvals", token=console.token,
                         body={"action": "resume", "target": "global", "reason": "browser drill over"})
    assert asked.status == 200, asked.body
    answer = console.post(f"/api/v1/approvals/{asked.json()['request']}/approve", token=console.approver_token,
                          body={"reason": "second operator: runbook checked"})
    assert answer.status == 200, answer.body

    # The resume form now lifts the halt: in SQL and on the pages.
    resumed = "browser drill over: reconciliation clean, incidents resolved"
    op.open("/admin")
    op.fill("#resume-reason", resumed)
    op.click("#resume-form button[type=submit]")
    done = op.wait_for_path(r"/admin\?done=resume&seq=\d+")
    assert op.text("#done") == f"Resume recorded (halt event {done.rsplit('=', 1)[1]})."
    assert active_halts(db) == []
    assert last_halt_event(db) == ("resume", resumed, "operator", OPERATOR_LOGIN)
    assert op.text("div.banner.running") == "No halt in force"
    op.shoot("console_08_admin_resumed")
    op.open("/")
    assert op.text("#halt-state") == "No halt in force"
    assert "DIRTY" not in op.text("#reconciliations")
    op.shoot("console_09_overview_resumed")

    # Logging out ends the session: the overview sends the browser to the login page again.
    op.click("header form button[type=submit]")
    op.wait_for_path("/login")
    op.open("/")
    op.wait_for_path("/login")
    assert browser.get_cookie("predator_console") is None
    assert [p.name for p in op.shots] == sorted(p.name for p in SCREENSHOTS.glob("console_*.png"))
