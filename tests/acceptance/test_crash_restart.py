"""Checkpoints: the runner is killed (SIGKILL) at random points and restarted until it completes; the result
has no duplicate order and the same hashes, hour by hour, as an uninterrupted run of the same
configuration in another database."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time

from predator.config import PROJECT_ROOT
from predator.db.connection import Target
from tests.conftest import create_database, drop_database

ARGS = [
    "paper",
    "--account",
    "crash",
    "--symbols",
    "BTC/USDT,ETH/USDT,SOL/USDT",
    "--strategy",
    "trend",
    "--params",
    '{"fast": 12, "slow": 48, "vol_window": 48}',
    "--from",
    "2023-03-01",
    "--to",
    "2023-03-21",
    "--no-progress",
    "--seed",
    "5",
    "--participation",
    "0.05",
]


def _predator(target: Target) -> subprocess.Popen[bytes]:
    env = dict(os.environ, PREDATOR_DSN=target.dsn, PREDATOR_LOG=os.devnull)
    return subprocess.Popen(
        [sys.executable, "-m", "predator.cli", *ARGS],
        env=env,
        cwd=PROJECT_ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def _closed_hours(target: Target) -> int:
    with target.connect("auditor") as conn:
        return conn.execute("SELECT count(*) FROM api.hourly_states WHERE account = 'crash'").fetchone()[0]


def _state(target: Target) -> dict[str, object]:
    with target.connect("auditor") as conn:
        return {
            "hours": conn.execute(
                "SELECT hour, inputs_hash, outputs_hash, state_hash FROM api.hour_digests("
                "'crash', '2023-01-01', '2024-01-01') ORDER BY hour"
            ).fetchall(),
            "orders": conn.execute(
                "SELECT client_order_id, symbol, side, quantity, ts, status, filled_qty FROM api.orders ORDER BY seq"
            ).fetchall(),
            "fills": conn.execute(
                "SELECT venue_trade_id, quantity, price, fee, ts FROM api.fills ORDER BY seq"
            ).fetchall(),
            "duplicates": conn.execute(
                "SELECT count(*) - count(DISTINCT (symbol, ts, side)) FROM api.orders"
            ).fetchone()[0],
        }


def test_sigkill_at_random_points_then_restart_gives_no_duplicate_and_the_same_hashes(
    server: Target, market_template: Target
) -> None:
    reference = create_database(server, template=market_template.dbname)
    crashed = create_database(server, template=market_template.dbname)
    try:
        proc = _predator(reference)
        out, err = proc.communicate(timeout=600)
        assert proc.returncode == 0, err.decode()[-2000:]

        # Kill at random points of progress: when the run has closed a randomly drawn number of hours, plus a
        # random few milliseconds, so the kill lands anywhere in an hour's transactions.
        rng = random.Random(20231)
        total = 20 * 24 + 1
        targets = sorted(rng.sample(range(5, total - 5), 4))
        kills = 0
        for target_hours in targets:
            proc = _predator(crashed)
            deadline = time.monotonic() + 120
            while proc.poll() is None and _closed_hours(crashed) < target_hours and time.monotonic() < deadline:
                time.sleep(0.01)
            time.sleep(rng.uniform(0, 0.03))
            if proc.poll() is None:
                proc.send_signal(signal.SIGKILL)
                kills += 1
            proc.communicate()
        proc = _predator(crashed)
        _, err = proc.communicate(timeout=600)
        assert proc.returncode == 0, err.decode()[-2000:]
        assert kills >= 3, f"only {kills} of the runs could be killed before they finished"

        expected, got = _state(reference), _state(crashed)
        assert got["duplicates"] == 0
        assert len(got["hours"]) == len(expected["hours"]) == 20 * 24 + 1
        assert got["orders"] == expected["orders"]
        assert got["fills"] == expected["fills"]
        if got["hours"] != expected["hours"]:
            first = next(a[0] for a, b in zip(expected["hours"], got["hours"], strict=True) if a != b)
            detail = {}
            for name, db in (("expected", reference), ("got", crashed)):
                with db.connect("auditor") as conn:
                    detail[name] = conn.execute(
                        "SELECT digests FROM api.hour_digests('crash', %s, %s)", (first, first)
                    ).fetchone()[0]
            differing = sorted(k for k in detail["expected"] if detail["expected"][k] != detail["got"].get(k))
            recs = {}
            for name, db in (("expected", reference), ("got", crashed)):
                with db.connect("auditor") as conn:
                    recs[name] = conn.execute(
                        "SELECT kind, venue_balances, book_balances, venue_open_orders, book_open_orders,"
                        " diffs FROM ops.reconciliation WHERE ts = %s",
                        (first,),
                    ).fetchall()
            raise AssertionError(f"hour {first} differs in {differing}: {recs}")
    finally:
        time.sleep(0.2)
        drop_database(server, reference.dbname)
        drop_database(server, crashed.dbname)
