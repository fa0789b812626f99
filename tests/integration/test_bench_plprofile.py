"""bench/plprofile.py end to end on tiny workloads, so that the profiling tool cannot rot unseen: the profiler's
figures are read from the worker's sessions (the routines and statements the workload runs are there, with the
counts it ran), and its settings leave nothing behind on the server. No timing is asserted."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import psycopg
import pytest

from predator.db import logins
from predator.db.connection import Target

BENCH = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH))

import plprofile  # noqa: E402


def _leftovers(server: Target, out: str) -> tuple[bool, int]:
    """Whether the run's scratch database (named in the report's first line) is still on the server, and how many
    settings of the worker's login name a database that no longer exists (the profiler's, had DROP DATABASE not
    taken them along)."""
    m = re.search(r"database (predator_plprofile_\w+);", out)
    assert m, out
    with psycopg.connect(server.with_dbname("postgres").dsn) as conn:
        db = conn.execute("SELECT EXISTS (SELECT FROM pg_database WHERE datname = %s)", (m.group(1),)).fetchone()
        orphans = conn.execute("SELECT count(*) FROM pg_db_role_setting s JOIN pg_roles r ON r.oid = s.setrole"
                               " WHERE r.rolname = %s AND s.setdatabase <> 0"
                               " AND NOT EXISTS (SELECT FROM pg_database d WHERE d.oid = s.setdatabase)",
                               (logins.LOGINS["worker"],)).fetchone()
    return bool(db and db[0]), int(orphans[0]) if orphans else 0


def _row(out: str, prefix: str) -> list[str]:
    lines = [line for line in out.splitlines() if line.startswith(prefix)]
    assert lines, f"no line starting {prefix!r} in:\n{out}"
    return lines[0].split()


def test_fill_profile_reads_the_worker_session_and_leaves_nothing(server: Target, template_db: Target,
                                                                  monkeypatch: pytest.MonkeyPatch,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("PREDATOR_DSN", server.dsn)
    assert plprofile.main(["--workload", "fill", "--fills", "8", "--top", "40"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("plpgsql_check profile: 8 fills, 1 worker session(s), database predator_plprofile_")
    assert _row(out, "api.record_fill(")[-2] == "8"           # the 8 profiled fills, not the 50 of the warm-up
    assert _row(out, "ledger._post(")[-2] == "16"             # the trade's journal and the treasury's, per fill
    posting = _row(out, "ledger._post:")
    assert posting[1] == "16" and "INSERT INTO ledger.posting" in " ".join(posting[3:])
    assert _leftovers(server, out) == (False, 0)


def test_hour_profile_runs_the_paper_command_in_process(server: Target, template_db: Target,
                                                        monkeypatch: pytest.MonkeyPatch,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("PREDATOR_DSN", server.dsn)
    assert plprofile.main(["--workload", "hour", "--symbols", "BTC/USDT", "--from", "2023-01-02",
                           "--to", "2023-01-03", "--top", "60"]) == 0
    out = capsys.readouterr().out
    closed = re.search(r"on account plprofile: (\d+) hours closed", out)       # the paper command's own summary
    assert closed and int(closed.group(1)) >= 24, out
    hours = int(closed.group(1))
    assert re.search(rf"^plpgsql_check profile: {hours} hours, 1 worker session\(s\)", out, re.MULTILINE), out
    # Every hour is closed by api.close_hour, directly or inside a stretch of quiet hours (api.close_hours), and the
    # routines it calls are profiled too: each close runs the hour's reviews once.
    assert int(_row(out, "api.close_hour(")[-2]) == hours, out
    assert int(_row(out, "risk._hour_reviews(")[-2]) == hours, out
    assert _leftovers(server, out) == (False, 0)
