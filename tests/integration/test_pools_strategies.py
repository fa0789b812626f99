"""Several strategies in one book, over real data (issue 13 items 1 and 2; docs/risk.md).

Two scripted strategies share one paper book over Binance's real 1h candles of 8–9 November 2022, when SOL fell
by half: ``core`` (the run's own strategy, pool CORE) trades small BTC positions; ``reckless`` (pool
AGGRESSIVE) puts about 29 % of the book into SOL. Its own daily-loss limit (3 % of the book's day-start
equity) kills it alone at an hour close — its exit sells its SOL, its later signals are refused
``halted_strategy`` — while ``core`` keeps trading, the book is never halted, and every gate passes. Its second
entry, over the AGGRESSIVE pool's budget, was refused ``pool_budget`` on the way. Then gate 17 is shown to report
a strategy trading after its kill and a pool over budget at an hour close, planted the way
tests/integration/test_gates.py plants violations.
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
from predator.runner.config import StrategySpec
from predator.runner.hour import HourRunner, RunConfig
from predator.strategies.base import effective_params, load_strategy
from predator.venues.paper import PaperConfig

T0 = datetime(2022, 11, 8, tzinfo=UTC)
H = timedelta(hours=1)
SCRIPTED = "tests.fixtures.scripted:Scripted"
GATE_17 = [p for p in gates.gate_files() if p.stem == "17_pools_strategies"]


def at(hours: int) -> datetime:
    return T0 + hours * H


def params(plan: list[list[Any]]) -> dict[str, Any]:
    return effective_params(load_strategy(SCRIPTED, {"plan": plan, "expiry_hours": 1}))


CORE_PLAN = [
    [at(2).isoformat(), "BTC/USDT", "buy", "0.01", "market", None],
    [at(8).isoformat(), "BTC/USDT", "exit", None, "market", None],
    [at(30).isoformat(), "BTC/USDT", "buy", "0.01", "market", None],
    [at(34).isoformat(), "BTC/USDT", "exit", None, "market", None],
]
RECKLESS_PLAN = [
    [at(1).isoformat(), "SOL/USDT", "buy", "100", "market", None],
    [at(3).isoformat(), "SOL/USDT", "buy", "100", "market", None],  # over the AGGRESSIVE budget
    [at(30).isoformat(), "SOL/USDT", "buy", "10", "market", None],  # after its kill
]


def config(extra: tuple[StrategySpec, ...]) -> RunConfig:
    return RunConfig(
        account="pools",
        symbols=("BTC/USDT", "SOL/USDT"),
        strategy=SCRIPTED,
        params=params(CORE_PLAN),
        start=T0,
        end=T0 + timedelta(days=2),
        risk_profile="unconstrained",
        venue=PaperConfig(slippage_bps=Decimal(0), latency_jitter_ms=0),
        extra_strategies=extra,
    )


def rows(db: Target, sql: str, *args: Any) -> list[tuple[Any, ...]]:
    with db.connect("auditor") as conn:
        return conn.execute(sql, args).fetchall()


def tamper(db: Target, statement: str, *args: Any) -> None:
    with psycopg.connect(db.dsn) as conn:
        conn.execute("SET session_replication_role = replica")
        assert conn.execute(statement, args).rowcount >= 1


def gate_17(db: Target) -> list[tuple[Any, ...]]:
    with psycopg.connect(db.role_dsn("auditor")) as conn:
        (result,) = gates.run_gates(conn, GATE_17)
    assert result.error is None, result.error
    return result.rows


def test_a_single_strategy_run_keeps_its_run_id() -> None:
    one = config(())
    assert "extra_strategies" not in one.as_dict()
    two = config((StrategySpec("reckless", SCRIPTED, params(RECKLESS_PLAN), "AGGRESSIVE"),))
    assert two.run_id != one.run_id
    again = RunConfig.from_dict(two.as_dict())
    assert again.extra_strategies == two.extra_strategies and again.run_id == two.run_id
    with pytest.raises(ValueError, match="distinct names"):
        config((StrategySpec(SCRIPTED, SCRIPTED),))


def test_a_reckless_strategy_is_killed_alone_while_core_keeps_trading(market_db: Target) -> None:
    with market_db.connect("operator") as op:
        for limit, mode, value, scope in [("max_orders_per_hour", "count", Decimal(10), "*"),
                                          ("pool_budget", "pct", Decimal(35), "AGGRESSIVE"),
                                          ("strategy_max_daily_loss", "pct", Decimal(3), "*")]:
            api.set_limit(op, "unconstrained", limit, mode, value, "pools test", scope)
        op.commit()
    r = HourRunner(market_db, config((StrategySpec("reckless", SCRIPTED, params(RECKLESS_PLAN), "AGGRESSIVE"),)))
    try:
        r.prepare()
        for h in range(0, 37):
            r.step(at(h))
    finally:
        r.close()

    # reckless: one entry admitted, the second refused by its pool's budget, then killed by its own daily loss.
    decided = rows(market_db, "SELECT strategy, ts, outcome, reasons FROM api.decisions ORDER BY signal_seq")
    reckless = [(ts, outcome, reasons) for s, ts, outcome, reasons in decided if s == "reckless"]
    assert reckless[0][:2] == (at(1), "admitted")
    assert reckless[1] == (at(3), "refused", ["pool_budget"])
    assert reckless[2][:2] == (at(30), "refused") and "halted_strategy" in reckless[2][2]
    (kill,) = rows(market_db, "SELECT ts, reason, source FROM api.halt_events WHERE scope_key = 'pools/reckless'")
    assert kill[1].startswith("strategy_killed: strategy_daily_loss") and kill[2] == "system"
    assert at(1) < kill[0] < at(24), "killed within the day it lost more than 3 % of the book's equity"
    killed_at = rows(market_db, "SELECT daily_pnl FROM api.strategy_hours WHERE strategy = 'reckless' AND hour = %s",
                     kill[0])[0][0]
    assert killed_at <= Decimal(-300), "its own loss that day passed 3 % of the day-start equity 10000"
    # Its own exit sold its SOL; nothing of it is left.
    exits = rows(market_db,
                 "SELECT strategy, symbol, side, quantity, status FROM api.orders WHERE origin = 'strategy_kill'")
    assert exits == [("reckless", "SOL/USDT", "sell", Decimal(100), "filled")]
    assert rows(market_db, "SELECT quantity FROM api.positions WHERE account = 'pools' AND symbol = 'SOL/USDT'") \
        in ([], [(Decimal(0),)])

    # core traded before and after the kill, every one of its signals admitted; the book was never halted.
    core = [(ts, outcome) for s, ts, outcome, _ in decided if s == SCRIPTED]
    assert core == [(at(2), "admitted"), (at(8), "admitted"), (at(30), "admitted"), (at(34), "admitted")]
    assert any(ts > kill[0] for ts, _ in core)
    filled = rows(market_db, "SELECT count(*) FROM api.orders WHERE strategy = %s AND status = 'filled'", SCRIPTED)
    assert filled == [(4,)]
    active = rows(market_db, "SELECT scope_kind, scope_key FROM api.halts WHERE active")
    assert active == [("strategy", "pools/reckless")]

    # Every gate passes.
    with psycopg.connect(market_db.role_dsn("auditor")) as conn:
        results = gates.run_gates(conn)
    failed = {g.name: (g.error, g.rows[:3]) for g in results if not g.passed}
    assert not failed
    assert gate_17(market_db) == []

    # Planted: the kill dated before reckless' first entry -> it traded after its kill.
    tamper(market_db, "UPDATE risk.halt_event SET ts = %s WHERE scope_key = 'pools/reckless'", at(0))
    assert any("traded after its kill" in row[-1] for row in gate_17(market_db))
    # Planted: reckless' entry doubled -> the AGGRESSIVE pool over its budget at that hour's close.
    tamper(market_db, "UPDATE trading.order_request SET quantity = quantity * 2"
                      " WHERE strategy = 'reckless' AND origin = 'signal' AND ts = %s", at(1))
    assert any("pool AGGRESSIVE over budget at the hour close" in row[-1] for row in gate_17(market_db))
