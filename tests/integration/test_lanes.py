"""Lanes and live sessions end to end through ``predator lanes`` and ``predator sessions`` (issue 16 item 4;
docs/operator.md "Lanes and sessions"), on a test database (PREDATOR_DSN pointed at it): each command is one
governed call, and every assertion is the command's exit code and line or a row in SQL.

A shadow book in the live_canary lane is scheduled, started within the canary's budget (a second session that
would exceed it is refused with exit 4 and the reason code), suspended (its account halted), resumed; its
promotion is refused while its evidence is short (PD023 min_days), then without the second operator's approval
(PD017); approved (``predator approval request promote_session``, ``approve`` as the approver's login), it
moves the account to live_promoted with a new session; a demotion is refused without a second operator (PD017) and,
approved (``predator approval request demote_session``), brings it back to live_canary, halted, the lane history
naming the approval. A promoted session whose drawdown goes beyond live_promoted's envelope at an hour close is
suspended by the system with its account halted and a risk incident naming the breach, and stays in live_promoted
until an approved demotion."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from click.testing import CliRunner, Result

from predator.cli import main
from predator.db import api, lanes_reads
from predator.db.connection import Target
from tests.helpers import T0, ack, fill, hour, signal, stage_and_load


@pytest.fixture()
def cli(db: Target, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("PREDATOR_DSN", db.dsn)
    return CliRunner()


def _canary(db: Target, name: str) -> None:
    """A shadow book in live_canary (live lanes without a key or a burn-in), 10000 USDT, breakers off."""
    with db.connect("operator") as conn, conn.transaction():
        api.create_account(conn, name, mode="shadow", venue="binance", base_currency="USDT", lane="live_canary",
                           initial_principal=Decimal("10000"), risk_profile="unconstrained", reason="test account")
        api.deposit(conn, name, Decimal("10000"), T0, "initial principal")
        breakers = [r[0] for r in conn.execute("SELECT DISTINCT breaker FROM api.breakers ORDER BY 1")]
        for lane in ("live_canary", "live_promoted"):
            for breaker in breakers:
                api.set_breaker(conn, lane, breaker, None, "test: breakers off", account=name)


def _run(cli: CliRunner, *args: str) -> Result:
    return cli.invoke(main, list(args), catch_exceptions=False)


def _session(db: Target, session_id: int) -> lanes_reads.Session:
    with db.connect("auditor") as conn:
        found = lanes_reads.session(conn, session_id)
    assert found is not None
    return found


def _account_halted(db: Target, account: str) -> bool:
    with db.connect("auditor") as conn:
        row = conn.execute("SELECT count(*) FROM api.halts WHERE active AND scope_kind = 'account' AND scope_key = %s",
                           (account,)).fetchone()
    return bool(row and row[0])


def test_a_canary_session_is_scheduled_run_promoted_with_approval_and_demoted(cli: CliRunner, db: Target) -> None:
    _canary(db, "lane1")
    _canary(db, "lane2")
    listed = _run(cli, "lanes", "list")
    assert listed.exit_code == 0, listed.output
    assert "live_canary" in listed.output and "1,000.00" in listed.output

    # The canary's minimum days lowered to one (no approval: the budget does not rise).
    lowered = _run(cli, "lanes", "set", "live_canary", "--budget", "1000", "--min-days", "1", "--reason", "test")
    assert lowered.exit_code == 0 and "revision 2" in lowered.output, lowered.output
    raised = _run(cli, "lanes", "set", "live_promoted", "--budget", "50000", "--reason", "test: more")
    assert raised.exit_code == 4 and "PD017" in raised.output, raised.output

    scheduled = _run(cli, "sessions", "schedule", "--account", "lane1", "--allocation", "800", "--reason", "canary")
    assert scheduled.exit_code == 0, scheduled.output
    first = int(scheduled.output.split()[0].removeprefix("SES-"))
    other = int(_run(cli, "sessions", "schedule", "--account", "lane2", "--allocation", "300", "--reason", "canary 2")
                .output.split()[0].removeprefix("SES-"))
    assert _run(cli, "sessions", "start", str(first), "--reason", "go").output.strip() == f"SES-{first}: running"
    over = _run(cli, "sessions", "start", str(other), "--reason", "go too")
    assert over.exit_code == 4, over.output
    assert f"start of SES-{other} refused: lane_budget" in over.output and "PD022" in over.output
    assert _session(db, other).status == "scheduled"

    # Suspended: its account is halted; resumed: the halt is lifted.
    assert _run(cli, "sessions", "suspend", str(first), "--reason", "look").exit_code == 0
    assert _session(db, first).status == "suspended" and _account_halted(db, "lane1")
    assert _run(cli, "sessions", "resume", str(first), "--reason", "fine").exit_code == 0
    assert _session(db, first).status == "running" and not _account_halted(db, "lane1")

    # Evidence: hours of the account closed while the session runs.
    with db.connect("worker") as conn:
        for h in range(1, 12):
            with conn.transaction():
                api.close_hour(conn, "lane1", T0 + timedelta(hours=h))
    short = _run(cli, "sessions", "promote", str(first), "--allocation", "5000", "--reason", "ready?")
    assert short.exit_code == 4 and f"promotion of SES-{first} refused: min_days" in short.output, short.output
    with db.connect("worker") as conn:
        for h in range(12, 27):
            with conn.transaction():
                api.close_hour(conn, "lane1", T0 + timedelta(hours=h))
    s = _session(db, first)
    assert s.hours == 26 and round(s.days, 6) == round(Decimal(25) / Decimal(24), 6)
    alone = _run(cli, "sessions", "promote", str(first), "--allocation", "5000", "--reason", "ready")
    assert alone.exit_code == 4 and "PD017" in alone.output, alone.output

    asked = _run(cli, "approval", "request", "promote_session", f"SES-{first}", "--value", "5000", "--reason", "ready")
    assert asked.exit_code == 0, asked.output
    request = asked.output.split()[2].rstrip(":")
    assert _run(cli, "approval", "approve", request, "--reason", "seen the evidence").exit_code == 0
    promoted = _run(cli, "sessions", "promote", str(first), "--allocation", "5000", "--reason", "ready")
    assert promoted.exit_code == 0, promoted.output
    new = int(promoted.output.split("SES-")[2].split()[0])
    assert _session(db, first).status == "completed"
    s = _session(db, new)
    assert (s.lane, s.status, s.allocation, s.promoted_from) == (
        "live_promoted", "running", Decimal("5000"), f"SES-{first}")
    with db.connect("auditor") as conn:
        assert [(c.from_lane, c.to_lane, c.approval) for c in lanes_reads.account_lanes(conn, account="lane1")] == [
            ("live_canary", "live_promoted", int(request))]
        assert lanes_reads.lanes(conn)[1].allocated == Decimal("0")  # the canary's 800 are free again

    shown = _run(cli, "sessions", "show", str(new))
    assert shown.exit_code == 0 and f"promoted from SES-{first}" in shown.output and "promotion" in shown.output
    # A demotion changes the lane: refused without a second operator, nothing moved.
    alone = _run(cli, "sessions", "demote", str(new), "--reason", "not convinced")
    assert alone.exit_code == 4 and "PD017" in alone.output and "demote_session" in alone.output, alone.output
    s = _session(db, new)
    assert (s.status, s.account_lane) == ("running", "live_promoted") and not _account_halted(db, "lane1")
    with_value = _run(cli, "approval", "request", "demote_session", f"SES-{new}", "--value", "1", "--reason", "x")
    assert with_value.exit_code == 4 and "PD012" in with_value.output, with_value.output
    asked = _run(cli, "approval", "request", "demote_session", f"SES-{new}", "--reason", "not convinced")
    assert asked.exit_code == 0, asked.output
    demotion = asked.output.split()[2].rstrip(":")
    own = _run(cli, "approval", "approve", demotion, "--reason", "me", "--as", "operator")
    assert own.exit_code == 4 and "PD018" in own.output, own.output
    assert _run(cli, "approval", "approve", demotion, "--reason", "agreed").exit_code == 0
    demoted = _run(cli, "sessions", "demote", str(new), "--reason", "not convinced")
    assert demoted.exit_code == 0 and demoted.output.strip() == f"SES-{new}: live_canary", demoted.output
    assert _session(db, new).status == "rolled_back" and _account_halted(db, "lane1")
    with db.connect("auditor") as conn:
        changes = lanes_reads.account_lanes(conn, account="lane1")
        assert [(c.cause, c.to_lane, c.approval, c.source) for c in changes] == [
            ("demotion", "live_canary", int(demotion), "operator"),
            ("promotion", "live_promoted", int(request), "operator")]
        audit = conn.execute("SELECT args ->> 'approval', actor FROM api.audit_log WHERE action = 'demote_session'"
                             " AND target = %s", (f"SES-{new}",)).fetchall()
        assert audit == [(demotion, "predator_operator_login")]
    again = _run(cli, "sessions", "demote", str(new), "--reason", "twice")
    assert again.exit_code == 4 and "PD021" in again.output
    listing = _run(cli, "sessions", "list", "--account", "lane1")
    assert re.search(rf"^SES-{new}\s+rolled_back\s+lane1 in live_promoted", listing.output, re.M), listing.output
    assert re.search(rf"^SES-{first}\s+completed\s+lane1 in live_canary", listing.output, re.M), listing.output


def test_a_breach_of_the_promoted_envelope_suspends_and_halts_and_leaves_the_lane_to_the_operators(
        cli: CliRunner, db: Target) -> None:
    _canary(db, "lane3")
    # BTC/USDT bars from T0: 100 until the bar of hour 29, 85 from the bar of hour 30 (closed at hour(31)).
    closes = [Decimal(100)] * 30 + [Decimal(85)] * 6
    lines = [f"{(T0 + timedelta(hours=i)).strftime('%Y-%m-%dT%H:%M:%SZ')},{c},{c},{c},{c},1000"
             for i, c in enumerate(closes)]
    with db.connect("worker") as conn:
        assert stage_and_load(conn, "BTC/USDT", lines).loaded == len(lines)
    with db.connect("operator", autocommit=True) as op, db.connect("approver", autocommit=True) as second:
        api.register_strategy(op, "lane3", "trend", {}, "test strategy")
        api.set_lane(op, "live_canary", Decimal("1000"), "USDT", Decimal("5"), Decimal("1"), 1, "one day of evidence")
        canary = api.schedule_session(op, "lane3", Decimal("500"), "canary", "trend")
        api.start_session(op, canary, "go")
        with db.connect("worker") as conn:
            for h in range(1, 27):
                with conn.transaction():
                    api.close_hour(conn, "lane3", hour(h))
        api.request_and_approve(op, second, "promote_session", f"SES-{canary}", "ready", value=Decimal("5000"))
        promoted = api.promote_session(op, canary, Decimal("5000"), "ready")
    with db.connect("operator") as op:
        decision = signal(op, "lane3", "BTC/USDT", 27, "buy", quantity=Decimal("80"))
        assert decision.outcome == "admitted" and decision.client_order_id, decision
        ack(op, decision.client_order_id, hour(27))
        fill(op, decision.client_order_id, Decimal("80"), Decimal("100"), hour(27) + timedelta(minutes=1))
    with db.connect("worker") as conn:
        for h in range(28, 31):
            with conn.transaction():
                api.close_hour(conn, "lane3", hour(h))
        assert _session(db, promoted).status == "running"
        with conn.transaction():
            api.close_hour(conn, "lane3", hour(31))   # mark 85: drawdown and daily loss about 12 %

    # Suspended and halted by the system at once, with a risk incident naming the breach; the lane is unchanged.
    s = _session(db, promoted)
    assert (s.status, s.lane, s.account_lane) == ("suspended", "live_promoted", "live_promoted"), s
    assert _account_halted(db, "lane3")
    with db.connect("auditor") as conn:
        event = conn.execute("SELECT cause, source, links -> 'reasons' FROM api.session_events WHERE session_id = %s"
                             " ORDER BY seq DESC LIMIT 1", (promoted,)).fetchone()
        assert event == ("envelope", "system", ["drawdown_envelope", "daily_loss_envelope"])
        incidents = conn.execute("SELECT severity, title, (links -> 'figures' ->> 'drawdown')::numeric,"
                                 " (links -> 'figures' ->> 'daily_loss')::numeric FROM api.incidents"
                                 " WHERE account = 'lane3' AND category = 'risk'").fetchall()
        assert len(incidents) == 1 and incidents[0][:2] == (
            2, f"session SES-{promoted} breached the live_promoted envelope: drawdown_envelope, daily_loss_envelope")
        assert incidents[0][2] > Decimal("0.10") and incidents[0][3] > Decimal("0.02"), incidents
        assert [c.cause for c in lanes_reads.account_lanes(conn, account="lane3")] == ["promotion"]
        assert conn.execute("SELECT count(*) FROM api.audit_log WHERE action = 'demote_session'").fetchone() == (0,)
    shown = _run(cli, "sessions", "show", str(promoted))
    assert shown.exit_code == 0 and "envelope" in shown.output and "breached the live_promoted envelope" in shown.output

    # The lane change is the operators' decision: refused alone, made with a second operator's approval.
    alone = _run(cli, "sessions", "demote", str(promoted), "--reason", "breached")
    assert alone.exit_code == 4 and "PD017" in alone.output, alone.output
    asked = _run(cli, "approval", "request", "demote_session", str(promoted), "--reason", "breached")
    assert asked.exit_code == 0, asked.output
    request = asked.output.split()[2].rstrip(":")
    assert _run(cli, "approval", "approve", request, "--reason", "agreed").exit_code == 0
    demoted = _run(cli, "sessions", "demote", str(promoted), "--reason", "breached")
    assert demoted.exit_code == 0 and demoted.output.strip() == f"SES-{promoted}: live_canary", demoted.output
    s = _session(db, promoted)
    assert (s.status, s.account_lane) == ("rolled_back", "live_canary") and _account_halted(db, "lane3")
    with db.connect("auditor") as conn:
        assert [(c.cause, c.approval) for c in lanes_reads.account_lanes(conn, account="lane3")][0] == (
            "demotion", int(request))
