"""The Predator leg of the peer cross-check: the same candles through ``predator data load``, the same
strategy (``sma_cross``) through ``predator paper`` on a scratch account of the default database, the
trades read back from ``api.round_trips``.

Paper venue settings for the common fill rule: ``--slippage-bps 0 --impact-bps 0`` (fill at exactly the
open), ``--participation 1`` (no volume cap), ``--latency-ms 0 --latency-jitter-ms 0`` (the venue still
stamps an arrival 1 ms after the decision: fill times are bar open + 1 ms, compared by their bar),
``--reject-rate 0``, ``--fee-bps 10``, ``--risk-profile unconstrained`` (caps off; cash and no-shorting
still apply). ``--backtest-fast-commit``: a backtest over closed history, as the demo and the benchmarks run
one (each hour still one atomic, ordered transaction; docs/performance.md "The trading hour"). Runs in the
project's venv.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import HOUR, REPO, LegResult, Trade, candle_file  # noqa: E402

PREDATOR = REPO / ".venv" / "bin" / "predator"
WARMUP_HOURS = 24 * 14


def _predator() -> list[str]:
    exe = PREDATOR if PREDATOR.exists() else shutil.which("predator")
    if exe is None:
        raise RuntimeError("the predator command is not installed (make bootstrap)")
    return [str(exe)]


def pin_home() -> None:
    """The embedded cluster lives under PREDATOR_HOME, by default ./.predator of the working directory: pin
    it to the repository's, whatever directory the harness runs from (for this process and the commands it
    starts). Not needed when PREDATOR_DSN names a server."""
    os.environ.setdefault("PREDATOR_HOME", str(REPO / ".predator"))


def has_paper_command() -> bool:
    done = subprocess.run(_predator() + ["paper", "--help"], capture_output=True, text=True)
    return done.returncode == 0


def _connect(role: str = "auditor"):  # type: ignore[no-untyped-def]
    from predator.db.connection import default_target

    return default_target(start=False).connect(role)  # type: ignore[arg-type]


def ensure_database() -> None:
    """Start the embedded cluster when needed and migrate the default database to head."""
    done = subprocess.run(_predator() + ["migrate"], capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"predator migrate failed:\n{done.stdout}\n{done.stderr}")


def _stored_bars(symbol: str, first: datetime, last: datetime) -> int:
    with _connect() as conn:
        row = conn.execute("SELECT count(*) FROM api.candles WHERE venue = 'binance' AND symbol = %s"
                           " AND interval = '1h' AND ts >= %s AND ts <= %s", (symbol, first, last)).fetchone()
    return int(row[0]) if row else 0


def load_candles(symbols: list[str], start: int, end: int, window_dir: Path | None = None) -> list[str]:
    """Load the candles of ``symbols`` with ``predator data load`` unless the database already holds every
    bar of the run's window [start − warm-up, end]; returns the symbols that were loaded.

    With ``window_dir`` only the window's bars are loaded, from a copy of the shared file's lines written
    there (same name, same text; for quick runs such as the test suite's); else the whole shared file."""
    from common import read_candles

    first = start - WARMUP_HOURS * HOUR
    todo = [s for s in symbols
            if _stored_bars(s, datetime.fromtimestamp(first, UTC), datetime.fromtimestamp(end, UTC))
            < len(read_candles(s).window(first, end).ts)]
    if not todo:
        return []
    files = [window_file(s, first, end, window_dir) if window_dir else candle_file(s) for s in todo]
    done = subprocess.run(_predator() + ["data", "load", *map(str, files)], capture_output=True, text=True)
    if done.returncode != 0 and "No such command 'data'" in done.stderr:
        _load_in_process(files)  # until `predator data load` lands: the same loader, called directly
    elif done.returncode != 0:
        raise RuntimeError(f"predator data load failed ({done.returncode}):\n{done.stdout[-2000:]}\n"
                           f"{done.stderr[-4000:]}")
    return todo


def window_file(symbol: str, first: int, last: int, directory: Path) -> Path:
    """The shared file's header and its lines with open time in [first, last], gzip, under the same name."""
    import gzip

    src = candle_file(symbol)
    lo = datetime.fromtimestamp(first, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    hi = datetime.fromtimestamp(last, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    directory.mkdir(parents=True, exist_ok=True)
    dst = directory / src.name
    with gzip.open(src, "rt", encoding="utf-8", newline="") as f, gzip.open(dst, "wt", encoding="utf-8",
                                                                             newline="") as g:
        g.write(f.readline())
        for line in f:
            if lo <= line[:20] <= hi:  # ISO-8601 UTC strings order like the times they name
                g.write(line)
    return dst


def _load_in_process(files: list[Path]) -> None:
    from predator.marketdata.loader import load_file

    with _connect("worker") as conn:
        for f in files:
            load_file(conn, f)
            conn.commit()


def paper_command(account: str, symbols: list[str], start: str, end: str, params: dict, principal: Decimal,
                  fee_bps: int = 10) -> list[str]:
    return _predator() + [
        "paper", "--account", account, "--symbols", ",".join(symbols), "--strategy", "sma_cross",
        "--params", json.dumps(params), "--from", start, "--to", end, "--principal", str(principal),
        "--risk-profile", "unconstrained", "--fee-bps", str(fee_bps), "--slippage-bps", "0", "--impact-bps", "0",
        "--participation", "1", "--latency-ms", "0", "--latency-jitter-ms", "0", "--reject-rate", "0",
        "--seed", "1", "--no-progress", "--backtest-fast-commit"]


def run(symbols: list[str], start: int, end: int, *, params: dict, fee: float = 0.001,
        principal: Decimal = Decimal(10000), account: str | None = None, log: Path | None = None) -> LegResult:
    """Run ``predator paper`` (timed, the whole process) and read the account's round trips.

    A run that died of a deadlock (the default database is shared: a ``predator migrate`` re-applying
    triggers while the run writes can deadlock with it) is run once more, on a fresh account, and says so."""
    notes: list[str] = []
    for attempt in (1, 2):
        name = account if account and attempt == 1 else \
            f"{account or 'peers'}_{datetime.now(UTC):%Y%m%d%H%M%S}_{uuid.uuid4().hex[:6]}"
        seconds, done = _paper(name, symbols, start, end, params, principal, fee, log)
        if done.returncode == 0:
            res = read_account(name, principal, fee)
            res.seconds = seconds
            res.notes = notes + (res.notes or [])
            return res
        if attempt == 1 and "DeadlockDetected" in done.stderr:
            notes.append(f"first run on {name} died of a deadlock with another session; run again")
            continue
        raise RuntimeError(f"predator paper failed ({done.returncode}):\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}")
    raise AssertionError("unreachable")


def _paper(account: str, symbols: list[str], start: int, end: int, params: dict, principal: Decimal, fee: float,
           log: Path | None) -> tuple[float, subprocess.CompletedProcess[str]]:
    iso = lambda t: datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")  # noqa: E731
    cmd = paper_command(account, symbols, iso(start), iso(end), params, principal, round(fee * 10000))
    t0 = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, "PYTHONWARNINGS": "ignore"})
    seconds = time.perf_counter() - t0
    if log is not None:
        log.write_text(" ".join(cmd) + "\n\n" + done.stdout + "\n" + done.stderr)
    return seconds, done


def read_account(account: str, principal: Decimal, fee: float) -> LegResult:
    """Round trips, final equity, refusals and rejected orders of ``account``."""
    trades: list[Trade] = []
    notes: list[str] = [f"account {account}"]
    with _connect() as conn:
        for symbol, entry_ts, exit_ts, qty, pe, px, net_return in conn.execute(
                "SELECT symbol, entry_ts, exit_ts, quantity, entry_avg_price, exit_avg_price, net_return"
                " FROM api.round_trips WHERE account = %s ORDER BY symbol, trip_no", (account,)):
            e, x = _bar(entry_ts), _bar(exit_ts)
            trades.append(Trade(symbol, e, x, float(pe), float(px), float(qty), float(net_return),
                                float(net_return)))
        row = conn.execute("SELECT equity FROM api.hourly_states WHERE account = %s ORDER BY hour DESC LIMIT 1",
                           (account,)).fetchone()
        total = float(Decimal(row[0]) / principal - 1) if row else None
        for symbol, ts, direction, reasons in conn.execute(
                "SELECT symbol, ts, direction, reasons FROM api.decisions WHERE account = %s AND outcome = 'refused'"
                " ORDER BY ts, symbol", (account,)):
            notes.append(f"refused {direction} {symbol} at {ts:%Y-%m-%dT%H:%MZ}: {','.join(reasons)}")
        for symbol, ts, side, status in conn.execute(
                "SELECT symbol, ts, side, status FROM api.orders WHERE account = %s"
                " AND status NOT IN ('filled', 'new', 'open', 'partially_filled') ORDER BY ts, symbol", (account,)):
            notes.append(f"order {side} {symbol} at {ts:%Y-%m-%dT%H:%MZ} ended {status}")
    return LegResult("predator", trades, total, notes=notes)


def _bar(ts: datetime) -> int:
    """The open time of the bar a fill time falls in (fills are stamped bar open + latency)."""
    return int(ts.timestamp()) // HOUR * HOUR
