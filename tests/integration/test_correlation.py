"""Correlation ids (issue 16 item 7): a console request's id comes back in ``X-Correlation-ID`` (the client's when
well-formed, else a new one), is on the request's log line and on the audit row of the action it wrote; a CLI
command's id (``PREDATOR_CORRELATION_ID``) is on its audit row; a malformed one is never stored. Real processes,
real HTTP, rows read back from ``api.audit_log``. Every process started here is stopped here.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from predator import correlation
from predator.db.connection import Target
from tests.conftest import create_database, drop_database
from tests.console_support import (
    Console,
    console_cli,
    console_env,
    make_token_file,
    start_console,
    stop_console,
)

pytestmark = pytest.mark.xdist_group("console")


@pytest.fixture(scope="module")
def corr_db(server: Target, template_db: Target) -> Iterator[Target]:
    target = create_database(server, template=template_db.dbname, prefix="predator_corr")
    try:
        yield target
    finally:
        drop_database(server, target.dbname)


@pytest.fixture(scope="module")
def log_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("corr_logs") / "console.jsonl"


@pytest.fixture(scope="module")
def console(corr_db: Target, log_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Console]:
    token = make_token_file(tmp_path_factory.mktemp("corr"), console_env(corr_db))
    running = start_console(corr_db, *token, PREDATOR_LOG=str(log_path))
    try:
        yield running
    finally:
        stop_console(running)


def _audit_rows(target: Target, cid: str) -> list[tuple[str, str, str]]:
    with target.connect("auditor") as conn:
        return [(r[0], r[1], r[2]) for r in conn.execute(
            "SELECT action, target, reason FROM api.audit_log WHERE correlation_id = %s ORDER BY seq", (cid,))]


def _log_lines(path: Path, cid: str) -> list[dict[str, object]]:
    lines = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    return [line for line in lines if line.get("correlation_id") == cid]


def test_a_console_write_returns_its_id_and_its_audit_row_and_log_line_carry_it(
        console: Console, corr_db: Target, log_path: Path) -> None:
    # The client's id, well-formed: kept.
    answer = console.post("/api/v1/halt", token=console.token, headers={"X-Correlation-ID": "drill-0042"},
                          body={"reason": "correlation drill", "scope": "lane", "target": "paper"})
    assert answer.status == 200, answer.body
    assert answer.header("X-Correlation-ID") == "drill-0042"
    assert _audit_rows(corr_db, "drill-0042") == [("halt", "lane:paper", "correlation drill")]
    logged = _log_lines(log_path, "drill-0042")
    assert [(line["event"], line["method"], line["path"], line["status"]) for line in logged] == [
        ("console_request", "POST", "/api/v1/halt", 200)]

    # No id: a new one, returned, and the audit row has it.
    answer = console.post("/api/v1/resume", token=console.token,
                          body={"reason": "correlation drill over", "scope": "lane", "target": "paper"})
    assert answer.status == 200, answer.body
    cid = answer.header("X-Correlation-ID")
    assert cid is not None and re.fullmatch(r"[0-9a-f]{32}", cid)
    assert _audit_rows(corr_db, cid) == [("resume", "lane:paper", "correlation drill over")]
    assert len(_log_lines(log_path, cid)) == 1

    # A malformed or oversized one: replaced by a new one; the malformed value is stored nowhere.
    for bad in ("bad id; DROP TABLE x", "x" * 65, "-dash"):
        answer = console.post("/api/v1/halt", token=console.token, headers={"X-Correlation-ID": bad},
                              body={"reason": "malformed id", "scope": "lane", "target": "paper"})
        assert answer.status in (200, 409), answer.body
        got = answer.header("X-Correlation-ID")
        assert got is not None and got != bad and correlation.valid(got)
        assert _audit_rows(corr_db, bad) == []

    # Reads and refusals carry one too (the id is per request, whatever its outcome).
    read = console.get("/api/v1/status", token=console.token, headers={"X-Correlation-ID": "read-1"})
    assert read.status == 200 and read.header("X-Correlation-ID") == "read-1"
    refused = console.get("/api/v1/status", headers={"X-Correlation-ID": "anon-1"})
    assert refused.status == 401 and refused.header("X-Correlation-ID") == "anon-1"


def test_a_cli_command_records_its_correlation_id(corr_db: Target) -> None:
    env = console_env(corr_db, PREDATOR_CORRELATION_ID="cli-halt-7")
    done = console_cli(env, "halt", "--reason", "cli correlation", "--scope", "lane", "--target", "paper")
    assert done.returncode == 0, done.stderr
    assert _audit_rows(corr_db, "cli-halt-7") == [("halt", "lane:paper", "cli correlation")]
    bad = console_env(corr_db, PREDATOR_CORRELATION_ID="not well formed")
    done = console_cli(bad, "resume", "--reason", "cli correlation over", "--scope", "lane", "--target", "paper")
    assert done.returncode == 0, done.stderr
    with corr_db.connect("auditor") as conn:
        row = conn.execute("SELECT correlation_id FROM api.audit_log WHERE reason = 'cli correlation over'").fetchone()
    assert row is not None and row[0] is not None and row[0] != "not well formed" and correlation.valid(row[0])
