"""Concurrency rules with real concurrent sessions (DESIGN.md §3.6, §3.8).

* two connections submitting the same signal create exactly one order, and both get the same decision;
* a global halt racing streams of admissions from other connections leaves no order admitted after the
  halt committed (admitted_at vs the halt's effective_at, and counts);
* two connections recording the same venue trade id record one fill.

The deterministic races hold the first session's transaction open until the second is seen waiting on the
book lock (pg_stat_activity), then commit it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from decimal import Decimal
from typing import Any

import psycopg
import pytest

from predator import gates
from predator.db import api
from predator.db.connection import Target
from tests.helpers import ack, close_price, hour, load_market, new_account, signal


def _wait_until_blocked(target: Target, pid: int, timeout: float = 10.0) -> None:
    """Wait until backend ``pid`` waits on a lock (the book or halt advisory lock)."""
    deadline = time.monotonic() + timeout
    with psycopg.connect(target.dsn, autocommit=True) as admin:
        while time.monotonic() < deadline:
            row = admin.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", (pid,)).fetchone()
            if row and row[0] == "Lock":
                return
            time.sleep(0.01)
    raise AssertionError(f"backend {pid} never waited on a lock")


def _race(target: Target, role: str, first: Callable[[psycopg.Connection], Any],
          second: Callable[[psycopg.Connection], Any]) -> tuple[Any, Any]:
    """Run ``first`` in an open transaction on one connection, start ``second`` on another, wait until it
    blocks, commit the first, and return both results."""
    with target.connect(role) as c1, target.connect(role) as c2:  # type: ignore[arg-type]
        pid2 = c2.info.backend_pid
        with ThreadPoolExecutor(max_workers=1) as pool:
            with c1.transaction():
                r1 = first(c1)
                future = pool.submit(lambda: _in_transaction(c2, second))
                _wait_until_blocked(target, pid2)
            r2 = future.result(timeout=30)
    return r1, r2


def _in_transaction(conn: psycopg.Connection, fn: Callable[[psycopg.Connection], Any]) -> Any:
    with conn.transaction():
        return fn(conn)


@pytest.fixture()
def market(db: Target) -> Target:
    with db.connect("operator") as conn:
        load_market(conn)
    return db


def _orders(target: Target, account: str) -> list[tuple[Any, ...]]:
    with target.connect("auditor") as conn:
        return conn.execute("SELECT client_order_id, admitted_at FROM trading.order_request r"
                            " JOIN trading.account a USING (book_id) WHERE a.name = %s ORDER BY r.seq",
                            (account,)).fetchall()


def test_the_same_signal_submitted_concurrently_creates_one_order(market: Target) -> None:
    with market.connect("operator") as conn:
        account = new_account(conn)

    def submit(conn: psycopg.Connection) -> api.Decision:
        return api.submit_signal(
            conn,
            account=account,
            strategy="trend",
            symbol="BTC/USDT",
            ts=hour(3),
            direction="buy",
            confidence=Decimal("0.7"),
            edge_bps=Decimal("30"),
            expiry=hour(3) + timedelta(days=1),
            quantity=Decimal("0.05"),
        )

    first, second = _race(market, "worker", submit, submit)
    assert first.outcome == "admitted"
    assert second == first
    assert [o[0] for o in _orders(market, account)] == [first.client_order_id]


def test_signals_raced_from_many_threads_create_one_order_each(market: Target) -> None:
    with market.connect("operator") as conn:
        account = new_account(conn)
    barrier = threading.Barrier(4)

    def worker(_: int) -> list[api.Decision]:
        out = []
        with market.connect("worker") as conn:
            for n in range(2, 8):
                barrier.wait(timeout=30)
                out.append(signal(conn, account, "ETH/USDT", n, "buy", Decimal("0.1")))
        return out

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(worker, range(4)))
    for n in range(6):
        assert all(r[n] == results[0][n] for r in results), [r[n] for r in results]
        assert results[0][n].outcome == "admitted"
    orders = _orders(market, account)
    assert len(orders) == 6
    assert sorted(o[0] for o in orders) == sorted(r.client_order_id for r in results[0])


def test_a_halt_racing_admissions_leaves_no_order_admitted_after_it(market: Target) -> None:
    with market.connect("operator") as conn:
        account = new_account(conn, profile="unconstrained")
        with conn.transaction():
            for s in range(1, 6):
                api.register_strategy(conn, account, f"s{s}", {}, "race")
    admitted_before_halt = threading.Event()
    counts = {"admitted": 0}
    lock = threading.Lock()

    def stream(strategy: str) -> list[api.Decision]:
        out = []
        with market.connect("worker") as conn:
            for n in range(2, 44):
                for symbol in ("BTC/USDT", "ETH/USDT"):
                    qty = Decimal("0.001") if symbol == "BTC/USDT" else Decimal("0.01")
                    d = signal(conn, account, symbol, n, "buy", qty, strategy=strategy)
                    out.append(d)
                    if d.outcome == "admitted":
                        with lock:
                            counts["admitted"] += 1
                            if counts["admitted"] >= 40:
                                admitted_before_halt.set()
        return out

    with ThreadPoolExecutor(max_workers=4) as pool:
        futures = [pool.submit(stream, f"s{s}") for s in range(1, 4)]
        assert admitted_before_halt.wait(timeout=60)
        with market.connect("operator") as op, op.transaction():
            api.halt(op, "race: halt while admissions stream in")
        decisions = [d for f in futures for d in f.result(timeout=120)]

    with market.connect("auditor") as conn:
        effective_at = conn.execute("SELECT effective_at FROM risk.halt_event WHERE action = 'halt'").fetchone()[0]
        after = conn.execute("SELECT count(*) FROM trading.order_request WHERE admitted_at >= %s",
                             (effective_at,)).fetchone()[0]
        before = conn.execute("SELECT count(*) FROM trading.order_request WHERE admitted_at < %s",
                              (effective_at,)).fetchone()[0]
        halt_gate = gates.run_gates(conn, [gates.VALIDATIONS_DIR / "09_no_admission_during_halt.sql"])[0]
    admitted = [d for d in decisions if d.outcome == "admitted"]
    halted = [d for d in decisions if "halted_global" in d.reasons]
    assert after == 0
    assert before == len(admitted) >= 40
    assert halted, "the streams ended before the halt: nothing raced it"
    assert all(d.outcome == "refused" for d in halted)
    assert len(admitted) + len(halted) == len(decisions) == 3 * 42 * 2
    assert halt_gate.passed, halt_gate.rows


def test_the_same_venue_trade_id_recorded_concurrently_is_recorded_once(market: Target) -> None:
    with market.connect("operator") as conn:
        account = new_account(conn)
        d = signal(conn, account, "BTC/USDT", 3, "buy", Decimal("0.1"))
        ack(conn, d.client_order_id, hour(3) + timedelta(seconds=1))
    price = close_price("BTC/USDT", 3)

    def record(conn: psycopg.Connection) -> str:
        return api.record_fill(
            conn,
            client_order_id=d.client_order_id,
            venue_trade_id="VENUE-T-1",
            quantity=Decimal("0.04"),
            price=price,
            fee=Decimal("0.004"),
            fee_currency="USDT",
            liquidity="taker",
            ts=hour(3) + timedelta(seconds=5),
        )

    first, second = _race(market, "worker", record, record)
    assert (first, second) == ("recorded", "duplicate")
    with market.connect("auditor") as conn:
        fills = conn.execute("SELECT count(*) FROM trading.fill WHERE client_order_id = %s",
                             (d.client_order_id,)).fetchone()[0]
        state = conn.execute("SELECT status, filled_qty FROM trading.order_state WHERE client_order_id = %s",
                             (d.client_order_id,)).fetchone()
        failed = [r.name for r in gates.run_gates(conn) if not r.passed]
    assert fills == 1
    assert state == ("partially_filled", Decimal("0.04"))
    assert failed == []
