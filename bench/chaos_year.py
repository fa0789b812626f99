"""Campaign 4's target (issue 14): a year of extreme chaos on 10 symbols. Reports simulated hours per wall
second, the worker SIGKILLs and PostgreSQL immediate stops survived, state corruption (failed gate or chain
checks), and the worker's resident memory.

Memory: every worker process is forked from the campaign's worker service after it loaded the market data, so
each starts from the same image, and one process runs on across segments until a fault ends it. Reported:

* ``rss_day1_kb`` / ``rss_end_kb``: the worker's RSS after the first simulated day and at the last hour (the
  last worker, forked from the same service: comparable, though not the same process when a kill came between);
* ``rss_same_process``: within the longest-lived worker process, its RSS after its first simulated day of life
  against its last reading, with the hours it lived (the growth inside one process, which restarts cannot hide).

``--no-kills`` runs the same schedule without the worker SIGKILLs and database stops (venue and decision faults
only), so that one worker process lives the whole year: then ``rss_day1_kb`` and ``rss_end_kb`` are the same
process's.

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

#: Ten symbols with 1h candles in ../shared/data for 2023 (DOGE has none there).
TEN = ("BTC/USDT", "ETH/USDT", "SOL/USDT", "BNB/USDT", "ADA/USDT", "XRP/USDT", "LTC/USDT", "AVAX/USDT",
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
    ap.add_argument("--check-hours", type=int, default=24, help="hours between checks (docs/chaos.md)")
    ap.add_argument("--serial-checks", action="store_true", help="check every segment at the worker's barrier")
    ap.add_argument("--no-kills", action="store_true",
                    help="no worker SIGKILL or database stop: one worker process for the whole run (memory)")
    args = ap.parse_args()
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(1, 2**31)
    symbols = tuple(s for s in args.symbols.split(",") if s)
    target = default_target()
    _ensure_candles(target, symbols)
    start = datetime.fromisoformat(args.start).replace(tzinfo=UTC)
    camp = Campaign(target, 4, seed, args.days, symbols, start, config.home() / "chaos", replay=not args.no_replay,
                    check_hours=args.check_hours, process_faults=not args.no_kills,
                    overlap_checks=not args.serial_checks)
    res = camp.run()
    for line in summary_lines(res):
        print(line)
    rss = res.rss_kb
    day1 = [kb for t, kb in rss if (t - start).total_seconds() < 24 * 3600]
    rss_day1 = day1[-1] if day1 else 0
    rss_end = rss[-1][1] if rss else 0
    # The longest-lived worker process: its RSS after its first 24 hours of life against its last reading.
    lives: dict[int, list[int]] = {}
    for (_, kb), pid in zip(rss, res.rss_pid, strict=True):
        lives.setdefault(pid, []).append(kb)
    pid, life = max(lives.items(), key=lambda kv: len(kv[1])) if lives else (0, [0])
    first_day = life[min(23, len(life) - 1)]
    same = f"{life[-1] / first_day:.2f}" if first_day else "0"
    hours = args.days * 24
    corruption = sum(1 for c in res.checks if not c.gates_passed or not c.chains_ok)
    run_s = res.wall_s
    print(f"chaos_year: days={args.days} symbols={len(symbols)} seed={seed} wall_s={run_s:.0f} "
          f"sim_hours_per_wall_s={hours / max(run_s, 1e-9):.2f} checks={len(res.checks)} "
          f"check_hours={args.check_hours} worker_kills={res.worker_kills} db_stops={res.db_stops} "
          f"worker_starts={res.worker_starts} worker_processes={len(lives)} data_load_s={res.worker_load_s:.1f} "
          f"state_corruption={corruption} rss_day1_kb={rss_day1} rss_end_kb={rss_end} "
          f"rss_ratio={rss_end / rss_day1 if rss_day1 else 0:.2f} rss_same_process={same} "
          f"(pid {pid}, {len(life)} hours: {first_day} -> {life[-1]} kB) replay_parity={res.replay_parity} "
          f"passed={res.passed}")


if __name__ == "__main__":
    main()
