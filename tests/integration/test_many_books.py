"""Many books at once (issue 18 item 5; DESIGN.md §9: no cross-book lock).

* two books of a sweep run concurrently, each in its own worker process and connection, and both complete;
  sampled all along from ``pg_stat_activity`` and ``pg_blocking_pids`` (as the administrator), no session of
  one book ever waits on a lock held by the other's;
* deterministically: a book whose hour is held open mid-close (signal admitted, fill posted, ``api.close_hour``
  done, not committed) holds its locks, and another book's whole hour, on a connection with a short
  ``lock_timeout``, goes through and commits meanwhile, while a second close of the held book times out;
* ``predator sweep`` on a tiny grid: every figure of its table is what the database's own definitions return
  for that book (``api.hourly_states``, ``api.round_trips``, ``portfolio.treasury_figures``), and the same grid
  gives the same table again.
"""

from __future__ import annotations

import json
import os
import threading
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import psycopg
import pytest

from predator.db import api, sweep_reads
from predator.db.connection import Target
from predator.runner.config import RunConfig
from predator.runner.sweep import APPLICATION_PREFIX, create_books, grid, plan, run_books
from predator.venues.paper import PaperConfig
from tests.helpers import ack, close_price, fill, hour, load_market, new_account, run_cli, signal

START = datetime(2023, 3, 1, tzinfo=UTC)


def _books(prefix: str, symbols: tuple[str, ...], days: int) -> list[Any]:
    base = RunConfig(account="x", symbols=symbols, strategy="sma_cross", params={"max_positions": 4}, start=START,
                     end=START + timedelta(days=days), venue=PaperConfig(seed=7))
    return plan(base, grid("sma_cross", [("fast", (3, 5)), ("slow", (12, 20))]).points[::3], prefix)


def test_two_books_run_concurrently_and_neither_waits_on_the_others_locks(market_db: Target) -> None:
    books = _books("conc", ("BTC/USDT", "ETH/USDT"), 12)
    assert [dict(b.point) for b in books] == [{"fast": 3, "slow": 12}, {"fast": 5, "slow": 20}]
    create_books(market_db, books)
    stop = threading.Event()
    together: list[list[str]] = []
    waits: list[sweep_reads.LockWait] = []
    samples = [0]

    def sample() -> None:
        with psycopg.connect(market_db.dsn, autocommit=True) as admin:
            while not stop.is_set():
                names = sweep_reads.book_sessions(admin, prefix=APPLICATION_PREFIX)
                if len(set(names)) >= 2:
                    together.append(names)
                waits.extend(sweep_reads.lock_waits(admin))
                samples[0] += 1
                time.sleep(0.002)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        runs = run_books(market_db, books, 2, fast_commit=True)
    finally:
        stop.set()
        sampler.join(timeout=10)
    assert [r.error for r in runs] == [None, None]
    assert [r.hours_this_session for r in runs] == [b.hours for b in books] == [12 * 24 + 1] * 2
    assert together, f"the two books never had sessions open at the same time ({samples[0]} samples)"
    cross = [w for w in waits if w.waiter.startswith(APPLICATION_PREFIX) and w.blocker.startswith(APPLICATION_PREFIX)
             and w.waiter != w.blocker]
    # Waits at a shared table's extension lock (storage, not data: sweep_reads.STORAGE_LOCK_EVENTS) are left
    # out by lock_waits; any wait on a lock that guards data would show here.
    assert cross == [], f"a book waited on another book's lock: {cross[:5]}"
    with market_db.connect("auditor") as conn:
        results = sweep_reads.book_results(conn, accounts=[b.config.account for b in books])
    assert [r.hours for r in results] == [b.hours for b in books]
    assert all(r.trades > 0 for r in results), results


def test_a_book_held_open_mid_close_does_not_block_another_books_hour(db: Target) -> None:
    with db.connect("operator") as conn:
        load_market(conn)
        held, other = new_account(conn), new_account(conn)
    btc = "BTC/USDT"

    def an_hour(conn: psycopg.Connection, account: str, n: int) -> api.HourState:
        """Signal at hour(n), acknowledged and filled, then the close of hour(n+1): savepoints of the caller's
        transaction."""
        d = signal(conn, account, btc, n, "buy", Decimal("0.05"))
        assert d.outcome == "admitted", d
        ack(conn, d.client_order_id, hour(n) + timedelta(seconds=1))
        fill(conn, d.client_order_id, Decimal("0.05"), close_price(btc, n), hour(n) + timedelta(seconds=2))
        with conn.transaction():
            return api.close_hour(conn, account, hour(n + 1))

    with db.connect("worker") as a, db.connect("worker") as b, db.connect("worker") as a2:
        for c in (b, a2):
            c.execute("SET lock_timeout = '2s'")
            c.commit()
        with a.transaction():
            an_hour(a, held, 2)
            # Book `held` is mid-close: its transaction holds its locks until it ends.
            with psycopg.connect(db.dsn, autocommit=True) as admin:
                mine = admin.execute("SELECT count(*) FROM pg_locks WHERE pid = %s AND granted AND locktype ="
                                     " 'advisory'", (a.info.backend_pid,)).fetchone()
            assert mine is not None and mine[0] > 0, "the held book holds no advisory lock: nothing was tested"
            t0 = time.monotonic()
            with b.transaction():
                state = an_hour(b, other, 2)  # LockNotAvailable after 2 s if it waited on book `held`
            assert time.monotonic() - t0 < 2, "the other book's hour took as long as the lock timeout"
            assert state.hour == hour(3)
            # The held book's own lock is real: a second close of it waits and gives up.
            with pytest.raises(psycopg.errors.LockNotAvailable), a2.transaction():
                api.close_hour(a2, held, hour(4))
        with db.connect("auditor") as conn:
            closed = dict(conn.execute("SELECT account, count(*) FROM api.hourly_states WHERE account IN (%s, %s)"
                                       " GROUP BY account", (held, other)).fetchall())
    assert closed == {held: 1, other: 1}


def _env(target: Target, tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "PREDATOR_DSN": target.dsn, "PREDATOR_LOG": str(tmp_path / "predator.jsonl")}


def test_sweep_table_is_what_the_database_says_and_the_same_grid_gives_the_same_table(market_db: Target,
                                                                                       tmp_path: Path) -> None:
    args = ("sweep", "--strategy", "sma_cross", "--param", "fast=3,5", "--param", "slow=12",
            "--param", "max_positions=4", "--symbols", "BTC/USDT", "--from", "2023-03-01", "--to", "2023-03-05",
            "--jobs", "2", "--backtest-fast-commit", "--no-progress")
    first = run_cli(*args, "--json", env=_env(market_db, tmp_path))
    assert first.returncode == 0, first.stderr
    rows = [json.loads(line) for line in first.stdout.splitlines()]
    assert [r["point"] for r in rows] == [{"fast": 3, "slow": 12, "max_positions": 4},
                                          {"fast": 5, "slow": 12, "max_positions": 4}]
    assert rows[0]["book_id"] < rows[1]["book_id"], "books are created in grid order"
    with psycopg.connect(market_db.dsn) as admin:  # the database's own definitions, asked directly
        for r in rows:
            a = r["account"]
            book_id, principal_given = admin.execute(
                "SELECT book_id, initial_principal FROM api.accounts WHERE name = %s", (a,)).fetchone()
            equity, fees, hours = admin.execute(
                "SELECT equity, fees, (SELECT count(*) FROM api.hourly_states WHERE account = %s)"
                "  FROM api.hourly_states WHERE account = %s ORDER BY hour DESC LIMIT 1", (a, a)).fetchone()
            max_dd = admin.execute("SELECT max(drawdown) FROM api.hourly_states WHERE account = %s", (a,)).fetchone()[0]
            trades = admin.execute("SELECT count(*) FROM api.round_trips WHERE account = %s", (a,)).fetchone()[0]
            principal = admin.execute("SELECT principal FROM portfolio.treasury_figures(%s, '-infinity', 'infinity')",
                                      (book_id,)).fetchone()[0]
            assert r["book_id"] == book_id and r["hours"] == hours == 4 * 24 + 1
            assert Decimal(r["equity"]) == equity and Decimal(r["fees"]) == fees and fees > 0
            assert Decimal(r["max_drawdown"]) == max_dd
            assert r["trades"] == trades > 0
            assert Decimal(r["principal"]) == principal == principal_given
            assert Decimal(r["net_pnl"]) == equity - principal
    again = run_cli(*args, "--json", env=_env(market_db, tmp_path))
    assert again.returncode == 0, again.stderr
    assert again.stdout == first.stdout, "the same grid gives the same table"
    table = run_cli(*args, env=_env(market_db, tmp_path))
    assert table.returncode == 0, table.stderr
    lines = table.stdout.splitlines()
    assert lines[0].split()[:3] == ["#", "params", "book"]
    for r, line in zip(rows, lines[2:], strict=True):
        cells = line.split()
        assert r["account"] in cells and str(r["book_id"]) in cells
        assert f"{Decimal(r['net_pnl']):,.2f}" in cells and f"{Decimal(r['fees']):,.2f}" in cells
        assert f"{Decimal(r['max_drawdown']) * 100:.2f}" in cells
