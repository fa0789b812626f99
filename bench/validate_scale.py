"""The auditor's validation scales with the book, not with the database: ``predator validate --account A``
timed with 1 and with 20 other books in the database (issue 12 item 7; target: within 1.2×).

A scratch database is created on the configured server (PREDATOR_DSN or the embedded cluster), migrated and
loaded with the real BTC/USDT and ETH/USDT 1h candles. Every book is the same paper run (sma_cross on both
symbols, the unconstrained risk profile so that it trades, 3 months by default): the audited book and one
other book; then a copy of that database (``CREATE DATABASE … TEMPLATE``) receives 19 more (20 others).
Both are analyzed (as autovacuum would), then every gate is run as predator_auditor narrowed to the audited
account, ``--repeat`` times on each database in turn (one run on the small, one on the large, and again), so
that both see the same load on a shared machine; once over each whole database, for contrast. The time is
the wall time of all gates (median of the repeats).
Incremental (``predator validate --account A --incremental``): the audited book's run stops ``--new-hours``
(24) hours short of its end in both databases; in the large one its validation is recorded (the checkpoint),
then the run resumes for the last 24 hours in both. The incremental run (checkpoint to the last closed hour,
recorded) is then timed ``--repeat`` times on the large database, each in a transaction rolled back so that
every repeat judges the same 24 hours, interleaved with the full ``--account`` run, with each gate's time.
Last lines: ``validate_scale: book_hours=… others=1 account_s=… others=20 account_s=… ratio=… whole_s=…/…`` and
``validate_incremental: new_hours=24 full_s=… incremental_s=… ratio=…``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from predator import config, gates  # noqa: E402
from predator.db import migrate  # noqa: E402
from predator.db.connection import Target, default_target  # noqa: E402
from predator.logs import configure_logging  # noqa: E402
from predator.marketdata.loader import load_file  # noqa: E402
from predator.runner.hour import HourRunner, RunConfig  # noqa: E402
from predator.strategies.base import effective_params, load_strategy  # noqa: E402
from predator.venues.paper import PaperConfig  # noqa: E402

SYMBOLS = ("BTC/USDT", "ETH/USDT")
AUDITED = "audited"


def paper_book(target: Target, account: str, start: datetime, end: datetime, stop_after: int | None = None) -> str:
    """One paper run on ``account`` (the first ``stop_after`` hours only when given; the same call without it
    resumes the run to its end); returns its summary line."""
    cfg = RunConfig(account=account, symbols=SYMBOLS, strategy="sma_cross",
                    params=effective_params(load_strategy("sma_cross")), start=start, end=end,
                    principal=Decimal(10000), risk_profile="unconstrained", venue=PaperConfig())
    runner = HourRunner(target, cfg, backtest_fast_commit=True, stop_after=stop_after)
    try:
        s = runner.run()
    finally:
        runner.close()
    return f"{account}: {s.hours} hours, {s.orders} orders, {s.fills} fills, {s.round_trips} trades"


def analyze(target: Target) -> None:
    # as autovacuum would after the bulk of a run: the planner's statistics for the tables just written
    with psycopg.connect(target.dsn, autocommit=True) as conn:
        conn.execute("ANALYZE")


def timed(target: Target, scope: gates.Scope) -> float:
    """Wall time (s) of every gate under ``scope`` as predator_auditor; every gate must pass."""
    with target.connect("auditor") as conn:
        t0 = time.perf_counter()
        results = gates.run_gates(conn, scope=scope)
        elapsed = time.perf_counter() - t0
    assert all(r.passed for r in results), "a gate failed on a book written by the governed pipeline"
    return elapsed


def timed_incremental(target: Target) -> tuple[float, dict[str, float]]:
    """Wall time (s) of the audited account's incremental run (checkpoint lookup, every gate over the new
    hours, the record) as predator_auditor, rolled back so that the checkpoint stays; and each gate's time."""
    with target.connect("auditor") as conn, conn.transaction(force_rollback=True):
        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        t0 = time.perf_counter()
        _, results, run = gates.run_and_record(conn, scope=gates.Scope(account=AUDITED), incremental=True)
        elapsed = time.perf_counter() - t0
    assert run.row.passed and run.resumed is not None, "the incremental run did not pass from a checkpoint"
    return elapsed, {r.name: r.seconds for r in results}


def gate_seconds(target: Target, scope: gates.Scope) -> dict[str, float]:
    with target.connect("auditor") as conn:
        return {r.name: r.seconds for r in gates.run_gates(conn, scope=scope)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--from", dest="start", default="2023-01-01")
    ap.add_argument("--to", dest="end", default="2023-04-01")
    ap.add_argument("--others", type=int, default=20)
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--new-hours", type=int, default=24)
    args = ap.parse_args()
    start = datetime.fromisoformat(args.start).replace(tzinfo=UTC)
    end = datetime.fromisoformat(args.end).replace(tzinfo=UTC)
    book_hours = int((end - start).total_seconds() // 3600)
    scope = gates.Scope(account=AUDITED)
    print(f"logs: {configure_logging()}")   # the runs' per-order lines go there, not here

    server = default_target()
    with migrate.scratch_database(server, "predator_bench_validate") as small:
        with small.connect("worker") as conn:
            for s in SYMBOLS:
                load_file(conn, config.data_dir() / "candles" / f"binance_{s.replace('/', '-')}_1h.csv.gz")
        print(paper_book(small, AUDITED, start, end, stop_after=book_hours + 1 - args.new_hours))
        print(paper_book(small, "other-01", start, end), flush=True)
        with migrate.database_copy(server, small.dbname, "predator_bench_validate_large") as large:
            for n in range(2, args.others + 1):
                print(paper_book(large, f"other-{n:02d}", start, end), flush=True)
            analyze(large)
            with large.connect("auditor") as conn:   # the checkpoint, before the last hours
                _, _, checkpoint = gates.run_and_record(conn, scope=scope)
            print(f"checkpoint: {checkpoint.describe()}")
            for target in (small, large):
                print(paper_book(target, AUDITED, start, end), flush=True)
            analyze(small)
            analyze(large)
            times: dict[str, list[float]] = {"small": [], "large": [], "incremental": []}
            per_gate: dict[str, list[dict[str, float]]] = {"full": [], "incremental": []}
            for _ in range(args.repeat):   # interleaved: both databases under the same load
                times["small"].append(timed(small, scope))
                times["large"].append(timed(large, scope))
                inc, inc_gates = timed_incremental(large)
                times["incremental"].append(inc)
                per_gate["incremental"].append(inc_gates)
                per_gate["full"].append(gate_seconds(large, scope))
            whole_small, whole_large = timed(small, gates.Scope()), timed(large, gates.Scope())
        a1, an = statistics.median(times["small"]), statistics.median(times["large"])
        for others, ts, whole in ((1, times["small"], whole_small), (args.others, times["large"], whole_large)):
            runs = " ".join(f"{t:.2f}" for t in ts)
            print(f"{others:>2} other book(s): validate --account {AUDITED} median {statistics.median(ts):.3f} s"
                  f" (runs: {runs}); whole database {whole:.3f} s")
        print(f"validate_scale: book_hours={book_hours} others=1 account_s={a1:.3f} others={args.others}"
              f" account_s={an:.3f} ratio={an / a1:.2f} whole_s={whole_small:.3f}/{whole_large:.3f}")
        print("per gate, median s (full --account | --incremental):")
        for name in per_gate["full"][0]:
            full_g = statistics.median(g[name] for g in per_gate["full"])
            inc_g = statistics.median(g[name] for g in per_gate["incremental"])
            print(f"  {name:<28} {full_g:8.3f} | {inc_g:8.3f}")
        ai = statistics.median(times["incremental"])
        runs = " ".join(f"{t:.2f}" for t in times["incremental"])
        print(f"{args.others:>2} other book(s): validate --account {AUDITED} --incremental ({args.new_hours} new hours)"
              f" median {ai:.3f} s (runs: {runs})")
        print(f"validate_incremental: new_hours={args.new_hours} full_s={an:.3f} incremental_s={ai:.3f}"
              f" ratio={ai / an:.2f}")


if __name__ == "__main__":
    main()
