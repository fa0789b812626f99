"""The named reads and helpers moved into ``predator.db`` (issue 10), against a real database: incidents for
``predator incidents``, the closed span for ``predator report``, what a run showed, LISTEN for the kill
switch."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from predator.cli import main
from predator.db import api, notify, ops_reads, report_reads
from predator.db.connection import Target

T = datetime(2023, 3, 1, tzinfo=UTC)


def _account(target: Target, name: str) -> None:
    with target.connect("operator") as op, op.transaction():
        api.create_account(op, name, mode="paper", venue="binance", base_currency="USDT", lane="paper",
                           initial_principal=Decimal(1000), risk_profile="default", reason="test")
        api.deposit(op, name, Decimal(1000), T - timedelta(hours=3), "test principal")


def test_incidents_are_listed_open_first_and_resolved_on_request(db: Target, monkeypatch: pytest.MonkeyPatch) -> None:
    _account(db, "acct")
    with db.connect("operator") as op, op.transaction():
        kept = api.open_incident(op, 2, "execution", "slow venue", "acks late", "test", account="acct")
        done = api.open_incident(op, 3, "data", "late bar", "bar came late", "test")
        api.update_incident(op, done, "resolved", "it came")
    with db.connect("auditor") as conn:
        open_only = ops_reads.incidents(conn)
        everything = ops_reads.incidents(conn, include_resolved=True)
        of_acct = ops_reads.incidents(conn, include_resolved=True, account="acct")
    assert [i.incident for i in open_only] == [kept]
    assert {i.incident for i in everything} == {kept, done}
    assert [(i.incident, i.account, i.severity, i.status) for i in of_acct] == [(kept, "acct", 2, "open")]
    resolved = next(i for i in everything if i.incident == done)
    assert (resolved.account, resolved.status) == (None, "resolved") and resolved.resolution.endswith("it came")

    monkeypatch.setenv("PREDATOR_DSN", db.dsn)
    listed = CliRunner().invoke(main, ["incidents"])
    assert listed.exit_code == 0, listed.output
    assert kept in listed.output and "slow venue" in listed.output and done not in listed.output
    listed_all = CliRunner().invoke(main, ["incidents", "--all"])
    line = next(x for x in listed_all.output.splitlines() if x.startswith(done))
    assert " * " in line and "  — " in line and line.endswith("it came")


def test_the_report_covers_every_closed_hour_by_default(market_db: Target, monkeypatch: pytest.MonkeyPatch,
                                                         tmp_path: Path) -> None:
    _account(market_db, "acct")
    with market_db.connect("auditor") as conn:
        assert report_reads.closed_span(conn, account="acct") is None
    with market_db.connect("worker") as w, w.transaction():
        for h in range(3):
            api.close_hour(w, "acct", T + timedelta(hours=h))
    with market_db.connect("auditor") as conn:
        span = report_reads.closed_span(conn, account="acct")
        states = report_reads.hourly_states(conn, account="acct", start=T - timedelta(hours=1),
                                            end=T + timedelta(hours=2))
    assert span == report_reads.ClosedSpan(T - timedelta(hours=1), T + timedelta(hours=2))
    assert [s.hour for s in states] == [T, T + timedelta(hours=1), T + timedelta(hours=2)]
    assert all(s.equity == Decimal(1000) for s in states)

    monkeypatch.setenv("PREDATOR_DSN", market_db.dsn)
    result = CliRunner().invoke(main, ["report", "--account", "acct", "--format", "md", "--no-gates",
                                       "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "acct_20230228_20230301.md").exists()
    assert "3 hours closed" in (tmp_path / "acct_20230228_20230301.md").read_text()
    missing = CliRunner().invoke(main, ["report", "--account", "nobody", "--no-gates", "--out", str(tmp_path)])
    assert missing.exit_code != 0 and "has no closed hour" in missing.output


def test_run_events_of_a_quiet_account_are_empty(db: Target) -> None:
    _account(db, "acct")
    with db.connect("auditor") as conn:
        assert ops_reads.run_events(conn, account="acct") == ops_reads.RunEvents(0, frozenset(), 0)
        assert ops_reads.order_count(conn, account="acct") == 0


def test_a_listener_receives_the_kill_switch_once_it_commits(db: Target) -> None:
    with notify.listen(db) as listener:
        assert listener.wait(timeout_s=0.05) == []
        with db.connect("operator") as op, op.transaction():
            api.kill_switch(op, "listen test")
            assert listener.wait(timeout_s=0.2) == []  # not before the commit
        got = listener.wait(timeout_s=5)
    assert [n.channel for n in got] == [notify.KILL_CHANNEL]
    assert json.loads(got[0].payload)["reason"] == "listen test"
