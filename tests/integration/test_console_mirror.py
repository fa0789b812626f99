"""The console's Mirror pages and the admin forms of predator.console.mirror over real HTTP (issue 16 items 2 and
3): ``predator serve`` runs as a real process against a test database holding a small book
(``tests.helpers.build_book``), and every assertion is an HTTP answer compared with the database's own rows.

Every new page needs a session or the token (a browser without one is sent to /login) and every new form needs the
session's CSRF token (403 without it, nothing reaches the database); the exposure page shows what
``api.exposure_usage`` says; the feeds page what ``api.feed_status`` says at the clock asked; the timeline lists
a symbol's decisions, orders and fills in time order with one chart marker per decision and fill; the checks page
a recorded gate run; the incident console acknowledges, comments and resolves through ``api.update_incident`` and
links each incident to its runbook; the kill switch, strategy pause and resume and scoped halts land in SQL; the
change log is newest first and filters by action. Every process started here is stopped here.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from predator.config import PROJECT_ROOT
from predator.db import api
from predator.db.connection import Target
from tests.conftest import create_database, drop_database
from tests.console_support import (
    Console,
    active_halts,
    console_env,
    make_approver_token_file,
    make_token_file,
    start_console,
    stop_console,
)
from tests.helpers import Book, approve_global_resume, build_book, hour

pytestmark = pytest.mark.xdist_group("console")

PAGES = ["/exposures", "/feeds", "/timeline", "/checks", "/incidents", "/runbooks", "/runbooks/risk", "/changes"]
FORMS = ["/ui/kill_switch", "/ui/strategies/pause", "/ui/strategies/resume",
         "/ui/incidents/INC-0-1"]


@pytest.fixture(scope="module")
def mirror_db(server: Target, template_db: Target) -> Iterator[Target]:
    target = create_database(server, template=template_db.dbname, prefix="predator_mirror")
    try:
        yield target
    finally:
        drop_database(server, target.dbname)


@pytest.fixture(scope="module")
def book(mirror_db: Target) -> Book:
    return build_book(mirror_db)


@pytest.fixture(scope="module")
def console(mirror_db: Target, book: Book, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Console]:
    directory = tmp_path_factory.mktemp("mirror")
    token = make_token_file(directory, console_env(mirror_db))
    approver = make_approver_token_file(directory, console_env(mirror_db))
    running = start_console(mirror_db, *token, approver=approver)
    try:
        yield running
    finally:
        stop_console(running)


class Session:
    """A browser session of the operator: its cookie, CSRF token and same-origin headers."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.same = {"Origin": console.origin, "Sec-Fetch-Site": "same-origin"}
        login = console.post("/login", form={"token": console.token}, headers=self.same)
        found = re.match(r"predator_console=([^;]+);", login.header("set-cookie") or "")
        assert login.status == 303 and found, login.body
        self.cookie = found.group(1)
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', self.get("/admin"))
        assert csrf
        self.csrf = csrf.group(1)

    def get(self, path: str) -> str:
        answer = self.console.get(path, cookie=self.cookie)
        assert answer.status == 200, (path, answer.status, answer.body[:500])
        return answer.text

    def post(self, path: str, form: dict[str, str], csrf: bool = True) -> tuple[int, str, str]:
        """(status, location, body) of a form POST, with the session's CSRF token unless ``csrf`` is False."""
        fields = {**form, "csrf_token": self.csrf} if csrf else form
        answer = self.console.post(path, cookie=self.cookie, headers=self.same, form=fields)
        return answer.status, answer.header("location") or "", answer.text


def _rows(page: str, table: str) -> list[str]:
    """The <tr> elements (their inner HTML) of the table with id ``table``."""
    found = re.search(rf'<table[^>]*id="{table}"[^>]*>(.*?)</table>', page, re.S)
    assert found, f"no table {table}"
    return re.findall(r"<tr[^>]*>(.*?)</tr>", found.group(1), re.S)[1:]  # the header row left out


def _text(fragment: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", fragment))).strip()


def _auditor_rows(target: Target, sql: str, *params: object) -> list[tuple[object, ...]]:
    with target.connect("auditor") as conn:
        return list(conn.execute(sql, params).fetchall())  # type: ignore[arg-type]


# --- authentication and CSRF ---------------------------------------------------------------------------------


def test_every_new_page_and_form_needs_a_session_and_every_form_its_csrf_token(
        console: Console, mirror_db: Target, book: Book) -> None:
    for path in PAGES:
        answer = console.get(path)
        assert answer.status == 303 and answer.header("location") == console.path("/login"), path
        assert console.get(path, cookie="made-up").status == 303, path
        assert console.get(path, token=console.token).status == 200, path  # the bearer token reads them too
    for path in FORMS:
        answer = console.post(path, form={"reason": "no session", "action": "acknowledged", "flatten": "true"})
        assert answer.status == 303 and answer.header("location") == console.path("/login"), path
    session = Session(console)
    incident = _auditor_rows(mirror_db, "SELECT incident FROM api.incidents ORDER BY seq LIMIT 1")[0][0]
    forms = [p.replace("acct", book.account).replace("INC-0-1", str(incident)) for p in FORMS]
    for path in forms:
        status, _, body = session.post(path, {"reason": "no csrf", "action": "acknowledged"}, csrf=False)
        assert status == 403 and "csrf_token_missing_or_wrong" in body, path
    # A cross-site POST is refused even with the token.
    answer = console.post("/ui/kill_switch", cookie=session.cookie, headers={"Sec-Fetch-Site": "cross-site"},
                          form={"reason": "cross", "csrf_token": session.csrf})
    assert answer.status == 403 and b"cross_site_request" in answer.body
    # Nothing of the above reached the database.
    assert active_halts(mirror_db) == []
    assert _auditor_rows(mirror_db, "SELECT status FROM api.strategies") == [("active",)]
    assert _auditor_rows(mirror_db, "SELECT count(*) FROM api.incident_updates") == [(0,)]
    page = session.get("/exposures")
    assert "<script" not in page and f'href="{console.base}/exposures" class="here"' in page


# --- the Mirror pages ----------------------------------------------------------------------------------------


def test_the_exposure_page_shows_the_databases_figures_against_the_caps(console: Console, mirror_db: Target,
                                                                        book: Book) -> None:
    page = Session(console).get("/exposures")
    expected = _auditor_rows(mirror_db, "SELECT kind, key, limit_name, amount, used FROM api.exposure_usage(%s)",
                             book.account)
    rows = re.findall(r'<tr class="k-[a-z_]+" data-kind="([^"]+)" data-key="([^"]+)" data-limit="([^"]+)">(.*?)</tr>',
                      page, re.S)
    assert [(k, key, lim) for k, key, lim, _ in rows] == [(k, key, lim) for k, key, lim, _, _ in expected]
    kinds = {k for k, *_ in expected}
    assert {"instrument", "cluster", "quote", "pool", "portfolio", "drawdown", "daily_loss"} <= kinds
    for (_, _, _, cells), (kind, key, limit, amount, used) in zip(rows, expected, strict=True):
        text = _text(cells)
        assert f"{Decimal(str(amount)):,.2f}" in text, (kind, key, limit, text)
        if used is None:
            assert "no cap" in text, (kind, key, limit, text)
        else:
            assert f"{Decimal(str(used)) * 100:.0f} % used" in text, (kind, key, limit, text)
    # The ETH position of the book is on the page with its cap: 30 % of equity in the default profile.
    eth = next(_text(c) for k, key, lim, c in rows if (k, key) == ("instrument", "ETH/USDT"))
    assert "max_instrument_exposure [*] 30.00 pct" in eth


def test_the_feeds_page_shows_each_feeds_state_at_the_clock_asked(console: Console, mirror_db: Target) -> None:
    session = Session(console)
    at = hour(10)
    page = session.get(f"/feeds?at={at.strftime('%Y-%m-%dT%H:%M:%SZ')}")
    expected = _auditor_rows(mirror_db, "SELECT symbol, status, last_ts, missing_bars FROM api.feed_status(%s)", at)
    rows = _rows(page, "feeds")
    assert len(rows) == len(expected) and expected
    for row, (symbol, status, last_ts, missing) in zip(rows, expected, strict=True):
        text = _text(row)
        assert symbol in text and f" {status} " in f" {text} " and last_ts.strftime("%Y-%m-%d %H:%M:%SZ") in text
        assert status == "ok" and missing == 0  # 48 bars from T0: current at T0 + 10 h
    # At the database's clock (now, long after the stored bars) every feed is stale.
    now = session.get("/feeds")
    assert all(" stale " in f" {_text(r)} " for r in _rows(now, "feeds"))
    assert "no gap" in now and "nothing quarantined" in now


def test_the_timeline_lists_decisions_orders_and_fills_in_time_order_over_a_chart(
        console: Console, mirror_db: Target, book: Book) -> None:
    session = Session(console)
    index = session.get("/timeline")
    assert [(_text(r).split()[0], _text(r).split()[1]) for r in _rows(index, "symbols")] == [
        (book.account, "BTC/USDT"), (book.account, "ETH/USDT"), (book.account, "XRP/USDT")]
    page = session.get(f"/timeline?account={book.account}&symbol=ETH/USDT")
    # The default window: from 6 hours before the hour of its first event (the buy at 02:00, so 20:00 the day
    # before) to 6 hours after the hour that follows its last one (the fill at 08:00:02, so 15:00).
    first, last = _auditor_rows(mirror_db, "SELECT min(ts), max(ts) FROM api.fills WHERE account = %s"
                                " AND symbol = 'ETH/USDT'", book.account)[0]
    assert isinstance(first, datetime) and isinstance(last, datetime)
    start = first.replace(minute=0, second=0, microsecond=0) - timedelta(hours=6)
    end = last.replace(minute=0, second=0, microsecond=0) + timedelta(hours=7)
    assert (start, end) == (hour(2) - timedelta(hours=6), hour(15))
    assert f"{start:%Y-%m-%d %H:%M:%SZ} → {end:%Y-%m-%d %H:%M:%SZ}" in page
    rows = re.findall(r'<tr class="ev-[a-z_]+" data-kind="([a-z_]+)"><td>([^<]+)</td>(.*?)</tr>', page, re.S)
    times = [datetime.strptime(t, "%Y-%m-%d %H:%M:%SZ").replace(tzinfo=UTC) for _, t, _ in rows]
    assert times == sorted(times)
    decisions = _auditor_rows(mirror_db, "SELECT outcome, reasons FROM api.decisions WHERE account = %s"
                              " AND symbol = 'ETH/USDT' ORDER BY ts, signal_seq", book.account)
    fills = _auditor_rows(mirror_db, "SELECT count(*) FROM api.fills WHERE account = %s AND symbol = 'ETH/USDT'",
                          book.account)[0][0]
    kinds = [k for k, _, _ in rows]
    assert kinds.count("decision") == len(decisions) and kinds.count("fill") == fills
    assert kinds.count("order") == len([d for d in decisions if d[0] == "admitted"])
    # The refusal of the halted account carries its reason code; the canceled order its events.
    assert any("halted_account" in _text(c) for k, _, c in rows if k == "decision")
    events = [_text(c) for k, _, c in rows if k == "order_event"]
    assert sum("cancel_requested" in e for e in events) == 1 and sum(e.endswith(" canceled") for e in events) == 1
    # The chart: the closes as a polyline and one marker per decision and fill, with their tooltips.
    svg = re.search(r'<svg class="chart".*?</svg>', page, re.S)
    assert svg and "<polyline" in svg.group(0)
    markers = re.findall(r'class="marker m-([a-z]+)"', svg.group(0))
    assert markers.count("fill") == fills
    assert markers.count("admitted") == sum(d[0] == "admitted" for d in decisions)
    assert markers.count("refused") == sum(d[0] == "refused" for d in decisions)
    # Unknown accounts and backwards windows are refused; a window can be asked for.
    assert console.get("/timeline?account=nobody&symbol=ETH/USDT", cookie=session.cookie).status == 404
    assert console.get(f"/timeline?account={book.account}&symbol=ETH/USDT&from=2024-03-02T00:00:00Z"
                       "&to=2024-03-01T00:00:00Z", cookie=session.cookie).status == 422
    narrow = session.get(f"/timeline?account={book.account}&symbol=ETH/USDT&from=2024-03-01T06:30:00Z"
                         "&to=2024-03-01T12:00:00Z")
    assert "halted_account" in narrow and 'data-kind="fill"' in narrow and "cancel_requested" not in narrow


def test_the_checks_page_shows_the_last_gate_run_and_its_chain_verification(
        console: Console, mirror_db: Target, book: Book) -> None:
    with mirror_db.connect("auditor") as conn, conn.transaction():
        api.record_validation(conn, account=book.account, start=None, end=hour(9), incremental=False,
                              gates={"01_balanced_transactions": 0, "10_hash_chains": 0})
    page = Session(console).get("/checks")
    runs = _rows(page, "gate-runs")
    assert len(runs) == 1
    text = _text(runs[0])
    assert book.account in text and "PASS" in text and "verified" in text and "predator_auditor_login" in text
    assert "no chaos campaign recorded" in page and "no replay recorded (predator replay --account A)" in page


# --- the incident console ---------------------------------------------------------------------------------------


def test_the_incident_console_acknowledges_comments_and_resolves_and_links_the_runbook(
        console: Console, mirror_db: Target, book: Book) -> None:
    session = Session(console)
    status, location, _ = session.post("/ui/halt", {"reason": "mirror drill: account halted", "scope": "account",
                                                    "target": book.account})
    assert status == 303 and location.startswith(console.path("/admin?done=halt"))
    incident = str(_auditor_rows(mirror_db, "SELECT incident FROM api.incidents WHERE account = %s AND status = 'open'"
                                 " ORDER BY seq DESC LIMIT 1", book.account)[0][0])
    page = session.get("/incidents")
    row = re.search(rf'<tr id="incident-{incident}">(.*?)</tr>', page, re.S)
    assert row and "mirror drill: account halted" in row.group(1) and ">open<" in row.group(1)
    assert f'href="{console.base}/runbooks/risk"' in row.group(1)
    runbook = session.get("/runbooks/risk")
    first = (PROJECT_ROOT / "docs" / "runbooks" / "risk.md").read_text().splitlines()[0]
    assert html.escape(first) in runbook
    assert console.get("/runbooks/..%2Fsecurity", cookie=session.cookie).status == 404
    assert console.get("/runbooks/nothing", cookie=session.cookie).status == 404

    def state() -> tuple[str, list[tuple[str, str]]]:
        status_ = _auditor_rows(mirror_db, "SELECT status FROM api.incidents WHERE incident = %s", incident)[0][0]
        updates = _auditor_rows(mirror_db, "SELECT action, reason FROM api.incident_updates WHERE incident = %s"
                                " ORDER BY seq", incident)
        return str(status_), [(str(a), str(r)) for a, r in updates]

    status, location, _ = session.post(f"/ui/incidents/{incident}", {"action": "acknowledged", "reason": "looking"})
    assert status == 303 and location == console.path(f"/incidents?done=acknowledged&incident={incident}")
    assert state() == ("acknowledged", [("acknowledged", "looking")])
    assert f"{incident}: acknowledged." in session.get(location)
    status, _, _ = session.post(f"/ui/incidents/{incident}", {"action": "comment", "reason": "venue answered"})
    assert status == 303 and state()[1][-1] == ("comment", "venue answered")
    # An incomplete form is the console's refusal; nothing is written.
    status, _, body = session.post(f"/ui/incidents/{incident}", {"action": "close", "reason": "x"})
    assert status == 422 and "invalid_request" in body
    status, location, _ = session.post(f"/ui/incidents/{incident}", {"action": "resolved", "reason": "halt explained"})
    assert status == 303 and state()[0] == "resolved"
    assert f'id="incident-{incident}"' not in session.get("/incidents")  # open and acknowledged ones by default
    every = session.get("/incidents?all=true")
    row = re.search(rf'<tr id="incident-{incident}">(.*?)</tr>', every, re.S)
    assert row and "halt explained" in row.group(1) and "looking" in row.group(1)
    assert 'value="resolved"' not in row.group(1)
    # Resolving it again is the database's refusal (PD012), shown with its hint.
    status, _, body = session.post(f"/ui/incidents/{incident}", {"action": "resolved", "reason": "again"})
    assert status == 422 and "PD012" in body and "already resolved" in body
    with mirror_db.connect("operator") as conn:
        api.resume(conn, "mirror drill over", "account", book.account)
        conn.commit()
    assert active_halts(mirror_db) == []


# --- the admin forms ------------------------------------------------------------------------------------------------


def test_scoped_halts_strategy_pause_and_resume_and_the_kill_switch_through_the_forms(
        console: Console, mirror_db: Target, book: Book) -> None:
    session = Session(console)
    # A strategy-scoped halt through the existing halt form.
    status, _, _ = session.post("/ui/halt", {"reason": "one strategy", "scope": "strategy",
                                             "target": f"{book.account}/trend"})
    assert status == 303 and active_halts(mirror_db) == [("strategy", f"{book.account}/trend", "one strategy")]
    with mirror_db.connect("operator") as conn:
        api.resume(conn, "strategy ok", "strategy", f"{book.account}/trend")
        conn.commit()

    def strategy_status() -> str:
        return str(_auditor_rows(mirror_db, "SELECT status FROM api.strategies WHERE account = %s", book.account)[0][0])

    admin = session.get("/admin")
    assert f'id="pause-{book.account}-trend"' in admin and 'id="kill-form"' in admin
    status, location, _ = session.post("/ui/strategies/pause", {"account": book.account, "strategy": "trend",
                                                                "reason": "too noisy"})
    assert status == 303 and location == console.path(f"/admin?done=strategy_pause&target={book.account}%2Ftrend")
    assert strategy_status() == "paused"
    page = session.get(location)
    assert f"Strategy {book.account}/trend paused." in page and f'id="resume-{book.account}-trend"' in page
    status, _, _ = session.post("/ui/strategies/resume", {"account": book.account, "strategy": "trend",
                                                  "reason": "calm again"})
    assert status == 303 and strategy_status() == "active"
    assert session.post("/ui/strategies/pause", {"account": book.account, "strategy": "nothing",
                                                "reason": "x"})[0] == 404
    assert session.post("/ui/strategies/stop", {"account": book.account, "strategy": "trend",
                                               "reason": "x"})[0] == 422

    # The kill switch: one api.kill_switch, a global halt with its reason, the open order marked for cancellation.
    assert session.post("/ui/kill_switch", {"reason": " "})[0] == 422
    assert active_halts(mirror_db) == []
    status, location, _ = session.post("/ui/kill_switch", {"reason": "mirror drill: kill"})
    assert status == 303 and re.fullmatch(re.escape(console.base) + r"/admin\?done=kill_switch&seq=\d+", location)
    assert active_halts(mirror_db) == [("global", "*", "kill switch: mirror drill: kill")]
    assert _auditor_rows(mirror_db, "SELECT cancel_requested FROM api.orders WHERE client_order_id = %s",
                         book.orders["eth_buy2"]) == [(True,)]
    assert "Kill switch fired (halt event" in session.get(location)
    with mirror_db.connect("operator") as conn:
        approve_global_resume(mirror_db, conn, "mirror drill over")
        api.resume(conn, "mirror drill over")
        conn.commit()
    assert active_halts(mirror_db) == []


def test_the_change_log_is_newest_first_and_filters_by_action(console: Console, mirror_db: Target) -> None:
    session = Session(console)
    page = session.get("/changes")
    expected = _auditor_rows(mirror_db, "SELECT action FROM api.audit_log ORDER BY recorded_at DESC, book_id DESC,"
                             " seq DESC LIMIT 200")
    assert re.findall(r'<tr data-action="([^"]+)">', page) == [a for (a,) in expected]
    halts = session.get("/changes?action=halt")
    shown = re.findall(r'<tr data-action="([^"]+)">', halts)
    assert shown and set(shown) == {"halt"}
    assert len(shown) == _auditor_rows(mirror_db, "SELECT count(*) FROM api.audit_log WHERE action = 'halt'")[0][0]
    assert "test halt" in halts  # build_book's account halt
    assert session.get("/changes?action=halt&limit=1").count('<tr data-action="halt">') == 1
    assert console.get("/changes?limit=0", cookie=session.cookie).status == 422
