"""What an hour close costs the server in a book of several strategies and pools, and where the time goes.

A scratch database is created on the configured server (PREDATOR_DSN or the embedded cluster), migrated and
loaded with the real 1h candles of ``--symbols``; its risk profile gets the pool, strategy and health limits
(tests.helpers.MULTI_LIMITS; ``--no-limits``: the shipped profile, none of them set), and
``track_functions = 'all'`` is set on it (a database setting, so the worker's session counts its PL/pgSQL
calls). Then ``--days`` from ``--from`` are paper-traded by a book of four strategies in three pools
(tests.helpers.multi_strategy_book: trend and meanrev in CORE, sma_cross in AGGRESSIVE, a fast trend in
TAIL_RISK) through the governed path (:class:`predator.runner.hour.HourRunner`, fast commits).

``--baseline REF`` (a git commit, e.g. ``main``) measures the definitions of ``sql/`` at REF against the working
tree's in the same run: two copies of that database (migrate.database_copy, which keeps ``jit = off`` and
``track_functions``), REF's definitions applied to one (its migrations must be the working tree's), the same book
stepped hour by hour in both, the order alternating every hour, so that both see the same load on a shared
machine. The two runs must store the same rows and hashes (the digests are compared).

Around every ``api.close_hour`` call, in the same transaction and the same round trip, the bench reads
``pg_stat_xact_user_functions`` before and after, so the function counters it attributes to the close are the
close's own (the admission calls of the same hour are not counted). It prints, per close, the server time of
``api.close_hour`` (total_time: the close and everything it calls) and the self time and calls of each callee,
largest first; the mean server time of an admission (api.submit_signal, pg_stat_user_functions once the worker
sessions end); then a digest of every governed row the run stored, hashes included (tests.helpers.stored_digest).

Last line: ``close_hour: closes=… ms_per_close=… (mean server time of api.close_hour) median_ms=… p90_ms=…
strategies=… symbols=… limits=… wall_s=… digest=…``; with ``--baseline``, ``close_hour: closes=… baseline=REF
baseline_ms=… current_ms=… ratio=… (current / baseline, means) median_ratio=… parity=TRUE|FALSE digest=…``.
"""

from __future__ import annotations

import argparse
import io
import logging
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from predator import config, source  # noqa: E402
from predator.db import api, migrate  # noqa: E402
from predator.db.connection import Target, default_target  # noqa: E402
from predator.logs import configure_logging  # noqa: E402
from predator.marketdata.loader import load_file  # noqa: E402
from predator.runner.hour import HourRunner  # noqa: E402
from tests.helpers import multi_strategy_book, set_multi_limits, stored_digest  # noqa: E402

ACCOUNT = "bench_close"

_SNAP = ("SELECT coalesce(jsonb_object_agg(schemaname || '.' || funcname,"
         " jsonb_build_array(calls, total_time, self_time)), '{}'::jsonb)"
         " FROM pg_catalog.pg_stat_xact_user_functions")


@dataclass
class Measured:
    """What the bench saw of the closes of one database: each close's server time and the callees' counters."""

    label: str
    per_close: list[float] = field(default_factory=list)
    funcs: dict[str, list[float]] = field(default_factory=lambda: defaultdict(lambda: [0.0, 0.0, 0.0]))

    def add(self, before: dict[str, Any], after: dict[str, Any]) -> None:
        for name, (calls_n, total, self_t) in after.items():
            b = before.get(name, [0, 0.0, 0.0])
            f = self.funcs[name]
            f[0] += calls_n - b[0]
            f[1] += float(total) - float(b[1])
            f[2] += float(self_t) - float(b[2])
        self.per_close.append(float(after["api.close_hour"][1]) - float(before.get("api.close_hour", [0, 0.0])[1]))

    def per(self, name: str) -> tuple[float, float, float]:
        n = len(self.per_close)
        c, t, s = self.funcs.get(name, [0.0, 0.0, 0.0])
        return c / n, s / n, t / n

    @property
    def mean(self) -> float:
        return statistics.fmean(self.per_close)


@contextmanager
def measuring(by_db: dict[str, Measured]) -> Iterator[None]:
    """Wrap api.run_many: a batch holding an api.close_hour call reads the transaction's function counters
    just before and just after it, credited to the database of the connection."""
    original = api.run_many

    def run_many(conn: psycopg.Connection[Any], calls: Any) -> list[Any]:
        at = [i for i, c in enumerate(calls) if c.sql.startswith("SELECT * FROM api.close_hour(")]
        m = by_db.get(conn.info.dbname)
        if not at or m is None:
            return original(conn, calls)
        (i,) = at
        snap = api.Call(_SNAP, (), None)
        out = original(conn, [*calls[:i], snap, calls[i], snap, *calls[i + 1:]])
        m.add(out[i], out[i + 2])
        return [*out[:i], out[i + 1], *out[i + 3:]]

    api.run_many = run_many  # type: ignore[assignment]
    try:
        yield
    finally:
        api.run_many = original  # type: ignore[assignment]


def _git(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=config.PROJECT_ROOT, capture_output=True, text=True,
                          check=True).stdout.strip()


def apply_definitions_at(target: Target, ref: str) -> None:
    """Re-apply the ``sql/`` definitions of git commit ``ref`` to ``target`` (whose schema must be ref's: the
    migrations of ref and of the working tree are the same files)."""
    if _git("ls-tree", "-r", "--name-only", ref, "migrations") != _git("ls-tree", "-r", "--name-only", "HEAD",
                                                                      "migrations"):
        raise SystemExit(f"the migrations at {ref} differ from HEAD's: its definitions need its own schema")
    archive = subprocess.run(["git", "archive", ref, "sql"], cwd=config.PROJECT_ROOT, capture_output=True,
                             check=True).stdout
    with tempfile.TemporaryDirectory(prefix="predator_bench_sql_") as tmp:
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(tmp, filter="data")
        saved = migrate.SQL_DIR
        migrate.SQL_DIR = Path(tmp) / "sql"
        try:
            with psycopg.connect(target.dsn) as conn:
                # A copy has none of the original's database privileges: the owner re-creates schema api.
                conn.execute(sql.SQL("GRANT CREATE ON DATABASE {} TO predator_owner").format(
                    sql.Identifier(target.dbname)))
                migrate.apply_definitions(conn)
        finally:
            migrate.SQL_DIR = saved


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--from", dest="start", default="2023-03-01")
    ap.add_argument("--days", type=int, default=14)
    ap.add_argument("--symbols", default="BTC/USDT,ETH/USDT,SOL/USDT")
    ap.add_argument("--no-limits", action="store_true", help="the shipped profile: no pool, strategy or health limit")
    ap.add_argument("--baseline", default="", help="a git commit whose sql/ definitions to measure against, same run")
    ap.add_argument("--top", type=int, default=25, help="callees listed")
    ap.add_argument("--parts", action="store_true", help="print each table's digest too")
    ap.add_argument("--keep", action="store_true", help="keep the scratch database (its name is printed)")
    args = ap.parse_args()
    configure_logging(logging.WARNING)
    start = datetime.fromisoformat(args.start).replace(tzinfo=UTC)
    end = start + timedelta(days=args.days)
    symbols = tuple(s for s in args.symbols.split(",") if s)
    cfg = multi_strategy_book(ACCOUNT, start, end, symbols)
    server = default_target()

    with ExitStack() as stack:
        base = stack.enter_context(migrate.scratch_database(server, "predator_bench_close", keep=args.keep))
        if args.keep:
            print(f"database {base.dbname}")
        with psycopg.connect(server.with_dbname("postgres").dsn, autocommit=True) as admin:
            admin.execute(sql.SQL("ALTER DATABASE {} SET track_functions = 'all'").format(sql.Identifier(base.dbname)))
        with base.connect("worker") as conn:
            for s in symbols:
                load_file(conn, config.data_dir() / "candles" / f"binance_{s.replace('/', '-')}_1h.csv.gz")
        if not args.no_limits:
            set_multi_limits(base, reason="bench/close_hour.py")
        targets = [base]
        labels = [source.label(short=True)]
        if args.baseline:
            current = stack.enter_context(migrate.database_copy(server, base.dbname, "predator_bench_close_cur"))
            baseline = stack.enter_context(migrate.database_copy(server, base.dbname, "predator_bench_close_ref"))
            apply_definitions_at(baseline, args.baseline)
            targets = [current, baseline]
            labels = [labels[0], args.baseline]
        measured = {t.dbname: Measured(label) for t, label in zip(targets, labels, strict=True)}
        runners = [HourRunner(t, cfg, backtest_fast_commit=True) for t in targets]
        stack.callback(lambda: [r.close() for r in runners])
        t0 = time.perf_counter()
        with measuring(measured):
            for r in runners:
                r.prepare()
                r.send_unacknowledged()
            t, i = cfg.start, 0
            while t <= cfg.end:
                for r in runners if i % 2 == 0 else runners[::-1]:
                    r.step(t)
                t, i = t + timedelta(hours=1), i + 1
            summaries = [r.run() for r in runners]  # nothing left to close: the recorded figures
        wall = time.perf_counter() - t0
        for r in runners:
            r.close()  # the worker sessions end: their function counters reach pg_stat_user_functions
        time.sleep(1)
        digests, admission = [], []
        for target in targets:
            with psycopg.connect(target.dsn) as conn:
                digests.append(stored_digest(conn))
                row = conn.execute("SELECT calls, total_time FROM pg_stat_user_functions"
                                   " WHERE schemaname = 'api' AND funcname = 'submit_signal'").fetchone()
                admission.append((int(row[0]), float(row[1])) if row else (0, 0.0))

    results = [measured[t.dbname] for t in targets]
    s = summaries[0]
    print(f"{s.hours} hours, {s.orders} orders, {s.fills} fills, {s.round_trips} trades, "
          f"refusals {dict(sorted(s.refusals.items()))}")
    head = "".join(f" {m.label[:12] + ' calls':>18} {'self ms':>8} {'total ms':>9}" for m in results)
    print(f"{'per close':<40}{head}")
    names = sorted(set().union(*(m.funcs for m in results)), key=lambda k: -max(m.per(k)[1] for m in results))
    for name in names[:args.top]:
        print(f"{name:<40}" + "".join(f" {c:>18.1f} {x:>8.3f} {y:>9.3f}" for c, x, y in (m.per(name) for m in results)))
    for name, d in digests[0][1].items() if args.parts else ():
        print(f"digest {name} {d}")
    for m, (calls, total) in zip(results, admission, strict=True):
        print(f"admission ({m.label}): api.submit_signal {calls} calls, {total / max(calls, 1):.3f} ms a call")
    for m, (digest, _) in zip(results, digests, strict=True):
        ordered = sorted(m.per_close)
        n = len(ordered)
        print(f"close_hour: closes={n} ms_per_close={m.mean:.2f} median_ms={statistics.median(ordered):.2f} "
              f"p90_ms={ordered[int(0.9 * (n - 1))]:.2f} strategies={1 + len(cfg.extra_strategies)} "
              f"symbols={len(symbols)} limits={not args.no_limits} code={m.label} wall_s={wall:.1f} digest={digest}")
    if args.baseline:
        cur, ref = results
        ratios = [a / b for a, b in zip(cur.per_close, ref.per_close, strict=True)]
        print(f"close_hour: closes={len(ratios)} baseline={args.baseline} baseline_ms={ref.mean:.2f} "
              f"current_ms={cur.mean:.2f} ratio={cur.mean / ref.mean:.3f} median_ratio={statistics.median(ratios):.3f} "
              f"parity={'TRUE' if digests[0] == digests[1] else 'FALSE'} digest={digests[0][0]}")


if __name__ == "__main__":
    main()
