"""Seed 001 B1 and B2 over real candles: strategies die, the system lives (issue 13, section "Tests").

* **B2, a reckless strategy dies alone.** One paper book on Binance's real 1h candles of 7–10 November 2022
  (the FTX collapse), shipped ``default`` risk profile. ``core`` (the run's own strategy, pool CORE) trades
  small BTC and ETH positions every day. ``reckless`` (pool AGGRESSIVE, budget and allocation 20 % of the
  book) goes all in on SOL at 2022-11-09 00:00, the day SOL fell 42 % from open to close. Its own loss reaches
  its ``strategy_max_daily_loss`` (3 % of the book's day-start equity, i.e. 15 % of its allocation) that
  morning and it is killed alone: a strategy-scope halt with its cause, its SOL sold by its own exit, its
  later signal refused ``halted_strategy``. ``core`` keeps trading after the kill (orders admitted and filled),
  the book is never halted nor moved out of ``normal``, its equity stays above 9,500 of 10,000, every gate
  passes (``predator validate``) and the run replays to parity.
* **B1, an edge that decays over two months is demoted, then paused.** A scripted strategy claims 40 bps at
  confidence 0.55 on every trade of a daily six-hour BTC round trip over eight weeks of real 2022 bars (from
  2022-08-01). Its realized trades turn from winning to losing: in week w (0..7) the first 7 − w trades of the
  week are taken in a six-hour window of that day in which BTC rose, the others in one in which it fell (quiet
  days, without a 0.5 % move either way, are skipped). Under health limits set with ``api.set_limit`` on the
  ``default`` profile (14-day window, demote below 0.10, pause below 0.05), strategy health leaves it alone for
  its first five weeks, demotes it on 2022-09-08, restores it the next day after a winning trade, demotes it
  again on 2022-09-13 and pauses it on 2022-09-14, each move with its recorded cause; an incident is open for
  the pause and every later signal is refused ``strategy_paused``. Every gate passes.

Outcomes are read from the api views as the auditor.
"""

from __future__ import annotations

import gzip
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import psycopg
from click.testing import CliRunner

from predator import config as predator_config
from predator import gates
from predator.cli import main
from predator.db import api
from predator.db.connection import Target
from predator.runner import replay as replay_mod
from predator.runner.config import StrategySpec
from predator.runner.hour import HourRunner, RunConfig
from predator.strategies.base import effective_params, load_strategy

H = timedelta(hours=1)
SCRIPTED = "tests.fixtures.scripted:Scripted"


def rows(db: Target, sql: str, *args: Any) -> list[tuple[Any, ...]]:
    with db.connect("auditor") as conn:
        return conn.execute(sql, args).fetchall()


def params(plan: list[list[Any]], **extra: Any) -> dict[str, Any]:
    return effective_params(load_strategy(SCRIPTED, {"plan": plan, "expiry_hours": 1, **extra}))


def run(db: Target, cfg: RunConfig, hours: int) -> None:
    r = HourRunner(db, cfg)
    try:
        r.prepare()
        for h in range(hours):
            r.step(cfg.start + h * H)
    finally:
        r.close()


def every_gate_passes(db: Target) -> None:
    with psycopg.connect(db.role_dsn("auditor")) as conn:
        results = gates.run_gates(conn)
    failed = {g.name: (g.error, g.rows[:3]) for g in results if not g.passed}
    assert not failed
    cli = CliRunner().invoke(main, ["validate", "--dsn", db.role_dsn("auditor")])
    assert cli.exit_code == 0, cli.output


# --- Seed 001 B2 -------------------------------------------------------------------------------------------

B2_T0 = datetime(2022, 11, 7, tzinfo=UTC)
B2_DAYS = 4
B2_ACCOUNT = "seed001_b2"
CRASH = datetime(2022, 11, 9, tzinfo=UTC)  # SOL/USDT 24.38 -> 14.08 open to close


def b2_at(day: int, hour: int) -> str:
    return (B2_T0 + timedelta(days=day, hours=hour)).isoformat()


def core_plan() -> list[list[Any]]:
    """Small BTC and ETH round trips every day; on the crash day after the reckless strategy's kill."""
    out: list[list[Any]] = []
    for day in range(B2_DAYS):
        entry = 12 if day == 2 else 2
        for symbol, qty in (("BTC/USDT", "0.02"), ("ETH/USDT", "0.2")):
            out.append([b2_at(day, entry), symbol, "buy", qty, "market", None])
            out.append([b2_at(day, entry + 6), symbol, "exit", None, "market", None])
    return out


RECKLESS_PLAN = [
    [CRASH.isoformat(), "SOL/USDT", "buy", "80", "market", None],  # 80 x 24.38 = 1,950: all of its 20 %
    [(CRASH + 14 * H).isoformat(), "SOL/USDT", "buy", "10", "market", None],  # buying the dip, after its kill
]


def b2_config() -> RunConfig:
    return RunConfig(
        account=B2_ACCOUNT,
        symbols=("BTC/USDT", "ETH/USDT", "SOL/USDT"),
        strategy=SCRIPTED,
        params=params(core_plan()),
        start=B2_T0,
        end=B2_T0 + timedelta(days=B2_DAYS),
        risk_profile="default",
        extra_strategies=(StrategySpec("reckless", SCRIPTED, params(RECKLESS_PLAN), "AGGRESSIVE"),),
    )


def test_seed001_b2_a_reckless_strategy_loses_15_pct_in_a_day_and_dies_alone(market_db: Target) -> None:
    sol_day = rows(market_db, "SELECT (array_agg(open ORDER BY ts))[1], min(low),"
                              " (array_agg(close ORDER BY ts DESC))[1] FROM api.candles"
                              " WHERE venue = 'binance' AND symbol = 'SOL/USDT' AND interval = '1h'"
                              " AND ts >= %s AND ts < %s", CRASH, CRASH + 24 * H)[0]
    assert sol_day[2] / sol_day[0] - 1 < Decimal("-0.15"), f"SOL fell hard on {CRASH:%Y-%m-%d}: {sol_day}"

    with market_db.connect("operator") as op:
        for limit, mode, value, scope in [("pool_budget", "pct", Decimal(20), "AGGRESSIVE"),
                                          ("strategy_allocation", "pct", Decimal(20), "reckless"),
                                          ("strategy_max_daily_loss", "pct", Decimal(3), "*")]:
            api.set_limit(op, "default", limit, mode, value, "seed 001 B2", scope)
        op.commit()
    run(market_db, b2_config(), B2_DAYS * 24)

    # reckless: all in, then killed alone by its own daily loss on the crash morning.
    decided = rows(market_db, "SELECT strategy, ts, outcome, reasons FROM api.decisions WHERE account = %s"
                              " ORDER BY signal_seq", B2_ACCOUNT)
    reckless = [(ts, outcome, reasons) for s, ts, outcome, reasons in decided if s == "reckless"]
    assert [r[:2] for r in reckless] == [(CRASH, "admitted"), (CRASH + 14 * H, "refused")], reckless
    assert {"halted_strategy", "strategy_daily_loss"} <= set(reckless[1][2]), reckless
    (kill,) = rows(market_db, "SELECT ts, reason, source FROM api.halt_events WHERE scope_key = %s",
                   f"{B2_ACCOUNT}/reckless")
    kill_ts, kill_reason, kill_source = kill
    assert kill_reason.startswith("strategy_killed: strategy_daily_loss") and kill_source == "system"
    assert CRASH < kill_ts < CRASH + 12 * H, "killed the morning it lost, not at the day's end"
    (figures,) = rows(market_db, "SELECT daily_pnl, actions FROM api.strategy_hours"
                                 " WHERE account = %s AND strategy = 'reckless' AND hour = %s", B2_ACCOUNT, kill_ts)
    assert "strategy_killed" in figures[1]
    # It lost about 15 % of its allocation (20 % of the book, 2,000) in the day: 3 % of the book and a little more.
    loss_share = -figures[0] / Decimal(2000)
    assert Decimal("0.15") <= loss_share < Decimal("0.20"), loss_share
    # Its own exit sold all its SOL; what it lost overall is about the same.
    exits = rows(market_db, "SELECT strategy, symbol, side, quantity, status FROM api.orders"
                            " WHERE account = %s AND origin = 'strategy_kill'", B2_ACCOUNT)
    assert exits == [("reckless", "SOL/USDT", "sell", Decimal(80), "filled")]
    (final_pnl,) = rows(market_db, "SELECT pnl FROM api.strategy_hours WHERE account = %s AND strategy = 'reckless'"
                                   " ORDER BY hour DESC LIMIT 1", B2_ACCOUNT)[0]
    assert Decimal(-400) < final_pnl <= Decimal(-300), final_pnl
    assert rows(market_db, "SELECT quantity FROM api.positions WHERE account = %s AND symbol = 'SOL/USDT'"
                           " AND quantity <> 0", B2_ACCOUNT) == []
    assert rows(market_db, "SELECT status FROM api.incidents WHERE account = %s AND description LIKE %s",
                B2_ACCOUNT, "%strategy_daily_loss%") == [("open",)]

    # core keeps trading: every one of its 16 signals admitted, all 16 of its orders filled, 8 of them after the kill.
    core = [(ts, outcome) for s, ts, outcome, _ in decided if s == SCRIPTED]
    assert len(core) == 16 and all(o == "admitted" for _, o in core), core
    after_kill = rows(market_db, "SELECT count(*) FILTER (WHERE status = 'filled'), count(*) FROM api.orders"
                                 " WHERE account = %s AND strategy = %s AND ts > %s", B2_ACCOUNT, SCRIPTED, kill_ts)
    assert after_kill == [(8, 8)], after_kill
    assert rows(market_db, "SELECT count(*) FROM api.orders WHERE account = %s AND strategy = %s"
                           " AND status = 'filled'", B2_ACCOUNT, SCRIPTED) == [(16,)]

    # The book survives: only the strategy's scope is halted, the book's risk state never left normal, equity > 9,500.
    assert rows(market_db, "SELECT scope_kind, scope_key FROM api.halts WHERE active") == \
        [("strategy", f"{B2_ACCOUNT}/reckless")]
    assert rows(market_db, "SELECT state_after, cause FROM api.risk_state_events WHERE account = %s"
                           " AND strategy IS NULL AND state_after <> 'normal'", B2_ACCOUNT) == []
    # ... while the strategy's own risk state moved to halted at its kill (issue 13 item 3).
    assert rows(market_db, "SELECT strategy, state_before, state_after, cause, ts FROM api.risk_state_events"
                           " WHERE account = %s AND strategy IS NOT NULL", B2_ACCOUNT) == \
        [("reckless", "normal", "halted", "halt", kill_ts)]
    assert rows(market_db, "SELECT state FROM api.risk_states WHERE account = %s", B2_ACCOUNT) == [("normal",)]
    equity = rows(market_db, "SELECT min(equity), (array_agg(equity ORDER BY hour DESC))[1], count(*)"
                             " FROM api.hourly_states WHERE account = %s", B2_ACCOUNT)[0]
    assert equity[2] == B2_DAYS * 24
    assert equity[0] > Decimal(9500) and equity[1] > Decimal(9500), equity

    every_gate_passes(market_db)

    result = replay_mod.replay(market_db, B2_ACCOUNT)
    assert result.mismatches == [] and result.unreplayable == [], (result.mismatches[:3], result.unreplayable)
    assert result.parity and result.hours_compared == B2_DAYS * 24


# --- Seed 001 B1 -------------------------------------------------------------------------------------------

B1_T0 = datetime(2022, 8, 1, tzinfo=UTC)
B1_WEEKS = 8
B1_ACCOUNT = "seed001_b1"
HOLD = 6


def btc_opens() -> dict[datetime, Decimal]:
    """Open price per hour of Binance BTC/USDT around the B1 run, from the same file the market template loads."""
    path = predator_config.data_dir() / "candles" / "binance_BTC-USDT_1h.csv.gz"
    out: dict[datetime, Decimal] = {}
    lo, hi = B1_T0 - timedelta(days=1), B1_T0 + timedelta(weeks=B1_WEEKS, days=2)
    with gzip.open(path, "rt") as f:
        next(f)
        for line in f:
            ts_text, open_text = line.split(",", 2)[:2]
            ts = datetime.fromisoformat(ts_text.replace("Z", "+00:00"))
            if lo <= ts < hi:
                out[ts] = Decimal(open_text)
    return out


def decaying_plan() -> tuple[list[list[Any]], list[bool]]:
    """One 0.03 BTC round trip a day, entry at hour e (0..17) and exit at e + 6; a market order decided at t
    fills at the open of the bar opening at t, so the trade earns open(e + 6) / open(e) - 1 before fees. Day d
    of week w = d // 7 is a winner (the day's best such window, at least +0.5 %) when d % 7 < 7 - w, otherwise a
    loser (the day's worst, at most -0.5 %)."""
    opens = btc_opens()
    plan: list[list[Any]] = []
    winners: list[bool] = []
    for d in range(B1_WEEKS * 7):
        day = B1_T0 + timedelta(days=d)
        moves = {e: opens[day + (e + HOLD) * H] / opens[day + e * H] - 1 for e in range(18)
                 if day + e * H in opens and day + (e + HOLD) * H in opens}
        win = d % 7 < 7 - d // 7
        e = max(moves, key=lambda k: moves[k]) if win else min(moves, key=lambda k: moves[k])
        if win and moves[e] < Decimal("0.005") or not win and moves[e] > Decimal("-0.005"):
            continue  # a quiet day: no trade
        plan.append([(day + e * H).isoformat(), "BTC/USDT", "buy", "0.03", "market", None])
        plan.append([(day + (e + HOLD) * H).isoformat(), "BTC/USDT", "exit", None, "market", None])
        winners.append(win)
    return plan, winners


def test_seed001_b1_an_edge_that_decays_over_two_months_is_demoted_then_paused(market_db: Target) -> None:
    plan, winners = decaying_plan()
    assert sum(winners[:len(winners) // 2]) > 3 * sum(winners[len(winners) // 2:]), "winning first, losing later"
    with market_db.connect("operator") as op:
        for name, mode, value in (("health_window_hours", "count", 336), ("health_min_trades", "count", 10),
                                  ("health_demote_score", "pct", 10), ("health_pause_score", "pct", 5),
                                  ("health_demoted_size", "pct", 50)):
            api.set_limit(op, "default", name, mode, Decimal(value), "seed 001 B1", "*")
        op.commit()
    cfg = RunConfig(account=B1_ACCOUNT, symbols=("BTC/USDT",), strategy=SCRIPTED,
                    params=params(plan, edge_bps=40.0, confidence=0.55), start=B1_T0,
                    end=B1_T0 + timedelta(weeks=B1_WEEKS), risk_profile="default")
    run(market_db, cfg, B1_WEEKS * 7 * 24)

    health = rows(market_db, "SELECT hour, state, score, trades, realized_edge_bps, action, cause"
                             " FROM api.strategy_health WHERE account = %s ORDER BY hour", B1_ACCOUNT)
    assert len(health) == B1_WEEKS * 7 * 24, "scored at every closed hour"
    actions = [h for h in health if h[5] is not None]
    kinds = [a[5] for a in actions]
    # Demoted, perhaps restored by a winning trade and demoted again, then paused: the last two moves.
    assert kinds[0] == "demote" and kinds[-2:] == ["demote", "pause"], actions
    assert set(kinds) <= {"demote", "restore", "pause"} and kinds.count("pause") == 1, actions
    first_demote, demote, pause = actions[0], actions[-2], actions[-1]
    # While it won it was scored and left alone: healthy scores for at least two weeks before the first demotion.
    healthy = [h for h in health if h[2] is not None and h[0] < first_demote[0]]
    assert healthy and healthy[-1][0] - healthy[0][0] >= timedelta(weeks=2), healthy[:1]
    assert all(h[1] == "normal" and h[2] >= Decimal("0.1") for h in healthy)
    assert max(h[4] for h in healthy) > 0, "it once earned more than nothing per trade"
    # The decay: demoted in the second month, below the thresholds, each with its cause.
    assert B1_T0 + timedelta(weeks=4) <= first_demote[0] <= demote[0] < pause[0] < B1_T0 + timedelta(weeks=B1_WEEKS)
    for d in (first_demote, demote):
        assert d[1] == "demoted" and d[2] < Decimal("0.1") and "below health_demote_score" in d[6], d
        assert d[3] >= 10 and d[4] < 0, "scored on at least 10 trades, realized below zero against 40 bps claimed"
    assert pause[1] == "paused" and pause[2] < Decimal("0.05") and "below health_pause_score" in pause[6]
    assert "trade(s) closed since the demotion" in pause[6], "paused on new evidence, not in the hour after"

    assert rows(market_db, "SELECT status FROM api.strategies WHERE account = %s", B1_ACCOUNT) == [("paused",)]
    incidents = rows(market_db, "SELECT status, ts, description FROM api.incidents WHERE account = %s"
                                " AND title LIKE '%%paused by its health score'", B1_ACCOUNT)
    assert incidents == [("open", pause[0], pause[6])], incidents

    after = rows(market_db, "SELECT outcome, reasons FROM api.decisions WHERE account = %s AND ts >= %s",
                 B1_ACCOUNT, pause[0])
    assert after, "it kept proposing after its pause"
    assert all(o == "refused" and "strategy_paused" in r for o, r in after), after
    assert rows(market_db, "SELECT count(*) FROM api.orders WHERE account = %s AND origin = 'signal'"
                           " AND ts >= %s", B1_ACCOUNT, pause[0]) == [(0,)]

    every_gate_passes(market_db)
