"""The operator console in a real headless Chromium (issue 16, "Tests"): Debian's ``/usr/bin/chromium`` driven
through ``/usr/bin/chromedriver`` by Selenium, against ``predator serve`` running as a real process on a test
database that holds a small book (``tests.helpers.build_book``).

An operator opens the console, is sent to the login page, types the token and sees the overview (the account,
"No halt in force"); on the admin page fills a reason and clicks Halt: the halt is in ``api.halts`` and
``api.halt_events`` (with the reason and the operator's login) and on the pages after a reload. A dirty
reconciliation makes the page's resume come back refused with the database's PD014 and HINT. Once the venue agrees
again, the operator asks for the resume's approval on the page; its own Approve is refused (PD018, the hint on the
page); a second operator, in a second browser session logged in with the approver's token, approves it on the page;
the operator resumes ticking the open incidents: in SQL the halt is lifted, the approval used and the incidents
resolved, and the page says so. The operator opens the exposure page and the timeline of ETH/USDT (its chart has a
marker per fill), acknowledges an incident on the incident console and applies a safe-mode template on the admin
page (both in SQL), and logs out. Every page visited is saved as a full-page PNG under
``reports/screenshots/`` (the test's artefacts). The browsers and the console are stopped here.

Not collected by ``make test`` (it needs Chromium): ``make test-browser`` runs it.
"""

from __future__ import annotations

import base64
import http.server
import os
import re
import threading
from collections.abc import Callable, Iterator
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
APPROVER_LOGIN = "predator_approver_login"


def _chromium(profile: Path) -> WebDriver:
    """A headless Chromium with a profile (and so a cookie jar) of its own."""
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not p.exists()]
    if missing:
        pytest.fail(f"missing {', '.join(missing)}: install the Debian packages chromium and chromium-driver")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for arg in ("--headless=new", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1400,1000",
                "--no-first-run", "--no-default-browser-check", f"--user-data-dir={profile}"):
        options.add_argument(arg)
    if os.geteuid() == 0:
        options.add_argument("--no-sandbox")  # Chromium's sandbox refuses to run as root
    driver = webdriver.Chrome(options=options, service=Service(str(CHROMEDRIVER)))
    driver.set_page_load_timeout(30)
    return driver


@pytest.fixture()
def browsers(tmp_path: Path) -> Iterator[Callable[[str], WebDriver]]:
    """Headless Chromiums on demand, one per operator (two sessions need two cookie jars), quit afterwards."""
    drivers: list[WebDriver] = []

    def start(name: str) -> WebDriver:
        drivers.append(_chromium(tmp_path / f"chromium-{name}"))
        return drivers[-1]

    try:
        yield start
    finally:
        for driver in drivers:
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


class _Listener:
    """A plain HTTP server on a free loopback port (another local user's), recording each request's Cookie."""

    def __init__(self) -> None:
        cookies: list[str] = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (the stdlib's name)
                cookies.append(self.headers.get("Cookie") or "")
                self.send_response(200)
                self.send_header("Content-Type", "text/plain")
                self.end_headers()
                self.wfile.write(b"another local service")

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (the stdlib's signature)
                pass

        self.cookies = cookies
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> _Listener:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=10)


class Operator:
    """What the operator does in the browser, each page saved as a screenshot."""

    def __init__(self, driver: WebDriver, console: Console, shots: list[Path] | None = None) -> None:
        self.driver, self.console = driver, console
        self.shots: list[Path] = [] if shots is None else shots  # shared by the operators of one test

    def open(self, path: str) -> None:
        """``path`` under the console's base path (the URL ``predator serve`` printed)."""
        self.driver.get(self.console.origin + self.console.path(path))

    def path(self) -> str:
        """The current URL's path below the console's base path (every page stays under it)."""
        url: str = self.driver.current_url
        assert url.startswith(self.console.origin + self.console.base + "/"), url
        return url[len(self.console.origin + self.console.base):]

    def link(self, path: str) -> str:
        """The CSS selector of the header's link to ``path`` (its href carries the base path)."""
        return f"header a[href='{self.console.path(path)}']"

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


def _approval(target: Target, request: int) -> tuple[str, str, str, str, str | None, str | None]:
    """An approval request's action, target, status, and who asked, approved and used it (api.approval_requests)."""
    with target.connect("auditor") as conn:
        row = conn.execute("SELECT action, target, status, requested_by, approved_by, used_by"
                           " FROM api.approval_requests WHERE request_id = %s", (request,)).fetchone()
    assert row is not None, request
    return row  # type: ignore[no-any-return]


def _dirty_accounts(target: Target) -> list[str]:
    with target.connect("auditor") as conn:
        return [r[0] for r in conn.execute(
            "SELECT DISTINCT ON (account) account, clean FROM api.reconciliations ORDER BY account, seq DESC")
            if not r[1]]


def test_two_operators_halt_approve_and_resume_through_the_pages(
        db: Target, console: Console, browsers: Callable[[str], WebDriver]) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for old in SCREENSHOTS.glob("console_*.png"):
        old.unlink()
    book = build_book(db)
    browser = browsers("operator")
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
    assert session["path"] == console.base  # sent to no URL outside the base path, on any port
    # Another local server on another port of the host (docs/operator.md, "Security model"): the browser sends
    # it no session cookie, whatever the path; the console itself answers 404 outside its base path.
    with _Listener() as other:
        for path in ("/", "/c/", "/admin"):
            browser.get(f"http://127.0.0.1:{other.port}{path}")
        assert len(other.cookies) >= 3 and not any("predator_console" in c for c in other.cookies), other.cookies
    browser.get(console.origin + "/admin")
    assert '"not_found"' in browser.page_source
    op.open("/")
    op.shoot("console_02_overview")

    # Admin: fill the reason, click Halt.
    op.click(op.link("/admin"))
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

    # The runbook's conditions, on the venue's side: it agrees again (a clean reconciliation).
    with db.connect("worker") as conn, conn.transaction():
        assert api.reconcile(conn, account=other, ts=T0 + timedelta(hours=11),
                             venue_balances={"USDT": Decimal(1000)}, venue_open_orders=[]).clean
    assert _dirty_accounts(db) == [] and _open_severity1(db) != []

    # The two-person rule, on the page: operator A asks for the global resume's approval.
    op.open("/admin")
    assert OPERATOR_LOGIN in op.text("#whoami")
    assert Select(browser.find_element(By.ID, "request-action")).first_selected_option.text == "resume"
    op.fill("#request-target", "global")
    op.fill("#request-reason", "browser drill: resume once the venue agrees")
    op.click("#request-form button[type=submit]")
    done = op.wait_for_path(r"/admin\?done=request&seq=\d+")
    request = int(done.rsplit("=", 1)[1])
    assert op.text("#done").startswith(f"Approval request {request} recorded")
    assert _approval(db, request) == ("resume", "global", "pending", OPERATOR_LOGIN, None, None)
    assert op.text(f"#approval-{request} td.status") == "pending"
    op.shoot("console_08_admin_approval_requested")

    # Operator A cannot approve its own request: the database refuses (PD018) and the page shows its hint.
    op.fill(f"#approve-{request} input[name=reason]", "approving my own request")
    op.click(f"#approve-{request} button[type=submit]")
    op.wait_for_path(rf"/ui/approvals/{request}/approve")
    assert op.text("h1") == "Refused (409)"
    assert op.text("div.banner.halted").startswith("PD018: "), op.text("div.banner.halted")
    assert "A second, distinct operator approves" in op.text("main p")
    assert _approval(db, request)[2] == "pending"
    op.shoot("console_09_approve_own_refused")

    # Operator B, a second browser session logged in with the approver's token, approves it on the page.
    approver = Operator(browsers("approver"), console, op.shots)
    approver.open("/login")
    approver.fill("#token", console.approver_token or "")
    approver.click("form.action button[type=submit]")
    approver.wait_for_path("/")
    approver.click(approver.link("/admin"))
    approver.wait_for_path("/admin")
    assert APPROVER_LOGIN in approver.text("#whoami")
    assert "browser drill: resume once the venue agrees" in approver.text(f"#approval-{request}")
    approver.fill(f"#approve-{request} input[name=reason]", "second operator: runbook checked")
    approver.click(f"#approve-{request} button[type=submit]")
    approver.wait_for_path(rf"/admin\?done=approve&seq={request}")
    assert approver.text("#done") == f"Approval request {request} approved."
    assert approver.text(f"#approval-{request} td.status").startswith("approved")
    assert _approval(db, request) == ("resume", "global", "approved", OPERATOR_LOGIN, APPROVER_LOGIN, None)
    approver.shoot("console_10_admin_approved_by_second_operator")

    # Operator A resumes, ticking the incidents it answers: the halt's own (with its reason) and the
    # reconciliation's severity-1 ones.
    with db.connect("auditor") as conn:
        open_incidents = [i.incident for i in ops_reads.incidents(conn)]
    op.open("/admin")
    listed = op.text("#resume-incidents")
    assert all(i in listed for i in open_incidents) and reason in listed
    for incident in open_incidents:
        op.click(f"input[type=checkbox][value='{incident}']")
    resumed = "browser drill over: reconciliation clean, incidents answered"
    op.fill("#resume-reason", resumed)
    op.shoot("console_11_admin_resume_filled")
    op.click("#resume-form button[type=submit]")
    done = op.wait_for_path(r"/admin\?done=resume&seq=\d+")
    assert op.text("#done") == f"Resume recorded (halt event {done.rsplit('=', 1)[1]})."
    # In SQL: the halt lifted, the approval used by the resume, every named incident resolved by it.
    assert active_halts(db) == []
    assert last_halt_event(db) == ("resume", resumed, "operator", OPERATOR_LOGIN)
    assert _approval(db, request) == ("resume", "global", "used", OPERATOR_LOGIN, APPROVER_LOGIN, OPERATOR_LOGIN)
    with db.connect("auditor") as conn:
        statuses = dict(conn.execute("SELECT incident, status FROM api.incidents WHERE incident = ANY(%s)",
                                     (open_incidents,)).fetchall())
    assert statuses == {i: "resolved" for i in open_incidents}
    assert _open_severity1(db) == []
    assert op.text("div.banner.running") == "No halt in force"
    assert "No open incident." in op.text("#resume-incidents")
    assert op.text(f"#approval-{request} td.status").startswith("used")
    op.shoot("console_12_admin_resumed")
    op.open("/")
    assert op.text("#halt-state") == "No halt in force"
    assert "DIRTY" not in op.text("#reconciliations")
    op.shoot("console_13_overview_resumed")

    # The Mirror: the exposures against their caps (api.exposure_usage) and the decision timeline of ETH/USDT,
    # its chart with one marker per fill.
    op.click(op.link("/exposures"))
    op.wait_for_path("/exposures")
    usage = op.text(f"#usage-{book.account}")
    assert "ETH/USDT" in usage and "max_instrument_exposure" in usage and "% used" in usage
    op.shoot("console_14_exposures")
    op.open(f"/timeline?account={book.account}&symbol=ETH/USDT")
    assert "halted_account" in op.text("#events")
    with db.connect("auditor") as conn:
        fills = conn.execute("SELECT count(*) FROM api.fills WHERE account = %s AND symbol = 'ETH/USDT'",
                             (book.account,)).fetchone()
    assert fills is not None and len(browser.find_elements(By.CSS_SELECTOR, "#chart .m-fill")) == fills[0] > 0
    op.shoot("console_15_timeline")

    # The incident console: an account halt's incident acknowledged through its form.
    with db.connect("operator") as conn:
        api.halt(conn, "browser drill: the incident console", "account", book.account)
        conn.commit()
    with db.connect("auditor") as conn:
        row = conn.execute("SELECT incident FROM api.incidents WHERE account = %s AND status = 'open'"
                           " ORDER BY seq DESC LIMIT 1", (book.account,)).fetchone()
    assert row is not None
    incident = row[0]
    op.click(op.link("/incidents"))
    op.wait_for_path("/incidents")
    assert "browser drill: the incident console" in op.text(f"#incident-{incident}")
    op.fill(f"#update-{incident} input[name=reason]", "browser drill: looking at it")
    op.click(f"#update-{incident} button[value=acknowledged]")
    op.wait_for_path(rf"/incidents\?done=acknowledged&incident={incident}")
    with db.connect("auditor") as conn:
        assert conn.execute("SELECT status FROM api.incidents WHERE incident = %s",
                            (incident,)).fetchone() == ("acknowledged",)
    assert op.text(f"#incident-{incident} td.status") == "acknowledged"
    op.shoot("console_16_incidents")

    # A safe-mode template applied through the admin form, in SQL with the operator's login.
    op.open("/admin")
    op.fill("#safe-profile", "default")
    Select(browser.find_element(By.ID, "safe-template")).select_by_visible_text("reduced")
    op.fill("#safe-reason", "browser drill: reduced risk")
    op.click("#safe-mode-form button[type=submit]")
    op.wait_for_path(r"/admin\?done=safe_mode&seq=\d+")
    with db.connect("auditor") as conn:
        in_force = conn.execute("SELECT profile, template, reason, actor FROM api.safe_modes WHERE in_force").fetchall()
        assert in_force == [("default", "reduced", "browser drill: reduced risk", OPERATOR_LOGIN)]
        assert conn.execute("SELECT value FROM api.limits WHERE profile = 'default'"
                            " AND limit_name = 'max_order_notional' AND scope = '*'").fetchone() == (Decimal(10),)
    assert "reduced" in op.text("#safe-modes")
    op.shoot("console_17_admin_safe_mode")

    # Logging out ends the session: the overview sends the browser to the login page again.
    op.click("header form button[type=submit]")
    op.wait_for_path("/login")
    op.open("/")
    op.wait_for_path("/login")
    assert browser.get_cookie("predator_console") is None
    assert sorted(p.name for p in op.shots) == sorted(p.name for p in SCREENSHOTS.glob("console_*.png"))
