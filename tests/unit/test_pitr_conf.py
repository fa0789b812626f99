"""The recovery settings `predator restore pitr` writes (predator.db.pitr): to a point in time, or to the end of
the WAL available (the disk was lost: the archive alone), and the choice between the two on the command line
(docs/recovery.md, "Restoring to a point in time")."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from predator.cli import main
from predator.db import pitr


def _settings(conf: str) -> dict[str, str]:
    return dict(line.split(" = ", 1) for line in conf.splitlines() if " = " in line and not line.startswith("#"))


def test_a_point_in_time_stops_at_its_target_and_promotes(tmp_path: Path) -> None:
    target = datetime(2026, 12, 3, 14, 5, tzinfo=UTC)
    s = _settings(pitr._recovery_conf(tmp_path / "archive", [tmp_path / "pg_wal"], target))
    assert s["recovery_target_time"] == "'2026-12-03T14:05:00+00:00'" and s["recovery_target_action"] == "'promote'"
    assert s["restore_command"] == f"""'cp "{tmp_path}/archive/%f" "%p" || cp "{tmp_path}/pg_wal/%f" "%p"'"""


def test_to_the_end_sets_no_target_so_the_server_replays_all_it_finds(tmp_path: Path) -> None:
    s = _settings(pitr._recovery_conf(tmp_path / "archive", [], None))
    assert not any(name.startswith("recovery_target") for name in s)
    assert s["restore_command"] == f"""'cp "{tmp_path}/archive/%f" "%p"'"""


@pytest.mark.parametrize("choice", [[], ["--to-end", "--target-time", "2026-12-03T14:05:00Z"]])
def test_restore_pitr_takes_exactly_one_of_a_target_time_and_to_end(tmp_path: Path, choice: list[str]) -> None:
    result = CliRunner().invoke(main, ["restore", "pitr", "--base", str(tmp_path), "--into", str(tmp_path / "new"),
                                       *choice])
    assert result.exit_code == 2 and "exactly one of --target-time" in result.output
    assert not (tmp_path / "new").exists()
