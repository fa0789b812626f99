"""An admitted order never sent is never sent late (predator/runner/relay.py ``service_requests``): a placement
refused by an error that halts (HTTP 418 "address banned", through the campaign's chaos venue) leaves the order
``new``; once its expiry has passed, the next pass asks the venue, which never received it, and the book records it
``expired`` instead of sending it days late — and of halting again on the stale request, which a chaos campaign
showed repeating after every operator resume."""

from __future__ import annotations

from datetime import timedelta

from predator.chaos.venue import ChaosPaperVenue
from predator.db import api
from predator.db.connection import Target
from predator.runner.hour import HourRunner, RunConfig
from predator.runner.market import MarketData
from tests.integration.test_run_output import END, START, config


def _first_order_hour(target: Target) -> tuple[object, str]:  # (the first order's ts, the hour)
    runner = HourRunner(target, config("probe"))
    try:
        runner.prepare()
        t = START
        while True:
            runner.step(t)
            with target.connect("auditor") as conn:
                row = conn.execute("SELECT ts FROM api.orders WHERE account = 'probe' ORDER BY seq LIMIT 1").fetchone()
            if row is not None:
                return row[0], t.isoformat()
            t += timedelta(hours=1)
            assert t < END
    finally:
        runner.close()


def test_an_order_refused_by_a_ban_expires_unsent_instead_of_halting_again(market_db: Target) -> None:
    first_ts, _ = _first_order_hour(market_db)
    hour = first_ts.replace(minute=0, second=0, microsecond=0)  # type: ignore[attr-defined]
    window = [hour.isoformat(), hour.isoformat(), "ip_ban_418"]

    def factory(cfg: RunConfig, market: MarketData) -> ChaosPaperVenue:
        return ChaosPaperVenue(market.venue_bars(), cfg.venue, [window])

    cfg = config("banned")
    runner = HourRunner(market_db, cfg, venue=factory)
    try:
        runner.prepare()
        t = START
        while t <= hour:
            runner.step(t)
            t += timedelta(hours=1)
        with market_db.connect("auditor") as conn:
            stuck = conn.execute("SELECT client_order_id, status, expiry FROM api.orders WHERE account = 'banned'"
                                 ).fetchall()
            trips = conn.execute("SELECT count(*) FROM api.breaker_trips WHERE breaker = 'venue_fatal_error'"
                                 ).fetchone()
            incidents = [r[0] for r in conn.execute(
                "SELECT incident FROM api.incidents WHERE status <> 'resolved'").fetchall()]
        assert len(stuck) == 1 and stuck[0][1] == "new", stuck
        assert trips is not None and trips[0] == 1
        # The operator's runbook: the ban is over; resolve and resume.
        with market_db.connect("operator") as op, op.transaction():
            for inc in incidents:
                api.update_incident(op, inc, "resolved", "test: the ban expired")
            api.resume(op, "test: ban over")
        expiry = stuck[0][2]
        while t <= expiry + timedelta(hours=1):
            runner.step(t)
            t += timedelta(hours=1)
    finally:
        runner.close()
    with market_db.connect("auditor") as conn:
        status = conn.execute("SELECT status FROM api.orders WHERE client_order_id = %s", (stuck[0][0],)).fetchone()
        events = conn.execute("SELECT kind, reason FROM api.order_events WHERE client_order_id = %s ORDER BY event_no",
                              (stuck[0][0],)).fetchall()
        trips = conn.execute("SELECT count(*) FROM api.breaker_trips WHERE breaker = 'venue_fatal_error'").fetchone()
        halted = conn.execute("SELECT count(*) FROM api.halts WHERE active").fetchone()
    assert status is not None and status[0] == "expired"
    assert events[-1][0] == "expired" and "never sent late" in events[-1][1]
    assert trips is not None and trips[0] == 1, "the stale request was sent again and halted again"
    assert halted is not None and halted[0] == 0
