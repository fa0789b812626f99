"""Halt latency: time from the commit of ``api.kill_switch`` to the last open order canceled on the paper
venue (and recorded in the book), measured with a worker listening on channel predator_kill.

Runs in a scratch database on the default target (embedded cluster or PREDATOR_DSN), with the real BTC/USDT
1h candles. Last line: ``halt_latency: orders=N runs=R median_ms=… max_ms=…``.
"""

from __future__ import annotations

import statistics
import sys
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from predator import config  # noqa: E402
from predator.db import api, migrate, ops_reads  # noqa: E402
from predator.db.connection import default_target  # noqa: E402
from predator.marketdata.loader import load_file  # noqa: E402
from predator.runner.killdrill import drill  # noqa: E402

ORDERS = 25  # the default profile admits at most 30 orders per account per hour
RUNS = 5


def main() -> None:
    with migrate.scratch_database(default_target(), "predator_bench_halt") as target:
        with target.connect("worker") as conn:
            load_file(conn, config.data_dir() / "candles" / "binance_BTC-USDT_1h.csv.gz")
        latencies = []
        for run in range(RUNS):
            at = datetime(2023, 3, 1, tzinfo=UTC) + timedelta(days=run)
            if run:
                with target.connect("operator", autocommit=True) as op, \
                        target.connect("approver", autocommit=True) as approver:
                    api.request_and_approve(op, approver, "resume", "global", "bench: next drill")  # two-person rule
                    with op.transaction():
                        for incident in ops_reads.incidents(op):
                            api.update_incident(op, incident.incident, "resolved", "bench")
                        api.resume(op, "bench: next drill")
            r = drill(target, f"drill-{run}", "BTC/USDT", at, ORDERS, Decimal("15000"))
            assert r.canceled_at_venue == r.canceled_in_book == ORDERS, r
            latencies.append(r.latency_s * 1000)
            print(f"run {run}: {ORDERS} orders canceled {r.latency_s * 1000:.1f} ms after the kill switch committed")
        print(f"halt_latency: orders={ORDERS} runs={RUNS} median_ms={statistics.median(latencies):.1f}"
              f" max_ms={max(latencies):.1f}")


if __name__ == "__main__":
    main()
