"""The recovery drill (docs/recovery.md): paper trading on an embedded cluster that archives its WAL, a base
backup, more trading, a target time noted, more trading, a crash (immediate stop), then point-in-time recovery
into a fresh cluster: exactly the hours committed before the target are there (their digests those of the
original), the chains verify, the gates pass, and a replay of the recovered book has parity.

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

from predator import config
from predator.cli import main
from predator.db import cluster, logins, migrate, pitr
from predator.db.connection import Target
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
            if (home / "cluster.json").exists():
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
    lay = cluster.up(wal_archive=True)
    source = Target(lay.dsn(), embedded=True)
    migrate.upgrade(source)
    with source.connect("worker") as conn:
        for symbol in SYMBOLS:
            load_file(conn, config.data_dir() / "candles" / f"binance_{symbol.replace('/', '-')}_1h.csv.gz")

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
    monkeypatch.setenv("PREDATOR_HOME", str(restored_home))
    rlay = cluster.up()                      # what the operator runs next: `predator db up` (rules, logins)
    assert not rlay.wal_archive and rlay.pgdata != lay.pgdata
    logins.provision_logins(rlay.dsn())
    restored = Target(rlay.dsn(), embedded=True)

    assert _digests(restored) == before      # every hour committed before the target, and none after
    for command in ("verify", "validate"):
        result = CliRunner().invoke(main, [command, "--dsn", restored.role_dsn("auditor"), "--account", ACCOUNT])
        assert result.exit_code == 0, result.output
    assert replay(restored, ACCOUNT).parity
    # The restored cluster trades on from where it stands: the next hours are those the crash took away.
    _trade(restored, 24)
    assert _digests(restored) == after
