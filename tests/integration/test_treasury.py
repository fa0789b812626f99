"""Treasury and self-financing over a real-data paper run (issue 15; docs/treasury.md).

Two weeks of trend on BTC/ETH (February 2023, stored candles) with a 25 % reserve, a 7-day rolling window and a
declared operating cost of 20 USDT a month from the second hour: gate 21 recomputes every stored status, every
fill's realized memo and every hour's cost accrual from the journal and finds nothing; a planted wrong posting
(a balanced but false realized memo, inserted as the owner) makes it fail; replay parity stays TRUE (the cost is
re-declared after the same closed hour).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

import psycopg

from predator import gates
from predator.db import api
from predator.db.connection import Target
from predator.runner.hour import HourRunner
from predator.runner.replay import replay
from predator.tools.replay_sweep import SUITE, prepare

CASE = replace({c.name: c for c in SUITE}["plain_trend"], name="treasury_trend")


def gate_21(target: Target, account: str) -> list[str]:
    with psycopg.connect(target.role_dsn("auditor")) as conn:
        (result,) = gates.run_gates(conn, [gates.VALIDATIONS_DIR / "21_treasury.sql"], gates.Scope(account=account))
    assert result.error is None, result.error
    return [str(r) for r in result.rows]


def test_a_paper_run_with_costs_and_reserve_reconciles_and_replays(market_db: Target) -> None:
    config = CASE.config()
    with market_db.connect("operator") as op:
        prepare(op, CASE)
        with op.transaction():
            api.set_limit(op, "default", "treasury_reserve_pct", "pct", Decimal(25), "treasury test")
            api.set_limit(op, "default", "treasury_window_days", "count", Decimal(7), "treasury test")
    first = HourRunner(market_db, config, stop_after=1, backtest_fast_commit=True)
    try:
        first.run()
    finally:
        first.close()
    with market_db.connect("operator") as op, op.transaction():
        api.declare_operating_cost(op, CASE.name, "infrastructure", Decimal(20), "USDT", "month",
                                   CASE.start + timedelta(hours=2), "treasury test: 20 USDT a month")
    rest = HourRunner(market_db, config, backtest_fast_commit=True)
    try:
        rest.run()
    finally:
        rest.close()

    with market_db.connect("auditor") as conn:
        costs, reserve, fee_expense = conn.execute(
            "SELECT sum(amount) FILTER (WHERE ledger = 'ops_cost'), sum(amount) FILTER (WHERE ledger = 'reserve'),"
            "       sum(amount) FILTER (WHERE ledger = 'fee_expense')"
            "  FROM api.treasury_balances WHERE account = %s", (CASE.name,)).fetchone() or (None, None, None)
        days = conn.execute("SELECT count(*) FROM api.treasury_status WHERE account = %s AND window_days = 1",
                            (CASE.name,)).fetchone()
    assert costs is not None and costs > 0, "the declared cost accrued"
    assert fee_expense is not None and fee_expense > 0, "fees were charged"
    assert (reserve or 0) >= 0, "a reserve only from gains (none when every trip lost)"
    assert days is not None and days[0] >= 13, "a status per UTC day"
    assert gate_21(market_db, CASE.name) == [], "gate 21 recomputes every status and memo from the journal"

    result = replay(market_db, CASE.name)
    assert result.parity, (result.mismatches[:3], result.unreplayable)

    # A planted wrong posting: a balanced realized memo the fills do not justify.
    with market_db.connect("admin") as conn, conn.transaction():
        conn.execute("SET LOCAL ROLE predator_owner")
        conn.execute(
            "SELECT ledger._post(a.book_id, 'realized', f.venue_trade_id, f.ts, ARRAY['realized_pnl', 'treasury'],"
            "                    ARRAY['USDT', 'USDT'], ARRAY[-50::numeric, 50::numeric])"
            "  FROM trading.account a JOIN trading.fill f ON f.book_id = a.book_id"
            " WHERE a.name = %s ORDER BY f.seq LIMIT 1", (CASE.name,))
    assert gate_21(market_db, CASE.name), "gate 21 finds the planted posting"
