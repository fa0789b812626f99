"""The recovery drill of docs/recovery.md, timed: paper trading on an embedded cluster that archives its WAL, a
logical dump and a base backup, more trading, a target time noted, more trading, a crash (PostgreSQL immediate
stop), then ``predator restore pitr`` into a fresh cluster and ``predator restore dump`` into a new database
of it. Checks what the integration tests check (exactly the hours before the target recovered, chains, gates)
and reports the figures the tests may not: RTO (wall seconds of ``restore pitr``: start of the restore to a
promoted server accepting connections), RPO (the target minus the commit time of the last transaction
replayed, and the business hours committed before the target that are missing), and the sizes and times of
the dump, its restore and the base backup.

``--archive-only``: the crash takes the disk. The crashed data directory (its ``pg_wal``) is deleted, and the
recovery has the base backup and the WAL archive alone: ``restore pitr --to-end`` (the operator's procedure
after a disk loss) recovers what the archived segments hold. RPO is then the crash minus the commit time of
the last transaction replayed, and the hours lost those committed into the segment not archived yet; the
recovered hours' digests must equal the original's, and the recovered cluster must verify, pass the gates,
replay with parity and trade on to the very hours the original had. The target time is also restored from the
archive alone (``--target-time`` without ``--wal-from``, into a third home): the hours before it.

``python bench/recovery_drill.py [--days N] [--symbols BTC/USDT,ETH/USDT,…] [--archive-only]`` (default 60
days, 2 symbols: the first half traded before the backups, a quarter between the backups and the target, a
quarter after). Runs under temporary PREDATOR_HOMEs and stops every cluster it starts. Last line:
``recovery_drill: …``.
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

import psycopg

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


def _digests(dsn: str, end: datetime) -> list[tuple[object, ...]]:
    with psycopg.connect(dsn) as conn:
        return conn.execute("SELECT hour, inputs_hash, outputs_hash, state_hash FROM api.hour_digests(%s, %s, %s)",
                            (ACCOUNT, START, end)).fetchall()


def _hours(dsn: str) -> int:
    with psycopg.connect(dsn) as conn:
        return int(conn.execute("SELECT count(*) FROM portfolio.hourly_state").fetchone()[0])  # type: ignore[index]


def _restored(out: str) -> tuple[float, datetime | None]:
    """The RTO and the commit time of the last transaction replayed (None: none) that `restore pitr` printed."""
    rto = float(re.search(r"in ([0-9.]+) s \(RTO", out).group(1))  # type: ignore[union-attr]
    last = re.search(r"committed at (\S+)", out).group(1)  # type: ignore[union-attr]
    return rto, None if last == "none" else datetime.fromisoformat(last)


def _rpo(point: datetime, last: datetime | None) -> float:
    return (point - last).total_seconds() if last else float("nan")


def _wait_archived(dsn: str, timeout: float = 600.0) -> float:
    """Wait until the WAL segment being written now is archived; the seconds waited."""
    t0 = time.monotonic()
    with psycopg.connect(dsn, autocommit=True) as conn:
        segment = conn.execute("SELECT pg_walfile_name(pg_current_wal_lsn())").fetchone()[0]  # type: ignore[index]
        while True:
            done = conn.execute("SELECT last_archived_wal FROM pg_stat_archiver").fetchone()[0]  # type: ignore[index]
            if done is not None and done[:24] >= segment:
                return time.monotonic() - t0
            if time.monotonic() - t0 > timeout:
                raise SystemExit(f"segment {segment} was not archived in {timeout:.0f} s")
            time.sleep(0.2)


def _stop(home: Path) -> None:
    os.environ["PREDATOR_HOME"] = str(home)
    if (home / "cluster.json").exists():
        with contextlib.suppress(Exception):
            cluster.down(mode="immediate")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--days", type=int, default=60)
    ap.add_argument("--symbols", default="BTC/USDT,ETH/USDT")
    ap.add_argument("--archive-only", action="store_true",
                    help="the disk is lost with the crash: restore from the base backup and the WAL archive alone")
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
        with psycopg.connect(lay.dsn()) as conn:
            target_time = conn.execute("SELECT clock_timestamp()").fetchone()[0]  # type: ignore[index]
        before = _hours(lay.dsn())
        archive_wait = 0.0
        if args.archive_only:   # the segment holding the target reaches the archive (archive_timeout at the latest)
            archive_wait = _wait_archived(lay.dsn())
        trade(source, hours)   # the rest of the run
        total = _hours(lay.dsn())
        original = _digests(lay.dsn(), cfg.end)
        with psycopg.connect(lay.dsn()) as conn:   # when each hour's close was written (wall time)
            closed_at = [r[0] for r in conn.execute("SELECT recorded_at FROM portfolio.hourly_state ORDER BY hour")]
        with psycopg.connect(lay.dsn()) as conn:
            crash_time, last_archived, last_archived_time, archive_failures, current, offset = conn.execute(
                "SELECT clock_timestamp(), last_archived_wal, last_archived_time, failed_count,"
                " pg_walfile_name(pg_current_wal_lsn()), (pg_walfile_name_offset(pg_current_wal_lsn())).file_offset"
                " FROM pg_stat_archiver").fetchone()  # type: ignore[misc]
        archived = len([p for p in lay.archive_dir.iterdir() if re.fullmatch(r"[0-9A-F]{24}", p.name)])
        cluster.down(mode="immediate")
        behind = (crash_time - last_archived_time).total_seconds() if last_archived_time else float("nan")
        print(f"archive at the crash: {archived} segments, the last {last_archived} archived {behind:.1f} s before "
              f"the crash; {offset} bytes written into {current}, not archived; the crash came "
              f"{time.monotonic() - t0:.1f} s after the first hour; {archive_wait:.1f} s waited after the target for "
              f"its segment to be archived", flush=True)
        wal_from = ["--wal-from", str(lay.pgdata / "pg_wal")]
        if args.archive_only:
            shutil.rmtree(lay.pgdata)   # the disk is lost, its pg_wal with it; the base backup and archive remain
            wal_from = []

        homes.append(restored_home)
        point = ["--to-end"] if args.archive_only else ["--target-time", target_time.isoformat()]
        out, pitr_wall = _cli(restored_home, "restore", "pitr", "--base", str(tmp / "base"), *point,
                              "--into", str(restored_home), *wal_from)
        rto, last = _restored(out)
        rpo = _rpo(crash_time if args.archive_only else target_time, last)
        _cli(restored_home, "db", "up")
        os.environ["PREDATOR_HOME"] = str(restored_home)
        rlay = cluster.layout()
        logins.provision_logins(rlay.dsn())
        restored = Target(rlay.dsn(), embedded=True)
        recovered = _hours(rlay.dsn())
        _, verify_s = _cli(restored_home, "verify", "--dsn", restored.role_dsn("auditor"))
        _, validate_s = _cli(restored_home, "validate", "--dsn", restored.role_dsn("auditor"))
        _, restore_dump_s = _cli(restored_home, "restore", "dump", str(tmp / "predator.dump"),
                                 "--database", "predator_from_dump")
        print(f"load: {len(symbols)} symbols, {hours} business hours planned, {total} closed before the crash "
              f"({before} before the target); first {hours // 2} h traded in {trade_s:.1f} s")
        if not args.archive_only:
            ok = recovered == before
            print(f"recovery_drill: ok={ok} hours_before_target={before} hours_recovered={recovered} "
                  f"hours_lost={before - recovered} rpo_s={rpo:.3f} rto_s={rto:.1f} "
                  f"restore_pitr_wall_s={pitr_wall:.1f} wal_segments_archived={archived} "
                  f"base_backup_s={base_s:.1f} dump_s={dump_s:.1f} dump_bytes={dump_size} "
                  f"restore_dump_s={restore_dump_s:.1f} verify_s={verify_s:.1f} validate_s={validate_s:.1f}")
            if not ok:
                sys.exit(1)
            return

        # The archive alone: the recovered hours are the original's first ones, digest for digest; a replay has
        # parity; trading on from the recovered cluster gives the very hours the lost disk held.
        same = _digests(rlay.dsn(), cfg.end) == original[:recovered]
        out, replay_s = _cli(restored_home, "replay", "--account", ACCOUNT, "--no-progress")   # exit 1: no parity
        parity = "REPLAY PARITY: TRUE" in out
        t0 = time.monotonic()
        trade(restored, hours)
        retrade_s = time.monotonic() - t0
        traded_on = _digests(rlay.dsn(), cfg.end) == original
        _stop(restored_home)
        # The target time, from the archive alone too (into a third home): the hours before it.
        timed_home = tmp / "restored_at_target"
        homes.append(timed_home)
        out, timed_wall = _cli(timed_home, "restore", "pitr", "--base", str(tmp / "base"), "--target-time",
                               target_time.isoformat(), "--into", str(timed_home))
        timed_rto, timed_last = _restored(out)
        timed = _hours(cluster.layout(timed_home).dsn())
        ok = same and parity and traded_on and timed == before and archive_failures == 0
        print(f"the lost {total - recovered} hours re-traded in {retrade_s:.1f} s")
        # The wall time the lost hours span: from the close of the first hour lost to the crash.
        lost_window = (crash_time - closed_at[recovered]).total_seconds() if recovered < total else 0.0
        print(f"recovery_drill: archive_only=True ok={ok} hours_at_crash={total} hours_recovered={recovered} "
              f"hours_lost={total - recovered} lost_window_s={lost_window:.1f} rpo_s={rpo:.3f} rto_s={rto:.1f} "
              f"restore_pitr_wall_s={pitr_wall:.1f} "
              f"digests_equal={same} replay_parity={parity} replay_s={replay_s:.1f} traded_on_equal={traded_on} "
              f"target_hours={before} target_recovered={timed} "
              f"target_rpo_s={_rpo(target_time, timed_last):.3f} target_rto_s={timed_rto:.1f} "
              f"target_restore_wall_s={timed_wall:.1f} wal_segments_archived={archived} base_backup_s={base_s:.1f} "
              f"verify_s={verify_s:.1f} validate_s={validate_s:.1f} restore_dump_s={restore_dump_s:.1f}")
        if not ok:
            sys.exit(1)
    finally:
        for home in reversed(homes):
            _stop(home)
            if home.exists():   # a failed restore leaves its server log there, without cluster.json
                shutil.rmtree(cluster.layout(home).pgdata.parent, ignore_errors=True)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
