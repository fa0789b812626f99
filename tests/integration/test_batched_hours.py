"""Quiet hours in one transaction, and stretches of them in one call, store the same rows and hashes as one commit
per hour (issue 18 items 1 and 2).

A backtest with fast commits over stored bars on the paper venue batches its quiet hours (``HourRunner.batching``):
the hours are savepoints of one transaction, committed before anything goes to the venue and at the end of each
simulated UTC day; a stretch of hours at which no symbol crosses (sma_cross declares them quiet) on an idle venue
is closed by one ``api.close_hours`` call. The same run (sma_cross 5/20 on Binance's real 1h candles of BTC, ETH
and SOL, 2023-03-01 to 2023-03-09) is stored once hour by hour and once batched, each in its own database, and every
governed row, row hash and hour hash is compared (tests.helpers.stored_digest). A worker killed inside a batch loses
the batch's hours (no commit covered them: the batch is real); its restart runs them again from what the database
holds and ends with the same digest. A drawdown flatten that trips inside a stretch ends the stretch there, and the
run (the flatten's exits sent after that hour, the halt in force) stores the hour-by-hour run's rows and hashes.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from predator.db import api
from predator.db.connection import Target
from predator.runner import replay as replay_mod
from predator.runner.hour import HourRunner, RunConfig
from predator.strategies.base import effective_params, load_strategy
from predator.tools.replay_sweep import observed
from tests.conftest import MARKET_SYMBOLS, create_database, drop_database
from tests.helpers import run_until_killed, stored_digest

START = datetime(2023, 3, 1, tzinfo=UTC)
END = datetime(2023, 3, 9, tzinfo=UTC)
HOUR = timedelta(hours=1)


def _config() -> RunConfig:
    given = {"fast": 5, "slow": 20, "max_positions": 3}
    return RunConfig(account="batched", symbols=MARKET_SYMBOLS, strategy="sma_cross",
                     params=effective_params(load_strategy("sma_cross", given), given), start=START, end=END,
                     risk_profile="unconstrained")


def _run(db: Target, *, every_hour: bool) -> int:
    """Run (or resume) the run; the hours it closed in stretches of quiet hours (api.close_hours)."""
    runner = HourRunner(db, _config(), backtest_fast_commit=True, commit_every_hour=every_hour)
    try:
        runner.run()
        assert runner.batching is not every_hour
        return runner.quiet_closed
    finally:
        runner.close()


def _digest(db: Target) -> tuple[str, dict[str, str]]:
    with db.connect("admin") as conn:
        return stored_digest(conn)


@pytest.fixture(scope="module")
def hour_by_hour(server: Target, market_template: Target) -> Iterator[Target]:
    """The reference: the run committed hour by hour, in its own database."""
    db = create_database(server, template=market_template.dbname)
    try:
        _run(db, every_hour=True)
        yield db
    finally:
        drop_database(server, db.dbname)


def test_batched_hours_store_the_rows_and_hashes_of_the_hour_by_hour_run(hour_by_hour: Target,
                                                                         market_db: Target) -> None:
    quiet = _run(market_db, every_hour=False)
    # Stretches of hours at which no symbol crosses, on an idle venue, went through api.close_hours: the hours
    # compared below include them.
    assert quiet > 24, quiet
    with market_db.connect("auditor") as conn:
        row = conn.execute("SELECT (SELECT count(*) FROM api.hourly_states WHERE account = 'batched'),"
                           " (SELECT count(*) FROM api.orders WHERE account = 'batched')").fetchone()
    assert row is not None and row[0] == 193
    assert row[1] >= 10, "the run traded: batches ended at order activity"
    whole, parts = _digest(market_db)
    ref_whole, ref_parts = _digest(hour_by_hour)
    assert {t: d for t, d in parts.items() if ref_parts.get(t) != d} == {}
    assert whole == ref_whole


def test_a_worker_killed_inside_a_batch_runs_its_hours_again(hour_by_hour: Target, market_db: Target,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    # A kill inside a batch: the latest hour (04:00 or later, so the day's checkpoint is behind it) that neither it
    # nor the three hours before saw order activity (an admission, or a fill collected), so that the batch holds
    # hours no commit has covered yet.
    with hour_by_hour.connect("auditor") as conn:
        active = {ts for (ts,) in conn.execute(
            "SELECT date_trunc('hour', ts) FROM api.orders WHERE account = 'batched'"
            " UNION SELECT date_trunc('hour', ts) + interval '1 hour' FROM api.fills WHERE account = 'batched'")}
    kill = next(t for t in (END - n * HOUR for n in range(1, 150))
                if t.hour >= 4 and not {t - k * HOUR for k in range(4)} & active)
    run_until_killed(market_db, _config(), monkeypatch, "mid_close", kill, backtest_fast_commit=True)
    with market_db.connect("auditor") as conn:
        row = conn.execute("SELECT max(hour) FROM api.hourly_states WHERE account = 'batched'").fetchone()
    assert row is not None and row[0] is not None
    assert row[0] <= kill - 4 * HOUR, "the batch's hours before the kill were not committed: the restart runs them"
    _run(market_db, every_hour=False)
    # The restart's start-up reconciliation is one more (chained) reconciliation row, which the later hours' chain
    # heads count: as after any restart. Every other governed row is the reference's, and the replay (hour by hour,
    # the hours' inputs and outputs hashes compared) finds parity.
    restart_rows = {"ops.reconciliation", "ops.chain_head", "portfolio.hourly_state"}
    parts, ref_parts = _digest(market_db)[1], _digest(hour_by_hour)[1]
    assert {t: d for t, d in parts.items() if ref_parts.get(t) != d and t not in restart_rows} == {}
    with market_db.connect("auditor") as conn:
        recs = conn.execute("SELECT count(*) FROM ops.reconciliation").fetchone()
    with hour_by_hour.connect("auditor") as conn:
        ref_recs = conn.execute("SELECT count(*) FROM ops.reconciliation").fetchone()
    assert recs is not None and ref_recs is not None and recs[0] == ref_recs[0] + 1
    result = replay_mod.replay(market_db, "batched")
    assert result.mismatches == [] and result.unreplayable == []
    assert result.parity and result.hours_compared == 193


def _flatten_run(db: Target, *, every_hour: bool) -> HourRunner:
    """The run with a drawdown flatten tier of 0.6 % on its profile, set by the operator first (it trips at the close of
    2023-03-01 17:00, inside a stretch of quiet hours)."""
    with db.connect("operator") as op, op.transaction():
        api.set_limit(op, "unconstrained", "drawdown_flatten_tier", "pct", Decimal("0.6"),
                      "test: a flatten in a quiet stretch")
    config = replace(_config(), account="flatten")
    runner = HourRunner(db, config, backtest_fast_commit=True, commit_every_hour=every_hour)
    try:
        runner.run()
        return runner
    finally:
        runner.close()


def test_a_flatten_inside_a_quiet_stretch_ends_it_where_the_hour_by_hour_run_acts(server: Target,
                                                                                 market_template: Target) -> None:
    # The drawdown tier trips at the close of an hour inside a stretch of quiet hours: api.close_hours stops after
    # that hour (the flatten's exits are open orders, the halt is in force), the runner sends the exits as the hour
    # step does, and goes on hour by hour. Every governed row and hash is the hour-by-hour run's.
    dbs = [create_database(server, template=market_template.dbname) for _ in range(2)]
    try:
        reference = _flatten_run(dbs[0], every_hour=True)
        batched = _flatten_run(dbs[1], every_hour=False)
        assert reference.quiet_closed == 0 and batched.quiet_closed > 0
        assert batched.quiet_cut >= 1, "no stretch was cut short: the flatten did not trip inside one"
        assert {"flatten", "halt"} <= observed(dbs[1], "flatten")
        whole, parts = _digest(dbs[1])
        ref_whole, ref_parts = _digest(dbs[0])
        assert {t: d for t, d in parts.items() if ref_parts.get(t) != d} == {}
        assert whole == ref_whole
    finally:
        for db in dbs:
            drop_database(server, db.dbname)
