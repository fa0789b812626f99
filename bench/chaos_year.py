"""Campaign 4's target (issue 14): a year of extreme chaos on 10 symbols. Reports simulated hours per wall
second, the worker SIGKILLs and PostgreSQL immediate stops survived, state corruption (failed gate or chain
checks), and the worker's resident memory after the first simulated day against its value at the end (each
segment runs a new worker process, so this compares the worker of the first day with the worker of the last
segment: a leak across restarts, or market data grown without bound, shows; a leak inside one segment shows as
the growth within it, reported too).

Runs on the embedded cluster (the campaign stops and starts it): ``make bench-chaos`` or
``python bench/chaos_year.py [--days N] [--seed S] [--symbols 10|...] [--no-replay]``. Loads the symbols'
real 1h candles from ../shared/data first when they are missing. Last line:
``chaos_year: days=… sim_hours_per_wall_s=… worker_kills=… db_stops=… rss_day1_kb=… rss_end_kb=… …``.
"""

from __future__ import annotations

import argparse
import random
import sys
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from predator import config  # noqa: E402
from predator.chaos.campaign import Campaign, summary_lines  # noqa: E402
from predator.db.connection import Target, default_target  # noqa: E402
from predator.marketdata.loader import load_file  # noqa: E402

TEN = ("BTC/USDT", "ETH/USDT", "SOL/USDT", "BNB/USDT", "ADA/USDT", "XRP/USDT", "DOGE/USDT", "AVAX/USDT",
       "DOT/USDT", "LINK/USDT")


def _ensure_candles(target: Target, symbols: tuple[str, ...]) -> None:
    """Load the symbols' 1h files (rows already stored count as duplicates and change nothing)."""
    with target.connect("worker") as conn:
        for s in symbols:
            load_file(conn, config.data_dir() / "candles" / f"binance_{s.replace('/', '-')}_1h.csv.gz")
            conn.commit()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--days", type=int, default=365)
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--symbols", default=",".join(TEN))
    ap.add_argument("--from", dest="start", default="2023-01-01")
    ap.add_argument("--no-replay", action="store_true")
    args = ap.parse_args()
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(1, 2**31)
    symbols = tuple(s for s in args.symbols.split(",") if s)
    target = default_target()
    _ensure_candles(target, symbols)
    start = datetime.fromisoformat(args.start).replace(tzinfo=UTC)
    camp = Campaign(target, 4, seed, args.days, symbols, start, config.home() / "chaos", replay=not args.no_replay)
    res = camp.run()
    for line in summary_lines(res):
        print(line)
    rss = res.rss_kb
    day1 = [kb for t, kb in rss if (t - start).total_seconds() < 24 * 3600]
    rss_day1 = day1[-1] if day1 else 0
    rss_end = rss[-1][1] if rss else 0
    hours = args.days * 24
    corruption = sum(1 for c in res.checks if not c.gates_passed or not c.chains_ok)
    print(f"chaos_year: days={args.days} symbols={len(symbols)} seed={seed} wall_s={res.wall_s:.0f} "
          f"sim_hours_per_wall_s={hours / max(res.wall_s, 1e-9):.2f} worker_kills={res.worker_kills} "
          f"db_stops={res.db_stops} worker_starts={res.worker_starts} state_corruption={corruption} "
          f"rss_day1_kb={rss_day1} rss_end_kb={rss_end} rss_ratio={rss_end / rss_day1 if rss_day1 else 0:.2f} "
          f"replay_parity={res.replay_parity} passed={res.passed}")


if __name__ == "__main__":
    main()
