"""The hour close stores the same rows and hashes, to the byte, as the code it was recorded on (issues 14/18).

A fixed paper run of a book of four strategies in three pools (tests.helpers.multi_strategy_book: trend and
meanrev in CORE, sma_cross in AGGRESSIVE, a fast trend in TAIL_RISK) over Binance's real 1h candles of BTC, ETH
and SOL from 2022-11-01 to 2022-11-11 (the FTX collapse), under pool, strategy and health limits
(tests.helpers.MULTI_LIMITS): pools and allocations refuse entries over budget, strategies are reduced,
killed alone (drawdown, daily loss), demoted and paused by their health score, positions are flagged by the
horizon review. Every governed row the run stored, every row hash and every hour's inputs and outputs hash is
digested (tests.helpers.stored_digest) and compared with the digest the same run produced on the code before
the hour close computed the strategies' figures set-based (risk.strategies_figures, market.bars_known).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import psycopg

from predator.db.connection import Target
from predator.runner.hour import HourRunner
from tests.conftest import MARKET_SYMBOLS
from tests.helpers import DIGEST_ADDED_NULLABLE, DIGEST_DERIVED, multi_strategy_book, set_multi_limits, stored_digest

START = datetime(2022, 11, 1, tzinfo=UTC)
END = datetime(2022, 11, 11, tzinfo=UTC)

#: Recorded by this test on main at commit 658d263 (before the set-based close), on PostgreSQL 15.
EXPECTED = "71e79c584fcdad90ef6c35359b75620524b34ac253ff692ce65d4ca00ac50ba4"
#: The same run's digest of the tables the hour close writes (to say which one moved when the whole differs).
EXPECTED_PARTS: dict[str, str] = {
    "portfolio.hourly_state": "6780e54fefbcd857b14c43dc45af97d883d9d8e5461e659753a3bebe0bfb643a",
    "portfolio.strategy_hour": "a6bfa13667bd19cb82fb9827a5753aae7b44633f5b227c60690e677e3dd3e05d",
    "risk.strategy_health": "f61fac6ee901a10320929d5102feb8e252303bf6d5b995a7cf17187f844b8b13",
    "risk.horizon_flag": "de57588c5d2da67ba3a3fc6b71c3dfab67333f34a5eed262b9e94faf1174d4b6",
    "risk.decision": "2281981a1f6408bc12001c3d46855a6260643941de9b522dfa991897b2f7ff3d",
    "risk.state_event": "bb8a39ee6b9ffa445a5892698f26762c9b40573bf554734a8db139a05c767148",
    "risk.halt_event": "5886e1285ca5c52d9f5c4bf136baafcdce9ed158e1b6aad2a56699cea1c1df1f",
    "trading.order_request": "fc93ffb060665fb5035c6740f05edafb83a32b34177cda14f4e4beafd8310a5e",
    "ops.chain_head": "f20735badd1789d7b50e1d6a801a648d4660ae7c07150e93b0c75594fb0af184",
}


def rows(db: Target, query: str) -> list[tuple[Any, ...]]:
    with db.connect("auditor") as conn:
        return conn.execute(query).fetchall()


def test_the_close_stores_the_rows_and_hashes_it_stored_before(market_db: Target) -> None:
    set_multi_limits(market_db, reason="close parity")
    runner = HourRunner(market_db, multi_strategy_book("parity", START, END, MARKET_SYMBOLS),
                        backtest_fast_commit=True)
    try:
        summary = runner.run()
    finally:
        runner.close()
    assert summary.hours == 241

    # The run went through the paths whose figures the close computes: kills, reduce moves, health actions,
    # horizon flags, pool refusals.
    moves = rows(market_db, "SELECT strategy, state_after, cause FROM api.risk_state_events ORDER BY seq")
    assert ("trend", "reducing", "strategy_daily_loss") in moves, moves
    kills = rows(market_db, "SELECT scope_key FROM api.halt_events WHERE scope_kind = 'strategy' ORDER BY seq")
    assert [k for (k,) in kills] == ["parity/trend", "parity/meanrev"], kills
    actions = rows(market_db, "SELECT strategy, action FROM api.strategy_health WHERE action IS NOT NULL"
                              " ORDER BY hour, strategy")
    assert {a for _, a in actions} >= {"demote", "pause"}, actions
    assert rows(market_db, "SELECT count(*) FROM api.horizon_flags") != [(0,)]
    refusals = summary.refusals
    assert refusals.get("pool_budget", 0) > 0 and refusals.get("strategy_allocation", 0) > 0, refusals

    with psycopg.connect(market_db.dsn) as conn:
        # The fill checkpoints (migration 0045, derived from the fills) and the signal's model (0044, NULL here) did
        # not exist when the digest was recorded.
        digest, parts = stored_digest(conn, exclude=DIGEST_DERIVED, added_nullable=DIGEST_ADDED_NULLABLE)
    moved = {t: parts.get(t) for t, d in EXPECTED_PARTS.items() if parts.get(t) != d}
    assert not moved, f"tables whose rows differ from the recorded run: {moved}"
    assert digest == EXPECTED, parts
