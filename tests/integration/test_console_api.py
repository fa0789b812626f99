"""The operator console's control API over real HTTP (issue 16 item 1): ``predator serve`` runs as a real process
on a free loopback port against a test database, and every assertion is an HTTP answer or a row in SQL.

Every route requires authentication (401 without a token or with a wrong one; pages redirect to /login); a Host
that is not the console's is refused (421, DNS rebinding); a browser session's state-changing request needs its
CSRF token and a cross-site one is refused (403); a halt through the API lands in ``api.halt_events`` with its
reason and the operator's login; a resume the database refuses (dirty reconciliation, PD014) comes back as 409
with the database's HINT; a token file readable by others stops ``serve`` from starting; the worker's login
cannot halt, and a console misconfigured with it gets 403 (42501) from the database. Every process started here
is stopped here.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import psycopg
import pytest

from predator.console import security
from predator.console.server import bind
from predator.db import api, ops_reads
from predator.db.connection import Target
from predator.errors import ConfigurationError
from tests.conftest import create_database, drop_database
from tests.console_support import (
    Console,
    active_halts,
    console_cli,
    console_env,
    last_halt_event,
    make_approver_token_file,
    make_token_file,
    start_console,
    stop_console,
)
from tests.helpers import T0, new_account

pytestmark = pytest.mark.xdist_group("console")

#: Every JSON route of the control API (the OpenAPI document must list exactly these).
GET_ROUTES = ["/api/v1/status", "/api/v1/accounts", "/api/v1/positions", "/api/v1/orders/open", "/api/v1/fills",
              "/api/v1/incidents", "/api/v1/decisions", "/api/v1/refusals", "/api/v1/approvals",
              "/api/v1/lanes", "/api/v1/sessions", "/api/v1/sessions/{session_id}"]
POST_ROUTES = ["/api/v1/halt", "/api/v1/resume", "/api/v1/kill_switch", "/api/v1/strategies/{account}/{strategy}/pause",
               "/api/v1/strategies/{account}/{strategy}/resume", "/api/v1/incidents/{incident}/acknowledge",
               "/api/v1/incidents/{incident}/resolve", "/api/v1/approvals", "/api/v1/approvals/{request_id}/approve",
               "/api/v1/safe_mode", "/api/v1/safe_mode/revert", "/api/v1/lanes/{lane}", "/api/v1/sessions",
               *(f"/api/v1/sessions/{{session_id}}/{m}"
                 for m in ("start", "suspend", "resume", "complete", "roll_back", "demote", "promote"))]


@pytest.fixture(scope="module")
def console_db(server: Target, template_db: Target) -> Iterator[Target]:
    """A migrated database of its own for this module's consoles."""
    target = create_database(server, template=template_db.dbname, prefix="predator_console")
    try:
        yield target
    finally:
        drop_database(server, target.dbname)


@pytest.fixture(scope="module")
def token(console_db: Target, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    return make_token_file(tmp_path_factory.mktemp("console"), console_env(console_db))


@pytest.fixture(scope="module")
def approver(console_db: Target, token: tuple[Path, str]) -> tuple[Path, str]:
    return make_approver_token_file(token[0].parent.parent, console_env(console_db))


@pytest.fixture(scope="module")
def console(console_db: Target, token: tuple[Path, str], approver: tuple[Path, str]) -> Iterator[Console]:
    running = start_console(console_db, *token, approver=approver)
    try:
        yield running
    finally:
        stop_console(running)


def _concrete(path: str) -> str:
    return path.format(account="nobody", strategy="trend", incident="INC-0-1", request_id=1, session_id=1,
                       lane="live_canary")


def _approved(console: Console, reason: str, **session: object) -> int:
    """The two-person rule through the console: the operator (its bearer token, or ``session``: a browser
    session's cookie and headers) asks to resume the global halt; the second operator (the approver's token)
    approves. Returns the request id."""
    asked = (console.post("/api/v1/approvals", body={"action": "resume", "target": "global", "reason": reason},
                          **session) if session else  # type: ignore[arg-type]
             console.post("/api/v1/approvals", token=console.token,
                          body={"action": "resume", "target": "global", "reason": reason}))
    assert asked.status == 200, asked.body
    request = int(asked.json()["request"])
    answer = console.post(f"/api/v1/approvals/{request}/approve", token=console.approver_token,
                          body={"reason": f"second operator: {reason}"})
    assert answer.status == 200 and answer.json()["approved_as"] == "approver", answer.body
    return request


# --- authentication, Host, OpenAPI ------------------------------------------------------------------------


def test_every_route_requires_authentication(console: Console, console_db: Target) -> None:
    for path in GET_ROUTES + ["/api/v1/openapi.json"]:
        for token in (None, "wrong-token", console.token + "x", ""):
            answer = console.get(_concrete(path), token=token)
            assert answer.status == 401, (path, token, answer.status, answer.body)
            assert answer.header("www-authenticate") == "Bearer"
            assert answer.json()["code"] == "unauthorized"
    for path in POST_ROUTES:
        for token in (None, "wrong-token"):
            answer = console.post(_concrete(path), token=token, body={"reason": "no", "flatten": True})
            assert answer.status == 401, (path, token, answer.status, answer.body)
    # A cookie that is not a session is no session either.
    assert console.get("/api/v1/status", cookie="made-up").status == 401
    # The pages send a browser to the login form; their forms do nothing.
    for path in ("/", "/admin", "/lanes"):
        answer = console.get(path)
        assert answer.status == 303 and answer.header("location") == console.path("/login")
    for path in UI_ROUTES:
        answer = console.post(path, form={"reason": "no", "scope": "global", "profile": "default",
                                          "template": "minimal", "action": "resume", "target": "global"})
        assert answer.status == 303 and answer.header("location") == console.path("/login"), path
    assert console.get("/login").status == 200  # the one page without a session
    assert active_halts(console_db) == []  # nothing of the above reached the database

    # The OpenAPI document (itself behind the token) lists exactly the routes checked above.
    schema = console.get("/api/v1/openapi.json", token=console.token)
    assert schema.status == 200
    paths = schema.json()["paths"]
    assert {p for p, ops in paths.items() if "get" in ops} == set(GET_ROUTES)
    assert {p for p, ops in paths.items() if "post" in ops} == set(POST_ROUTES)
    assert "HTTPBearer" in schema.json()["components"]["securitySchemes"]


def test_a_host_that_is_not_the_consoles_is_refused(console: Console) -> None:
    for host in ("evil.example", f"evil.example:{console.port}", f"127.0.0.1:{console.port + 1}", "127.0.0.1",
                 f"192.168.1.10:{console.port}"):
        answer = console.get("/api/v1/status", token=console.token, host=host)
        assert answer.status == 421, (host, answer.status)
        assert answer.json()["code"] == "misdirected_request"
        assert console.post("/login", form={"token": console.token}, host=host).status == 421
    for host in (f"127.0.0.1:{console.port}", f"localhost:{console.port}"):
        assert console.get("/api/v1/status", token=console.token, host=host).status == 200


# --- writes through the API land in SQL ----------------------------------------------------------------------


def test_a_halt_through_the_api_lands_in_sql_with_its_reason(console: Console, console_db: Target) -> None:
    answer = console.post("/api/v1/halt", token=console.token, body={"reason": "console drill", "scope": "global"})
    assert answer.status == 200, answer.body
    assert answer.json()["halt_event"] >= 1
    assert active_halts(console_db) == [("global", "*", "console drill")]
    # Written as the operator's login, which the audit keeps.
    assert last_halt_event(console_db) == ("halt", "console drill", "operator", "predator_operator_login")
    status = console.get("/api/v1/status", token=console.token).json()
    assert [(h["scope_kind"], h["reason"], h["actor"]) for h in status["halts"]] == [
        ("global", "console drill", "predator_operator_login")]

    # Refusals: by validation (no reason, an empty one, an unknown field), by the database (an unknown account:
    # PD011 -> 404, with its HINT; resuming what is not halted: PD014 -> 409).
    for body in ({"scope": "global"}, {"reason": "   "}, {"reason": "x", "scope": "planet"},
                 {"reason": "x", "extra": 1}):
        answer = console.post("/api/v1/halt", token=console.token, body=body)
        assert answer.status == 422 and answer.json()["code"] == "invalid_request", (body, answer.body)
    answer = console.post("/api/v1/halt", token=console.token,
                          body={"reason": "x", "scope": "account", "target": "nobody"})
    assert answer.status == 404
    assert answer.json() == {"code": "PD011", "message": "unknown account 'nobody'", "hint": "Pass the account name.",
                             "detail": None}
    _approved(console, "drill over")
    answer = console.post("/api/v1/resume", token=console.token, body={"reason": "drill over"})
    assert answer.status == 200, answer.body
    assert active_halts(console_db) == []
    answer = console.post("/api/v1/resume", token=console.token, body={"reason": "again"})
    assert answer.status == 409 and answer.json()["code"] == "PD014"
    assert answer.json()["message"] == "resume refused: global * is not halted"
    assert answer.json()["hint"] == "See api.halts for the active halts."
    # The kill switch: one call, a global halt with its reason, the counts and who listens.
    answer = console.post("/api/v1/kill_switch", token=console.token, body={"reason": "kill drill", "flatten": True})
    assert answer.status == 200, answer.body
    assert answer.json()["orders_marked"] == 0 and answer.json()["flatten_orders"] == 0
    assert answer.json()["halt_seq"] >= 1 and answer.json()["listening_workers"] == []
    assert active_halts(console_db) == [("global", "*", "kill switch: kill drill")]
    _approved(console, "kill drill over")
    assert console.post("/api/v1/resume", token=console.token, body={"reason": "kill drill over"}).status == 200
    answer = console.post("/api/v1/incidents/INC-x/resolve", token=console.token, body={"reason": "x"})
    assert answer.status == 422 and answer.json()["code"] == "PD012"
    assert "INC-<book>-<seq>" in answer.json()["hint"]


def test_a_resume_the_database_refuses_comes_back_with_its_hint(console: Console, console_db: Target) -> None:
    with console_db.connect("operator") as conn:
        account = new_account(conn, name="consoleacct", principal=Decimal("1000"))
    # The venue says 1 USDT where the book holds 1000: the reconciliation halts globally.
    with console_db.connect("worker") as conn, conn.transaction():
        result = api.reconcile(conn, account=account, ts=T0 + timedelta(hours=1), venue_balances={"USDT": Decimal(1)},
                               venue_open_orders=[])
    assert not result.clean
    assert ("global", "*") in [(k, s) for k, s, _ in active_halts(console_db)]

    answer = console.post("/api/v1/resume", token=console.token, body={"reason": "looks fine to me"})
    assert answer.status == 409, answer.body
    problem = answer.json()
    assert problem["code"] == "PD014"
    assert "reconciliation is dirty for consoleacct" in problem["message"]
    assert problem["hint"].startswith("Find the difference") and "clean reconciliation" in problem["hint"]
    assert ("global", "*") in [(k, s) for k, s, _ in active_halts(console_db)]  # still halted
    page = console.get("/", token=console.token)
    assert page.status == 200 and "HALTED" in page.text and "DIRTY" in page.text

    # Once the venue agrees and the incidents are resolved through the console, the same resume goes through.
    with console_db.connect("worker") as conn, conn.transaction():
        assert api.reconcile(conn, account=account, ts=T0 + timedelta(hours=2),
                             venue_balances={"USDT": Decimal(1000)}, venue_open_orders=[]).clean
    with console_db.connect("auditor") as conn:
        open_incidents = [i.incident for i in ops_reads.incidents(conn)]
    assert open_incidents
    listed = console.get("/api/v1/incidents", token=console.token).json()
    assert {i["incident"] for i in listed} == set(open_incidents)
    first = open_incidents[0]
    answer = console.post(f"/api/v1/incidents/{first}/acknowledge", token=console.token, body={"reason": "looking"})
    assert answer.status == 200 and answer.json()["status"] == "acknowledged"
    for incident in open_incidents:
        answer = console.post(f"/api/v1/incidents/{incident}/resolve", token=console.token,
                              body={"reason": "venue balance confirmed"})
        assert answer.status == 200 and answer.json()["status"] == "resolved", answer.body
    _approved(console, "reconciled clean again")
    answer = console.post("/api/v1/resume", token=console.token, body={"reason": "reconciled clean again"})
    assert answer.status == 200, answer.body
    assert active_halts(console_db) == []
    assert last_halt_event(console_db) == ("resume", "reconciled clean again", "operator", "predator_operator_login")

    # A strategy paused and resumed through the console; the reads show the account.
    path = f"/api/v1/strategies/{account}/trend"
    assert console.post(f"{path}/pause", token=console.token, body={"reason": "too noisy"}).status == 200
    with console_db.connect("auditor") as conn:
        assert conn.execute("SELECT status FROM api.strategies WHERE account = %s AND strategy = 'trend'",
                            (account,)).fetchone() == ("paused",)
    assert console.post(f"{path}/resume", token=console.token, body={"reason": "calm again"}).status == 200
    assert console.post("/api/v1/strategies/nobody/trend/pause", token=console.token,
                        body={"reason": "x"}).status == 404
    accounts = console.get("/api/v1/accounts", token=console.token).json()
    assert [a["name"] for a in accounts] == [account] and accounts[0]["initial_principal"] == "1000"
    # Beside the figures (none before the first closed hour), the limits of its risk profile as fractions.
    assert accounts[0]["equity"] is None and accounts[0]["daily_loss"] is None
    assert (accounts[0]["max_drawdown"], accounts[0]["max_daily_loss"]) == ("0.25", "0.05")
    for path in GET_ROUTES:  # (no session 1 in this database: its route answers 404, PD011)
        expected = 404 if "{session_id}" in path else 200
        assert console.get(_concrete(path), token=console.token).status == expected, path


# --- the two-person rule, safe modes, a resume that answers incidents ---------------------------------------------


def test_a_global_resume_needs_a_second_operators_approval_through_the_console(
        console: Console, console_db: Target) -> None:
    assert console.approver_token and console.approver_token != console.token
    assert console.post("/api/v1/halt", token=console.token, body={"reason": "two-person drill"}).status == 200
    answer = console.post("/api/v1/resume", token=console.token, body={"reason": "alone"})
    assert answer.status == 409 and answer.json()["code"] == "PD017", answer.body
    assert "api.request_approval" in answer.json()["hint"] and "api.approve" in answer.json()["hint"]
    asked = console.post("/api/v1/approvals", token=console.token,
                         body={"action": "resume", "target": "global", "reason": "runbook done"})
    assert asked.status == 200 and asked.json()["requested_as"] == "operator", asked.body
    request = asked.json()["request"]
    # The operator cannot approve its own request; an unknown request is 404; validation refuses junk.
    answer = console.post(f"/api/v1/approvals/{request}/approve", token=console.token, body={"reason": "me"})
    assert answer.status == 409 and answer.json()["code"] == "PD018", answer.body
    assert console.post("/api/v1/approvals/999999/approve", token=console.approver_token,
                        body={"reason": "x"}).status == 404
    for body in ({"action": "resume", "target": "global"}, {"action": "drop_table", "target": "x", "reason": "x"},
                 {"action": "set_limit", "target": "default/max_order_notional", "reason": "x", "value": "NaN"}):
        answer = console.post("/api/v1/approvals", token=console.token, body=body)
        assert answer.status == 422, (body, answer.body)
    assert console.post(f"/api/v1/approvals/{request}/approve", token=console.approver_token,
                        body={"reason": "seen it"}).status == 200
    # The approval is the requester's: the approver's own resume is refused; the operator's goes through, once.
    answer = console.post("/api/v1/resume", token=console.approver_token, body={"reason": "the approver resumes"})
    assert answer.status == 409 and answer.json()["code"] == "PD017"
    assert console.post("/api/v1/resume", token=console.token, body={"reason": "runbook done"}).status == 200
    assert active_halts(console_db) == []
    listed = console.get("/api/v1/approvals", token=console.token).json()
    mine = next(r for r in listed if r["request_id"] == request)
    assert (mine["status"], mine["requested_by"], mine["approved_by"], mine["used_by"]) == (
        "used", "predator_operator_login", "predator_approver_login", "predator_operator_login")
    assert console.post("/api/v1/halt", token=console.token, body={"reason": "again"}).status == 200
    answer = console.post("/api/v1/resume", token=console.token, body={"reason": "reuse"})
    assert answer.status == 409 and answer.json()["code"] == "PD017"  # an approval is used once

    # A resume names the incident it answers: resolved by it.
    with console_db.connect("auditor") as conn:
        [incident] = [i.incident for i in ops_reads.incidents(conn) if i.description == "again"]
    _approved(console, "answered")
    answer = console.post("/api/v1/resume", token=console.token, body={"reason": "answered", "incidents": [incident]})
    assert answer.status == 200 and answer.json()["incidents"] == [incident], answer.body
    everything = console.get("/api/v1/incidents?all=true", token=console.token).json()
    answered = next(i for i in everything if i["incident"] == incident)
    assert answered["status"] == "resolved"
    assert answered["resolution"] == "predator_operator_login: answered by the resume of global *: answered"

    # A browser session opened with the approver's token approves with its CSRF token, and only with it.
    same = {"Origin": console.origin, "Sec-Fetch-Site": "same-origin"}
    login = console.post("/login", form={"token": console.approver_token}, headers=same)
    assert login.status == 303
    cookie = re.match(r"predator_console=([^;]+);", login.header("set-cookie") or "").group(1)  # type: ignore[union-attr]
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', console.get("/admin", cookie=cookie).text).group(1)  # type: ignore[union-attr]
    asked = console.post("/api/v1/approvals", token=console.token,
                         body={"action": "set_limit", "target": "live_canary/max_order_notional", "mode": "pct",
                               "value": "20", "reason": "a bigger canary"})
    request = asked.json()["request"]
    answer = console.post(f"/api/v1/approvals/{request}/approve", cookie=cookie, headers=same, body={"reason": "ok"})
    assert answer.status == 403 and answer.json()["code"] == "csrf_token_missing_or_wrong"
    answer = console.post(f"/api/v1/approvals/{request}/approve", cookie=cookie,
                          headers={**same, "X-CSRF-Token": csrf}, body={"reason": "ok"})
    assert answer.status == 200 and answer.json()["approved_as"] == "approver", answer.body


def test_a_safe_mode_is_applied_and_reverted_in_one_call_each(console: Console, console_db: Target) -> None:
    answer = console.post("/api/v1/safe_mode", token=console.token,
                          body={"profile": "default", "template": "minimal", "reason": "venue wobbly"})
    assert answer.status == 200, answer.body
    with console_db.connect("auditor") as conn:
        limits = conn.execute("SELECT limits.value FROM api.limits limits WHERE profile = 'default'"
                              " AND limit_name = 'max_order_notional' AND scope = '*'").fetchone()
    assert limits == (Decimal(2),)
    answer = console.post("/api/v1/safe_mode", token=console.token,
                          body={"profile": "default", "template": "reduced", "reason": "twice"})
    assert answer.status == 422 and answer.json()["code"] == "PD012"
    answer = console.post("/api/v1/safe_mode", token=console.token,
                          body={"profile": "default", "template": "reckless", "reason": "x"})
    assert answer.status == 404
    answer = console.post("/api/v1/safe_mode/revert", token=console.token,
                          body={"profile": "default", "reason": "venue fine"})
    assert answer.status == 200 and answer.json()["reverted"], answer.body
    with console_db.connect("auditor") as conn:
        limits = conn.execute("SELECT limits.value FROM api.limits limits WHERE profile = 'default'"
                              " AND limit_name = 'max_order_notional' AND scope = '*'").fetchone()
    assert limits == (Decimal(25),)
    answer = console.post("/api/v1/safe_mode/revert", token=console.token, body={"profile": "default", "reason": "x"})
    assert answer.status == 409 and answer.json()["code"] == "PD014"


# --- the browser: session cookie, CSRF, cross-site ---------------------------------------------------------


#: The admin page's form routes: each one governed api.* call as the session's login.
UI_ROUTES = ["/ui/halt", "/ui/resume", "/ui/approvals", "/ui/approvals/1/approve", "/ui/safe_mode",
             "/ui/safe_mode/revert"]


def test_the_admin_forms_apply_and_revert_a_safe_mode_and_ask_for_approval(
        console: Console, console_db: Target) -> None:
    same = {"Origin": console.origin, "Sec-Fetch-Site": "same-origin"}
    login = console.post("/login", form={"token": console.token}, headers=same)
    cookie = re.match(r"predator_console=([^;]+);", login.header("set-cookie") or "").group(1)  # type: ignore[union-attr]
    admin = console.get("/admin", cookie=cookie)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', admin.text).group(1)  # type: ignore[union-attr]
    assert admin.status == 200 and "predator_operator_login" in admin.text
    assert '<option>minimal</option>' in admin.text and '<option>reduced</option>' in admin.text
    # Without the CSRF token every form is refused and nothing reaches the database.
    for path in UI_ROUTES:
        answer = console.post(path, cookie=cookie, headers=same, form={"reason": "no csrf", "profile": "default",
                                                                      "template": "minimal"})
        assert answer.status == 403 and b"csrf_token_missing_or_wrong" in answer.body, path
    # An incomplete form is refused by the console's body model, before any call.
    answer = console.post("/ui/safe_mode", cookie=cookie, headers=same,
                          form={"profile": "default", "template": "minimal", "reason": " ", "csrf_token": csrf})
    assert answer.status == 422 and b"invalid_request" in answer.body

    def in_force() -> list[tuple[str, str, str]]:
        with console_db.connect("auditor") as conn:
            return [(r[0], r[1], r[2]) for r in conn.execute(
                "SELECT profile, template, reason FROM api.safe_modes WHERE in_force ORDER BY profile")]

    answer = console.post("/ui/safe_mode", cookie=cookie, headers=same,
                          form={"profile": "default", "template": "minimal", "reason": "from the page",
                                "csrf_token": csrf})
    assert answer.status == 303 and (answer.header("location") or "").startswith(
        console.path("/admin?done=safe_mode&seq="))
    assert in_force() == [("default", "minimal", "from the page")]
    page = console.get(answer.header("location") or "", cookie=cookie).text
    assert "Safe mode applied (application" in page and 'id="revert-default"' in page
    # A second one is the database's refusal (PD012), shown with its code.
    answer = console.post("/ui/safe_mode", cookie=cookie, headers=same,
                          form={"profile": "default", "template": "reduced", "reason": "twice", "csrf_token": csrf})
    assert answer.status == 422 and "PD012" in answer.text
    answer = console.post("/ui/safe_mode/revert", cookie=cookie, headers=same,
                          form={"profile": "default", "reason": "venue fine", "csrf_token": csrf})
    assert answer.status == 303 and (answer.header("location") or "").startswith(
        console.path("/admin?done=safe_mode_revert&seq="))
    assert in_force() == []

    # Asking for approval through the form: one api.request_approval, pending, asked by the session's login.
    answer = console.post("/ui/approvals", cookie=cookie, headers=same,
                          form={"action": "set_limit", "target": "default/max_order_notional", "mode": "pct",
                                "value": "20", "reason": "asked from the page", "csrf_token": csrf})
    assert answer.status == 303, answer.body
    request = int((answer.header("location") or "").rsplit("=", 1)[1])
    with console_db.connect("auditor") as conn:
        row = conn.execute("SELECT action, target, status, requested_by FROM api.approval_requests"
                           " WHERE request_id = %s", (request,)).fetchone()
    assert row == ("set_limit", "default/max_order_notional/*", "pending", "predator_operator_login")  # scope * added
    assert f'id="approve-{request}"' in console.get("/admin", cookie=cookie).text
    # Its own approval: the database refuses it (409, PD018) and the page shows the hint.
    answer = console.post(f"/ui/approvals/{request}/approve", cookie=cookie, headers=same,
                          form={"reason": "mine", "csrf_token": csrf})
    assert answer.status == 409 and "PD018" in answer.text and "A second, distinct operator approves" in answer.text


def test_a_browser_session_needs_its_csrf_token_and_cross_site_posts_are_refused(
        console: Console, console_db: Target) -> None:
    same = {"Origin": console.origin, "Sec-Fetch-Site": "same-origin"}
    assert console.post("/login", form={"token": "wrong"}, headers=same).status == 401
    assert console.post("/login", form={"token": console.token},
                        headers={"Origin": "http://evil.example", "Sec-Fetch-Site": "cross-site"}).status == 403
    login = console.post("/login", form={"token": console.token}, headers=same)
    assert login.status == 303 and login.header("location") == console.path("/")
    cookie_header = login.header("set-cookie") or ""
    assert "HttpOnly" in cookie_header and f"Path={console.base};" in cookie_header
    assert re.search(r"SameSite=strict", cookie_header, re.IGNORECASE)
    sid = re.match(r"predator_console=([^;]+);", cookie_header)
    assert sid
    cookie = sid.group(1)

    overview = console.get("/", cookie=cookie)
    assert overview.status == 200 and "No halt in force" in overview.text
    assert '<meta http-equiv="refresh"' in overview.text
    assert "<script" not in overview.text and "<link" not in overview.text  # nothing loaded from elsewhere
    assert "default-src 'none'" in (overview.header("content-security-policy") or "")
    admin = console.get("/admin", cookie=cookie)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', admin.text)
    assert admin.status == 200 and csrf
    token = csrf.group(1)

    # Without the CSRF token (or with a wrong one) a session's write is refused, through the API and the form.
    for headers in ({}, {"X-CSRF-Token": "wrong"}):
        answer = console.post("/api/v1/halt", cookie=cookie, body={"reason": "no csrf"}, headers={**same, **headers})
        assert answer.status == 403 and answer.json()["code"] == "csrf_token_missing_or_wrong"
    assert console.post("/ui/halt", cookie=cookie, form={"reason": "no csrf", "scope": "global"},
                        headers=same).status == 403
    # A cross-site POST is refused even with a valid session and CSRF token.
    for headers in ({"Origin": "http://evil.example"}, {"Sec-Fetch-Site": "cross-site"},
                    {"Sec-Fetch-Site": "same-site"}, {"Origin": f"http://127.0.0.1:{console.port + 1}"}):
        answer = console.post("/ui/halt", cookie=cookie, headers=headers,
                              form={"reason": "cross", "scope": "global", "csrf_token": token})
        assert answer.status == 403 and b"cross_site_request" in answer.body, headers
    assert active_halts(console_db) == []

    # With it, the halt form halts and the resume form resumes; both land in SQL.
    answer = console.post("/ui/halt", cookie=cookie, headers=same,
                          form={"reason": "halted from the page", "scope": "global", "target": "", "csrf_token": token})
    assert answer.status == 303 and (answer.header("location") or "").startswith(console.path("/admin?done=halt&seq="))
    assert active_halts(console_db) == [("global", "*", "halted from the page")]
    assert "HALTED" in console.get("/", cookie=cookie).text
    _approved(console, "resumed through the API with the session", cookie=cookie,
              headers={**same, "X-CSRF-Token": token})
    answer = console.post("/api/v1/resume", cookie=cookie, headers={**same, "X-CSRF-Token": token},
                          body={"reason": "resumed through the API with the session"})
    assert answer.status == 200, answer.body
    assert active_halts(console_db) == []
    answer = console.post("/ui/resume", cookie=cookie, headers=same,
                          form={"reason": "nothing halted", "scope": "global", "csrf_token": token})
    assert answer.status == 409 and "PD014" in answer.text  # the refusal page carries the database's code

    # Logging out ends the session.
    assert console.post("/logout", cookie=cookie, headers=same, form={"csrf_token": token}).status == 303
    assert console.get("/", cookie=cookie).status == 303


# --- starting: the token file, the address ----------------------------------------------------------------------


def test_serve_refuses_a_token_file_others_can_read_and_a_non_loopback_host(
        console_db: Target, token: tuple[Path, str], tmp_path: Path) -> None:
    # One process: `predator serve` with a token file of mode 0644 ends with exit 2 and serves nothing.
    path = tmp_path / "console.token"
    path.write_text(token[1] + "\n")
    os.chmod(path, 0o644)
    ran = console_cli(console_env(console_db), "serve", "--port", "0", "--token-file", str(path))
    assert ran.returncode == 2, ran.stdout + ran.stderr
    assert "has mode 0644" in ran.stderr and f"chmod 600 {path}" in ran.stderr and "Traceback" not in ran.stderr
    assert ran.stdout == ""  # it never started
    # The same checks in this process (each CLI start costs seconds): group-readable, missing, too short; a
    # non-loopback address; --init-token keeps an existing token.
    for mode in (0o640, 0o604, 0o660):
        os.chmod(path, mode)
        with pytest.raises(ConfigurationError, match=f"has mode {mode:04o}"):
            security.read_token(path)
    os.chmod(path, 0o600)
    assert security.read_token(path) == token[1]
    with pytest.raises(ConfigurationError, match="--init-token"):
        security.read_token(tmp_path / "missing.token")
    path.write_text("short\n")
    with pytest.raises(ConfigurationError, match="shorter than 32"):
        security.read_token(path)
    for host in ("0.0.0.0", "192.168.1.10", "example.org", "::"):
        with pytest.raises(ConfigurationError, match="loopback address only"):
            bind(host, 0)
    before = token[0].read_text()
    assert security.init_token(token[0]) is False and token[0].read_text() == before


# --- the database decides who may write ------------------------------------------------------------------------


def test_the_worker_login_cannot_reach_an_operator_route(console_db: Target, token: tuple[Path, str]) -> None:
    # The database refuses the worker's login api.halt (no EXECUTE grant), whoever calls it.
    with console_db.connect("worker") as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        api.halt(conn, "a worker tries")
    # A console whose writes were given the worker's login (PREDATOR_OPERATOR_DSN) gets 403 from the database
    # for every operator route; its reads (auditor) still work.
    misconfigured = start_console(console_db, *token, PREDATOR_OPERATOR_DSN=console_db.role_dsn("worker"))
    try:
        answer = misconfigured.post("/api/v1/halt", token=misconfigured.token, body={"reason": "through the worker"})
        assert answer.status == 403, answer.body
        assert answer.json()["code"] == "42501" and "permission denied for function halt" in answer.json()["message"]
        assert "operator" in answer.json()["hint"]
        for path, body in (("/api/v1/kill_switch", {"reason": "x"}), ("/api/v1/resume", {"reason": "x"}),
                           ("/api/v1/strategies/consoleacct/trend/pause", {"reason": "x"}),
                           ("/api/v1/incidents/INC-0-1/acknowledge", {"reason": "x"})):
            assert misconfigured.post(path, token=misconfigured.token, body=body).status == 403, path
        assert misconfigured.get("/api/v1/status", token=misconfigured.token).status == 200
    finally:
        stop_console(misconfigured)
    assert active_halts(console_db) == []
