"""The console's lanes and sessions over real HTTP (issue 16 item 4; docs/operator.md "Lanes and sessions"):
``predator serve`` runs as a process against a test database; every assertion is an HTTP answer or a row in SQL.

Every new route needs the token (401) and the /lanes page a session (303 to /login); a session is scheduled,
started, suspended and resumed through the control API (each one governed call, its effect in SQL); a promotion
is refused with the database's reason codes and HINT (409 PD023), then for want of a second operator (409
PD017); the second operator approves with the approver's token and the promotion moves the account to
live_promoted; the /lanes page shows the lanes, the sessions with their status and utilisation, and the lane
change; a demotion is refused for want of a second operator (409 PD017) and, approved with the approver's token,
brings the account back to live_canary with the approval in its lane history."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal

import pytest

from predator.db import api
from predator.db.connection import Target
from tests.conftest import create_database, drop_database
from tests.console_support import (
    Console,
    console_env,
    make_approver_token_file,
    make_token_file,
    start_console,
    stop_console,
)
from tests.helpers import T0

pytestmark = pytest.mark.xdist_group("console")

GET_ROUTES = ["/api/v1/lanes", "/api/v1/sessions", "/api/v1/sessions/1"]
POST_ROUTES = ["/api/v1/lanes/live_canary", "/api/v1/sessions"] + [
    f"/api/v1/sessions/1/{m}" for m in ("start", "suspend", "resume", "complete", "roll_back", "demote", "promote")]


@pytest.fixture(scope="module")
def lanes_db(server: Target, template_db: Target) -> Iterator[Target]:
    target = create_database(server, template=template_db.dbname, prefix="predator_console_lanes")
    try:
        yield target
    finally:
        drop_database(server, target.dbname)


@pytest.fixture(scope="module")
def console(lanes_db: Target, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Console]:
    directory = tmp_path_factory.mktemp("console_lanes")
    token = make_token_file(directory, console_env(lanes_db))
    approver = make_approver_token_file(directory, console_env(lanes_db))
    running = start_console(lanes_db, *token, approver=approver)
    try:
        yield running
    finally:
        stop_console(running)


def _canary(db: Target, name: str) -> None:
    with db.connect("operator") as conn, conn.transaction():
        api.create_account(conn, name, mode="shadow", venue="binance", base_currency="USDT", lane="live_canary",
                           initial_principal=Decimal("10000"), risk_profile="unconstrained", reason="test account")
        api.deposit(conn, name, Decimal("10000"), T0, "initial principal")
        breakers = [r[0] for r in conn.execute("SELECT DISTINCT breaker FROM api.breakers ORDER BY 1")]
        for lane in ("live_canary", "live_promoted"):
            for breaker in breakers:
                api.set_breaker(conn, lane, breaker, None, "test: breakers off", account=name)


def _status(db: Target, session_id: int) -> tuple[str, str]:
    with db.connect("auditor") as conn:
        row = conn.execute("SELECT status, account_lane FROM api.sessions WHERE session_id = %s",
                           (session_id,)).fetchone()
    assert row is not None
    return row[0], row[1]


def test_the_lanes_routes_need_the_token_and_the_page_a_session(console: Console, lanes_db: Target) -> None:
    for path in GET_ROUTES:
        assert console.get(path).status == 401, path
        assert console.get(path, token="wrong").status == 401, path
    for path in POST_ROUTES:
        assert console.post(path, body={"reason": "no", "allocation": "1"}).status == 401, path
    answer = console.get("/lanes")
    assert answer.status == 303 and answer.header("location") == console.path("/login")
    with lanes_db.connect("auditor") as conn:
        assert conn.execute("SELECT count(*) FROM api.sessions").fetchone() == (0,)  # nothing reached the database
    schema = console.get("/api/v1/openapi.json", token=console.token).json()["paths"]
    gets = {p for p, o in schema.items() if "get" in o}
    assert {"/api/v1/lanes", "/api/v1/sessions", "/api/v1/sessions/{session_id}"} <= gets
    assert {"/api/v1/lanes/{lane}", "/api/v1/sessions", "/api/v1/sessions/{session_id}/promote",
            "/api/v1/sessions/{session_id}/start", "/api/v1/sessions/{session_id}/demote"} <= {
        p for p, o in schema.items() if "post" in o}


def test_a_session_runs_is_promoted_with_a_second_operator_and_shows_on_the_lanes_page(
        console: Console, lanes_db: Target) -> None:
    _canary(lanes_db, "web1")
    lanes = console.get("/api/v1/lanes", token=console.token)
    assert lanes.status == 200
    assert [(r["lane"], r["capital_budget"]) for r in lanes.json()] == [
        ("paper", "1000000"), ("live_canary", "1000"), ("live_promoted", "10000")]

    # Validation by the body model, refusals by the database.
    bad = console.post("/api/v1/sessions", token=console.token,
                       body={"account": "web1", "allocation": "0", "reason": "x"})
    assert bad.status == 422 and bad.json()["code"] == "invalid_request"
    unknown = console.post("/api/v1/sessions", token=console.token,
                           body={"account": "nobody", "allocation": "1", "reason": "x"})
    assert unknown.status == 404 and unknown.json()["code"] == "PD011"

    made = console.post("/api/v1/sessions", token=console.token,
                        body={"account": "web1", "allocation": "600", "reason": "canary run"})
    assert made.status == 200, made.body
    sid = made.json()["session_id"]
    assert _status(lanes_db, sid) == ("scheduled", "live_canary")
    illegal = console.post(f"/api/v1/sessions/{sid}/suspend", token=console.token, body={"reason": "too early"})
    assert illegal.status == 409 and illegal.json()["code"] == "PD021"
    assert "may move to: rolled_back, running" in illegal.json()["hint"]

    started = console.post(f"/api/v1/sessions/{sid}/start", token=console.token, body={"reason": "go"})
    assert started.status == 200 and started.json()["status"] == "running"
    assert console.post(f"/api/v1/sessions/{sid}/suspend", token=console.token, body={"reason": "look"}).status == 200
    assert _status(lanes_db, sid)[0] == "suspended"
    with lanes_db.connect("auditor") as conn:
        assert conn.execute("SELECT action, actor FROM api.halt_events WHERE scope_kind = 'account'"
                            " AND scope_key = 'web1' ORDER BY seq DESC LIMIT 1").fetchone() == (
            "halt", "predator_operator_login")
    assert console.post(f"/api/v1/sessions/{sid}/resume", token=console.token, body={"reason": "fine"}).status == 200
    assert _status(lanes_db, sid)[0] == "running"

    # The canary's minimum days to one (POST /lanes/{lane}: api.set_lane), then a day of closed hours.
    lane = console.post("/api/v1/lanes/live_canary", token=console.token,
                        body={"capital_budget": "1000", "currency": "USDT", "max_drawdown_pct": "5",
                              "max_daily_loss_pct": "1", "min_days": 1, "reason": "one day of evidence"})
    assert lane.status == 200 and lane.json()["revision"] == 2, lane.body
    early = console.post(f"/api/v1/sessions/{sid}/promote", token=console.token,
                         body={"allocation": "4000", "reason": "x"})
    assert early.status == 409 and early.json()["code"] == "PD023"
    assert early.json()["message"] == f"promotion of SES-{sid} refused: no_closed_hours, min_days"
    assert "min_days:" in early.json()["hint"] and early.json()["detail"].startswith("reasons=no_closed_hours,min_days")
    with lanes_db.connect("worker") as conn:
        for h in range(1, 27):
            with conn.transaction():
                api.close_hour(conn, "web1", T0 + timedelta(hours=h))
    alone = console.post(f"/api/v1/sessions/{sid}/promote", token=console.token,
                         body={"allocation": "4000", "reason": "ready"})
    assert alone.status == 409 and alone.json()["code"] == "PD017"

    asked = console.post("/api/v1/approvals", token=console.token,
                         body={"action": "promote_session", "target": f"SES-{sid}", "value": "4000", "reason": "ready"})
    assert asked.status == 200, asked.body
    request = asked.json()["request"]
    own = console.post(f"/api/v1/approvals/{request}/approve", token=console.token, body={"reason": "me"})
    assert own.status == 409 and own.json()["code"] == "PD018"
    approved = console.post(f"/api/v1/approvals/{request}/approve", token=console.approver_token,
                            body={"reason": "seen the evidence"})
    assert approved.status == 200
    promoted = console.post(f"/api/v1/sessions/{sid}/promote", token=console.token,
                            body={"allocation": "4000", "reason": "ready"})
    assert promoted.status == 200, promoted.body
    new = promoted.json()["promoted_to"]
    assert _status(lanes_db, sid) == ("completed", "live_promoted")
    assert _status(lanes_db, new) == ("running", "live_promoted")

    one = console.get(f"/api/v1/sessions/{new}", token=console.token).json()
    assert one["session"]["promoted_from"] == f"SES-{sid}" and one["session"]["allocation"] == "4000"
    assert [e["cause"] for e in one["events"]] == ["promotion", "promotion"]
    assert console.get("/api/v1/sessions/999999", token=console.token).status == 404
    listed = console.get("/api/v1/sessions?account=web1&active=true", token=console.token).json()
    assert [s["session_id"] for s in listed] == [new]

    page = console.get("/lanes", token=console.token)
    assert page.status == 200 and page.header("content-security-policy")
    html = page.text
    assert 'id="lanes"' in html and 'id="sessions"' in html and f"SES-{new}" in html
    assert "live_promoted" in html and "4,000.00 USDT" in html and "promotion" in html
    assert f'<a href="{console.base}/lanes" class="here">Lanes</a>' in html

    alone = console.post(f"/api/v1/sessions/{new}/demote", token=console.token, body={"reason": "not convinced"})
    assert alone.status == 409 and alone.json()["code"] == "PD017", alone.body
    assert "demote_session" in alone.json()["hint"]
    assert _status(lanes_db, new) == ("running", "live_promoted")
    asked = console.post("/api/v1/approvals", token=console.token,
                         body={"action": "demote_session", "target": f"SES-{new}", "reason": "not convinced"})
    assert asked.status == 200, asked.body
    demotion = asked.json()["request"]
    approved = console.post(f"/api/v1/approvals/{demotion}/approve", token=console.approver_token,
                            body={"reason": "agreed"})
    assert approved.status == 200
    demoted = console.post(f"/api/v1/sessions/{new}/demote", token=console.token, body={"reason": "not convinced"})
    assert demoted.status == 200 and demoted.json()["lane"] == "live_canary"
    assert _status(lanes_db, new) == ("rolled_back", "live_canary")
    with lanes_db.connect("auditor") as conn:
        assert conn.execute("SELECT cause, approval, actor FROM api.account_lanes WHERE account = 'web1'"
                            " ORDER BY seq DESC LIMIT 1").fetchone() == (
            "demotion", demotion, "predator_operator_login")
