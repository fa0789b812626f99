"""What a sync-fed hour's refresh costs (``HourStep.refresh``: the bars as the hour knew them and the strategies'
features over them), the way the worker does it against a full re-read of the window, in the same run.

A scratch database is created on the configured server (PREDATOR_DSN or the embedded cluster); a sync-fed run
of the campaign's book (trend 12/48/48, meanrev, sma_cross) over ``--days`` of ``--symbols`` is fed hour by
hour by the chaos feeder (:mod:`predator.chaos.feed`) with a late revision and a feed stall. At every hour the
worker's own refresh is timed, and so is the full path on the same hour and the same load ids: every symbol's
window read again with ``api.candles_known`` (:meth:`MarketData.load`) and every strategy's features recomputed;
the two must agree to the bit (the bars, :meth:`MarketData.digest`, every feature array), or the bench stops.
The order of the two alternates from hour to hour. ``--profile`` also writes a cProfile of the whole run;
``--keep`` keeps the scratch database. PREDATOR_DSN may name a server (e.g. the system PostgreSQL).

Last line: ``refresh: hours=… symbols=… worker_ms=… (median) full_ms=… (median) ratio=… full_read_ms=…
full_features_ms=… worker_total_s=… full_total_s=… worker_read_ms=… delta_reads=… full_reads=…``.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import statistics
import sys
import time
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from predator.chaos import scenario as scenario_mod  # noqa: E402
from predator.chaos.scenario_run import run_scenario  # noqa: E402
from predator.db import migrate  # noqa: E402
from predator.db.connection import default_target  # noqa: E402
from predator.runner.market import KnownBars, MarketData  # noqa: E402
from predator.runner.step import HourStep, strategy_features  # noqa: E402

TEN = ("BTC/USDT", "ETH/USDT", "SOL/USDT", "BNB/USDT", "ADA/USDT", "XRP/USDT", "LTC/USDT", "AVAX/USDT",
       "DOT/USDT", "LINK/USDT")

SCENARIO = """
[scenario]
name = "bench_refresh"
seed_id = "G9"
title = "bench: a sync-fed run of the campaign's book"

[window]
symbols = {symbols}
from = {start}
to = {end}

[[faults]]
kind = "late_revision"
from = {rev_from}
to = {rev_to}

[[faults]]
kind = "feed_stall"
from = {stall_from}
to = {stall_to}

[strategy]
strategy = "trend"
[strategy.params]
fast = 12
slow = 48
vol_window = 48

[[extra_strategies]]
name = "meanrev"
strategy = "meanrev"

[[extra_strategies]]
name = "agent"
strategy = "sma_cross"
pool = "AGGRESSIVE"

[[expect]]
name = "every hour closed"
query = "SELECT count(*) FROM api.hourly_states WHERE account = :'account'"
op = ">"
value = 0
"""


def _iso(t: datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def _same(a: MarketData, b: MarketData) -> bool:
    if sorted(a.symbols) != sorted(b.symbols) or a.digest() != b.digest():
        return False
    for s, x in a.symbols.items():
        y = b.symbols[s]
        for name in ("ts", "open", "high", "low", "close", "volume"):
            if not np.array_equal(getattr(x, name), getattr(y, name)):
                return False
    return True


def _same_features(a: Mapping[str, Mapping[str, np.ndarray]], b: Mapping[str, Mapping[str, np.ndarray]]) -> bool:
    if sorted(a) != sorted(b):
        return False
    for s in a:
        if sorted(a[s]) != sorted(b[s]):
            return False
        for k in a[s]:
            if not np.array_equal(a[s][k], b[s][k], equal_nan=True):
                return False
    return True


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--days", type=int, default=3)
    ap.add_argument("--from", dest="start", default="2023-03-01")
    ap.add_argument("--symbols", default=",".join(TEN))
    ap.add_argument("--keep", action="store_true", help="keep the scratch database (its name is printed)")
    ap.add_argument("--profile", type=Path, default=None, help="write a cProfile of the whole run here")
    args = ap.parse_args()
    start = datetime.fromisoformat(args.start).replace(tzinfo=UTC)
    end = start + timedelta(days=args.days) - timedelta(hours=1)
    symbols = [s for s in args.symbols.split(",") if s]
    text = SCENARIO.format(symbols="[" + ", ".join(f'"{s}"' for s in symbols) + "]", start=_iso(start),
                           end=_iso(end), rev_from=_iso(start + timedelta(hours=5)),
                           rev_to=_iso(start + timedelta(hours=9)), stall_from=_iso(start + timedelta(hours=30)),
                           stall_to=_iso(start + timedelta(hours=33)))
    scenario = scenario_mod.parse(text, "bench/refresh.py")

    worker_s: list[float] = []
    full_s: list[float] = []
    read_s: list[float] = []
    features_s: list[float] = []
    worker_read_s: list[float] = []
    original = HourStep.refresh
    original_load = KnownBars.load
    steps: list[HourStep] = []

    def timed_load(bars: KnownBars, *a: Any, **k: Any) -> MarketData:
        t0 = time.perf_counter()
        out = original_load(bars, *a, **k)
        worker_read_s.append(time.perf_counter() - t0)
        return out

    def full(step: HourStep, t: datetime, known: Mapping[str, int | None]) -> tuple[MarketData, Any, list[Any]]:
        """The full path: every symbol's window read again, every strategy's features recomputed."""
        warmup = timedelta(hours=int(getattr(step.strategy, "warmup_bars", 500)) + 24)
        t0 = time.perf_counter()
        market = MarketData.load(step.conn, step.config.venue.venue, list(step.config.feeds), t - warmup, t,
                                 known=known)
        t1 = time.perf_counter()
        features = strategy_features(step.strategy, market)
        others = [strategy_features(o.strategy, market) for o in step.others]
        t2 = time.perf_counter()
        read_s.append(t1 - t0)
        features_s.append(t2 - t1)
        return market, features, others

    def timed(step: HourStep, t: datetime, known: Mapping[str, int | None]) -> None:
        if step not in steps:
            steps.append(step)
        first_full = len(worker_s) % 2 == 1
        if first_full:
            t0 = time.perf_counter()
            reference = full(step, t, known)
            full_s.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        original(step, t, known)
        worker_s.append(time.perf_counter() - t0)
        if not first_full:
            t0 = time.perf_counter()
            reference = full(step, t, known)
            full_s.append(time.perf_counter() - t0)
        market, features, others = reference
        if not (_same(step.market, market) and _same_features(step.features, features)
                and all(_same_features(o.features, f) for o, f in zip(step.others, others, strict=True))):
            raise SystemExit(f"refresh: the worker's bars or features at {t.isoformat()} differ from a full read")

    HourStep.refresh = timed  # type: ignore[method-assign]
    KnownBars.load = timed_load  # type: ignore[method-assign]
    profiler = cProfile.Profile() if args.profile else None
    with migrate.scratch_database(default_target(), "predator_bench_refresh", keep=args.keep) as target:
        if args.keep:
            print(f"database {target.dbname}")
        if profiler is not None:
            profiler.enable()
        result = run_scenario(target, scenario, seed=5, replay=False)
        if profiler is not None:
            profiler.disable()
    HourStep.refresh = original  # type: ignore[method-assign]
    KnownBars.load = original_load  # type: ignore[method-assign]
    if profiler is not None:
        profiler.dump_stats(str(args.profile))
        pstats.Stats(str(args.profile)).sort_stats("cumulative").print_stats(40)
    print(f"scenario passed={result.passed}")

    def ms(xs: list[float]) -> float:
        return statistics.median(xs) * 1000

    print(f"refresh: hours={len(worker_s)} symbols={len(symbols)} worker_ms={ms(worker_s):.2f} (median) "
          f"full_ms={ms(full_s):.2f} (median) ratio={ms(worker_s) / ms(full_s):.3f} "
          f"full_read_ms={ms(read_s):.2f} full_features_ms={ms(features_s):.2f} "
          f"worker_total_s={sum(worker_s):.2f} full_total_s={sum(full_s):.2f} "
          f"worker_read_ms={ms(worker_read_s) if worker_read_s else 0:.2f} "
          f"delta_reads={sum(getattr(s.known_bars, 'delta_loads', 0) for s in steps)} "
          f"full_reads={sum(getattr(s.known_bars, 'full_loads', 0) for s in steps)}")


if __name__ == "__main__":
    main()
