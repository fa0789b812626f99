"""Strategy health and the volatility cap over real data (issue 13, items 4 and 5; docs/risk.md).

A scripted strategy claims an edge of 40 bps at confidence 0.55 on a daily six-hour BTC trade over six weeks of
real 2023 Binance bars (from 2023-03-01), under a profile with health thresholds and a volatility target. Its
trades do not earn what they claim: once it has ten trades the database demotes it (its entries are cut), and a
day later, after one more losing trade, pauses it, each with its recorded cause; then its signals are refused.
One oversized entry is refused by the volatility cap. Every gate passes on that book; then gate 19 reports each
planted violation (a recorded volatility cap lowered below the position, a cap in force that was not applied,
an order decided while its strategy was paused by health).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import psycopg
import pytest

from predator import gates
from predator.db import reads
from predator.db.connection import Target
from predator.runner.hour import HourRunner, RunConfig
from predator.strategies.base import effective_params, load_strategy
from predator.venues.paper import PaperConfig
from tests.conftest import create_database, drop_database

T0 = datetime(2023, 3, 1, tzinfo=UTC)
H = timedelta(hours=1)
DAYS = 42
STRATEGY = "tests.fixtures.scripted:Scripted"
ACCOUNT = "decay"
PROFILE = "t_decay"
OVERSIZED_DAY = 2


def plan() -> list[list[Any]]:
    """Buy 0.05 BTC at 00:00 and exit at 06:00 every day; on one day a second, oversized buy at 03:00."""
    out: list[list[Any]] = []
    for d in range(DAYS):
        day = T0 + timedelta(days=d)
        out.append([day.isoformat(), "BTC/USDT", "buy", "0.05", "market", None])
        out.append([(day + 6 * H).isoformat(), "BTC/USDT", "exit", None, "market", None])
        if d == OVERSIZED_DAY:
            out.append([(day + 3 * H).isoformat(), "BTC/USDT", "buy", "0.25", "market", None])
    return out


def set_up_profile(db: Target) -> None:
    with psycopg.connect(db.dsn) as conn:
        conn.execute("INSERT INTO risk.profile (profile, description) VALUES (%s, 'test: health and volatility cap')",
                     (PROFILE,))
        for name, mode, value in (("vol_target", "pct", 20), ("vol_window_hours", "count", 168),
                                  ("health_min_trades", "count", 10), ("health_window_hours", "count", 720),
                                  ("health_demote_score", "pct", 10), ("health_pause_score", "pct", 5),
                                  ("health_demoted_size", "pct", 50)):
            conn.execute("SELECT api.set_limit(%s, %s, %s, %s, 'test', '*')", (PROFILE, name, mode, value))


def rows(db: Target, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    with db.connect("auditor") as conn:
        return conn.execute(sql, params).fetchall()


@pytest.fixture(scope="module")
def decayed(server: Target, market_template: Target) -> Iterator[Target]:
    """A database where the scripted strategy ran its six weeks (built once; tests read it or copy it)."""
    target = create_database(server, template=market_template.dbname, prefix="predator_decay")
    try:
        set_up_profile(target)
        params = effective_params(load_strategy(STRATEGY, {"plan": plan(), "expiry_hours": 1, "edge_bps": 40.0,
                                                           "confidence": 0.55}))
        cfg = RunConfig(account=ACCOUNT, symbols=("BTC/USDT",), strategy=STRATEGY, params=params, start=T0,
                        end=T0 + timedelta(days=DAYS), risk_profile=PROFILE,
                        venue=PaperConfig(slippage_bps=Decimal(0), latency_jitter_ms=0))
        r = HourRunner(target, cfg)
        r.prepare()
        try:
            for h in range(DAYS * 24):
                r.step(T0 + h * H)
        finally:
            r.close()
        yield target
    finally:
        drop_database(server, target.dbname)


def test_a_strategy_whose_edge_decays_is_demoted_then_paused_never_silently(decayed: Target) -> None:
    actions = rows(decayed, "SELECT hour, action, state_before, state, score, trades, realized_edge_bps, cause"
                            " FROM api.strategy_health WHERE account = %s AND action IS NOT NULL ORDER BY hour",
                   ACCOUNT)
    assert [a[1] for a in actions[:2]] == ["demote", "pause"], actions
    demote, pause = actions[0], actions[1]
    assert demote[4] < Decimal("0.1") and pause[4] < Decimal("0.05")
    assert demote[5] >= 10 and demote[6] < 0, "scored on at least 10 trades, realized below zero against 40 bps claimed"
    assert pause[5] > demote[5] and pause[0] - demote[0] >= timedelta(hours=12), \
        "paused only on new evidence (a trade closed since the demotion), not in the hour after it"
    assert "1 trade(s) closed since the demotion" in pause[7]
    assert "below health_demote_score" in demote[7] and "below health_pause_score" in pause[7]
    first_scored = rows(decayed, "SELECT min(hour) FROM api.strategy_health WHERE account = %s AND score IS NOT NULL",
                        ACCOUNT)[0][0]
    assert first_scored == demote[0], "unscored until its tenth trade, demoted at the first score"

    # While demoted its entries were cut: each buy recorded the cut (half the equity: no order cap) and kept to it.
    cut = rows(decayed, "SELECT outcome, (figures->'caps'->>'health_demoted_cap')::numeric,"
                        " (figures->>'notional')::numeric FROM api.decisions"
                        " WHERE account = %s AND ts > %s AND ts < %s AND figures->'caps' ? 'health_demoted_cap'",
               ACCOUNT, demote[0], pause[0])
    assert cut and all(o == "admitted" and n <= c for o, c, n in cut), cut

    status = rows(decayed, "SELECT status FROM api.strategies WHERE account = %s", ACCOUNT)[0][0]
    assert status == "paused"
    incidents = rows(decayed, "SELECT title, description FROM api.incidents WHERE account = %s"
                              " AND title LIKE '%%paused by its health score'", ACCOUNT)
    assert len(incidents) == 1 and incidents[0][1] == pause[7]

    strategy = rows(decayed, "SELECT strategy FROM api.strategies WHERE account = %s", ACCOUNT)[0][0]
    with decayed.connect("auditor") as conn:
        (blocker,) = reads.blockers(conn, ACCOUNT, strategy)
    assert (blocker.kind, blocker.source, blocker.reason, blocker.ts) == ("pause", "system", pause[7], pause[0]), \
        "a run stopped by the pause names the health score's cause"

    after = rows(decayed, "SELECT outcome, reasons FROM api.decisions WHERE account = %s AND ts >= %s ORDER BY ts",
                 ACCOUNT, pause[0])
    assert after, "the strategy kept proposing after its pause"
    assert all(o == "refused" and "strategy_paused" in rs for o, rs in after)
    # Scored at every closed hour: one row per strategy and hour, never skipped.
    health_rows = rows(decayed, "SELECT count(*), count(DISTINCT hour) FROM api.strategy_health WHERE account = %s",
                       ACCOUNT)[0]
    assert health_rows[0] == health_rows[1] == DAYS * 24, "one health row per strategy and closed hour"


def test_the_volatility_cap_refuses_the_oversized_entry_on_real_bars(decayed: Target) -> None:
    t = T0 + timedelta(days=OVERSIZED_DAY) + 3 * H
    (reasons, figures), = rows(decayed, "SELECT reasons, figures FROM api.decisions WHERE account = %s AND ts = %s",
                               ACCOUNT, t)
    assert reasons == ["volatility_cap"]
    caps = figures["caps"]
    assert caps["volatility_returns"] == 168
    assert Decimal(str(figures["instrument_after"])) > Decimal(str(caps["volatility_cap"]))
    admitted = rows(
        decayed, "SELECT (d.figures->'caps'->>'volatility_cap')::numeric, (d.figures->>'instrument_after')::numeric"
                 " FROM api.decisions d JOIN api.orders o ON o.client_order_id = d.client_order_id"
                 " WHERE d.account = %s AND o.side = 'buy'", ACCOUNT)
    assert admitted and all(cap is not None and after <= cap for cap, after in admitted)


def test_every_gate_passes_on_the_decayed_book(decayed: Target) -> None:
    with decayed.connect("auditor") as conn:
        results = gates.run_gates(conn)
    failed = {r.name: (r.error, r.rows[:3]) for r in results if not r.passed}
    assert "19_sizing_health" in {r.name for r in results}
    assert not failed


BOOK = f"(SELECT book_id FROM trading.account WHERE name = '{ACCOUNT}')"
FIRST_BUY = (f"(SELECT client_order_id FROM trading.order_request WHERE book_id = {BOOK} AND side = 'buy'"
             " ORDER BY seq LIMIT 1)")
TAMPERS = [
    ("a recorded volatility cap lowered below the position",
     f"UPDATE risk.decision SET figures = jsonb_set(figures, '{{caps,volatility_cap}}', '1')"
     f" WHERE client_order_id = {FIRST_BUY}"),
    ("a volatility cap in force that the admission did not apply",
     f"UPDATE risk.decision SET figures = figures #- '{{caps,vol_target}}' #- '{{caps,volatility_cap}}'"
     f" WHERE client_order_id = {FIRST_BUY}"),
    ("an order decided while its strategy was paused by health",
     f"UPDATE risk.strategy_health SET state = 'paused' WHERE book_id = {BOOK}"
     f" AND hour = (SELECT ts FROM trading.order_request WHERE client_order_id = {FIRST_BUY})"),
]


@pytest.mark.parametrize(("what", "statement"), TAMPERS, ids=[w for w, _ in TAMPERS])
def test_gate_19_reports_a_planted_violation(server: Target, decayed: Target, what: str, statement: str) -> None:
    copy = create_database(server, template=decayed.dbname, prefix="predator_tamper")
    try:
        with psycopg.connect(copy.dsn) as conn:
            conn.execute("SET session_replication_role = replica")
            assert conn.execute(statement).rowcount >= 1, statement
        with copy.connect("auditor") as conn:
            results = {r.name: r for r in gates.run_gates(conn)}
        gate = results["19_sizing_health"]
        assert gate.error is None, gate.error
        assert gate.violations > 0, f"gate 19 did not report: {what}"
    finally:
        drop_database(server, copy.dbname)
