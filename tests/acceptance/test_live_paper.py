"""Paper on live data, end to end (issue 10's proof): ``predator emulate`` serves Kraken and Binance on a warped
clock (an hour passes in 1.5 s), ``predator run --mode paper --feed sync`` trades 48 simulated hours on each
with bars arriving only through the sync, the test stalls the bar feed (the hours decide nothing new for it,
the feed is degraded, then recovers) and revises a bar the run already used (a correction row), and
``predator replay`` gives parity for both accounts. Every component is started from the project's own
commands over real connections (HTTP on loopback, PostgreSQL) and stopped by this test."""

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
from typing import Any

import pytest

from predator.config import PROJECT_ROOT
from predator.db.connection import Target

START = datetime(2024, 3, 1, tzinfo=UTC)  # the emulators' clock when they start
FIRST = START + timedelta(hours=1)  # first decision time
LAST = START + timedelta(hours=48)  # last decision time: 48 hours
WARP = 2400  # simulated seconds per wall second: an hour in 1.5 s
STALL_AT = 10  # after this many closed hours the feed stalls, until an hour has closed without its bar
REVISE_AT = 24  # after this many closed hours, the last bar used is revised at the venue
HOUR = timedelta(hours=1)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _admin(url: str, method: str, path: str, body: Any = None) -> Any:
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(f"{url}/__emulator/{path}", data=data, method=method)
    with urllib.request.urlopen(req, timeout=10) as resp:
        return json.loads(resp.read())


@dataclass
class Lane:
    """One venue: its emulator, its worker and what the test did to it."""

    venue: str
    symbol: str
    account: str
    url: str = ""
    emulator: subprocess.Popen[str] | None = None
    worker: subprocess.Popen[str] | None = None
    stalled_after: int | None = None
    stall_cleared_after: int | None = None
    revised: datetime | None = None
    output: str = ""
    events: list[str] = field(default_factory=list)


def _env(db: Target) -> dict[str, str]:
    return dict(os.environ, PREDATOR_DSN=db.dsn, PREDATOR_LOG=os.devnull)


def _start_emulator(lane: Lane, db: Target) -> None:
    port = _free_port()
    lane.url = f"http://127.0.0.1:{port}"
    lane.emulator = subprocess.Popen(
        [sys.executable, "-m", "predator.cli", "emulate", "--venue", lane.venue, "--port", str(port),
         "--clock", f"warp:{WARP}", "--start", START.isoformat()],
        env=_env(db), cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            _admin(lane.url, "GET", "state")
            return
        except OSError:
            time.sleep(0.05)
    raise AssertionError(f"the {lane.venue} emulator did not come up")


def _start_worker(lane: Lane, db: Target) -> None:
    lane.worker = subprocess.Popen(
        [sys.executable, "-m", "predator.cli", "run", "--mode", "paper", "--feed", "sync", "--venue", lane.venue,
         "--venue-url", lane.url, "--account", lane.account, "--symbols", lane.symbol, "--strategy", "sma_cross",
         "--params", '{"fast": 2, "slow": 6, "max_positions": 5}', "--from", FIRST.isoformat(),
         "--to", LAST.isoformat(), "--bar-wait-seconds", "0.4", "--poll-seconds", "0.1", "--max-seconds", "240"],
        env=_env(db), cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def _closed(db: Target, account: str) -> int:
    with db.connect("auditor") as conn:
        row = conn.execute("SELECT count(*) FROM api.hourly_states WHERE account = %s", (account,)).fetchone()
    return int(row[0]) if row else 0


def _bar(db: Target, venue: str, symbol: str, ts: datetime) -> dict[str, Decimal]:
    with db.connect("auditor") as conn:
        row = conn.execute("SELECT open, high, low, close, volume FROM api.candles WHERE venue = %s AND symbol = %s"
                           " AND interval = '1h' AND ts = %s", (venue, symbol, ts)).fetchone()
    assert row is not None, f"{venue} {symbol} {ts}: no bar stored"
    return dict(zip(("open", "high", "low", "close", "volume"), row, strict=True))


def _hours_without_bar(db: Target, lane: Lane) -> list[datetime]:
    """The closed hours of the lane's run whose bar was not there when they closed (api.hour_knowledge)."""
    with db.connect("auditor") as conn:
        rows = conn.execute(
            "SELECT k.hour FROM api.hour_knowledge k WHERE k.account = %s AND k.symbol = %s AND NOT EXISTS"
            " (SELECT FROM api.candles_known(k.venue, k.symbol, '1h', k.hour - interval '1 hour', k.hour, k.load_id))"
            " ORDER BY k.hour", (lane.account, lane.symbol)).fetchall()
    return [r[0] for r in rows]


def _drive(lanes: list[Lane], db: Target) -> None:
    """Watch both runs; stall, clear and revise at the planned hours; wait for both workers to end."""
    deadline = time.monotonic() + 200
    while any(lane.worker is not None and lane.worker.poll() is None for lane in lanes):
        if time.monotonic() > deadline:
            for lane in lanes:
                if lane.worker is not None and lane.worker.poll() is None:
                    lane.worker.terminate()
            outputs = "\n".join(
                f"--- {lane.venue}\n{(lane.worker.communicate(timeout=30)[0] if lane.worker else '')[-3000:]}"
                for lane in lanes)
            raise AssertionError(f"the runs did not finish in time:\n{outputs}")
        for lane in lanes:
            n = _closed(db, lane.account)
            if lane.stalled_after is None and n >= STALL_AT:
                _admin(lane.url, "POST", "faults?mode=add", {"faults": [{"kind": "stall_candles"}]})
                lane.stalled_after = n
            elif lane.stalled_after is not None and lane.stall_cleared_after is None and _hours_without_bar(db, lane):
                _admin(lane.url, "DELETE", "faults")
                lane.stall_cleared_after = n
            elif lane.stall_cleared_after is not None and lane.revised is None and n >= REVISE_AT:
                used = FIRST + (n - 1) * HOUR - HOUR  # the bar the last closed hour decided on
                bar = _bar(db, lane.venue, lane.symbol, used)
                mid = (bar["high"] + bar["low"]) / 2
                _admin(lane.url, "POST", "faults?mode=add", {"faults": [
                    {"kind": "revise_candle", "symbol": lane.symbol, "ts": used.isoformat(), "close": str(mid)}]})
                lane.revised = used
        time.sleep(0.05)
    for lane in lanes:
        assert lane.worker is not None
        lane.output = lane.worker.communicate(timeout=30)[0]


@pytest.fixture()
def lanes(db: Target) -> Iterator[list[Lane]]:
    out = [Lane("kraken", "BTC/USD", "live_kraken"), Lane("binance", "BTC/USDT", "live_binance")]
    try:
        for lane in out:
            _start_emulator(lane, db)
        for lane in out:
            _start_worker(lane, db)
        yield out
    finally:
        for lane in out:
            for proc in (lane.worker, lane.emulator):
                if proc is not None and proc.poll() is None:
                    proc.terminate()
                    try:
                        proc.wait(10)
                    except subprocess.TimeoutExpired:
                        proc.kill()
                        proc.wait()
                if proc is not None and proc.stdout is not None:
                    proc.stdout.close()


def test_paper_on_live_data_survives_a_stalled_and_a_revised_bar_and_replays_to_parity(
        db: Target, lanes: list[Lane]) -> None:
    _drive(lanes, db)
    for lane in lanes:
        venue, symbol, account = lane.venue, lane.symbol, lane.account
        assert lane.worker is not None and lane.worker.returncode == 0, lane.output[-3000:]
        assert "scheduler stopped: 48 hours run" in lane.output, lane.output[-3000:]
        assert lane.stalled_after is not None and lane.stall_cleared_after is not None and lane.revised is not None
        with db.connect("auditor") as conn:
            hours = [r[0] for r in conn.execute(
                "SELECT hour FROM api.hourly_states WHERE account = %s ORDER BY hour", (account,)).fetchall()]
            assert hours == [FIRST + i * HOUR for i in range(48)]
            # Bars came only through the sync (and every load of the feed was a sync of this venue).
            sources = {r[0] for r in conn.execute(
                "SELECT DISTINCT source FROM api.candle_revisions WHERE venue = %s AND symbol = %s",
                (venue, symbol)).fetchall()}
            assert sources == {f"sync:{venue}"}, sources
            # What every hour knew: whether the bar that closed at it was there.
            recorded = [r[0] for r in conn.execute(
                "SELECT hour FROM api.hour_knowledge WHERE account = %s AND symbol = %s ORDER BY hour",
                (account, symbol)).fetchall()]
            assert recorded == hours
            stale = _hours_without_bar(db, lane)
            had_bar = {h: h not in stale for h in hours}
            # The stall: some hours closed without their bar, all of them while the stall was declared ...
            assert stale, "no hour closed without its bar: the stall did not bite"
            assert all(FIRST + (lane.stalled_after - 1) * HOUR < h <= FIRST + (lane.stall_cleared_after + 1) * HOUR
                       for h in stale), (stale, lane.stalled_after, lane.stall_cleared_after)
            # ... those hours decided nothing for the symbol (never trade blind) ...
            blind = conn.execute("SELECT count(*) FROM api.decisions WHERE account = %s AND ts = ANY(%s)",
                                 (account, stale)).fetchone()
            assert blind == (0,)
            # ... and the feed recovered: every hour after the stall was cleared had its bar.
            after = [h for h in hours if h > FIRST + (lane.stall_cleared_after + 1) * HOUR]
            assert after and all(had_bar[h] for h in after)
            # The revised bar is a correction with evidence, and the hours after it decided on revision 1.
            corrections = conn.execute(
                "SELECT from_revision, to_revision, source FROM api.candle_corrections"
                " WHERE venue = %s AND symbol = %s AND ts = %s", (venue, symbol, lane.revised)).fetchall()
            assert corrections == [(0, 1, f"sync:{venue}")], corrections
            last = conn.execute("SELECT load_id FROM api.hour_knowledge WHERE account = %s AND hour = %s",
                                (account, LAST)).fetchone()
            assert last is not None
            known = conn.execute("SELECT revision FROM api.candles_known(%s, %s, '1h', %s, %s, %s)",
                                 (venue, symbol, lane.revised, lane.revised + HOUR, last[0])).fetchone()
            assert known == (1,)
            # It traded: orders admitted, sent to the paper engine and filled against bars as they arrived.
            orders = conn.execute("SELECT count(*) FROM api.orders WHERE account = %s", (account,)).fetchone()
            fills = conn.execute("SELECT count(*) FROM api.fills WHERE account = %s", (account,)).fetchone()
            why = (conn.execute("SELECT ts, direction, outcome, reasons FROM api.decisions WHERE account = %s",
                                (account,)).fetchall(),
                   conn.execute("SELECT * FROM api.halts").fetchall())
            assert orders is not None and orders[0] >= 2 and fills is not None and fills[0] >= 1, (orders, fills, why)
        assert "bar waits ended data_stale" in lane.output
        replay = subprocess.run([sys.executable, "-m", "predator.cli", "replay", "--account", account, "--no-progress"],
                                env=_env(db), cwd=PROJECT_ROOT, capture_output=True, text=True, check=False)
        assert replay.returncode == 0, replay.stdout + replay.stderr
        assert "48 hours compared" in replay.stdout and "REPLAY PARITY: TRUE" in replay.stdout, replay.stdout
    # Every gate holds over both runs, gate 16 (every hour of a sync-fed run says what it knew) included.
    validate = subprocess.run([sys.executable, "-m", "predator.cli", "validate"], env=_env(db), cwd=PROJECT_ROOT,
                              capture_output=True, text=True, check=False)
    assert validate.returncode == 0 and "VALIDATION: PASS" in validate.stdout, validate.stdout + validate.stderr
