"""The risk state machine of a book over real runs (issue 13 items 3, 7; docs/risk.md).

* paper, daily-loss stop: the book moves to ``reducing`` (entries refused ``risk_reducing``, exits admitted)
  and the first hour close of the next UTC day moves it back to ``normal`` by a recorded move; no halt;
* paper, circuit breaker of account scope: the book reduces and returns to ``normal`` after
  ``breaker_clear_hours`` closed hours without a breach;
* order-state confusion (a venue event the order state machine refuses, PD005) halts the book with an
  incident instead of stopping the worker;
* live_canary: the same daily-loss stop escalates to a global halt that only an operator lifts (after
  resolving its severity-1 incident); the book is ``halted``, then ``cooldown``/``normal`` after the resume.

Every run passes gate 18 (state-machine legality, no entry admitted while reducing, halted or cooling down).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import psycopg
import pytest

from predator import gates
from predator.db import api
from predator.db.connection import Target
from predator.errors import ResumeRefused
from predator.runner.hour import HourRunner, RunConfig
from predator.strategies.base import effective_params, load_strategy
from predator.tools.replay_sweep import SUITE, Case, run_case
from predator.venues.base import VenueEvent, VenueTransfer
from predator.venues.paper import PaperConfig
from tests.helpers import T0, ack, approve_global_resume, close, fill, hour, load_market, set_burn_in, signal

CASES = {c.name: c for c in SUITE}


def moves(target: Target, account: str) -> list[tuple[Any, ...]]:
    with target.connect("auditor") as conn:
        return conn.execute(
            "SELECT state_before, state_after, cause, ts, until_ts FROM api.risk_state_events"
            " WHERE account = %s ORDER BY seq", (account,)).fetchall()


def gate_18(target: Target, account: str) -> int:
    with psycopg.connect(target.role_dsn("auditor")) as conn:
        (result,) = gates.run_gates(conn, [gates.VALIDATIONS_DIR / "18_risk_state.sql"], gates.Scope(account=account))
    assert result.error is None, result.error
    return result.violations


def test_a_paper_daily_loss_stop_reduces_and_lifts_on_the_next_utc_day(market_db: Target) -> None:
    case: Case = CASES["daily_loss"]  # meanrev, BTC/ETH/SOL, June 2023, daily_loss_halt 0.5 %
    run_case(market_db, case)
    seen = moves(market_db, case.name)
    stops = [i for i, m in enumerate(seen) if m[1] == "reducing" and m[2] == "daily_loss_halt"]
    assert stops, seen
    for i in stops:
        ts, until = seen[i][3], seen[i][4]
        # until: the next 00:00 UTC after the stop's business time (an hour closing at 00:00 ends its day)
        assert until == (ts - timedelta(seconds=1)).replace(hour=0, minute=0, second=0) + timedelta(days=1)
        lift = seen[i + 1]
        assert lift[:3] == ("reducing", "normal", "next_utc_day") and lift[3] == until, lift
    with market_db.connect("auditor") as conn:
        halts = conn.execute("SELECT count(*) FROM api.halt_events WHERE scope_key = %s", (case.name,)).fetchone()
        refused = conn.execute(
            "SELECT count(*) FROM api.decisions WHERE account = %s AND 'risk_reducing' = ANY (reasons)",
            (case.name,)).fetchone()
        sells_while_reducing = conn.execute(
            "SELECT count(*) FROM api.orders o WHERE o.account = %s AND o.side = 'sell' AND o.origin = 'signal'"
            " AND EXISTS (SELECT FROM api.risk_state_events e WHERE e.account = o.account"
            "             AND e.state_after = 'reducing' AND o.ts >= e.ts AND o.ts < e.until_ts)",
            (case.name,)).fetchone()
        entries_after_lift = conn.execute(
            "SELECT count(*) FROM api.orders WHERE account = %s AND side = 'buy' AND ts >= %s",
            (case.name, seen[stops[0]][4])).fetchone()
    assert halts == (0,), "a paper daily-loss stop halts nothing"
    assert refused is not None and refused[0] > 0, "entries were refused risk_reducing while reducing"
    assert sells_while_reducing is not None and sells_while_reducing[0] > 0, "exits were admitted while reducing"
    assert entries_after_lift is not None and entries_after_lift[0] > 0, "the book trades again after the lift"
    assert gate_18(market_db, case.name) == 0


def test_a_paper_breaker_pauses_and_lifts_after_clean_hours(market_db: Target) -> None:
    case: Case = CASES["breaker_slippage"]  # meanrev, ETH/SOL, March 2023, slippage_bps at 1 bp
    run_case(market_db, case)
    seen = moves(market_db, case.name)
    with market_db.connect("auditor") as conn:
        trips = conn.execute("SELECT ts, trip_scope FROM api.breaker_trips WHERE account = %s ORDER BY seq",
                             (case.name,)).fetchall()
        clear = conn.execute("SELECT value FROM api.limits WHERE profile = 'default'"
                             " AND limit_name = 'breaker_clear_hours'").fetchone()
    assert trips and all(scope == "reducing" for _, scope in trips), trips
    assert clear is not None
    clear_hours = timedelta(hours=int(clear[0]))
    pauses = [m for m in seen if m[2] == "breaker:slippage_bps"]
    cleared = [m for m in seen if m[2] == "breaker_cleared"]
    assert len(pauses) == len(trips) and cleared, seen
    for pause in pauses:
        after = [m for m in cleared if m[3] > pause[3]]
        if after:  # each pause lifts at least breaker_clear_hours after it began (later when a breach restarted it)
            assert after[0][3] >= pause[3] + clear_hours
    assert gate_18(market_db, case.name) == 0


def test_a_live_canary_daily_loss_escalates_to_a_global_halt_that_only_an_operator_lifts(db: Target) -> None:
    with db.connect("worker") as w:
        load_market(w, ("BTC/USDT",), 24)
    set_burn_in(db, 0, "test: no burn-in")
    with db.connect("operator") as op, op.transaction():
        api.create_account(op, "canary", mode="live", venue="binance", base_currency="USDT", lane="live_canary",
                           initial_principal=Decimal(10000), risk_profile="live_canary", reason="test")
        api.deposit(op, "canary", Decimal(10000), T0, "principal")
        api.register_strategy(op, "canary", "trend", {}, "test")
        # the fill below is far from its decision price: keep the slippage breaker out of this test
        api.set_breaker(op, "live_canary", "slippage_bps", None, "test", account="canary")
    with db.connect("worker") as w:
        close(w, "canary", 2)  # the intra-hour limits compare with the last closed hour
        d = signal(w, "canary", "BTC/USDT", 2, "buy", Decimal("0.01"))
        assert d.outcome == "admitted", d
        ack(w, d.client_order_id, hour(2))
        # bought 20 % above the mark: a loss of about 1.3 % of equity, over the canary's 1 % daily limit and
        # under its 5 % drawdown halt tier
        price = Decimal("1.2") * Decimal(str(w.execute("SELECT close FROM api.candles WHERE symbol = 'BTC/USDT'"
                                                    " AND ts = %s", (hour(1),)).fetchone()[0]))  # type: ignore[index]
        fill(w, d.client_order_id, Decimal("0.01"), price, hour(2) + timedelta(minutes=1))
        refused = signal(w, "canary", "BTC/USDT", 3, "sell", Decimal("0.01"))
    assert refused.outcome == "refused" and refused.reasons == ["halted_global"], refused
    with db.connect("auditor") as conn:
        halt = conn.execute("SELECT scope_kind, source, reason FROM api.halt_events WHERE action = 'halt'").fetchall()
        incident = conn.execute("SELECT incident, severity FROM api.incidents WHERE scope = 'global:*'").fetchone()
    assert [(k, s) for k, s, _ in halt] == [("global", "system")] and "daily_loss_halt" in halt[0][2], halt
    assert incident is not None and incident[1] == 1
    assert [m[:3] for m in moves(db, "canary")] == [("normal", "halted", "halt")]
    with db.connect("operator") as op:
        with pytest.raises(ResumeRefused):
            api.resume(op, "too early")
        op.rollback()
        approve_global_resume(db, op, "loss reviewed")
        with op.transaction():
            api.update_incident(op, incident[0], "resolved", "loss reviewed")
            api.resume(op, "loss reviewed")
    with db.connect("worker") as w:
        again = signal(w, "canary", "BTC/USDT", 4, "sell", Decimal("0.01"))
    assert again.outcome == "admitted", again
    assert [m[:3] for m in moves(db, "canary")] == [
        ("normal", "halted", "halt"), ("halted", "cooldown", "halt_lifted"), ("cooldown", "normal", "cooldown_elapsed")]
    assert gate_18(db, "canary") == 0


def test_order_state_confusion_halts_the_book_with_an_incident_and_the_worker_goes_on(market_db: Target) -> None:
    # A paper run of the trend strategy until one of its orders is filled; then the venue reports that filled
    # order as canceled, an event the order state machine refuses (PD005).
    cfg = RunConfig(account="confused", symbols=("BTC/USDT", "ETH/USDT"), strategy="trend",
                    params=effective_params(load_strategy("trend", {"fast": 12, "slow": 48, "vol_window": 48})),
                    start=datetime(2023, 2, 1, tzinfo=UTC), end=datetime(2023, 2, 8, tzinfo=UTC), venue=PaperConfig())
    runner = HourRunner(market_db, cfg)
    try:
        runner.prepare()
        t, filled = cfg.start, None
        while filled is None:
            runner.step(t)
            with market_db.connect("auditor") as conn:
                row = conn.execute("SELECT client_order_id FROM api.orders WHERE account = 'confused'"
                                   " AND status = 'filled' LIMIT 1").fetchone()
            filled = None if row is None else str(row[0])
            t += timedelta(hours=1)
            assert t < cfg.end, "no order filled in the week"
        assert runner.relay is not None
        relay = runner.relay
        collect = relay.collect

        def confused(conn: psycopg.Connection[Any], at: datetime) -> tuple[list[VenueEvent], list[VenueTransfer]]:
            events, transfers = collect(conn, at)
            return [*events, VenueEvent("canceled", filled, at - timedelta(minutes=1))], transfers

        relay.collect = confused  # type: ignore[method-assign]
        outcome = runner.step(t)  # does not raise
        relay.collect = collect  # type: ignore[method-assign]
        runner.step(t + timedelta(hours=1))
    finally:
        runner.close()
    assert outcome.state.halts == ["halted_account"]
    with market_db.connect("auditor") as conn:
        halt = conn.execute("SELECT source, reason FROM api.halt_events WHERE scope_key = 'confused'").fetchall()
        incident = conn.execute("SELECT category, severity, links -> 'orders' ->> 0 FROM api.incidents"
                                " WHERE account = 'confused' AND title LIKE 'order-state confusion%'").fetchall()
        hours = conn.execute("SELECT max(hour) FROM api.hourly_states WHERE account = 'confused'").fetchone()
        status = conn.execute("SELECT status FROM api.orders WHERE client_order_id = %s", (filled,)).fetchone()
    assert len(halt) == 1 and halt[0][0] == "system" and "order-state confusion" in halt[0][1], halt
    assert incident == [("execution", 2, filled)], incident
    assert hours == (t + timedelta(hours=1),), "the worker went on closing hours"
    assert status == ("filled",), "the refused event was not recorded"
    assert [m[:3] for m in moves(market_db, "confused")][-1] == ("normal", "halted", "halt")
    assert gate_18(market_db, "confused") == 0


@pytest.mark.parametrize("lane", ["paper", "live_canary"])
def test_the_drawdown_halt_tier_reduces_a_paper_book_and_halts_globally_in_a_live_lane(db: Target, lane: str) -> None:
    # A profile with the drawdown halt tier at 5 % and no daily-loss stop, so that the drawdown alone acts.
    with psycopg.connect(db.dsn, autocommit=True) as su:
        su.execute("INSERT INTO risk.profile (profile, description) VALUES ('dd5', 'test: drawdown tier alone')")
    with db.connect("worker") as w:
        load_market(w, ("BTC/USDT",), 24)
    live = lane != "paper"
    set_burn_in(db, 0, "test: no burn-in")
    with db.connect("operator") as op, op.transaction():
        api.set_limit(op, "dd5", "drawdown_halt_tier", "pct", Decimal(5), "test")
        api.set_limit(op, "dd5", "daily_loss_halt", "pct", None, "test: the drawdown tier alone")
        api.create_account(op, "dd", mode="live" if live else "paper", venue="binance", base_currency="USDT",
                           lane=lane, initial_principal=Decimal(10000), risk_profile="dd5", reason="test")
        api.deposit(op, "dd", Decimal(10000), T0, "principal")
        api.register_strategy(op, "dd", "trend", {}, "test")
        # the fill below is far from its decision price: keep the slippage breaker out of this test
        api.set_breaker(op, lane, "slippage_bps", None, "test", account="dd")
    with db.connect("worker") as w:
        close(w, "dd", 2)  # the peak: 10,000
        d = signal(w, "dd", "BTC/USDT", 2, "buy", Decimal("0.1"))
        assert d.outcome == "admitted", d
        ack(w, d.client_order_id, hour(2))
        # bought 10 % above the mark: a loss of about 6 % of the peak, over the 5 % drawdown halt tier
        mark = Decimal(str(w.execute("SELECT close FROM api.candles WHERE symbol = 'BTC/USDT' AND ts = %s",
                                     (hour(1),)).fetchone()[0]))  # type: ignore[index]
        fill(w, d.client_order_id, Decimal("0.1"), Decimal("1.1") * mark, hour(2) + timedelta(minutes=1))
        state = close(w, "dd", 3)
        assert state.drawdown >= Decimal("0.05"), state
        entry = signal(w, "dd", "BTC/USDT", 3, "buy", Decimal("0.001"))
        exit_ = signal(w, "dd", "BTC/USDT", 4, "sell", Decimal("0.01"))  # one signal per symbol and hour
    with db.connect("auditor") as conn:
        halts = conn.execute("SELECT scope_kind, source, reason FROM api.halt_events WHERE action = 'halt'").fetchall()
        incident = conn.execute("SELECT incident, severity FROM api.incidents WHERE scope = 'global:*'").fetchone()
        held = conn.execute("SELECT state, cause, hold FROM api.risk_states WHERE account = 'dd'").fetchone()
    seen = [m[:3] for m in moves(db, "dd")]
    if not live:
        # The paper lane: the book reduces, held for an operator; exits admitted, entries refused; no halt.
        assert halts == [] and incident is None, (halts, incident)
        assert seen == [("normal", "reducing", "drawdown_halt_tier")], seen
        assert held == ("reducing", "drawdown_halt_tier", "drawdown_halt_tier"), held
        assert entry.outcome == "refused" and entry.reasons == ["risk_reducing"], entry
        assert exit_.outcome == "admitted", exit_
    else:
        # A live lane: the same tier is a global system halt with a severity-1 incident; the book is halted and
        # even its exits wait for the operator.
        assert [(k, s) for k, s, _ in halts] == [("global", "system")] and "drawdown_halt_tier" in halts[0][2], halts
        assert incident is not None and incident[1] == 1, incident
        assert seen == [("normal", "halted", "halt")], seen
        assert entry.outcome == "refused" and "halted_global" in (entry.reasons or []), entry
        assert exit_.outcome == "refused" and exit_.reasons == ["halted_global"], exit_
        with db.connect("operator") as op:
            with pytest.raises(ResumeRefused):
                api.resume(op, "too early")
            op.rollback()
    assert gate_18(db, "dd") == 0
