"""Safety scenarios against the paper venue, with real BTC and ETH candles. Each drives the hour runner step
by step, provokes one situation, and asserts the outcome in the database (and at the venue)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import psycopg
import pytest

from predator import errors
from predator.db import api
from predator.db.connection import Target
from predator.runner.hour import HourRunner, RunConfig
from predator.strategies.base import effective_params, load_strategy
from predator.venues.paper import PaperConfig
from tests.helpers import approve_global_resume

T0 = datetime(2023, 3, 1, tzinfo=UTC)
H = timedelta(hours=1)
STRATEGY = "tests.fixtures.scripted:Scripted"


def at(hours: int) -> datetime:
    return T0 + hours * H


def runner(db: Target, plan: list[list[Any]], account: str = "safe", expiry_hours: int = 1, **venue: Any) -> HourRunner:
    params = effective_params(load_strategy(STRATEGY, {"plan": plan, "expiry_hours": expiry_hours}))
    cfg = RunConfig(
        account=account,
        symbols=("BTC/USDT", "ETH/USDT"),
        strategy=STRATEGY,
        params=params,
        start=T0,
        end=T0 + timedelta(days=3),
        venue=PaperConfig(**{"slippage_bps": Decimal(0), "latency_jitter_ms": 0, **venue}),
    )
    r = HourRunner(db, cfg)
    r.prepare()
    return r


def run_hours(r: HourRunner, first: int, last: int) -> None:
    for h in range(first, last + 1):
        r.step(at(h))


def one(db: Target, sql: str, *params: Any) -> Any:
    with db.connect("auditor") as conn:
        row = conn.execute(sql, params).fetchone()
    return row[0] if row and len(row) == 1 else row


def rows(db: Target, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    with db.connect("auditor") as conn:
        return conn.execute(sql, params).fetchall()


def book_balances(db: Target, account: str = "safe") -> dict[str, Decimal]:
    return {
        c: b
        for c, b in rows(
            db,
            "SELECT currency, balance FROM api.balances WHERE account = %s"
            " AND account_code = 'trading' AND balance <> 0",
            account,
        )
    }


def global_halt_active(db: Target) -> bool:
    return bool(one(db, "SELECT coalesce(bool_or(active), false) FROM api.halts WHERE scope_kind = 'global'"))


@pytest.fixture()
def r_factory(market_db: Target) -> Iterator[Any]:
    made: list[HourRunner] = []

    def make(*args: Any, **kw: Any) -> HourRunner:
        r = runner(market_db, *args, **kw)
        made.append(r)
        return r

    yield make
    for r in made:
        r.close()


def test_small_order_lifecycle_internal_venue_and_reconciliation_agree(market_db: Target, r_factory: Any) -> None:
    r = r_factory(
        [
            [at(2).isoformat(), "BTC/USDT", "buy", "0.01", "market", None],
            [at(6).isoformat(), "BTC/USDT", "exit", None, "market", None],
        ]
    )
    run_hours(r, 0, 10)
    assert [s for (s,) in rows(market_db, "SELECT status FROM api.orders ORDER BY seq")] == ["filled", "filled"]
    events = [k for (k,) in rows(market_db, "SELECT kind FROM api.order_events ORDER BY seq")]
    assert events == ["created", "acknowledged", "fill", "created", "acknowledged", "fill"]
    venue_trades = sorted((t["id"], t["amount"], t["price"]) for t in r.venue.fetch_my_trades())
    db_fills = sorted(rows(market_db, "SELECT venue_trade_id, quantity, price FROM api.fills"))
    assert venue_trades == db_fills and len(db_fills) == 2
    assert book_balances(market_db) == r.venue.fetch_balance()
    assert one(market_db, "SELECT count(*) FROM api.reconciliations WHERE NOT clean") == 0
    assert one(market_db, "SELECT count(*) FROM api.round_trips") == 1
    assert not global_halt_active(market_db)


def test_cancel_and_replace_leaves_no_ghost_order_anywhere(market_db: Target, r_factory: Any) -> None:
    r = r_factory(
        [
            [at(1).isoformat(), "BTC/USDT", "buy", "0.01", "limit", "15000"],  # far below: rests
            [at(5).isoformat(), "BTC/USDT", "buy", "0.01", "limit", "30000"],
        ],  # the replacement: fills
        expiry_hours=48,
    )
    run_hours(r, 0, 2)
    (coid,) = [c for (c,) in rows(market_db, "SELECT client_order_id FROM api.orders")]
    assert [o["clientOrderId"] for o in r.venue.fetch_open_orders()] == [coid]
    with market_db.connect("worker") as conn, conn.transaction():  # the strategy's cancel request
        assert api.record_order_event(conn, client_order_id=coid, kind="cancel_requested", ts=at(3)) == "open"
    run_hours(r, 3, 8)
    statuses = rows(market_db, "SELECT client_order_id, status FROM api.orders ORDER BY seq")
    assert statuses[0] == (coid, "canceled") and statuses[1][1] == "filled"
    assert r.venue.fetch_order(coid)["status"] == "canceled"
    assert r.venue.fetch_open_orders() == []
    assert one(market_db, "SELECT count(*) FROM api.orders WHERE status IN ('new', 'open', 'partially_filled')") == 0
    last = rows(
        market_db,
        "SELECT venue_open_orders, book_open_orders, clean FROM api.reconciliations ORDER BY seq DESC LIMIT 1",
    )[0]
    assert last == ([], [], True)


def test_partial_fill_position_is_what_was_filled_and_nothing_is_counted_twice(
    market_db: Target, r_factory: Any
) -> None:
    r = r_factory([[at(2).isoformat(), "ETH/USDT", "buy", "1.2", "market", None]], participation=Decimal("0.00003"))
    run_hours(r, 0, 5)
    status, qty, filled = rows(market_db, "SELECT status, quantity, filled_qty FROM api.orders")[0]
    assert status == "expired" and Decimal(0) < filled < qty
    position = one(market_db, "SELECT quantity FROM api.positions WHERE symbol = 'ETH/USDT'")
    lots = one(market_db, "SELECT sum(remaining) FROM api.lots WHERE symbol = 'ETH/USDT'")
    fills = one(market_db, "SELECT sum(quantity) FROM api.fills")
    assert position == filled == lots == fills == r.venue.fetch_balance()["ETH"]
    assert one(market_db, "SELECT count(*) FROM api.reconciliations WHERE NOT clean") == 0


def test_venue_unreachable_trips_the_connectivity_breaker_and_halts(market_db: Target, r_factory: Any) -> None:
    r = r_factory([[at(6).isoformat(), "BTC/USDT", "buy", "0.01", "market", None]])
    run_hours(r, 0, 2)
    r.venue.faults.network_down = True
    run_hours(r, 3, 6)
    assert global_halt_active(market_db)
    trip = rows(market_db, "SELECT breaker, trip_scope, incident FROM api.breaker_trips")
    assert trip and trip[0][0] in ("connectivity_loss", "api_error_rate") and trip[0][1] == "global"
    assert one(market_db, "SELECT category FROM api.incidents WHERE incident = %s", trip[0][2]) == "infrastructure"
    health = rows(market_db, "SELECT connected, errors FROM ops.venue_health ORDER BY seq")
    assert health[-1][0] is False and health[-1][1] > 0
    # the buy decided while halted was refused, and nothing reached the venue
    assert one(market_db, "SELECT reasons FROM api.decisions WHERE symbol = 'BTC/USDT'") == ["halted_global"]
    assert r.venue.orders == {}


def test_manual_kill_switch_cancels_everything_flattens_and_no_order_goes_out_after(
    market_db: Target, r_factory: Any
) -> None:
    r = r_factory(
        [
            [at(1).isoformat(), "ETH/USDT", "buy", "1", "market", None],
            [at(2).isoformat(), "BTC/USDT", "buy", "0.01", "limit", "15000"],
            [at(6).isoformat(), "BTC/USDT", "buy", "0.02", "market", None],
        ],
        expiry_hours=48,
    )
    run_hours(r, 0, 3)
    resting = r.venue.fetch_open_orders()
    assert len(resting) == 1
    with market_db.connect("operator") as conn, conn.transaction():
        result = api.kill_switch(conn, "scenario: manual kill", flatten=True)
    assert (result.orders_marked, result.flatten_orders) == (1, 1)
    placed_before = set(r.venue.orders)
    r.service_requests(at(3))  # what the kill watch does on the notification
    run_hours(r, 4, 8)
    assert r.venue.fetch_order(resting[0]["clientOrderId"])["status"] == "canceled"
    new_at_venue = set(r.venue.orders) - placed_before
    origins = rows(market_db, "SELECT origin FROM api.orders WHERE client_order_id = ANY(%s)", list(new_at_venue))
    assert origins == [("kill_switch",)]  # the only order sent after the kill switch is the exit
    assert one(market_db, "SELECT coalesce(sum(quantity), 0) FROM api.positions") == 0
    assert r.venue.fetch_balance().get("ETH", Decimal(0)) == 0
    assert one(market_db, "SELECT reasons FROM api.decisions WHERE ts = %s", at(6)) == ["halted_global"]
    assert one(market_db, "SELECT count(*) FROM api.audit_log WHERE action = 'kill_switch'") == 1
    assert one(market_db, "SELECT count(*) FROM api.incidents WHERE category = 'risk' AND source = 'operator'") == 1


def test_reconciliation_drift_is_detected_halts_and_blocks_resume(market_db: Target, r_factory: Any) -> None:
    r = r_factory([[at(1).isoformat(), "BTC/USDT", "buy", "0.01", "market", None]])
    run_hours(r, 0, 3)
    with psycopg.connect(market_db.dsn) as conn:  # corrupt the book's own view of its cash, as superuser
        conn.execute("SET session_replication_role = replica")
        conn.execute(
            "UPDATE ledger.balance SET balance = balance + 5 WHERE account_code = 'trading' AND currency = 'USDT'"
        )
    run_hours(r, 4, 5)
    assert global_halt_active(market_db)
    diffs = one(market_db, "SELECT diffs FROM api.reconciliations WHERE NOT clean ORDER BY seq LIMIT 1")
    assert diffs == [
        {"key": "USDT", "kind": "balance", "book": diffs[0]["book"], "venue": diffs[0]["venue"], "difference": -5}
    ]
    with market_db.connect("operator") as conn, pytest.raises(errors.ResumeRefused, match="reconciliation is dirty"):
        api.resume(conn, "trying too early")


def test_submission_timed_out_but_accepted_is_found_by_client_order_id_without_duplicate(
    market_db: Target, r_factory: Any
) -> None:
    r = r_factory([[at(2).isoformat(), "BTC/USDT", "buy", "0.01", "market", None]])
    with psycopg.connect(market_db.dsn) as conn:
        coid = conn.execute(
            "SELECT trading.client_order_id('safe', %s, 'BTC/USDT', %s, 'buy')", (STRATEGY, at(2))
        ).fetchone()[0]
    r.venue.faults.timeout_after_accept.add(coid)
    placements: list[str] = []
    place = r.venue.place_order

    def counting_place(*args: Any, **kw: Any) -> Any:
        placements.append(args[5])
        return place(*args, **kw)

    r.venue.place_order = counting_place  # type: ignore[method-assign]
    run_hours(r, 0, 2)
    # the submission timed out, the order was looked up by client order id and found: never sent twice
    assert placements == [coid]
    assert one(market_db, "SELECT status FROM api.orders") == "open"
    assert one(market_db, "SELECT count(*) FROM api.order_events WHERE kind = 'acknowledged'") == 1
    r.venue.faults.timeout_after_accept.clear()
    run_hours(r, 3, 5)
    assert placements == [coid]
    assert one(market_db, "SELECT count(*) FROM api.orders") == 1
    assert len([o for o in r.venue.orders.values() if o.symbol == "BTC/USDT"]) == 1
    assert rows(market_db, "SELECT status, filled_qty FROM api.orders") == [("filled", Decimal("0.01"))]
    assert one(market_db, "SELECT count(*) FROM api.fills") == 1


def test_a_fill_reported_twice_is_recorded_once(market_db: Target, r_factory: Any) -> None:
    r = r_factory([[at(2).isoformat(), "ETH/USDT", "buy", "1", "market", None]])
    r.venue.faults.duplicate_fills = True
    run_hours(r, 0, 5)
    assert one(market_db, "SELECT count(*) FROM api.fills") == 1
    assert one(market_db, "SELECT quantity FROM api.positions") == Decimal(1)
    assert one(market_db, "SELECT count(*) FROM api.reconciliations WHERE NOT clean") == 0


def test_a_ghost_fill_is_detected_by_reconciliation_and_halts(market_db: Target, r_factory: Any) -> None:
    r = r_factory([[at(1).isoformat(), "BTC/USDT", "buy", "0.01", "limit", "15000"]], expiry_hours=48)
    run_hours(r, 0, 2)
    (coid,) = [c for (c,) in rows(market_db, "SELECT client_order_id FROM api.orders")]
    r.venue.faults.ghost_fill_for.add(coid)  # the venue reports a fill it never made
    run_hours(r, 3, 4)
    assert r.venue.fetch_order(coid)["filled"] == 0
    assert global_halt_active(market_db)
    diffs = one(market_db, "SELECT diffs FROM api.reconciliations WHERE NOT clean ORDER BY seq LIMIT 1")
    assert {d["key"] for d in diffs} >= {"BTC", coid}
    assert one(market_db, "SELECT count(*) FROM api.incidents WHERE category = 'execution' AND severity = 1") >= 1


def test_a_withdrawal_seen_on_the_venue_account_halts_globally(market_db: Target, r_factory: Any) -> None:
    r = r_factory([[at(6).isoformat(), "BTC/USDT", "buy", "0.01", "market", None]])
    run_hours(r, 0, 2)
    r.venue.withdraw("USDT", Decimal(250), "WD-1", at(2) + timedelta(minutes=20))
    run_hours(r, 3, 6)
    assert global_halt_active(market_db)
    assert rows(market_db, "SELECT kind, currency, amount, venue_ref FROM api.venue_transfers") == [
        ("withdrawal", "USDT", Decimal(250), "WD-1")
    ]
    assert (
        one(market_db, "SELECT count(*) FROM api.incidents WHERE category = 'risk' AND title LIKE 'withdrawal%%'") == 1
    )
    assert one(market_db, "SELECT reasons FROM api.decisions WHERE ts = %s", at(6)) == ["halted_global"]
    assert r.venue.fetch_open_orders() == [] and not any(o.placed_at >= at(3) for o in r.venue.orders.values())


def test_resume_is_refused_while_a_severity_1_incident_is_open_then_allowed(market_db: Target, r_factory: Any) -> None:
    r = r_factory([])
    run_hours(r, 0, 1)
    r.venue.withdraw("USDT", Decimal(1), "WD-9", at(1) + timedelta(minutes=5))  # a system halt, severity 1
    r.venue.deposit("USDT", Decimal(1))  # the money came back
    run_hours(r, 2, 3)
    assert global_halt_active(market_db)
    inc = one(market_db, "SELECT incident FROM api.incidents WHERE severity = 1")
    with market_db.connect("operator") as conn:
        with pytest.raises(errors.ResumeRefused, match="severity-1"):
            api.resume(conn, "too early")
        conn.rollback()
        approve_global_resume(market_db, conn, "understood")  # the two-person rule
        with conn.transaction():
            api.update_incident(conn, inc, "resolved", "checked: test withdrawal, funds returned")
            api.resume(conn, "understood")
    assert not global_halt_active(market_db)
    audit = [a for (a,) in rows(market_db, "SELECT action FROM api.audit_log ORDER BY recorded_at")]
    assert audit[-2:] == ["incident_resolved", "resume"]


def test_an_operator_halt_has_an_incident_and_an_audit_entry_and_resumes_explicitly(
    market_db: Target, r_factory: Any
) -> None:
    r = r_factory([[at(3).isoformat(), "BTC/USDT", "buy", "0.01", "market", None]])
    run_hours(r, 0, 1)
    with market_db.connect("operator") as conn, conn.transaction():
        api.halt(conn, "scenario: maintenance")
    run_hours(r, 2, 4)
    assert one(market_db, "SELECT reasons FROM api.decisions") == ["halted_global"]
    assert one(market_db, "SELECT count(*) FROM api.incidents WHERE source = 'operator' AND severity = 2") == 1
    with market_db.connect("operator") as conn:
        approve_global_resume(market_db, conn, "maintenance done")  # the two-person rule
        with conn.transaction():
            api.resume(conn, "maintenance done")
    assert [
        a
        for (a,) in rows(
            market_db, "SELECT action FROM api.audit_log WHERE action IN ('halt', 'resume') ORDER BY recorded_at"
        )
    ] == ["halt", "resume"]
