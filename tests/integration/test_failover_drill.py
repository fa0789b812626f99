"""The failover drill (docs/recovery.md, "Standby and failover"): a paper run on a primary with a synchronous
streaming standby, the primary's postmaster killed mid-run, the standby promoted, the run resumed against it to
its end. Nothing the client saw committed is lost, every chain verifies, every gate passes, the run's hours are
all there once, and a replay has parity.

Runs on clusters of its own under a temporary PREDATOR_HOME, and stops them all (the promoted one, the standby,
the killed primary's leftovers)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from predator.db import cluster, standby
from predator.errors import ClusterError
from predator.failover import DrillConfig, run_drill, stop_home

pytestmark = pytest.mark.xdist_group("own_cluster")

START = datetime(2023, 3, 1, tzinfo=UTC)


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.delenv("PREDATOR_DSN", raising=False)
    monkeypatch.setenv("PREDATOR_LOG", "/dev/null")
    where = tmp_path / "home"
    monkeypatch.setenv("PREDATOR_HOME", str(where))
    try:
        yield where
    finally:
        stop_home(where)


def test_a_killed_primary_fails_over_to_the_synchronous_standby_with_nothing_lost(home: Path) -> None:
    cfg = DrillConfig(account="failover_test", start=START, end=START + timedelta(days=3, hours=-1), kill_after=24)
    said: list[str] = []
    result = run_drill(cfg, say=said.append)

    assert result.hours_seen_before_kill >= 24
    assert result.chains_seen_before_kill > 0
    assert result.lost == ()                                       # RPO: 0 rows
    assert result.hours_at_promotion >= result.hours_seen_before_kill
    assert result.hours_closed == result.hours_expected == 72      # resumed to its end, every hour once
    assert result.chain_breaks == () and result.chains_verified > 0
    assert result.failed_gates == ()
    assert result.replay_parity is True
    assert result.worker_exits[0] != 0 and result.worker_exits[1] == 0   # the first lost its server
    assert result.passed

    # PREDATOR_HOME now names the promoted cluster; the former primary's record is kept beside it.
    new = cluster.layout(home)
    assert cluster.is_running(new) and new.primary_conninfo is None and new.sync_standby is None
    former = list(home.glob("cluster.json.former-*"))
    assert len(former) == 1 and json.loads(former[0].read_text())["pgdata"] != str(new.pgdata)
    assert standby.current() is None


def test_promotion_is_refused_while_the_primary_runs(home: Path) -> None:
    cluster.up(replication=True)
    sb = standby.create()
    st = standby.status()
    assert st.name == sb.name and st.state == "streaming" and st.sync_state == "sync" and st.standby_in_recovery
    with pytest.raises(ClusterError, match="is running"):
        standby.promote()
    dropped = standby.drop()
    assert dropped is not None and dropped.slot_dropped
    assert cluster.layout(home).sync_standby is None and standby.current() is None
    assert not cluster.is_running(sb.layout)
