"""The trading hour's throughput: the paper year of 10 symbols through the governed pipeline, against the
same strategy and fill model in plain in-memory Python (no database: the floor of what the strategy and the
paper venue cost by themselves), in one run on the same machine.

A scratch database is created on the configured server (PREDATOR_DSN or the embedded cluster), migrated,
and loaded with the real 1h candles of the 10 demo symbols; then 2023 is paper-traded with the trend strategy
from 10,000 USDT — every signal, admission, order event, fill, ledger posting, reconciliation and hourly
close through the governed procedures, with the hour's hashes — and the same year is simulated in memory.
Last line: ``pipeline: governed=… symbol-hours/s (… s) in_memory=… symbol-hours/s (… s) ratio=…``.
Target: the governed year (87,600 symbol-hours) in under 120 s.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from predator import config  # noqa: E402
from predator.config import DEMO_SYMBOLS as SYMBOLS  # noqa: E402
from predator.db import migrate  # noqa: E402
from predator.db.connection import default_target  # noqa: E402
from predator.marketdata.loader import load_file  # noqa: E402
from predator.runner.hour import HourRunner, RunConfig  # noqa: E402
from predator.runner.market import MarketData  # noqa: E402
from predator.runner.simulate import simulate  # noqa: E402
from predator.strategies.base import effective_params, load_strategy  # noqa: E402
from predator.venues.paper import PaperConfig  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--from", dest="start", default="2023-01-01")
    ap.add_argument("--to", dest="end", default="2024-01-01")
    ap.add_argument("--strategy", default="trend")
    args = ap.parse_args()
    start = datetime.fromisoformat(args.start).replace(tzinfo=UTC)
    end = datetime.fromisoformat(args.end).replace(tzinfo=UTC)
    hours = int((end - start) / timedelta(hours=1))
    symbol_hours = hours * len(SYMBOLS)

    with migrate.scratch_database(default_target(), "predator_bench_pipe") as target:
        with target.connect("worker") as conn:
            for s in SYMBOLS:
                load_file(conn, config.data_dir() / "candles" / f"binance_{s.replace('/', '-')}_1h.csv.gz")
        strategy = load_strategy(args.strategy)
        cfg = RunConfig(
            account="bench",
            symbols=SYMBOLS,
            strategy=args.strategy,
            params=effective_params(strategy),
            start=start,
            end=end,
            principal=Decimal(10000),
            venue=PaperConfig(),
        )

        t0 = time.perf_counter()
        runner = HourRunner(target, cfg, backtest_fast_commit=True)
        try:
            summary = runner.run()
        finally:
            runner.close()
        governed = time.perf_counter() - t0
        print(
            f"governed: {summary.hours} hours closed, {summary.orders} orders, {summary.fills} fills, "
            f"{summary.round_trips} trades, final equity {summary.final_equity:.2f} in {governed:.1f} s"
        )

        warmup = timedelta(hours=int(strategy.warmup_bars) + 24)
        with target.connect("worker") as conn:
            t1 = time.perf_counter()
            market = MarketData.load(conn, "binance", list(SYMBOLS), start - warmup, end + timedelta(hours=1))
            sim = simulate(
                market,
                load_strategy(args.strategy),
                list(SYMBOLS),
                start,
                end,
                Decimal(10000),
                PaperConfig(),
                limits={"max_instrument_exposure": 0.3, "max_order_notional": 0.25},
            )
            in_memory = time.perf_counter() - t1
        print(f"in memory: {len(sim.decisions)} decisions, final equity {sim.final_equity:.2f} in {in_memory:.1f} s")
        print(
            f"pipeline: governed={symbol_hours / governed:,.0f} symbol-hours/s ({governed:.1f} s) "
            f"in_memory={symbol_hours / in_memory:,.0f} symbol-hours/s ({in_memory:.1f} s) "
            f"ratio={governed / in_memory:.1f} symbol_hours={symbol_hours}"
        )


if __name__ == "__main__":
    main()
