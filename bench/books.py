"""Many books at once (issue 18 item 5; docs/performance.md "Many books at once"): N independent books (N = 1, 2,
4, 8 by default) backtested at the same time against the same database, each in its own process and connection,
one backtest each: a parameter sweep of the SMA crossover (``sma_cross``, each book its own (fast, slow) pair,
``max_positions`` = max(4, symbols)) over the demo's 10 symbols × 2023.

A scratch database is created on the configured server (PREDATOR_DSN or the embedded cluster), migrated, and
loaded once with the real 1h candles of the symbols (../shared/data/candles). For each N, N fresh accounts are
created one after the other (:func:`predator.runner.sweep.create_books`), then N worker processes start; each
loads its market data and prepares its runner (not timed), waits at a common barrier, and runs its book
(:class:`~predator.runner.hour.HourRunner`, fast commits as every benchmark's backtest). Measured from the
barrier's release: the wall time until the last book ends, and each book's own run time. Meanwhile a thread
samples ``pg_stat_activity`` / ``pg_blocking_pids`` as the administrator and counts any session of one book
waiting on a lock held by another book's session (DESIGN.md §9: there must be none).

Reported per N: total symbol-hours per second (N × hours × symbols / wall; ``scaling``: that over N = 1's) and the
per-book slowdown: ``slowdown``, the books' mean run time over the single book's at N = 1 (the books trade
different pairs, so their work differs a little), and ``book1_slowdown``, book 1's alone (the same pair, the
same work at every N). Last line: ``books: … sh_per_s=… slowdown=… book1_slowdown=… scaling=…
cross_book_waits=…``, one ratio per N.

``--same-pair``: every book runs book 1's pair, so every book does the same work and ``scaling`` measures only what
the books cost each other (with different pairs the wall ends with the book that trades most).

``--books 1,2 --symbols 3 --days 60`` makes a small run (about a minute on 2 cores).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import sys
import threading
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import psycopg  # noqa: E402

from predator import config  # noqa: E402
from predator.config import DEMO_SYMBOLS  # noqa: E402
from predator.db import migrate, sweep_reads  # noqa: E402
from predator.db.connection import Target, default_target  # noqa: E402
from predator.logs import configure_logging  # noqa: E402
from predator.marketdata.loader import load_many  # noqa: E402
from predator.runner.config import RunConfig  # noqa: E402
from predator.runner.sweep import APPLICATION_PREFIX, Book, create_books, plan  # noqa: E402
from predator.venues.paper import PaperConfig  # noqa: E402

#: The (fast, slow) pair of each book: book i of every N uses PAIRS[i].
PAIRS: tuple[tuple[int, int], ...] = ((10, 50), (5, 20), (20, 100), (12, 26), (24, 120), (50, 200), (8, 34),
                                      (15, 60))


def _book(target: Target, book: Book, barrier: Any, results: Any, every_hour: bool = False) -> None:
    """A worker: prepare the book's runner (market data, account, venue), wait for the others, run it
    (``every_hour``: one commit per hour instead of batches of quiet hours)."""
    os.environ["PGAPPNAME"] = (APPLICATION_PREFIX + book.config.account)[:63]
    configure_logging()
    from predator.runner.hour import HourRunner

    runner = HourRunner(target, book.config, backtest_fast_commit=True, commit_every_hour=every_hour)
    try:
        runner.prepare()
        barrier.wait(timeout=600)
        t0 = time.perf_counter()
        summary = runner.run()
        seconds = time.perf_counter() - t0
    finally:
        runner.close()
    results.put((book.index, summary.hours_this_session, seconds, summary.round_trips))


class Sampler(threading.Thread):
    """Samples the database's lock waits until stopped: ``cross`` the waits of a book's session on another
    book's session, ``samples`` how many times it looked."""

    def __init__(self, target: Target, every: float) -> None:
        super().__init__(daemon=True)
        self.target = target
        self.every = every
        self.stop = threading.Event()
        self.samples = 0
        self.cross: list[sweep_reads.LockWait] = []
        self.waits = 0
        #: waits at PostgreSQL's storage-level locks (sweep_reads.STORAGE_LOCK_EVENTS: a shared table's
        #: extension) between two books' sessions, counted apart: they guard no book's data.
        self.storage = 0

    def run(self) -> None:
        if self.every <= 0:
            return
        with psycopg.connect(self.target.dsn, autocommit=True) as admin:
            while not self.stop.is_set():
                for w in sweep_reads.lock_waits(admin, storage=True):
                    self.waits += 1
                    if w.waiter.startswith(APPLICATION_PREFIX) and w.blocker.startswith(APPLICATION_PREFIX) \
                            and w.waiter != w.blocker:
                        if w.wait_event in sweep_reads.STORAGE_LOCK_EVENTS:
                            self.storage += 1
                        else:
                            self.cross.append(w)
                self.samples += 1
                self.stop.wait(self.every)


Got = list[tuple[int, int, float, int]]


def run_n(target: Target, books: list[Book], sample_every: float,
          every_hour: bool = False) -> tuple[float, Got, Sampler]:
    """Run ``books`` at once, one process each, from a common start; wall seconds, each book's (index, hours,
    seconds, round trips) and the sampler."""
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(len(books) + 1)
    results = ctx.Queue()
    procs = [ctx.Process(target=_book, args=(target, b, barrier, results, every_hour), name=b.config.account)
             for b in books]
    for p in procs:
        p.start()
    sampler = Sampler(target, sample_every)
    sampler.start()
    try:
        barrier.wait(timeout=600)
        t0 = time.perf_counter()
        got = [results.get(timeout=7200) for _ in books]
        wall = time.perf_counter() - t0
    finally:
        sampler.stop.set()
        sampler.join(timeout=10)
        for p in procs:
            p.join(timeout=60)
    failed = [p.name for p in procs if p.exitcode != 0]
    if failed:
        raise RuntimeError(f"book(s) {', '.join(failed)} failed (see the log)")
    return wall, sorted(got), sampler


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--books", default="1,2,4,8", help="How many books at once, one run each (default 1,2,4,8).")
    ap.add_argument("--symbols", default=str(len(DEMO_SYMBOLS)),
                    help="A count (the first of the demo's 10 symbols) or a comma-separated list.")
    ap.add_argument("--from", dest="start", default="2023-01-01")
    ap.add_argument("--days", type=int, default=365)
    ap.add_argument("--repeat", type=int, default=1,
                    help="Rounds (each N once per round, interleaved, fresh books each time); the median is kept.")
    ap.add_argument("--sample-ms", type=float, default=20.0,
                    help="How often the lock waits are sampled, in ms (0: not at all; each sample is a query).")
    ap.add_argument("--same-pair", action="store_true",
                    help="Every book runs the first pair (the same trades, the same work), so that the scaling "
                         "measures what books cost each other; by default each book runs its own pair (a parameter "
                         "sweep, whose books trade more or less than book 1).")
    ap.add_argument("--commit-every-hour", action="store_true",
                    help="Each book commits every hour on its own instead of batching its quiet hours (to compare).")
    args = ap.parse_args()
    configure_logging()
    ns = [int(x) for x in args.books.split(",") if x.strip()]
    if not ns or min(ns) < 1 or max(ns) > len(PAIRS):
        ap.error(f"--books: each between 1 and {len(PAIRS)}")
    symbols = DEMO_SYMBOLS[:int(args.symbols)] if args.symbols.isdigit() else \
        tuple(s.strip() for s in args.symbols.split(",") if s.strip())
    start = datetime.fromisoformat(args.start).replace(tzinfo=UTC)
    end = start + timedelta(days=args.days)
    cores = os.cpu_count()
    print(f"machine: {cores} cores, load average {os.getloadavg()[0]:.1f} at start; {len(symbols)} symbols, "
          f"{start:%Y-%m-%d} + {args.days} days; books at once: {', '.join(map(str, ns))}", flush=True)

    with migrate.scratch_database(default_target(), "predator_bench_books") as target:
        t0 = time.perf_counter()
        paths = [config.data_dir() / "candles" / f"binance_{s.replace('/', '-')}_1h.csv.gz" for s in symbols]
        for outcome in load_many(lambda: target.connect("worker"), paths, jobs=1):
            if not hasattr(outcome, "result"):
                print(f"cannot load {outcome}", file=sys.stderr)
                return 2
        print(f"candles of {len(symbols)} symbols loaded once in {time.perf_counter() - t0:.1f} s", flush=True)
        positions = max(4, len(symbols))
        # N -> one (symbol-hours/s, mean book s, book 1's s, cross-book waits) per round
        rounds: dict[int, list[tuple[float, float, float, int]]] = {n: [] for n in ns}
        hours = 0
        for r in range(args.repeat):
            for n in ns:
                base = RunConfig(account="x", symbols=symbols, strategy="sma_cross",
                                 params={"max_positions": positions}, start=start, end=end, principal=Decimal(10000),
                                 venue=PaperConfig())
                if args.same_pair:  # one account per book (a name per grid point: a prefix per book)
                    f, s = PAIRS[0]
                    books = [replace(plan(base, [(("fast", f), ("slow", s))], prefix=f"books-r{r}-n{n}-b{i}")[0],
                                     index=i) for i in range(n)]
                else:
                    books = plan(base, [(("fast", f), ("slow", s)) for f, s in PAIRS[:n]], prefix=f"books-r{r}-n{n}")
                create_books(target, books)
                wall, got, sampler = run_n(target, books, args.sample_ms / 1000, args.commit_every_hour)
                hours = books[0].hours
                sh = n * hours * len(symbols)
                mean = sum(g[2] for g in got) / n
                rounds[n].append((sh / wall, mean, got[0][2], len(sampler.cross)))
                per_book = ", ".join(f"{g[2]:.1f}" for g in got)
                print(f"round {r + 1} N={n}: wall {wall:.1f} s, {n} x {hours:,} h x {len(symbols)} symbols = {sh:,} "
                      f"symbol-hours -> {sh / wall:,.0f} symbol-hours/s; per book {per_book} s (mean {mean:.1f} s); "
                      f"round trips {', '.join(str(g[3]) for g in got)}; lock waits sampled {sampler.waits}, across "
                      f"books {len(sampler.cross)}, at a shared table's extension {sampler.storage} ({sampler.samples} "
                      f"samples); load average "
                      f"{os.getloadavg()[0]:.1f}", flush=True)
                for w in sampler.cross[:5]:
                    print(f"  CROSS-BOOK WAIT: {w.waiter} waited ({w.wait_event}) on {w.blocker}", flush=True)
    figures = {n: tuple(statistics.median(x[i] for x in rounds[n]) for i in range(3))
               + (sum(x[3] for x in rounds[n]),) for n in ns}
    for n in ns:
        print(f"N={n} (median of {args.repeat}): {figures[n][0]:,.0f} symbol-hours/s, a book's run "
              f"{figures[n][1]:.1f} s (book 1: {figures[n][2]:.1f} s)", flush=True)
    one = figures.get(1)

    def ratios(i: int) -> str:
        return ",".join(f"{figures[n][i] / one[i]:.2f}" if one else "-" for n in ns)

    print(f"books: cores={cores} symbols={len(symbols)} hours={hours} repeat={args.repeat} N={','.join(map(str, ns))} "
          f"sh_per_s={','.join(f'{figures[n][0]:.0f}' for n in ns)} slowdown={ratios(1)} book1_slowdown={ratios(2)} "
          f"scaling={ratios(0)} cross_book_waits={sum(figures[n][3] for n in ns)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
