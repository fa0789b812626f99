"""Ingest benchmark: every 1h candle file through the gated path vs COPY of the same rows (two baselines).

    .venv/bin/python bench/ingest.py [--data DIR] [--jobs N] [--repeat N] [--keep]

Creates an empty scratch database on the configured server (PREDATOR_DSN or the embedded cluster), migrates
it, and in the same run
  1. raw: COPYs every row of every ``*_1h.csv.gz`` file into an unconstrained table (typed columns, no keys,
     no checks, no indexes), one COPY per file - the floor;
  2. keyed: COPYs the same rows into ``bench_keyed``, a table like ``market.candle`` (same columns, NOT NULL,
     CHECK constraints, the five-column primary key) with the same monthly range partitioning, every month
     the files span created beforehand, one COPY per file - the honest limit of a keyed, partitioned store.
     Each line gets its feed (venue, symbol, interval from the file name) prepended in Python as it streams,
     revision and load_id are column defaults;
  3. gated: loads every file exactly as ``predator data load`` does (COPY of the lines into the stage
     ``market.candle_stage``, then ``api.load_candles`` as predator_worker: parse, gates, quarantine,
     partitions, duplicate and correction classification, accounting), one transaction per file, into the
     empty candle table (its monthly partitions are created by the load, inside the timing).
Every phase decompresses the files in Python the same way, uses the same number of sessions (``--jobs``,
files spread over them), starts after a CHECKPOINT and reads files already in the page cache. With
``--repeat N`` each phase runs N times (a fresh database each time) and the best run counts. Prints rows/s
for each; the last line is the ratios gated/raw and gated/keyed (target: gated/keyed >= 0.5, gated load
under 60 s on 2 cores).
"""

from __future__ import annotations

import argparse
import gzip
import os
import sys
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import psycopg

from predator import config
from predator.db import migrate
from predator.db.connection import Target, default_target
from predator.marketdata import loader

RAW_COPY = "COPY bench_raw (ts, open, high, low, close, volume) FROM STDIN (FORMAT csv, HEADER true)"
KEYED_COPY = ("COPY bench_keyed (venue, symbol, interval, ts, open, high, low, close, volume)"
              " FROM STDIN (FORMAT csv)")


def _admin(target: Target) -> psycopg.Connection:
    return psycopg.connect(target.with_dbname("postgres").dsn, autocommit=True)


def _spread(files: list[Path], jobs: int) -> list[list[Path]]:
    """Files over ``jobs`` sessions, largest first, each to the least loaded session."""
    buckets: list[list[Path]] = [[] for _ in range(jobs)]
    sizes = [0] * jobs
    for f in sorted(files, key=lambda p: p.stat().st_size, reverse=True):
        i = sizes.index(min(sizes))
        buckets[i].append(f)
        sizes[i] += f.stat().st_size
    return buckets


def _raw_session(target: Target, files: list[Path]) -> int:
    rows = 0
    with psycopg.connect(target.dsn, autocommit=True) as conn:
        for path in files:
            with conn.transaction(), conn.cursor() as cur:
                with cur.copy(RAW_COPY) as cp, gzip.open(path, "rb") as f:
                    while block := f.read(loader.CHUNK_BYTES):
                        cp.write(block)
                rows += cur.rowcount
    return rows


def _with_feed(path: Path) -> Iterator[bytes]:
    """The data lines of a candle file (header dropped), each prefixed with ``venue,symbol,interval,``."""
    feed = loader.feed_from_file_name(path)
    prefix = f"{feed.venue},{feed.symbol},{feed.interval},".encode()
    newline_prefix = b"\n" + prefix
    with gzip.open(path, "rb") as f:
        block = f.read(loader.CHUNK_BYTES)
        block = block[block.index(b"\n") + 1:]  # the header line
        at_line_start = True
        while block:
            if at_line_start:
                yield prefix
            yield block[:-1].replace(b"\n", newline_prefix) + block[-1:]
            at_line_start = block.endswith(b"\n")
            block = f.read(loader.CHUNK_BYTES)


def _keyed_session(target: Target, files: list[Path]) -> int:
    rows = 0
    with psycopg.connect(target.dsn, autocommit=True) as conn:
        for path in files:
            with conn.transaction(), conn.cursor() as cur:
                with cur.copy(KEYED_COPY) as cp:
                    for block in _with_feed(path):
                        cp.write(block)
                rows += cur.rowcount
    return rows


def _gated_session(target: Target, files: list[Path]) -> tuple[int, int]:
    read = quarantined = 0
    with target.connect("worker") as conn:
        for outcome in loader.load_many(lambda: conn, files, source=None):
            if isinstance(outcome, loader.FileError):
                raise outcome.error
            read += outcome.result.read
            quarantined += outcome.result.quarantined
    return read, quarantined


def _timed(fn, buckets: list[list[Path]], target: Target) -> tuple[float, list]:  # type: ignore[no-untyped-def,type-arg]
    with ThreadPoolExecutor(max_workers=len(buckets)) as pool:
        t0 = time.perf_counter()
        results = list(pool.map(lambda b: fn(target, b), buckets))
        return time.perf_counter() - t0, results


def _scratch(server: Target) -> Target:
    name = f"predator_bench_{uuid.uuid4().hex[:8]}"
    with _admin(server) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    target = server.with_dbname(name)
    migrate.upgrade(target)
    with psycopg.connect(target.dsn, autocommit=True) as admin:
        admin.execute("CREATE TABLE bench_raw (ts timestamptz, open numeric, high numeric, low numeric,"
                      " close numeric, volume numeric)")
        # The honest limit: market.candle's columns, NOT NULL, CHECKs, primary key and monthly partitioning.
        admin.execute("CREATE TABLE bench_keyed (LIKE market.candle INCLUDING DEFAULTS INCLUDING CONSTRAINTS)"
                      " PARTITION BY RANGE (ts)")
        admin.execute("ALTER TABLE bench_keyed ALTER load_id SET DEFAULT 0,"
                      " ADD PRIMARY KEY (venue, symbol, interval, ts, revision)")
        admin.execute("CHECKPOINT")
    return target


def _keyed_partitions(target: Target, buckets: list[list[Path]]) -> int:
    """Creates the monthly partitions of bench_keyed for every month the files span (from the raw copy)."""
    with psycopg.connect(target.dsn, autocommit=True) as admin:
        admin.execute("SET timezone = 'UTC'")
        months = admin.execute("SELECT DISTINCT date_trunc('month', ts) FROM bench_raw ORDER BY 1").fetchall()
        for (month,) in months:
            end = (month + timedelta(days=31)).replace(day=1)
            admin.execute(f"CREATE TABLE bench_keyed_{month:%Y%m} PARTITION OF bench_keyed"
                          f" FOR VALUES FROM ('{month.isoformat()}') TO ('{end.isoformat()}')")
        admin.execute("CHECKPOINT")
    return len(months)


def _drop(server: Target, target: Target) -> None:
    with _admin(server) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{target.dbname}" WITH (FORCE)')


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=config.data_dir() / "candles", help="candles directory")
    parser.add_argument("--jobs", type=int, default=1, help="sessions per phase (default 1)")
    parser.add_argument("--repeat", type=int, default=1, help="runs per phase; the best counts (default 1)")
    parser.add_argument("--keep", action="store_true", help="keep the (last) scratch database")
    args = parser.parse_args(argv)

    files = sorted(args.data.glob("*_1h.csv.gz"))
    if not files:
        print(f"no *_1h.csv.gz files in {args.data}", file=sys.stderr)
        return 2
    for path in files:  # warm the page cache: both phases read the same, already cached, files
        with gzip.open(path, "rb") as f:
            while f.read(loader.CHUNK_BYTES):
                pass
    buckets = [b for b in _spread(files, max(1, args.jobs)) if b]
    server = default_target()
    raw_best = keyed_best = gated_best = float("inf")
    raw_rows = keyed_rows = gated_rows = quarantined = 0
    target: Target | None = None
    try:
        for _ in range(max(1, args.repeat)):
            if target is not None:
                _drop(server, target)
            target = _scratch(server)
            raw_s, raw_counts = _timed(_raw_session, buckets, target)
            raw_rows = sum(raw_counts)
            raw_best = min(raw_best, raw_s)
            _keyed_partitions(target, buckets)
            keyed_s, keyed_counts = _timed(_keyed_session, buckets, target)
            keyed_rows = sum(keyed_counts)
            keyed_best = min(keyed_best, keyed_s)
            with psycopg.connect(target.dsn, autocommit=True) as admin:
                admin.execute("CHECKPOINT")
            gated_s, gated_counts = _timed(_gated_session, buckets, target)
            gated_rows = sum(r for r, _ in gated_counts)
            quarantined = sum(q for _, q in gated_counts)
            gated_best = min(gated_best, gated_s)
            print(f"run: raw {raw_s:.2f} s, keyed {keyed_s:.2f} s, gated {gated_s:.2f} s", file=sys.stderr)
    finally:
        if target is not None and not args.keep:
            _drop(server, target)
        elif target is not None:
            print(f"kept database {target.dbname}", file=sys.stderr)

    raw_rate = raw_rows / raw_best
    keyed_rate = keyed_rows / keyed_best
    gated_rate = gated_rows / gated_best
    print(f"files: {len(files)}  sessions per phase: {len(buckets)}  cores: {os.cpu_count()}  best of {args.repeat}")
    print(f"raw COPY (unconstrained table): {raw_rows} rows in {raw_best:.2f} s = {raw_rate:,.0f} rows/s")
    print(f"keyed COPY (market.candle's key, checks, partitions): {keyed_rows} rows in {keyed_best:.2f} s"
          f" = {keyed_rate:,.0f} rows/s")
    print(f"gated load (api.load_candles): {gated_rows} rows in {gated_best:.2f} s = {gated_rate:,.0f} rows/s"
          f" ({quarantined} quarantined)")
    print(f"ratio gated/raw: {gated_rate / raw_rate:.3f}  gated/keyed: {gated_rate / keyed_rate:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
