"""What an hour close costs the server in a book of several strategies and pools, and where the time goes.

A scratch database is created on the configured server (PREDATOR_DSN or the embedded cluster), migrated and
loaded with the real 1h candles of ``--symbols``; its risk profile gets the pool, strategy and health limits
(tests.helpers.MULTI_LIMITS; ``--no-limits``: the shipped profile, none of them set), and
``track_functions = 'all'`` is set on it (a database setting, so the worker's session counts its PL/pgSQL
calls). Then ``--days`` from ``--from`` are paper-traded by a book of four strategies in three pools
(tests.helpers.multi_strategy_book: trend and meanrev in CORE, sma_cross in AGGRESSIVE, a fast trend in
TAIL_RISK) through the governed path (:class:`predator.runner.hour.HourRunner`, fast commits).

Around every ``api.close_hour`` call, in the same transaction and the same round trip, the bench reads
``pg_stat_xact_user_functions`` before and after, so the function counters it attributes to the close are the
close's own (the admission calls of the same hour are not counted). It prints, per close, the server time of
``api.close_hour`` (total_time: the close and everything it calls) and the self time and calls of each callee,
largest first; then a digest of every governed row the run stored, hashes included (tests.helpers.stored_digest),
so that two runs of the bench on different code can be compared for parity.

Last line: ``close_hour: closes=… ms_per_close=… (mean server time of api.close_hour) median_ms=… p90_ms=…
strategies=… symbols=… wall_s=… digest=…``.
"""

from __future__ import annotations

import argparse
import logging
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from predator import config  # noqa: E402
from predator.db import api, migrate  # noqa: E402
from predator.db.connection import default_target  # noqa: E402
from predator.logs import configure_logging  # noqa: E402
from predator.marketdata.loader import load_file  # noqa: E402
from predator.runner.hour import HourRunner  # noqa: E402
from tests.helpers import multi_strategy_book, set_multi_limits, stored_digest  # noqa: E402

ACCOUNT = "bench_close"

_SNAP = ("SELECT coalesce(jsonb_object_agg(schemaname || '.' || funcname,"
         " jsonb_build_array(calls, total_time, self_time)), '{}'::jsonb)"
         " FROM pg_catalog.pg_stat_xact_user_functions")


def _commit() -> str:
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=config.PROJECT_ROOT, capture_output=True,
                              text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=config.PROJECT_ROOT,
                               capture_output=True, text=True, check=True).stdout.strip()
        return head + ("+dirty" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--from", dest="start", default="2023-03-01")
    ap.add_argument("--days", type=int, default=14)
    ap.add_argument("--symbols", default="BTC/USDT,ETH/USDT,SOL/USDT")
    ap.add_argument("--no-limits", action="store_true", help="the shipped profile: no pool, strategy or health limit")
    ap.add_argument("--top", type=int, default=25, help="callees listed")
    ap.add_argument("--parts", action="store_true", help="print each table's digest too")
    ap.add_argument("--keep", action="store_true", help="keep the scratch database (its name is printed)")
    args = ap.parse_args()
    configure_logging(logging.WARNING)
    start = datetime.fromisoformat(args.start).replace(tzinfo=UTC)
    end = start + timedelta(days=args.days)
    symbols = tuple(s for s in args.symbols.split(",") if s)

    per_close: list[float] = []
    funcs: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
    original = api.run_many

    def run_many(conn: psycopg.Connection[Any], calls: Any) -> list[Any]:
        at = [i for i, c in enumerate(calls) if c.sql.startswith("SELECT * FROM api.close_hour(")]
        if not at:
            return original(conn, calls)
        (i,) = at
        snap = api.Call(_SNAP, (), None)
        out = original(conn, [*calls[:i], snap, calls[i], snap, *calls[i + 1:]])
        before, after = out[i], out[i + 2]
        for name, (calls_n, total, self_t) in after.items():
            b = before.get(name, [0, 0.0, 0.0])
            f = funcs[name]
            f[0] += calls_n - b[0]
            f[1] += float(total) - float(b[1])
            f[2] += float(self_t) - float(b[2])
        per_close.append(float(after["api.close_hour"][1]) - float(before.get("api.close_hour", [0, 0.0])[1]))
        return [*out[:i], out[i + 1], *out[i + 3:]]

    with migrate.scratch_database(default_target(), "predator_bench_close", keep=args.keep) as target:
        if args.keep:
            print(f"database {target.dbname}")
        with psycopg.connect(target.with_dbname("postgres").dsn, autocommit=True) as admin:
            admin.execute(sql.SQL("ALTER DATABASE {} SET track_functions = 'all'")
                          .format(sql.Identifier(target.dbname)))
        with target.connect("worker") as conn:
            for s in symbols:
                load_file(conn, config.data_dir() / "candles" / f"binance_{s.replace('/', '-')}_1h.csv.gz")
        if not args.no_limits:
            set_multi_limits(target, reason="bench/close_hour.py")
        cfg = multi_strategy_book(ACCOUNT, start, end, symbols)
        api.run_many = run_many  # type: ignore[assignment]
        t0 = time.perf_counter()
        runner = HourRunner(target, cfg, backtest_fast_commit=True)
        try:
            summary = runner.run()
        finally:
            runner.close()
            api.run_many = original  # type: ignore[assignment]
        wall = time.perf_counter() - t0
        with target.connect("auditor") as conn:
            health = conn.execute("SELECT count(*), count(score), count(action) FROM api.strategy_health").fetchone()
        with psycopg.connect(target.dsn) as conn:
            digest, parts = stored_digest(conn)

    n = len(per_close)
    print(f"commit {_commit()}: {summary.hours} hours, {summary.orders} orders, {summary.fills} fills, "
          f"{summary.round_trips} trades, refusals {dict(sorted(summary.refusals.items()))}, "
          f"health rows/scored/actions {health}")
    print(f"{'function':<44} {'calls/close':>11} {'self ms/close':>14} {'total ms/close':>15}")
    for name, (calls_n, total, self_t) in sorted(funcs.items(), key=lambda kv: -kv[1][2])[:args.top]:
        print(f"{name:<44} {calls_n / n:>11.1f} {self_t / n:>14.3f} {total / n:>15.3f}")
    for name, d in parts.items() if args.parts else ():
        print(f"digest {name} {d}")
    ordered = sorted(per_close)
    print(f"close_hour: closes={n} ms_per_close={statistics.fmean(per_close):.2f} "
          f"median_ms={statistics.median(per_close):.2f} p90_ms={ordered[int(0.9 * (n - 1))]:.2f} "
          f"strategies={1 + len(cfg.extra_strategies)} symbols={len(symbols)} limits={not args.no_limits} "
          f"wall_s={wall:.1f} digest={digest}")


if __name__ == "__main__":
    main()
