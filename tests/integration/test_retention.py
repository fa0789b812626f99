"""Retention (issue 17 item 9; docs/recovery.md "Retention"): log files, reports and chaos work directories are
kept for the days of their operator settings and deleted by `retention apply`; the journal and every chained table
are never deleted: the retention code has no path to a DELETE, the database refuses one from every role that
could try, and after `retention apply` the chains verify with every row still there."""

from __future__ import annotations

import ast
import json
import os
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import psycopg
import pytest

from predator import config, gates, retention, seams
from predator.db import api
from predator.db.connection import Target
from predator.db.retention_reads import RetentionSetting, retention_settings
from predator.runner.hour import HourRunner, RunConfig
from predator.strategies.base import effective_params, load_strategy
from predator.venues.paper import PaperConfig

ROOT = Path(__file__).resolve().parents[2]


def _age(path: Path, days: float, now: datetime) -> None:
    t = (now - timedelta(days=days)).timestamp()
    os.utime(path, (t, t))


def _settings(logs: int, reports: int, chaos: int) -> list[RetentionSetting]:
    return [RetentionSetting("retention_log_days", "logs", logs, 1, "test"),
            RetentionSetting("retention_report_days", "reports", reports, 1, "test"),
            RetentionSetting("retention_chaos_days", "chaos", chaos, 1, "test")]


def _log_line(ts: datetime) -> str:
    return json.dumps({"event": "x", "timestamp": ts.isoformat()}) + "\n"


def test_files_older_than_their_retention_go_and_the_rest_stays(tmp_path: Path) -> None:
    now = seams.wall_now()
    home = tmp_path / "home"
    (home / "logs").mkdir(parents=True)
    (home / "reports" / "old_run").mkdir(parents=True)
    (home / "chaos").mkdir()
    (home / "pg").mkdir()
    live = home / "logs" / "predator.jsonl"
    live.write_text(_log_line(now - timedelta(days=40)) + _log_line(now))       # old lines beside new ones
    old_rotated = home / "logs" / "predator.jsonl.20260101T000000Z"
    old_rotated.write_text(_log_line(now - timedelta(days=50)))
    _age(old_rotated, 45, now)
    new_rotated = home / "logs" / "predator.jsonl.20261101T000000Z"
    new_rotated.write_text(_log_line(now - timedelta(days=3)))
    _age(new_rotated, 3, now)
    old_report, new_report = home / "reports" / "a.html", home / "reports" / "b.html"
    old_report.write_text("old")
    new_report.write_text("new")
    _age(old_report, 100, now)
    (home / "reports" / "old_run" / "page.md").write_text("old")
    _age(home / "reports" / "old_run" / "page.md", 120, now)
    plan_file = home / "chaos" / "c1.plan.json"
    plan_file.write_text("{}")
    _age(plan_file, 31, now)
    kept_data = home / "pg" / "PG_VERSION"    # never a candidate, however old
    kept_data.write_text("15")
    _age(kept_data, 1000, now)

    todo = retention.plan(_settings(30, 90, 30), now, home=home, log=live)
    assert {(c.path, c.action) for c in todo} == {
        (old_rotated, "delete"), (live, "rotate"), (old_report, "delete"),
        (home / "reports" / "old_run", "delete"), (plan_file, "delete")}
    assert all(p.exists() for p in (old_rotated, old_report, plan_file))   # show deletes nothing
    done = retention.apply(todo)
    assert len(done) == 5
    assert not old_rotated.exists() and not old_report.exists() and not plan_file.exists()
    assert not (home / "reports" / "old_run").exists() and not live.exists()
    rotated = next(c.rotated_to for c in done if c.action == "rotate")
    assert rotated is not None and rotated.read_text().count("\n") == 2      # rotation keeps every line
    assert new_rotated.exists() and new_report.exists() and kept_data.exists()
    # 0 = kept for ever: nothing of the class is a candidate, however old.
    _age(new_report, 5000, now)
    assert retention.plan(_settings(0, 0, 0), now, home=home, log=live) == []


def test_a_log_that_is_not_a_regular_file_is_left_alone(tmp_path: Path) -> None:
    now = seams.wall_now()
    assert retention.plan(_settings(1, 1, 1), now, home=tmp_path, log=Path(os.devnull)) == []


def test_the_retention_code_has_no_path_to_sql_that_writes() -> None:
    """retention.py issues no SQL and imports from predator.db only the read of its settings; that read is one
    SELECT of api.settings."""
    for path in (ROOT / "predator" / "retention.py", ROOT / "predator" / "cli" / "retention.py"):
        tree = ast.parse(path.read_text())
        db_imports = {(n.module, a.name) for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module
                      and n.module.startswith("predator.db") for a in n.names}
        if path.name == "retention.py" and path.parent.name == "predator":
            assert db_imports == {("predator.db.retention_reads", "RetentionSetting")}
        else:   # the CLI: the settings read, the connection, and api.set_setting for `retention set`
            assert db_imports <= {("predator.db.retention_reads", "RetentionSetting"),
                                  ("predator.db.retention_reads", "retention_settings"),
                                  ("predator.db.retention_reads", "SETTINGS"),
                                  ("predator.db.connection", "default_target"), ("predator.db", "api")}
    reads = ast.parse((ROOT / "predator" / "db" / "retention_reads.py").read_text())
    statements = [n.value for n in ast.walk(reads) if isinstance(n, ast.Constant) and isinstance(n.value, str)
                  and n.value.lstrip().upper().startswith(("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE"))]
    assert statements and all(s.lstrip().upper().startswith("SELECT") for s in statements)


def _chained(conn: psycopg.Connection[Any]) -> list[str]:
    return [r[0] for r in conn.execute("SELECT table_name FROM api.chained_tables ORDER BY 1").fetchall()]


def _counts(target: Target) -> dict[str, int]:
    with psycopg.connect(target.dsn) as conn:
        return {t: int(conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0])  # type: ignore[index]
                for t in _chained(conn)}


def test_retention_apply_leaves_every_chained_row_and_the_database_refuses_their_deletion(
        market_db: Target, tmp_path: Path) -> None:
    start = datetime(2023, 3, 1, tzinfo=UTC)
    cfg = RunConfig(account="keep_me", symbols=("BTC/USDT",), strategy="trend",
                    params=effective_params(load_strategy("trend", {"fast": 6, "slow": 24, "vol_window": 24})),
                    start=start, end=start + timedelta(days=3), venue=PaperConfig(seed=3))
    runner = HourRunner(market_db, cfg)
    try:
        runner.run()
    finally:
        runner.close()
    # The shortest retention the settings allow, set by the operator through api.set_setting (audited).
    with market_db.connect("operator") as conn:
        for name in ("retention_log_days", "retention_report_days", "retention_chaos_days"):
            api.set_setting(conn, name, Decimal(1), "test: the shortest retention")
        conn.commit()
        settings = retention_settings(conn)
    assert [s.days for s in settings] == [1, 1, 1]
    before = _counts(market_db)   # the settings' revisions are audited: counted after them
    assert before["ledger.transaction"] > 0 and before["ledger.posting"] > 0 and before["trading.fill"] > 0
    now = seams.wall_now()
    home = tmp_path / "home"
    (home / "reports").mkdir(parents=True)
    (home / "logs").mkdir()
    report = home / "reports" / "keep_me.html"
    report.write_text("report")
    _age(report, 2, now)
    log = home / "logs" / "predator.jsonl"
    log.write_text(_log_line(now - timedelta(days=2)))
    _age(log, 2, now)
    done = retention.apply(retention.plan(settings, now, home=home, log=log))
    assert {c.path for c in done} == {report, log}

    assert _counts(market_db) == before                  # not one row of a chained table went
    with market_db.connect("auditor") as conn:
        assert gates.verify(conn).ok
    with psycopg.connect(market_db.dsn) as conn:
        tables = _chained(conn)
    assert "ledger.transaction" in tables and "ledger.posting" in tables and "ops.audit_log" in tables
    for role in ("worker", "operator", "auditor"):
        with market_db.connect(role) as conn:
            for table in tables:
                for statement in (f"DELETE FROM {table}", f"TRUNCATE {table}"):
                    with pytest.raises(psycopg.errors.InsufficientPrivilege):
                        conn.execute(statement)
                    conn.rollback()
    # The owner of every table (what a SECURITY DEFINER routine runs as) is refused by the append-only triggers:
    # a DELETE of any row (PD001), a TRUNCATE by the statement trigger (PD001) or, for a table other tables
    # reference, already by PostgreSQL (0A000).
    with psycopg.connect(market_db.dsn) as conn:
        conn.execute("SET ROLE predator_owner")
        conn.commit()
        for table in tables:
            statements = ([f"DELETE FROM {table}"] if before[table] else []) + [f"TRUNCATE {table}"]
            for statement in statements:
                with pytest.raises(psycopg.Error) as refused:
                    conn.execute(statement)
                allowed = {"PD001"} if statement.startswith("DELETE") else {"PD001", "0A000"}
                assert refused.value.sqlstate in allowed, (statement, refused.value)
                conn.rollback()
    assert _counts(market_db) == before
    assert config.home() != home   # the real PREDATOR_HOME was never a candidate
