"""Issue 17 item 4: the values that decide a halt live in the database, never in the worker's arguments.

Through the real gateway and the real logins: a reconciliation mismatch above the database's tolerance halts
whatever the worker sends; the worker cannot change the tolerance; the operator changes it with an audited
revision (an ``ops.audit_log`` row with the reason) and the next comparison uses it; the hour's symbols, which
the stale-data breaker watches, are the database's (``portfolio.book_symbols``), so a held symbol the worker's
run never named still trips it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import psycopg
import pytest

from predator import errors
from predator.db import api
from predator.db.connection import Target
from tests.helpers import candle_lines, new_account, stage_and_load

H0 = datetime(2023, 6, 1, tzinfo=UTC)


def at(n: int) -> datetime:
    return H0 + timedelta(hours=n)


def _global_halt(target: Target) -> bool:
    with target.connect("auditor") as conn:
        row = conn.execute("SELECT active FROM api.halts WHERE scope_kind = 'global' AND scope_key = '*'").fetchone()
    return bool(row and row[0])


def test_a_mismatch_above_the_database_tolerance_halts_whatever_the_worker_sends(db: Target) -> None:
    with db.connect("operator") as op:
        account = new_account(op, principal=Decimal("10000"), deposit_at=H0)
    with db.connect("worker") as w:
        # The worker can neither pass a tolerance nor set one.
        with pytest.raises(psycopg.errors.UndefinedFunction):
            w.execute("SELECT * FROM api.reconcile(%s::text, %s::timestamptz, '{\"USDT\": \"9999\"}'::jsonb,"
                      " '{}'::text[], 'hourly', 1e12::numeric)", (account, at(1)))
        w.rollback()
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            api.set_setting(w, "reconcile_tolerance", Decimal(1), "worker: hide the desync")
        w.rollback()
        with w.transaction():
            rec = api.reconcile(w, account=account, ts=at(1), venue_balances={"USDT": Decimal("9999.99")},
                                venue_open_orders=[], kind="startup")
    assert not rec.clean
    assert [(d["kind"], d["key"], Decimal(str(d["difference"]))) for d in rec.diffs] == [
        ("balance", "USDT", Decimal("-0.01"))]
    assert _global_halt(db)


def test_the_operator_changes_the_tolerance_with_an_audited_revision(db: Target) -> None:
    with db.connect("operator") as op:
        first = new_account(op, principal=Decimal("10000"), deposit_at=H0)
        second = new_account(op, principal=Decimal("10000"), deposit_at=H0)
        # Raising the tolerance is a two-person action: refused alone, done with a second operator's approval.
        with pytest.raises(errors.ApprovalRequired), op.transaction():
            api.set_setting(op, "reconcile_tolerance", Decimal("0.05"), "alone")
        with db.connect("operator", autocommit=True) as requester, db.connect("approver", autocommit=True) as ap:
            approval = api.request_and_approve(requester, ap, "set_setting", "reconcile_tolerance",
                                               "venue rounds balances", value=Decimal("0.05"))
        with op.transaction():
            revision = api.set_setting(op, "reconcile_tolerance", Decimal("0.05"),
                                       "venue rounds balances to 2 decimals")
    with db.connect("auditor") as conn:
        audit = conn.execute("SELECT action, target, args, reason FROM ops.audit_log WHERE action = 'set_setting'"
                             " ORDER BY recorded_at DESC, seq DESC LIMIT 1").fetchone()
    assert audit == ("set_setting", "reconcile_tolerance", {"value": 0.05, "revision": revision, "approval": approval},
                     "venue rounds balances to 2 decimals")
    with db.connect("worker") as w, w.transaction():
        below = api.reconcile(w, account=first, ts=at(1), venue_balances={"USDT": Decimal("9999.99")},
                              venue_open_orders=[])
        above = api.reconcile(w, account=second, ts=at(1), venue_balances={"USDT": Decimal("9999.90")},
                              venue_open_orders=[], kind="startup")
    assert below.clean and not above.clean
    assert _global_halt(db)
    with db.connect("auditor") as conn:
        tolerances = conn.execute("SELECT DISTINCT tolerance FROM api.reconciliations").fetchall()
    assert tolerances == [(Decimal("0.05"),)]


def test_a_held_symbol_the_run_never_named_trips_the_stale_data_breaker(db: Target) -> None:
    with db.connect("operator") as op:
        stage_and_load(op, "BTC/USDT", candle_lines("BTC/USDT", H0, 4))
        stage_and_load(op, "ETH/USDT", candle_lines("ETH/USDT", H0, 12))
        account = new_account(op, principal=Decimal("10000"), deposit_at=H0)
        with op.transaction():
            api.set_breaker(op, "paper", "stale_data_hours", Decimal(3), "test", account, 1, 1, "account")
    with db.connect("worker") as w:
        with w.transaction():
            # The worker's run names ETH only; the book buys BTC.
            api.register_run(w, f"run-{account}", account, "paper", {"account": account, "symbols": ["ETH/USDT"]},
                             None)
            decision = api.submit_signal(w, account=account, strategy="trend", symbol="BTC/USDT", ts=at(1),
                                         direction="buy", confidence=Decimal("0.7"), edge_bps=Decimal(50),
                                         expiry=at(2), quantity=Decimal("0.01"))
            assert decision.outcome == "admitted", decision.reasons
            api.record_order_event(w, client_order_id=decision.client_order_id, kind="acknowledged", ts=at(1),
                                   venue_order_id="V-1")
            api.record_fill(w, client_order_id=decision.client_order_id, venue_trade_id="T-1",
                            quantity=Decimal("0.01"), price=decision.decision_price, fee=Decimal(0),
                            fee_currency="USDT", liquidity="taker", ts=at(1) + timedelta(minutes=1))
        with w.transaction():
            states = [api.close_hour(w, account, at(h)) for h in range(2, 9)]
    assert states[-1].hour == at(8)
    with db.connect("auditor") as conn:
        trips = conn.execute("SELECT breaker, ts, figures -> 'hours_since_last_bar' FROM api.breaker_trips"
                             " WHERE account = %s", (account,)).fetchall()
    # BTC's last bar closed at 04:00: three hours stale at 07:00.
    stale = [(ts, hours) for b, ts, hours in trips if b == "stale_data_hours"]
    assert [ts for ts, _ in stale] == [at(7)]
    assert set(stale[0][1]) == {"BTC/USDT", "ETH/USDT"} and stale[0][1]["BTC/USDT"] == 3
