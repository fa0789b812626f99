"""``predator run --mode live`` against ``predator emulate`` (issue 11): what a live start refuses, and a live
run that trades on the Kraken and on the Binance emulator through the real ccxt client, is stopped by the kill
switch within seconds (its cancels reach the emulator), stays halted while hours keep closing, and trades again
only after an operator's explicit ``api.resume``. Every component is the project's own command, over loopback
HTTP and a real PostgreSQL, stopped by this test.

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
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from predator.config import PROJECT_ROOT
from predator.db import api
from predator.db.connection import Target
from predator.strategies.base import Context, Signal
from tests.helpers import approve_global_resume, set_burn_in

START = datetime(2024, 6, 1, tzinfo=UTC)
FIRST = START + timedelta(hours=1)
WARP = 1800  # an hour in 2 s
#: Each venue's symbol and the quote the emulator's account holds (10,000 of it).
VENUES = {"kraken": ("BTC/USD", "USD"), "binance": ("BTC/USDT", "USDT")}
STRATEGY = "tests.acceptance.test_live_mode:BuyThenRest"


@dataclass
class BuyThenRest:
    """Test strategy: a small market buy while the account holds no position; with one, a limit buy at half
    the last close each hour (it rests at the venue until the kill switch cancels it)."""

    name: str = field(default="buy_then_rest", init=False)
    warmup_bars: int = 2

    def generate_signal(self, context: Context) -> Signal | None:
        expiry = context.decision_time + timedelta(days=1)
        if context.position <= 0:
            return Signal(context.decision_time, context.symbol, "buy", 1.0, 50.0, expiry, Decimal("0.001"))
        price = (context.last_close / 2).quantize(Decimal(1))
        return Signal(context.decision_time, context.symbol, "buy", 1.0, 50.0, expiry, Decimal("0.001"), "limit",
                      price)


@dataclass
class BuyEveryHour:
    """Test strategy: a small market buy every hour (it fills by the next hour, so every hour decides)."""

    name: str = field(default="buy_every_hour", init=False)
    warmup_bars: int = 2

    def generate_signal(self, context: Context) -> Signal | None:
        return Signal(context.decision_time, context.symbol, "buy", 1.0, 50.0,
                      context.decision_time + timedelta(hours=1), Decimal("0.001"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _admin(url: str, method: str, path: str, body: Any = None) -> Any:
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(f"{url}/__emulator/{path}", data=data, method=method)
    with urllib.request.urlopen(req, timeout=10) as resp:
        return json.loads(resp.read())


class Emulator:
    def __init__(self, db: Target, venue: str, *flags: str) -> None:
        port = _free_port()
        self.venue = venue
        self.symbol, quote = VENUES[venue]
        self.url = f"http://127.0.0.1:{port}"
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "predator.cli", "emulate", "--venue", venue, "--port", str(port), "--clock",
             f"warp:{WARP}", "--start", START.isoformat(), "--balance", f"{quote}=10000", *flags],
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
    return _cli(env, "keys", "add", "--venue", emu.venue, "--backend", "file", "--from-file", str(keyfile),
                "--url", emu.url, "--replace")


def _live(env: dict[str, str], emu: Emulator, account: str, *extra: str, strategy: str = "sma_cross",
          params: str = '{"fast": 2, "slow": 6, "max_positions": 5}', first: datetime = FIRST,
          hours: int = 12) -> list[str]:
    return ["run", "--mode", "live", "--venue", emu.venue, "--venue-url", emu.url, "--account", account,
            "--symbols", emu.symbol, "--strategy", strategy, "--params", params, "--from", first.isoformat(),
            "--to", (first + timedelta(hours=hours)).isoformat(), "--bar-wait-seconds", "0.5",
            "--poll-seconds", "0.1", *extra]


@pytest.fixture(params=sorted(VENUES))
def emulator(request: pytest.FixtureRequest, db: Target) -> Iterator[Emulator]:
    emu = Emulator(db, request.param)
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
    assert f"{emulator.venue}/default" in line  # no key stored under that name
    added = _add_key(home, emulator, tmp_path)
    assert added.returncode == 0, added.stdout + added.stderr
    # A first decision time before the venue's current hour: the run would send orders now for old bars.
    line = _one_line_error(_cli(home, *_live(home, emulator, "live1", "--confirm-live",
                                             first=START - timedelta(hours=5))))
    assert "in the past of the venue" in line, line
    line = _one_line_error(_cli(home, *_live(home, emulator, "live1", "--confirm-live",
                                             first=START + timedelta(hours=48))))
    assert "PD014" in line and "burn-in" in line, line
    with db.connect("auditor") as conn:
        assert conn.execute("SELECT count(*) FROM api.orders").fetchone() == (0,)
        # The refusal leaves nothing half-made: the account's creation rolled back with its strategy.
        assert conn.execute("SELECT count(*) FROM api.accounts WHERE name = 'live1'").fetchone() == (0,)


@pytest.mark.parametrize("venue", sorted(VENUES))
def test_a_key_that_may_withdraw_is_refused_at_start(db: Target, home: dict[str, str], tmp_path: Path,
                                                     venue: str) -> None:
    good = Emulator(db, venue)
    try:
        assert _add_key(home, good, tmp_path).returncode == 0
    finally:
        good.stop()
    # The same key now reports the right to withdraw (an operator widened it after adding it).
    risky = Emulator(db, venue, "--api-key", good.key, "--api-secret", good.secret, "--key-can-withdraw")
    try:
        line = _one_line_error(_cli(home, *_live(home, risky, "live2", "--confirm-live")))
        assert "withdraw" in line.lower(), line
        assert good.secret not in line
    finally:
        risky.stop()
    with db.connect("auditor") as conn:
        assert conn.execute("SELECT count(*) FROM api.accounts WHERE name = 'live2'").fetchone() == (0,)


def _rows(db: Target, sql: str, *args: Any) -> list[tuple[Any, ...]]:
    with db.connect("auditor") as conn:
        return conn.execute(sql, args).fetchall()


def _until(what: str, worker: subprocess.Popen[str], book: Any, probe: Any, seconds: float = 90) -> Any:
    """Poll ``probe`` until it returns something true; fail after ``seconds`` of wall time or when the worker
    ends, with the worker's output and ``book()`` (what the book says)."""
    deadline = time.monotonic() + seconds
    while True:
        got = probe()
        if got:
            return got
        if worker.poll() is not None or time.monotonic() >= deadline:
            worker.terminate()
            out = worker.stdout.read() if worker.stdout else ""
            raise AssertionError(f"not within {seconds} s (worker ended: {worker.poll() is not None}): {what}\n"
                                 f"book: {book()}\nworker: {out[-4000:]}")
        time.sleep(0.1)


def test_a_live_run_trades_at_the_emulator_the_kill_switch_stops_it_and_only_an_operator_resumes_it(
        db: Target, home: dict[str, str], emulator: Emulator, tmp_path: Path) -> None:
    account = f"live_{emulator.venue}"
    assert _add_key(home, emulator, tmp_path).returncode == 0
    set_burn_in(db, 0, "test: no burn-in needed on the emulator")
    # The venue's clock stands still while the worker starts (a slow start on a busy machine would otherwise
    # begin hours late); the run starts at the next hour, as an operator starts one (docs/live.md).
    held = datetime.fromisoformat(_admin(emulator.url, "POST", "clock", {"rate": 0})["clock"])
    first = held.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    worker = subprocess.Popen(
        [sys.executable, "-m", "predator.cli", *_live(home, emulator, account, "--confirm-live", strategy=STRATEGY,
                                                      params="{}", first=first, hours=200)],
        env=home, cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert worker.stdout is not None
    started = [worker.stdout.readline() for _ in range(2)]  # the key's checks, then the first sync
    assert "first sync" in started[-1], "".join(started) + worker.stdout.read()
    _admin(emulator.url, "POST", "clock", {"rate": WARP})

    def resting() -> list[tuple[Any, ...]]:
        """The account's orders open in the book and acknowledged, that the emulator holds open too."""
        at_venue = {o["id"] for o in _admin(emulator.url, "GET", "state")["open_orders"]}
        rows = _rows(db, "SELECT client_order_id, venue_order_id FROM api.orders WHERE account = %s"
                     " AND status = 'open' AND venue_order_id IS NOT NULL", account)
        return [r for r in rows if r[1] in at_venue]

    def hour() -> datetime:
        row = _rows(db, "SELECT max(hour) FROM api.hourly_states WHERE account = %s", account)
        return row[0][0] if row and row[0][0] else START

    def book() -> str:
        return repr({
            "halts": _rows(db, "SELECT scope_kind, reason FROM api.halts WHERE active"),
            "decisions": _rows(db, "SELECT ts, direction, outcome, reasons FROM api.decisions WHERE account = %s"
                               " ORDER BY ts DESC LIMIT 6", account),
            "orders": _rows(db, "SELECT ts, order_type, status, venue_order_id FROM api.orders WHERE account = %s"
                            " ORDER BY seq DESC LIMIT 6", account),
            "dirty": _rows(db, "SELECT ts, diffs FROM api.reconciliations WHERE account = %s AND NOT clean",
                           account),
            "emulator": _admin(emulator.url, "GET", "state")})

    admitted = ("SELECT count(*) FROM api.decisions WHERE account = %s AND outcome = 'admitted'")
    try:
        # Trading: a market buy filled at the emulator (through ccxt), then limit buys resting there.
        _until("a fill", worker, book, lambda: _rows(db, "SELECT 1 FROM api.fills WHERE account = %s", account))
        before_kill = _until("a limit order resting at the emulator", worker, book, resting)
        # The kill switch: its cancels reach the emulator within seconds (the worker's listener, not an hour).
        with db.connect("operator") as op, op.transaction():
            kill = api.kill_switch(op, "test: stop the live run", False)
        assert kill.orders_marked >= len(before_kill)
        killed_at = time.monotonic()
        _until("the kill switch's cancels at the emulator", worker, book,
               lambda: not _admin(emulator.url, "GET", "state")["open_orders"], seconds=15)
        seconds_to_cancel = time.monotonic() - killed_at
        _until("the book learns of the cancels", worker, book, lambda: not _rows(
            db, "SELECT 1 FROM api.orders WHERE account = %s AND status IN ('new', 'open')", account))
        statuses = dict(_rows(db, "SELECT client_order_id, status FROM api.orders WHERE account = %s", account))
        assert all(statuses[c] == "canceled" for c, _ in before_kill), statuses
        assert _rows(db, "SELECT active FROM api.halts WHERE scope_kind = 'global'") == [(True,)]
        # Halted: hours keep closing, nothing is admitted or sent, nothing resumes by itself.
        orders_halted = _rows(db, "SELECT count(*) FROM api.orders WHERE account = %s", account)
        admitted_halted = _rows(db, admitted, account)
        hour_halted = hour()
        _until("three more closed hours", worker, book, lambda: hour() >= hour_halted + timedelta(hours=3))
        assert _rows(db, "SELECT count(*) FROM api.orders WHERE account = %s", account) == orders_halted
        assert _rows(db, admitted, account) == admitted_halted
        assert _rows(db, "SELECT active FROM api.halts WHERE scope_kind = 'global'") == [(True,)]
        assert not _admin(emulator.url, "GET", "state")["open_orders"]
        refused = _rows(db, "SELECT count(*) FROM api.decisions WHERE account = %s AND outcome <> 'admitted'"
                        " AND ts > %s", account, hour_halted)
        assert refused[0][0] >= 1  # the strategy kept asking; the halt refused it
        # The operator's explicit resume (the kill switch opened no incident that would refuse it).
        open_incidents = _rows(db, "SELECT incident FROM api.incidents WHERE severity = 1 AND status <> 'resolved'")
        assert open_incidents == []
        with db.connect("operator") as op:
            approve_global_resume(db, op, "test: understood, trading again")  # the two-person rule
            with op.transaction():
                api.resume(op, "test: understood, trading again")
        resumed_hour = hour()
        after = _until("a new order acknowledged at the emulator after the resume", worker, book, lambda: [
            r for r in resting() if r[0] not in statuses])
        placed = _rows(db, "SELECT min(ts) FROM api.orders WHERE account = %s AND client_order_id = ANY(%s)",
                       account, [c for c, _ in after])
        assert placed[0][0] >= resumed_hour
        assert _rows(db, "SELECT active FROM api.halts WHERE scope_kind = 'global'") == [(False,)]
        lane = _rows(db, "SELECT mode, lane FROM trading.account WHERE name = %s", account)
        assert lane == [("live", "live_canary")]
        clean = _rows(db, "SELECT clean FROM api.reconciliations WHERE account = %s ORDER BY seq", account)
        assert clean and all(c for (c,) in clean), clean
        print(f"{emulator.venue}: kill switch cancels at the emulator in {seconds_to_cancel:.2f} s")
    finally:
        worker.terminate()
        try:
            worker.wait(20)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
        if worker.stdout is not None:
            worker.stdout.close()


def _stop(worker: subprocess.Popen[str]) -> None:
    worker.terminate()
    try:
        worker.wait(20)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()
    if worker.stdout is not None:
        worker.stdout.close()


def test_a_live_worker_back_after_downtime_closes_the_missed_hours_without_deciding(
        db: Target, home: dict[str, str], emulator: Emulator, tmp_path: Path) -> None:
    """The worker is down while five hours close at the venue. Back, it closes the hours it missed without
    asking the strategy (no real order now for a decision on old bars) and decides again from the latest."""
    account = f"back_{emulator.venue}"
    assert _add_key(home, emulator, tmp_path).returncode == 0
    set_burn_in(db, 0, "test: no burn-in needed on the emulator")
    held = datetime.fromisoformat(_admin(emulator.url, "POST", "clock", {"rate": 0})["clock"])
    first = held.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    args = [sys.executable, "-m", "predator.cli", *_live(home, emulator, account, "--confirm-live",
                                                          strategy="tests.acceptance.test_live_mode:BuyEveryHour",
                                                          params="{}", first=first, hours=200)]

    def start() -> subprocess.Popen[str]:
        worker = subprocess.Popen(args, env=home, cwd=PROJECT_ROOT, stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT, text=True)
        assert worker.stdout is not None
        lines = [worker.stdout.readline() for _ in range(2)]  # the key's checks, then the first sync
        assert "first sync" in lines[-1], "".join(lines) + worker.stdout.read()
        _admin(emulator.url, "POST", "clock", {"rate": WARP})
        return worker

    def hour() -> datetime | None:
        return _rows(db, "SELECT max(hour) FROM api.hourly_states WHERE account = %s", account)[0][0]

    def decided() -> set[datetime]:
        return {ts for (ts,) in _rows(db, "SELECT ts FROM api.decisions WHERE account = %s", account)}

    def book() -> str:
        return repr({"hour": hour(), "decided": sorted(decided())})

    worker = start()
    try:
        _until("two hours decided", worker, book, lambda: len(decided()) >= 2)
    finally:
        _stop(worker)
    down_at = hour()
    assert down_at is not None
    # Down: the venue's clock moves five hours on; the worker comes back then.
    _admin(emulator.url, "POST", "clock", {"rate": 0})
    _admin(emulator.url, "POST", "clock", {"to": (down_at + timedelta(hours=5, seconds=30)).isoformat()})
    worker = start()
    try:
        latest = down_at + timedelta(hours=5)
        _until("two hours after the latest", worker, book, lambda: (hour() or START) >= latest + timedelta(hours=2))
    finally:
        _stop(worker)
    missed = [down_at + timedelta(hours=h) for h in range(1, 5)]
    closed = {h for (h,) in _rows(db, "SELECT hour FROM api.hourly_states WHERE account = %s", account)}
    assert set(missed) <= closed  # the missed hours were closed (relayed, reconciled, valued) ...
    assert not set(missed) & decided(), sorted(decided())  # ... without a decision
    assert {latest, latest + timedelta(hours=1)} <= decided()  # and the latest hour decides again
    orders = _rows(db, "SELECT count(*) FROM api.orders WHERE account = %s AND ts = ANY(%s)", account, missed)
    assert orders == [(0,)]
