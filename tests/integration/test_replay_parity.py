"""Replay parity everywhere (issue 9): runs that halt on the daily loss, trip a breaker, flatten on a drawdown
tier or through the operator's kill switch, and a run started by the scheduler with its end in 2099, each
replayed in a scratch database to REPLAY PARITY: TRUE; the scratch database never outlives its replay."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from dataclasses import replace
from datetime import timedelta

import psycopg
import pytest

from predator.config import PROJECT_ROOT
from predator.db.connection import Target
from predator.runner import replay as replay_mod
from predator.tools.replay_sweep import SUITE, Case, observed, run_case
from tests.conftest import create_database, drop_database


@pytest.mark.parametrize("case", SUITE, ids=[c.name for c in SUITE])
def test_each_sweep_run_shows_what_it_provokes_and_replays_to_parity(
    case: Case, server: Target, market_template: Target
) -> None:
    db = create_database(server, template=market_template.dbname)
    try:
        run_case(db, case)
        assert set(case.expect) <= observed(db, case.name)
        result = replay_mod.replay(db, case.name)
        assert result.mismatches == [] and result.unreplayable == []
        assert result.parity
        with db.connect("auditor") as conn:
            last = conn.execute("SELECT max(hour) FROM api.hourly_states WHERE account = %s", (case.name,)).fetchone()
        assert last is not None and result.last_hour == last[0]
        if case.kill_after is not None:
            assert result.interventions == 1
    finally:
        drop_database(server, db.dbname)


def _scratch_databases(server: Target) -> list[str]:
    with psycopg.connect(server.with_dbname("postgres").dsn, autocommit=True) as conn:
        return [
            n
            for (n,) in conn.execute(
                "SELECT datname FROM pg_database WHERE datname LIKE %s", (replay_mod.SCRATCH_PREFIX + r"\_%",)
            )
        ]


@pytest.mark.xdist_group("replay_scratch")
def test_an_orphaned_scratch_database_is_dropped_and_a_live_or_kept_one_is_left(server: Target) -> None:
    orphan, live, kept = (f"{replay_mod.SCRATCH_PREFIX}_{uuid.uuid4().hex[:12]}" for _ in range(3))
    admin = server.with_dbname("postgres").dsn
    with psycopg.connect(admin, autocommit=True) as conn, psycopg.connect(admin, autocommit=True) as holder:
        for name in (orphan, live, kept):
            conn.execute(f'CREATE DATABASE "{name}"')
        conn.execute(f"COMMENT ON DATABASE \"{kept}\" IS '{replay_mod.KEPT_COMMENT}'")
        holder.execute(f"SELECT pg_advisory_lock({replay_mod.LOCK_CLASS}, hashtext('{live}'))")
        try:
            dropped = replay_mod.drop_orphaned_scratch(server)
            assert live not in dropped and kept not in dropped
            left = _scratch_databases(server)
            # A replay running elsewhere on this server may be sweeping the orphan at the same moment: it holds
            # the orphan's lock while its DROP runs, so this sweep skipped it; that drop ends soon.
            deadline = time.monotonic() + 30
            while orphan not in dropped and orphan in left and time.monotonic() < deadline:
                time.sleep(0.2)
                left = _scratch_databases(server)
            assert orphan not in left and live in left and kept in left
        finally:
            for name in (live, kept):
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _sigint_default() -> None:
    """In the replay's process before it starts: SIGINT as an operator's Ctrl-C. A suite started in the
    background by a shell without job control (``make test &``, CI scripts) has SIGINT ignored, which every
    child inherits, and Python then keeps ignoring it: the signal this test sends would be lost."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _replaying(server: Target, account: str, before: set[str]) -> str | None:
    """The new scratch database in which ``account``'s re-execution has closed some hours, if any."""
    for name in set(_scratch_databases(server)) - before:
        try:
            with psycopg.connect(server.with_dbname(name).dsn, connect_timeout=2) as conn:
                row = conn.execute(
                    "SELECT count(*) FROM portfolio.hourly_state h JOIN trading.account a USING (book_id)"
                    " WHERE a.name = %s",
                    (account,),
                ).fetchone()
        except psycopg.Error:
            continue  # being created, migrated or dropped
        if row is not None and row[0] > 10:
            return name
    return None


@pytest.mark.xdist_group("replay_scratch")
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_an_interrupted_replay_drops_its_scratch_database(
    sig: signal.Signals, server: Target, market_template: Target
) -> None:
    # Two months (about 1,400 hours): long enough that the replay is still re-executing when the signal
    # lands (a two-week replay could finish between being seen and being signalled on a fast machine).
    base = next(c for c in SUITE if c.name == "plain_trend")
    case = replace(base, name=f"interrupted_{sig.name.lower()}", end=base.start + timedelta(days=59))
    db = create_database(server, template=market_template.dbname)
    try:
        run_case(db, case)
        env = dict(os.environ, PREDATOR_DSN=db.dsn, PREDATOR_LOG=os.devnull)
        # On a loaded machine the watcher may first see the scratch database late, and the replay may end
        # before the signal is sent: such an attempt interrupts nothing and is made again (at most three).
        for _attempt in range(3):
            before = set(_scratch_databases(server))
            proc = subprocess.Popen(
                [sys.executable, "-m", "predator.cli", "replay", "--account", case.name, "--no-progress"],
                env=env,
                cwd=PROJECT_ROOT,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                preexec_fn=_sigint_default,
            )
            deadline = time.monotonic() + 120
            scratch = None
            while scratch is None and proc.poll() is None and time.monotonic() < deadline:
                scratch = _replaying(server, case.name, before)
                time.sleep(0.02)
            assert scratch is not None, "the replay never started re-executing in a scratch database"
            if proc.poll() is not None:
                proc.communicate(timeout=60)
                continue
            proc.send_signal(sig)
            _out, err = proc.communicate(timeout=60)
            assert proc.returncode != 0, err.decode(errors="replace")[-2000:]
            assert scratch not in _scratch_databases(server)
            break
        else:
            pytest.fail("the replay ended before the signal reached it in three attempts")
    finally:
        drop_database(server, db.dbname)
