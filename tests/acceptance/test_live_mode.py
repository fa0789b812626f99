"""``predator run --mode live`` against ``predator emulate`` (issue 11, first steps): what a live start refuses,
and a live run that trades on the Binance emulator through the real ccxt client, is stopped by the kill switch
within seconds and stays halted. Every component is the project's own command, over loopback HTTP and a real
PostgreSQL, stopped by this test.

Refused, each with one line and no traceback, and nothing traded: no ``--confirm-live``; no stored key; a key
that may withdraw (refused by the credential gateway at start); a strategy without a forward burn-in (the
database: PD014)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from predator.config import PROJECT_ROOT
from predator.db import api
from predator.db.connection import Target

START = datetime(2024, 6, 1, tzinfo=UTC)
FIRST = START + timedelta(hours=1)
WARP = 1800  # an hour in 2 s


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _admin(url: str, method: str, path: str) -> Any:
    req = urllib.request.Request(f"{url}/__emulator/{path}", method=method)
    with urllib.request.urlopen(req, timeout=10) as resp:
        return json.loads(resp.read())


class Emulator:
    def __init__(self, db: Target, *flags: str) -> None:
        port = _free_port()
        self.url = f"http://127.0.0.1:{port}"
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "predator.cli", "emulate", "--venue", "binance", "--port", str(port), "--clock",
             f"warp:{WARP}", "--start", START.isoformat(), "--balance", "USDT=10000", *flags],
            env=dict(os.environ, PREDATOR_DSN=db.dsn), cwd=PROJECT_ROOT, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, text=True)
        deadline = time.monotonic() + 30
        while True:
            try:
                _admin(self.url, "GET", "state")
                break
            except OSError:
                assert time.monotonic() < deadline, "the emulator did not come up"
                time.sleep(0.05)
        assert self.proc.stdout is not None
        lines = [self.proc.stdout.readline() for _ in range(3)]
        self.key = lines[1].split(":", 1)[1].strip()
        self.secret = lines[2].split(":", 1)[1].strip()

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        if self.proc.stdout is not None:
            self.proc.stdout.close()


@pytest.fixture()
def home(tmp_path: Path, db: Target) -> dict[str, str]:
    secrets = tmp_path / "secrets.json"
    return dict(os.environ, PREDATOR_DSN=db.dsn, PREDATOR_LOG=os.devnull, PREDATOR_SECRETS_FILE=str(secrets))


def _cli(env: dict[str, str], *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "predator.cli", *args], env=env, cwd=PROJECT_ROOT,
                          capture_output=True, text=True, timeout=timeout, check=False)


def _add_key(env: dict[str, str], emu: Emulator, tmp: Path) -> subprocess.CompletedProcess[str]:
    keyfile = tmp / "key.json"
    keyfile.write_text(json.dumps({"api_key": emu.key, "secret": emu.secret}))
    keyfile.chmod(0o600)
    return _cli(env, "keys", "add", "--venue", "binance", "--backend", "file", "--from-file", str(keyfile),
                "--url", emu.url, "--replace")


def _live(env: dict[str, str], emu: Emulator, account: str, *extra: str) -> list[str]:
    return ["run", "--mode", "live", "--venue", "binance", "--venue-url", emu.url, "--account", account,
            "--symbols", "BTC/USDT", "--strategy", "sma_cross", "--params",
            '{"fast": 2, "slow": 6, "max_positions": 5}', "--from", FIRST.isoformat(),
            "--to", (FIRST + timedelta(hours=12)).isoformat(), "--bar-wait-seconds", "0.5", "--poll-seconds", "0.1",
            *extra]


@pytest.fixture()
def emulator(db: Target) -> Iterator[Emulator]:
    emu = Emulator(db)
    yield emu
    emu.stop()


def _one_line_error(proc: subprocess.CompletedProcess[str]) -> str:
    assert proc.returncode != 0, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc.stderr.strip().splitlines()[-1]


def test_a_live_start_refuses_without_confirmation_key_rights_or_burn_in(
        db: Target, home: dict[str, str], emulator: Emulator, tmp_path: Path) -> None:
    line = _one_line_error(_cli(home, *_live(home, emulator, "live1")))
    assert "--confirm-live" in line
    line = _one_line_error(_cli(home, *_live(home, emulator, "live1", "--confirm-live")))
    assert "binance/default" in line  # no key stored under that name
    added = _add_key(home, emulator, tmp_path)
    assert added.returncode == 0, added.stdout + added.stderr
    line = _one_line_error(_cli(home, *_live(home, emulator, "live1", "--confirm-live")))
    assert "PD014" in line and "burn-in" in line, line
    with db.connect("auditor") as conn:
        assert conn.execute("SELECT count(*) FROM api.orders").fetchone() == (0,)
        # The refusal leaves nothing half-made: the account's creation rolled back with its strategy.
        assert conn.execute("SELECT count(*) FROM api.accounts WHERE name = 'live1'").fetchone() == (0,)


def test_a_key_that_may_withdraw_is_refused_at_start(db: Target, home: dict[str, str], tmp_path: Path) -> None:
    good = Emulator(db)
    try:
        assert _add_key(home, good, tmp_path).returncode == 0
    finally:
        good.stop()
    # The same key now reports the right to withdraw (an operator widened it after adding it).
    risky = Emulator(db, "--api-key", good.key, "--api-secret", good.secret, "--key-can-withdraw")
    try:
        line = _one_line_error(_cli(home, *_live(home, risky, "live2", "--confirm-live")))
        assert "withdraw" in line.lower(), line
        assert good.secret not in line
    finally:
        risky.stop()
    with db.connect("auditor") as conn:
        assert conn.execute("SELECT count(*) FROM api.accounts WHERE name = 'live2'").fetchone() == (0,)


def test_a_live_run_trades_at_the_emulator_and_the_kill_switch_stops_it(
        db: Target, home: dict[str, str], emulator: Emulator, tmp_path: Path) -> None:
    assert _add_key(home, emulator, tmp_path).returncode == 0
    with db.connect("operator") as op, op.transaction():
        api.set_setting(op, "live_burn_in_days", 0, "test: no burn-in needed on the emulator")
    worker = subprocess.Popen([sys.executable, "-m", "predator.cli", *_live(home, emulator, "live3", "--confirm-live")],
                              env=home, cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 90
        acked = 0
        while acked < 1 and time.monotonic() < deadline and worker.poll() is None:
            with db.connect("auditor") as conn:
                row = conn.execute("SELECT count(*) FROM api.orders WHERE account = 'live3'"
                                   " AND venue_order_id IS NOT NULL").fetchone()
            acked = int(row[0]) if row else 0
            time.sleep(0.1)
        assert acked >= 1, worker.stdout.read() if worker.poll() is not None and worker.stdout else "no order"
        state = _admin(emulator.url, "GET", "state")
        assert state["orders"] >= 1  # the order is at the emulator, placed through ccxt
        with db.connect("operator") as op, op.transaction():
            api.kill_switch(op, "test: stop the live run", False)
        time.sleep(3)
        count = ("SELECT count(*) FILTER (WHERE outcome = 'admitted'), max(ts) FROM api.decisions"
                 " WHERE account = 'live3'")
        with db.connect("auditor") as conn:
            before = conn.execute("SELECT count(*) FROM api.orders WHERE account = 'live3'").fetchone()
            admitted_before, _ = conn.execute(count).fetchone()
            hours_before = conn.execute("SELECT max(hour) FROM api.hourly_states WHERE account = 'live3'").fetchone()
            assert conn.execute("SELECT active FROM api.halts WHERE scope_kind = 'global'").fetchone() == (True,)
        time.sleep(5)  # more hours pass at the emulator and close in the book: nothing new goes out while halted
        with db.connect("auditor") as conn:
            after = conn.execute("SELECT count(*) FROM api.orders WHERE account = 'live3'").fetchone()
            admitted_after, _ = conn.execute(count).fetchone()
            hours_after = conn.execute("SELECT max(hour) FROM api.hourly_states WHERE account = 'live3'").fetchone()
            still = conn.execute("SELECT active FROM api.halts WHERE scope_kind = 'global'").fetchone()
        assert hours_after > hours_before  # the worker kept closing hours ...
        assert before == after and admitted_after == admitted_before and still == (True,)  # ... and sent nothing
        with db.connect("auditor") as conn:
            lane = conn.execute("SELECT mode, lane FROM trading.account WHERE name = 'live3'").fetchone()
        assert lane == ("live", "live_canary")
    finally:
        worker.terminate()
        try:
            worker.wait(20)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
        if worker.stdout is not None:
            worker.stdout.close()
