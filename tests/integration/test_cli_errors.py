"""Errors are an interface (issue 12, items 1 and 5): every ordinary mistake a new user makes with the
``predator`` command ends in one line on stderr that says what was wrong and what to do, with the exit code of
its class (predator.cli.exits, docs/cli.md), and no traceback unless ``--debug``. ``predator kill`` says whether
a worker is listening.

Each command runs as ``python -m predator.cli`` in a subprocess against a real database (PREDATOR_DSN)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from predator.cli import exits
from predator.config import PROJECT_ROOT
from predator.db import notify
from predator.db.connection import Target

RUN = ["--symbols", "BTC/USDT", "--from", "2023-03-01", "--to", "2023-03-01T06:00Z", "--no-progress"]


def _cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "predator.cli", *args], env=env, cwd=PROJECT_ROOT,
                          capture_output=True, text=True, timeout=300, check=False)


def _error(proc: subprocess.CompletedProcess[str], code: int) -> str:
    """The one error line of a failed command (its exit code checked, no traceback)."""
    assert proc.returncode == code, f"exit {proc.returncode}, expected {code}:\n{proc.stdout}\n{proc.stderr}"
    assert "Traceback" not in proc.stderr + proc.stdout, proc.stderr
    return proc.stderr.strip().splitlines()[-1]


@pytest.fixture()
def env(market_db: Target, tmp_path: Path) -> dict[str, str]:
    env = dict(os.environ, PREDATOR_DSN=market_db.dsn, PREDATOR_LOG=str(tmp_path / "predator.jsonl"))
    env.pop("PREDATOR_DEBUG", None)
    return env


def test_each_mistake_is_one_line_with_its_exit_code(env: dict[str, str], tmp_path: Path) -> None:
    ran = _cli(env, "paper", "--account", "acct", "--strategy", "trend", *RUN)
    assert ran.returncode == 0, ran.stdout + ran.stderr

    # 2: bad usage or input
    line = _error(_cli(env, "paper", "--account", "x", "--strategy", "trend", *RUN[:2], "--from", "yesterday",
                       "--to", "2023-03-02", "--no-progress"), exits.USAGE)
    assert "'yesterday' is not an ISO-8601 date" in line and "2024-01-01" in line
    line = _error(_cli(env, "paper", "--account", "x", "--strategy", "trend", "--params", '{"nokey": 1}', *RUN),
                  exits.USAGE)
    assert "takes no parameter 'nokey'" in line and "fast, slow" in line
    line = _error(_cli(env, "paper", "--account", "x", "--strategy", "trend", "--params", "{fast: 2}", *RUN),
                  exits.USAGE)
    assert "'--params'" in line and "is not JSON" in line
    line = _error(_cli(env, "paper", "--account", "x", "--strategy", "sma_cross", "--params",
                       '{"fast": 10, "slow": 5}', *RUN), exits.USAGE)
    assert "refused its parameters" in line and "fast < slow" in line

    # 5: not found
    line = _error(_cli(env, "paper", "--account", "x", "--strategy", "nosuch", *RUN), exits.NOT_FOUND)
    assert "unknown strategy 'nosuch'" in line and "trend" in line and "module:Class" in line
    line = _error(_cli(env, "replay", "--account", "nosuch", "--no-progress"), exits.NOT_FOUND)
    assert "unknown account 'nosuch'" in line and "acct" in line
    line = _error(_cli(env, "report", "--account", "acct", "--day", "2022-01-01", "--no-gates",
                       "--out", str(tmp_path)), exits.NOT_FOUND)
    assert "no closed hour in 2022-01-01" in line and "its closed hours run from 2023-02-28T23:00Z" in line
    line = _error(_cli(env, "report", "--account", "nosuch", "--no-gates", "--out", str(tmp_path)), exits.NOT_FOUND)
    assert "nosuch has no closed hour" in line
    line = _error(_cli(env, "incident", "INC-999-1", "resolve", "--reason", "x"), exits.NOT_FOUND)
    assert line == "error: [PD011] unknown incident INC-999-1 — See predator incidents."

    # an account without trades still reports (the quiet account closed hours, traded nothing)
    reported = _cli(env, "report", "--account", "acct", "--no-gates", "--format", "md", "--out", str(tmp_path))
    assert reported.returncode == 0 and "report:" in reported.stdout, reported.stderr

    # 4: a refusal by the database carries its SQLSTATE and hint
    line = _error(_cli(env, "resume", "--reason", "nothing is halted"), exits.DATABASE_REFUSED)
    assert "the database refused: [PD014]" in line and "api.halts" in line
    line = _error(_cli(env, "incident", "INC-x", "resolve", "--reason", "x"), exits.DATABASE_REFUSED)
    assert "the database refused: [PD012]" in line and "INC-<book>-<seq>" in line

    # 3: the database unreachable
    down = dict(env, PREDATOR_DSN="host=127.0.0.1 port=1 dbname=predator user=nobody connect_timeout=5")
    line = _error(_cli(down, "incidents"), exits.DATABASE_UNREACHABLE)
    assert "cannot reach the database" in line and "predator db status" in line

    # --debug adds the traceback; the line and the exit code stay
    debug = _cli(env, "--debug", "replay", "--account", "nosuch", "--no-progress")
    assert debug.returncode == exits.NOT_FOUND and "Traceback" in debug.stderr
    assert "unknown account 'nosuch'" in debug.stderr.strip().splitlines()[-1]


def test_a_bug_is_an_internal_error_with_its_traceback_in_the_log(env: dict[str, str]) -> None:
    # A "strategy" that is no strategy at all: the look-ahead check calls a method it does not have.
    args = ["check-strategy", "builtins:RuntimeError", "--symbols", "BTC/USDT", "--from", "2023-03-01",
            "--to", "2023-03-02", "--cuts", "1"]
    line = _error(_cli(env, *args), exits.INTERNAL)
    assert line.startswith("error: internal error (AttributeError") and "--debug" in line
    assert "Traceback" in Path(env["PREDATOR_LOG"]).read_text()
    debug = _cli(env, "--debug", *args)
    assert debug.returncode == exits.INTERNAL and "Traceback" in debug.stderr
    # A log that cannot be written does not hide the bug: the line says so and names --debug.
    blocked = dict(env, PREDATOR_LOG=str(Path(env["PREDATOR_LOG"]) / "not-a-directory" / "predator.jsonl"))
    unlogged = _cli(blocked, *args)
    assert unlogged.returncode == exits.INTERNAL
    assert "the traceback could not be written to the log" in unlogged.stderr, unlogged.stderr


def test_kill_says_whether_a_worker_is_listening(env: dict[str, str], market_db: Target) -> None:
    alone = _cli(env, "kill", "--reason", "drill without a worker")
    assert alone.returncode == 0, alone.stderr
    assert "no worker is listening" in alone.stdout and "only when a worker runs" in alone.stdout
    # `predator incidents` shows each incident's reason: the kill switch's.
    listed = _cli(env, "incidents")
    assert listed.returncode == 0 and "operator halt of global *: kill switch: drill without a worker" in listed.stdout
    incident = re.search(r"(INC-0-\d+) .*kill switch: drill without a worker", listed.stdout)
    assert incident, listed.stdout
    # A global resume: the two-person rule, through the CLI (the operator asks, the approver login approves).
    refused = _cli(env, "resume", "--reason", "drill over")
    assert refused.returncode == exits.DATABASE_REFUSED and "PD017" in refused.stderr, refused.stderr
    asked = _cli(env, "approval", "request", "resume", "global", "--reason", "drill over")
    assert asked.returncode == 0, asked.stderr
    request = re.search(r"approval request (\d+)", asked.stdout)
    assert request, asked.stdout
    own = _cli(env, "approval", "approve", request.group(1), "--reason", "me", "--as", "operator")
    assert own.returncode == exits.DATABASE_REFUSED and "PD018" in own.stderr, own.stderr
    approved = _cli(env, "approval", "approve", request.group(1), "--reason", "seen the drill")
    assert approved.returncode == 0 and "approved" in approved.stdout, approved.stderr
    resumed = _cli(env, "resume", "--reason", "drill over", "--incident", incident.group(1))
    assert resumed.returncode == 0 and f"answered {incident.group(1)}" in resumed.stdout, resumed.stderr
    listed = _cli(env, "approval", "list")
    assert f"{request.group(1)} used" in " ".join(listed.stdout.split()), listed.stdout

    with notify.listen(market_db, label="acct") as listener:
        heard = _cli(env, "kill", "--reason", "drill with a worker")
        assert heard.returncode == 0, heard.stderr
        assert "1 worker(s) listening (account acct" in heard.stdout, heard.stdout
        assert "no worker is listening" not in heard.stdout
        assert [n.channel for n in listener.wait(timeout_s=5)] == [notify.KILL_CHANNEL]
    with market_db.connect("auditor") as conn:
        assert notify.kill_listeners(conn) == []
