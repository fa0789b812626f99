"""The recovery drill (docs/recovery.md): paper trading on an embedded cluster that archives its WAL, a base
backup, more trading, a target time noted, more trading, a crash (immediate stop), then point-in-time recovery
into a fresh cluster: exactly the hours committed before the target are there (their digests those of the
original), the chains verify, the gates pass, and a replay of the recovered book has parity. The second drill
loses the disk: the crashed cluster's pg_wal is gone, and the recovery has the base backup and the WAL archive
alone, to its end: exactly the hours of the archived segments are there.

Runs on clusters of its own under temporary PREDATOR_HOMEs, and stops both."""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest
from click.testing import CliRunner

from predator import config, seams
from predator.cli import main
from predator.db import cluster, logins, migrate, pitr
from predator.db.connection import Target
from predator.errors import BackupError
from predator.marketdata.loader import load_file
from predator.runner.hour import HourRunner, RunConfig
from predator.runner.replay import replay
from predator.strategies.base import effective_params, load_strategy
from predator.venues.paper import PaperConfig

pytestmark = pytest.mark.xdist_group("own_cluster")

ACCOUNT = "paper_drill"
START, END = datetime(2023, 3, 1, tzinfo=UTC), datetime(2023, 3, 10, tzinfo=UTC)
SYMBOLS = ("BTC/USDT", "ETH/USDT")


def _config() -> RunConfig:
    return RunConfig(account=ACCOUNT, symbols=SYMBOLS, strategy="trend",
                     params=effective_params(load_strategy("trend", {"fast": 6, "slow": 24, "vol_window": 24})),
                     start=START, end=END, venue=PaperConfig(seed=5))


def _trade(target: Target, hours: int) -> None:
    runner = HourRunner(target, _config(), stop_after=hours)
    try:
        runner.run()
    finally:
        runner.close()


def _source() -> tuple[cluster.Layout, Target]:
    """The original: an embedded cluster archiving its WAL, migrated, with the candles of the drill."""
    lay = cluster.up(wal_archive=True)
    source = Target(lay.dsn(), embedded=True)
    migrate.upgrade(source)
    with source.connect("worker") as conn:
        for symbol in SYMBOLS:
            load_file(conn, config.data_dir() / "candles" / f"binance_{symbol.replace('/', '-')}_1h.csv.gz")
    return lay, source


def _open_restored(restored_home: Path, monkeypatch: pytest.MonkeyPatch, source: cluster.Layout) -> Target:
    """What the operator runs after `restore pitr`: `predator db up` (access rules, logins) in the new home."""
    monkeypatch.setenv("PREDATOR_HOME", str(restored_home))
    rlay = cluster.up()
    assert not rlay.wal_archive and rlay.pgdata != source.pgdata
    logins.provision_logins(rlay.dsn())
    return Target(rlay.dsn(), embedded=True)


def _check_recovered(restored: Target) -> None:
    """The chains verify, the gates pass, and a replay of the recovered book has parity."""
    for command in ("verify", "validate"):
        result = CliRunner().invoke(main, [command, "--dsn", restored.role_dsn("auditor"), "--account", ACCOUNT])
        assert result.exit_code == 0, result.output
    assert replay(restored, ACCOUNT).parity


def _digests(target: Target) -> list[tuple[object, ...]]:
    with target.connect("auditor") as conn:
        return conn.execute("SELECT hour, inputs_hash, outputs_hash, state_hash FROM api.hour_digests(%s, %s, %s)",
                            (ACCOUNT, START, END)).fetchall()


@pytest.fixture
def homes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Path, Path]]:
    """Two PREDATOR_HOMEs, the original's and the restored one's; every cluster started in them is stopped."""
    monkeypatch.delenv("PREDATOR_DSN", raising=False)
    monkeypatch.setenv("PREDATOR_LOG", "/dev/null")
    source, restored = tmp_path / "source", tmp_path / "restored"
    try:
        yield source, restored
    finally:
        for home in (restored, source):
            if home.exists():   # a failed restore leaves its server log, without cluster.json
                monkeypatch.setenv("PREDATOR_HOME", str(home))
                with contextlib.suppress(Exception):
                    cluster.down(mode="immediate")
                data = cluster.layout(home).pgdata.parent
                if not data.is_relative_to(tmp_path):   # the server's OS user could not reach tmp_path
                    shutil.rmtree(data, ignore_errors=True)


def test_a_crash_is_recovered_to_a_point_in_time_with_exactly_the_hours_before_it(
        homes: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source_home, restored_home = homes
    monkeypatch.setenv("PREDATOR_HOME", str(source_home))
    lay, source = _source()

    _trade(source, 24)
    base = pitr.base_backup(lay, tmp_path / "base")
    _trade(source, 24)
    with psycopg.connect(lay.dsn()) as conn:
        target_time = conn.execute("SELECT clock_timestamp()").fetchone()[0]  # type: ignore[index]
    before = _digests(source)
    _trade(source, 24)
    after = _digests(source)
    assert len(before) == 48 and len(after) == 72 and after[:48] == before
    cluster.down(mode="immediate")   # the crash: the newest WAL segment is in pg_wal, not yet archived

    recovered = pitr.restore_pitr(base.path, target_time, restored_home, wal_dirs=[lay.pgdata / "pg_wal"])
    assert recovered.last_replayed is not None and recovered.last_replayed <= target_time
    restored = _open_restored(restored_home, monkeypatch, lay)

    assert _digests(restored) == before      # every hour committed before the target, and none after
    _check_recovered(restored)
    # The restored cluster trades on from where it stands: the next hours are those the crash took away.
    _trade(restored, 24)
    assert _digests(restored) == after


def _switch_and_archive(lay: cluster.Layout) -> str:
    """Close the current WAL segment (pg_switch_wal) and wait until the archiver has copied it; then stop
    archive_timeout from closing the next one, so that the archive ends exactly here. Returns the segment."""
    with psycopg.connect(lay.dsn(), autocommit=True) as conn:
        segment = conn.execute("SELECT pg_walfile_name(pg_switch_wal())").fetchone()[0]  # type: ignore[index]
        conn.execute("ALTER SYSTEM SET archive_timeout = 0")   # the drill's boundary is the switch, not a clock
        conn.execute("SELECT pg_reload_conf()")
    deadline = 120.0
    while not (lay.archive_dir / segment).exists():
        assert deadline > 0, f"segment {segment} was not archived"
        seams.sleep(0.1)
        deadline -= 0.1
    return str(segment)


def test_the_loss_of_the_disk_is_recovered_from_the_archive_alone_with_exactly_its_hours(
        homes: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source_home, restored_home = homes
    monkeypatch.setenv("PREDATOR_HOME", str(source_home))
    lay, source = _source()

    _trade(source, 12)
    base = pitr.base_backup(lay, tmp_path / "base")
    _trade(source, 24)
    segment = _switch_and_archive(lay)       # the last segment archived before the disk is lost
    archived = _digests(source)
    _trade(source, 12)                       # committed into a segment that is never archived
    with psycopg.connect(lay.dsn()) as conn:
        crash_time = conn.execute("SELECT clock_timestamp()").fetchone()[0]  # type: ignore[index]
    after = _digests(source)
    assert len(archived) == 36 and len(after) == 48 and after[:36] == archived
    cluster.down(mode="immediate")
    shutil.rmtree(lay.pgdata)                # the disk is lost: its pg_wal with it; the archive and the base remain
    assert sorted(p.name for p in lay.archive_dir.iterdir() if len(p.name) == 24)[-1] == segment

    # A target after the archive's last commit cannot be reached: refused, and nothing is left in the new home.
    with pytest.raises(BackupError, match="WAL available ends before the target") as refused:
        pitr.restore_pitr(base.path, crash_time, restored_home)
    assert "--to-end" in str(refused.value)
    assert not (restored_home / "cluster.json").exists()
    assert not cluster.layout(restored_home).pgdata.exists()

    # To the end of the archive, into the same new home: exactly the hours of the archived segments.
    recovered = pitr.restore_pitr(base.path, None, restored_home)
    assert recovered.target is None
    assert recovered.last_replayed is not None and recovered.last_replayed < crash_time
    restored = _open_restored(restored_home, monkeypatch, lay)
    assert _digests(restored) == archived
    _check_recovered(restored)
    _trade(restored, 12)                     # trading on gives the very hours the lost disk held
    assert _digests(restored) == after
