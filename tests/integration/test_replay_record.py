"""A replay recorded (migration 0041, ``api.record_replay``; issue 16 item 2: the Mirror shows the replay parity of
every account): a short paper run over the real BTC candles, then ``predator replay`` as a process, as an
operator runs it.

* ``predator replay`` records its outcome by default as the auditor: one row of ``api.replay_runs`` with the run
  it re-executed, the closed hours it compared (the account's, first to last), parity TRUE, and the recorded seq
  on stdout; ``--no-record`` records nothing;
* the recorded replay verifies with every chain (``predator verify``) and travels in the audit export, whose
  offline verifier re-verifies it;
* the console's /checks page (``predator serve`` as a process, over HTTP) shows each account's last recorded
  replay: when, the hours compared, how many, the parity; after a stored hourly state is rewritten behind the
  triggers, the next replay is recorded with parity FALSE and its first mismatched hour and problems, and the
  page shows that one.
"""

from __future__ import annotations

import html
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest

from predator.db.connection import Target
from tests.conftest import create_database, drop_database
from tests.console_support import console_env, make_token_file, start_console, stop_console
from tests.helpers import run_cli

pytestmark = pytest.mark.xdist_group("replay_record")

ACCOUNT = "recorded"
START = datetime(2023, 2, 1, tzinfo=UTC)
END = datetime(2023, 2, 2, 12, tzinfo=UTC)
PARAMS = {"fast": 12, "slow": 48, "vol_window": 48}


def _env(target: Target, tmp: Path) -> dict[str, str]:
    return {**os.environ, "PREDATOR_DSN": target.dsn, "PREDATOR_LOG": str(tmp / "predator.jsonl")}


def _replay_runs(target: Target) -> list[tuple[object, ...]]:
    with target.connect("auditor") as conn:
        return list(conn.execute(
            "SELECT seq, run_id, range_from, range_to, hours_compared, mismatches, first_mismatch_hour,"
            " first_mismatch, unreplayable, parity, actor FROM api.replay_runs WHERE account = %s ORDER BY seq",
            (ACCOUNT,)).fetchall())


def _closed_hours(target: Target) -> tuple[int, datetime, datetime, str]:
    """(closed hours, first, last, the run's id) of the account, as the database has them."""
    with target.connect("auditor") as conn:
        row = conn.execute("SELECT count(*), min(hour), max(hour) FROM api.hourly_states WHERE account = %s",
                           (ACCOUNT,)).fetchone()
        run = conn.execute("SELECT run_id FROM api.runs WHERE account = %s", (ACCOUNT,)).fetchone()
    assert row is not None and run is not None
    return int(row[0]), row[1], row[2], str(run[0])


@pytest.fixture(scope="module")
def paper_db(server: Target, market_template: Target, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Target]:
    """A copy of the market template with a paper run of ``ACCOUNT`` over a day and a half of BTC/USDT."""
    target = create_database(server, template=market_template.dbname, prefix="predator_replayrec")
    try:
        done = run_cli("paper", "--account", ACCOUNT, "--symbols", "BTC/USDT", "--strategy", "trend", "--params",
                       json.dumps(PARAMS), "--from", START.isoformat(), "--to", END.isoformat(), "--no-progress",
                       env=_env(target, tmp_path_factory.mktemp("paper")))
        assert done.returncode == 0, done.stdout + done.stderr
        yield target
    finally:
        drop_database(server, target.dbname)


def test_predator_replay_records_its_parity_and_the_hours_it_compared(paper_db: Target, tmp_path: Path) -> None:
    hours, first, last, run_id = _closed_hours(paper_db)
    assert hours == 37 and first == START and last == END  # every hour from the start to the end, both included
    assert _replay_runs(paper_db) == []

    replayed = run_cli("replay", "--account", ACCOUNT, "--no-progress", env=_env(paper_db, tmp_path))
    assert replayed.returncode == 0, replayed.stdout + replayed.stderr
    assert f"{hours} hours compared" in replayed.stdout and "REPLAY PARITY: TRUE" in replayed.stdout
    assert f"recorded: replay 1 of account {ACCOUNT} (api.replay_runs)" in replayed.stdout, replayed.stdout
    assert _replay_runs(paper_db) == [(1, run_id, first, last, hours, 0, None, None, 0, True, "predator_auditor_login")]

    skipped = run_cli("replay", "--account", ACCOUNT, "--no-progress", "--no-record", env=_env(paper_db, tmp_path))
    assert skipped.returncode == 0 and "REPLAY PARITY: TRUE" in skipped.stdout, skipped.stdout + skipped.stderr
    assert "recorded:" not in skipped.stdout
    assert len(_replay_runs(paper_db)) == 1, "--no-record recorded nothing"

    verified = run_cli("verify", env=_env(paper_db, tmp_path))
    assert verified.returncode == 0, verified.stdout + verified.stderr  # the new chain verifies with the others
    # The audit export carries the recorded replay, and the offline verifier re-verifies its chain.
    out = tmp_path / "pkg"
    exported = run_cli("audit", "export", "--dsn", paper_db.role_dsn("auditor"), "--account", ACCOUNT, "--out",
                       str(out), env=_env(paper_db, tmp_path))
    assert exported.returncode == 0, exported.stdout + exported.stderr
    assert json.loads((out / "manifest.json").read_text())["files"]["ops.replay_run.csv"]["rows"] == 1
    offline = subprocess.run([sys.executable, "-I", "-S", str(out / "predator_verify.py"), str(out)],
                             capture_output=True, text=True, check=False)
    assert offline.returncode == 0, offline.stdout + offline.stderr


def _replay_row(console_page: str) -> str:
    table = re.search(r'<table id="replays">(.*?)</table>', console_page, re.S)
    assert table, "no table of recorded replays on /checks"
    rows = re.findall(r"<tr>(.*?)</tr>", table.group(1), re.S)[1:]  # the header row left out
    assert len(rows) == 1, rows  # one account: its last replay only
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", rows[0]))).strip()


def test_the_checks_page_shows_each_accounts_last_recorded_replay(paper_db: Target, tmp_path: Path) -> None:
    hours, first, last, _ = _closed_hours(paper_db)
    if not _replay_runs(paper_db):  # run alone: record one first
        assert run_cli("replay", "--account", ACCOUNT, "--no-progress",
                       env=_env(paper_db, tmp_path)).returncode == 0
    token = make_token_file(tmp_path, console_env(paper_db))
    console = start_console(paper_db, *token)
    try:
        page = console.get("/checks", token=console.token)
        assert page.status == 200, page.text[:500]
        row = _replay_row(page.text)
        assert ACCOUNT in row and "TRUE" in row and "FALSE" not in row, row
        assert f"{first:%Y-%m-%d %H:%M}" in row and f"{last:%Y-%m-%d %H:%M}" in row and f" {hours} " in row, row

        # An hourly state rewritten behind the triggers (a superuser): the next replay mismatches at that hour,
        # is recorded so, and the page shows it as the account's last replay.
        tampered = datetime(2023, 2, 1, 20, tzinfo=UTC)
        with psycopg.connect(paper_db.dsn, autocommit=True) as admin, admin.transaction():
            admin.execute("SET LOCAL session_replication_role = replica")
            admin.execute("UPDATE portfolio.hourly_state SET open_orders = open_orders + 1 WHERE hour = %s"
                          " AND book_id = (SELECT book_id FROM trading.account WHERE name = %s)", (tampered, ACCOUNT))
        replayed = run_cli("replay", "--account", ACCOUNT, "--no-progress", env=_env(paper_db, tmp_path))
        assert replayed.returncode == 1 and "REPLAY PARITY: FALSE" in replayed.stdout, replayed.stdout
        seq, _, _, _, _, mismatches, first_hour, problems, _, parity, _ = _replay_runs(paper_db)[-1]
        assert (mismatches, first_hour, problems, parity) == (1, tampered, ["hourly state differs"], False)
        assert f"recorded: replay {seq} of account {ACCOUNT}" in replayed.stdout

        row = _replay_row(console.get("/checks", token=console.token).text)
        assert "FALSE" in row and "(1 mismatched)" in row, row
        assert f"{tampered:%Y-%m-%d %H:%M}" in row and "hourly state differs" in row, row
    finally:
        stop_console(console)
