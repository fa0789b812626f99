"""Telemetry events (issue 16 item 7; predator/telemetry.py): a paper run over real BTC and ETH candles emits
one line per order admitted, acknowledged and filled, and the kill switch's halt, incident, cancels and exits
as they are committed, each with env, lane, account and strategy, and each pointing at the row it was read from.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from predator.db import api
from predator.db.connection import Target
from predator.runner.hour import HourRunner
from predator.telemetry import EVENTS
from tests.integration.test_run_output import END, START, config


class Recorder:
    """Stands in for the structlog logger: keeps each line's event name and fields."""

    def __init__(self) -> None:
        self.lines: list[dict[str, Any]] = []

    def info(self, event: str, **fields: Any) -> None:
        self.lines.append({"event": event, **fields})

    def names(self) -> list[str]:
        return [line["event"] for line in self.lines]


def test_a_paper_run_and_a_kill_switch_emit_their_telemetry_events(market_db: Target) -> None:
    cfg = config("tele")
    runner = HourRunner(market_db, cfg, telemetry=True)
    rec = Recorder()
    assert runner.telemetry is not None
    runner.telemetry.log = rec
    try:
        runner.prepare()
        t = START
        while "order_filled" not in rec.names():
            runner.step(t)
            t += timedelta(hours=1)
            assert t < END, "the strategy never traded"
        with market_db.connect("operator") as op, op.transaction():
            killed = api.kill_switch(op, "telemetry test", True)
        assert killed.flatten_orders > 0
        runner.step(t)  # the exits are admitted and fill at this hour
        runner.step(t + timedelta(hours=1))
    finally:
        runner.close()

    names = rec.names()
    assert set(names) <= EVENTS
    for line in rec.lines:
        assert line["telemetry"] is True and line["env"] == "paper" and line["lane"] == "paper"
        assert line["account"] == "tele"
        assert line["view"].startswith("api.") and line["seq"] > 0
    with market_db.connect("auditor") as conn:
        orders = conn.execute("SELECT client_order_id, strategy FROM api.orders WHERE account = 'tele' ORDER BY seq"
                              ).fetchall()
        fills = conn.execute("SELECT venue_trade_id FROM api.fills WHERE account = 'tele' ORDER BY seq").fetchall()
        incidents = conn.execute("SELECT incident FROM api.incidents WHERE scope = 'global:*'").fetchall()
    submitted = [line for line in rec.lines if line["event"] == "order_submitted"]
    # Every order of the book was announced once, with its strategy (the kill switch's exits have none).
    assert [(s["client_order_id"], s["strategy"]) for s in submitted] == [(c, s) for c, s in orders]
    assert sorted(line["venue_trade_id"] for line in rec.lines if line["event"] == "order_filled") \
        == sorted(f[0] for f in fills)
    acked = {line["client_order_id"] for line in rec.lines if line["event"] == "order_acknowledged"}
    assert acked and acked <= {c for c, _ in orders}
    kill = [line for line in rec.lines if line["event"] == "kill_switch_change"]
    assert len(kill) == 1 and kill[0]["engaged"] is True and kill[0]["reason"] == "kill switch: telemetry test"
    created = [line["incident"] for line in rec.lines if line["event"] == "incident_created"]
    assert created == [incidents[0][0]]
    # Kill-switch exits are the book's, not a strategy's.
    exits = [s for s in submitted if s.get("origin") == "kill_switch"]
    assert len(exits) == killed.flatten_orders and all(s["strategy"] is None for s in exits)


def test_telemetry_is_off_unless_asked(market_db: Target) -> None:
    assert HourRunner(market_db, config("tele3")).telemetry is None


def test_a_resolved_incident_is_announced_once(market_db: Target) -> None:
    cfg = config("tele2", start=datetime(2023, 2, 1, tzinfo=UTC), end=datetime(2023, 2, 2, tzinfo=UTC))
    runner = HourRunner(market_db, cfg, telemetry=True)
    rec = Recorder()
    assert runner.telemetry is not None
    runner.telemetry.log = rec
    try:
        runner.prepare()
        runner.step(cfg.start)
        with market_db.connect("operator") as op, op.transaction():
            api.halt(op, "telemetry: operator halt", "account", "tele2")
        runner.step(cfg.start + timedelta(hours=1))
        with market_db.connect("auditor") as conn:
            row = conn.execute("SELECT incident FROM api.incidents WHERE scope = 'account:tele2'").fetchone()
        assert row is not None
        with market_db.connect("operator") as op, op.transaction():
            api.update_incident(op, row[0], "resolved", "telemetry test")
        runner.step(cfg.start + timedelta(hours=2))
        runner.step(cfg.start + timedelta(hours=3))
    finally:
        runner.close()
    names = rec.names()
    assert names.count("incident_created") == 1 and names.count("incident_resolved") == 1
    assert names.index("incident_created") < names.index("incident_resolved")
    halt = [line for line in rec.lines if line["event"] == "cooldown_state_change" and line.get("action") == "halt"]
    assert halt and halt[0]["scope"] == "account:tele2" and halt[0]["source"] == "operator"
