"""The server settings of a replicating primary and of its standby (predator.db.cluster.server_conf), and their
persistence in cluster.json (docs/recovery.md, "Standby and failover")."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from predator.db import cluster


def _layout(tmp_path: Path) -> cluster.Layout:
    return cluster.Layout(tmp_path, tmp_path / "pg" / "pgdata", tmp_path / "pg" / "run", tmp_path / "pg" / "log", None)


def _settings(conf: str) -> dict[str, str]:
    return dict(line.split(" = ", 1) for line in conf.splitlines() if " = " in line and not line.startswith("#"))


def test_a_plain_cluster_neither_replicates_nor_waits(tmp_path: Path) -> None:
    s = _settings(cluster.server_conf(_layout(tmp_path)))
    assert s["wal_level"] == "minimal" and s["max_wal_senders"] == "0"
    assert "synchronous_standby_names" not in s and "primary_conninfo" not in s


def test_a_primary_with_a_synchronous_standby_waits_for_it_by_name(tmp_path: Path) -> None:
    lay = dataclasses.replace(_layout(tmp_path), replication=True, sync_standby="predator_standby_1")
    s = _settings(cluster.server_conf(lay))
    assert s["wal_level"] == "replica" and int(s["max_wal_senders"]) > 0 and int(s["max_replication_slots"]) > 0
    assert s["synchronous_standby_names"] == "'\"predator_standby_1\"'"
    assert s["synchronous_commit"] == "on"


def test_a_standby_streams_from_its_primary_through_its_slot(tmp_path: Path) -> None:
    conninfo = "host=/x/run port=5432 user=postgres application_name=predator_standby_1"
    lay = dataclasses.replace(_layout(tmp_path), port=5433, replication=True, primary_conninfo=conninfo,
                              primary_slot="predator_standby_1")
    s = _settings(cluster.server_conf(lay))
    assert s["primary_conninfo"] == f"'{conninfo}'" and s["primary_slot_name"] == "'predator_standby_1'"
    assert s["port"] == "5433" and s["hot_standby"] == "on" and "synchronous_standby_names" not in s


def test_a_quote_in_the_conninfo_cannot_end_the_setting(tmp_path: Path) -> None:
    lay = dataclasses.replace(_layout(tmp_path), primary_conninfo="host='/a b' user=postgres")
    assert "primary_conninfo = 'host=''/a b'' user=postgres'" in cluster.server_conf(lay)


def test_the_replication_settings_are_kept_in_cluster_json(tmp_path: Path) -> None:
    lay = dataclasses.replace(_layout(tmp_path), port=5434, replication=True, sync_standby="predator_standby_2",
                              primary_conninfo="host=/x port=1", primary_slot="s")
    cluster.save_layout(lay)
    assert cluster.layout(tmp_path) == lay
