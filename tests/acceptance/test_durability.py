"""Durable by default (issue 9): a lost database connection ends the worker with one line that says what to
do (no traceback, exit code 3), and a restart resumes to the same hour hashes as an uninterrupted run;
fast commits exist only for backtests over closed history; an incident written before migration 0009 (its
wall-clock opened_at in the hash) still verifies after it, and incidents written after leave wall time out."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta

import psycopg
import pytest

from predator import errors, gates
from predator.config import PROJECT_ROOT
from predator.db import api, migrate
from predator.db.connection import Target
from predator.runner.hour import HourRunner, RunConfig, fast_commit_refusal
from tests.acceptance.test_crash_restart import ARGS, _closed_hours, _state
from tests.conftest import create_database, drop_database


def _predator(target: Target, *extra: str) -> subprocess.Popen[bytes]:
    env = dict(os.environ, PREDATOR_DSN=target.dsn, PREDATOR_LOG=os.devnull)
    return subprocess.Popen(
        [sys.executable, "-m", "predator.cli", *ARGS, *extra],
        env=env,
        cwd=PROJECT_ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def test_a_lost_connection_ends_the_worker_with_one_line_and_a_restart_resumes_to_the_same_hashes(
    server: Target, market_template: Target
) -> None:
    reference = create_database(server, template=market_template.dbname)
    cut = create_database(server, template=market_template.dbname)
    try:
        proc = _predator(reference)
        _, err = proc.communicate(timeout=600)
        assert proc.returncode == 0, err.decode()[-2000:]

        proc = _predator(cut)
        deadline = time.monotonic() + 120
        while proc.poll() is None and _closed_hours(cut) < 150 and time.monotonic() < deadline:
            time.sleep(0.01)
        if proc.poll() is not None:
            _, err = proc.communicate()
            pytest.fail(f"the run ended (exit {proc.returncode}) before its connection could be cut: "
                        f"{err.decode()[-2000:]}")
        with psycopg.connect(server.with_dbname("postgres").dsn, autocommit=True) as admin:
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                (cut.dbname,),
            )
        _, err = proc.communicate(timeout=120)
        lines = err.decode().strip().splitlines()
        assert proc.returncode == 3
        assert len(lines) == 1 and "Traceback" not in err.decode()
        assert "lost the database connection" in lines[0] and "run the same command again" in lines[0]
        assert 150 <= _closed_hours(cut) < 20 * 24 + 1

        proc = _predator(cut)
        _, err = proc.communicate(timeout=600)
        assert proc.returncode == 0, err.decode()[-2000:]
        expected, got = _state(reference), _state(cut)
        assert len(got["hours"]) == 20 * 24 + 1
        assert got == expected
    finally:
        time.sleep(0.2)
        drop_database(server, reference.dbname)
        drop_database(server, cut.dbname)


def test_paper_commits_wait_for_the_wal_flush_unless_a_backtest_over_history_asks_otherwise(
    market_db: Target,
) -> None:
    cfg = RunConfig(
        account="durable",
        symbols=("BTC/USDT",),
        strategy="trend",
        params={},
        start=datetime(2023, 2, 1, tzinfo=UTC),
        end=datetime(2023, 2, 2, tzinfo=UTC),
    )
    with psycopg.connect(market_db.dsn, autocommit=True) as admin:  # a server whose default is fast commits
        admin.execute(f'ALTER DATABASE "{market_db.dbname}" SET synchronous_commit = off')
    for fast, expected in ((False, "on"), (True, "off")):
        runner = HourRunner(market_db, cfg, backtest_fast_commit=fast)
        try:
            runner.prepare()
            assert runner.conn is not None
            assert runner.conn.execute("SHOW synchronous_commit").fetchone() == (expected,)
        finally:
            runner.close()
    now = datetime.now(UTC)
    live = RunConfig(**{**cfg.__dict__, "account": "live", "start": now - timedelta(days=1), "end": now})
    assert fast_commit_refusal(live) is not None and fast_commit_refusal(cfg) is None
    runner = HourRunner(market_db, live, backtest_fast_commit=True)
    with pytest.raises(errors.ConfigurationError):
        runner.prepare()
    runner.close()


def test_an_incident_written_before_migration_0009_still_verifies_and_later_ones_leave_wall_time_out(
    empty_db: Target,
) -> None:
    migrate.upgrade(empty_db)
    migrate.downgrade(empty_db, "0008")  # the schema as it was before 0009, chain triggers in place
    with psycopg.connect(empty_db.dsn) as su:  # rows as the code before 0009 wrote them
        su.execute(
            "INSERT INTO ops.incident (book_id, severity, category, scope, title, description, source, actor, ts)"
            " VALUES (0, 2, 'risk', 'global', 'before 0009', 'wall time in the hash', 'operator', 'someone', NULL)"
        )
        su.execute(
            "INSERT INTO ops.incident_update (book_id, incident_book_id, incident_seq, action, reason, actor)"
            " VALUES (0, 0, 1, 'comment', 'before 0009', 'someone')"
        )
    migrate.upgrade(empty_db)
    with empty_db.connect("operator") as op, op.transaction():
        api.halt(op, "an operator halt after 0009")
        op.execute("SELECT api.update_incident('INC-0-1', 'resolved', 'checked after 0009')")
    with empty_db.connect("auditor") as conn:
        rows = conn.execute("SELECT seq, opened_at IS NOT NULL FROM ops.incident ORDER BY seq").fetchall()
        assert rows == [(1, True), (2, False)]
        updates = conn.execute("SELECT seq, incident_book_id FROM ops.incident_update ORDER BY seq").fetchall()
        assert updates == [(1, 0), (2, None)]
        assert conn.execute("SELECT count(*) FROM api.incidents WHERE opened_at IS NULL").fetchone() == (0,)
        assert conn.execute("SELECT status FROM api.incidents WHERE seq = 1").fetchone() == ("resolved",)
        assert gates.verify(conn).ok
