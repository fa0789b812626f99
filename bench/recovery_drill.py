"""The recovery drill of docs/recovery.md, timed: paper trading on an embedded cluster that archives its WAL, a
logical dump and a base backup, more trading, a target time noted, more trading, a crash (PostgreSQL immediate
stop), then ``predator restore pitr`` into a fresh cluster and ``predator restore dump`` into a new database
of it. Checks what the integration tests check (exactly the hours before the target recovered, chains, gates)
and reports the figures the tests may not: RTO (wall seconds of ``restore pitr``: start of the restore to a
promoted server accepting connections), RPO (the target minus the commit time of the last transaction
replayed, and the business hours committed before the target that are missing), and the sizes and times of
the dump, its restore and the base backup.

``python bench/recovery_drill.py [--days N] [--symbols BTC/USDT,ETH/USDT,…]`` (default 60 days, 2 symbols: the
first half traded before the backups, a quarter between the backups and the target, a quarter after). Runs
under temporary PREDATOR_HOMEs and stops every cluster it starts. Last line: ``recovery_drill: …``.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from predator import config  # noqa: E402
from predator.db import cluster, logins, migrate  # noqa: E402
from predator.db.connection import Target  # noqa: E402
from predator.marketdata.loader import load_file  # noqa: E402
from predator.runner.hour import HourRunner, RunConfig  # noqa: E402
from predator.strategies.base import effective_params, load_strategy  # noqa: E402
from predator.venues.paper import PaperConfig  # noqa: E402

ACCOUNT = "drill"
START = datetime(2023, 1, 1, tzinfo=UTC)


def _cli(home: Path, *args: str) -> tuple[str, float]:
    env = {**os.environ, "PREDATOR_HOME": str(home)}
    env.pop("PREDATOR_DSN", None)
    t0 = time.monotonic()
    res = subprocess.run([sys.executable, "-m", "predator.cli", *args], env=env, capture_output=True, text=True)
    if res.returncode != 0:
        raise SystemExit(f"predator {' '.join(args)} failed ({res.returncode}): {res.stderr.strip()}")
    return res.stdout, time.monotonic() - t0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--days", type=int, default=60)
    ap.add_argument("--symbols", default="BTC/USDT,ETH/USDT")
    args = ap.parse_args()
    symbols = tuple(args.symbols.split(","))
    hours = args.days * 24
    cfg = RunConfig(account=ACCOUNT, symbols=symbols, strategy="trend",
                    params=effective_params(load_strategy("trend", {"fast": 12, "slow": 48, "vol_window": 48})),
                    start=START, end=START + timedelta(hours=hours - 1), venue=PaperConfig(seed=3))
    tmp = Path(tempfile.mkdtemp(prefix="predator_drill_"))
    source_home, restored_home = tmp / "source", tmp / "restored"
    os.environ.pop("PREDATOR_DSN", None)
    os.environ.setdefault("PREDATOR_LOG", os.devnull)
    homes: list[Path] = []

    def trade(target: Target, n: int) -> None:
        runner = HourRunner(target, cfg, stop_after=n)
        try:
            runner.run()
        finally:
            runner.close()

    try:
        os.environ["PREDATOR_HOME"] = str(source_home)
        homes.append(source_home)
        lay = cluster.up(wal_archive=True)
        source = Target(lay.dsn(), embedded=True)
        migrate.upgrade(source)
        with source.connect("worker") as conn:
            for s in symbols:
                load_file(conn, config.data_dir() / "candles" / f"binance_{s.replace('/', '-')}_1h.csv.gz")
        t0 = time.monotonic()
        trade(source, hours // 2)
        trade_s = time.monotonic() - t0
        out, dump_s = _cli(source_home, "backup", "dump", "--out", str(tmp / "predator.dump"))
        dump_size = (tmp / "predator.dump").stat().st_size
        out, base_s = _cli(source_home, "backup", "base", "--out", str(tmp / "base"))
        trade(source, hours // 4)
        import psycopg

        with psycopg.connect(lay.dsn()) as conn:
            target_time = conn.execute("SELECT clock_timestamp()").fetchone()[0]  # type: ignore[index]
            before = conn.execute("SELECT count(*) FROM portfolio.hourly_state").fetchone()[0]  # type: ignore[index]
        trade(source, hours)   # the rest of the run
        with psycopg.connect(lay.dsn()) as conn:
            total = conn.execute("SELECT count(*) FROM portfolio.hourly_state").fetchone()[0]  # type: ignore[index]
        archived = len([p for p in lay.archive_dir.iterdir() if re.fullmatch(r"[0-9A-F]{24}", p.name)])
        cluster.down(mode="immediate")

        homes.append(restored_home)
        out, pitr_wall = _cli(restored_home, "restore", "pitr", "--base", str(tmp / "base"), "--target-time",
                              target_time.isoformat(), "--into", str(restored_home),
                              "--wal-from", str(lay.pgdata / "pg_wal"))
        rto = float(re.search(r"in ([0-9.]+) s \(RTO", out).group(1))  # type: ignore[union-attr]
        last = re.search(r"committed at (\S+)", out).group(1)  # type: ignore[union-attr]
        rpo = (target_time - datetime.fromisoformat(last)).total_seconds()
        _cli(restored_home, "db", "up")
        os.environ["PREDATOR_HOME"] = str(restored_home)
        rlay = cluster.layout()
        logins.provision_logins(rlay.dsn())
        restored = Target(rlay.dsn(), embedded=True)
        with psycopg.connect(rlay.dsn()) as conn:
            recovered = conn.execute("SELECT count(*) FROM portfolio.hourly_state").fetchone()[0]  # type: ignore[index]
        _, verify_s = _cli(restored_home, "verify", "--dsn", restored.role_dsn("auditor"))
        _, validate_s = _cli(restored_home, "validate", "--dsn", restored.role_dsn("auditor"))
        _, restore_dump_s = _cli(restored_home, "restore", "dump", str(tmp / "predator.dump"),
                                 "--database", "predator_from_dump")
        ok = recovered == before
        print(f"load: {len(symbols)} symbols, {hours} business hours planned, {total} closed before the crash "
              f"({before} before the target); first {hours // 2} h traded in {trade_s:.1f} s")
        print(f"recovery_drill: ok={ok} hours_before_target={before} hours_recovered={recovered} "
              f"hours_lost={before - recovered} rpo_s={rpo:.3f} rto_s={rto:.1f} restore_pitr_wall_s={pitr_wall:.1f} "
              f"wal_segments_archived={archived} base_backup_s={base_s:.1f} dump_s={dump_s:.1f} "
              f"dump_bytes={dump_size} restore_dump_s={restore_dump_s:.1f} verify_s={verify_s:.1f} "
              f"validate_s={validate_s:.1f}")
        if not ok:
            sys.exit(1)
    finally:
        for home in reversed(homes):
            os.environ["PREDATOR_HOME"] = str(home)
            if (home / "cluster.json").exists():
                with contextlib.suppress(Exception):
                    cluster.down(mode="immediate")
                shutil.rmtree(cluster.layout(home).pgdata.parent, ignore_errors=True)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
