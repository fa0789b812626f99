"""Per-statement profile of the governed PL/pgSQL (issue 18 item 3), with plpgsql_check's profiler.

    .venv/bin/python bench/plprofile.py [--workload hour|fill] [--from 2023-01-01] [--to 2023-02-01]
                                        [--symbols BTC/USDT,...] [--fills 600] [--top 25] [--keep]

``pg_stat_user_functions`` says which routine costs what; this says which *statement* inside it does. On a scratch
database of the configured server (PREDATOR_DSN or the embedded cluster) it runs one workload with the profiler of
plpgsql_check (the extension the definer-isolation test already uses) turned on for the worker's login, and prints

* the routines by total time, with calls and the time per unit of work, and
* the statements by total time (a statement's time includes every routine it calls), with their source line,

per unit: an hour closed (``hour``) or a fill recorded (``fill``).

Workloads:

``hour``  ``predator paper`` in this process with the settings of the peer cross-check (``sma_cross`` on the peer
          symbols, bench/peers/predator_leg.py: no slippage or latency, caps off, ``--backtest-fast-commit``), over
          ``--from``/``--to``; the candles of that window (and its two weeks of warm-up) are loaded first, in a
          session that is not counted.
``fill``  ``--fills`` fills through ``api.record_fill`` as bench/fill_path.py records them, one per transaction.

How (``predator.db.plprofile.scratch_database``): plpgsql_check in a schema of its own in the scratch database,
and ``ALTER ROLE <worker login> IN DATABASE <scratch> SET session_preload_libraries = 'plpgsql_check'`` and ``SET
plpgsql_check.profiler = on``: settings of that database only, which go when it is dropped. Without
``shared_preload_libraries`` (which would take a restart of the server) the profiler keeps each session's figures in
that session's memory, so the worker's connections are read just before they close (``psycopg.Connection.close`` is
wrapped for the workload; sessions closed before it, loading and warm-up, are not counted).

The profiler times every statement, which costs time of its own: the figures are larger than an unprofiled run's
and are for shares (which statement, which routine), not for rates; rates are bench/fill_path.py's and
bench/peers'. The scratch database is dropped at the end unless ``--keep``.
"""

from __future__ import annotations

import argparse
import itertools
import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import psycopg

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE / "peers"))

import fill_path  # noqa: E402

from predator.db import plprofile as profiler  # noqa: E402
from predator.db import reads  # noqa: E402
from predator.db.connection import Target, default_target  # noqa: E402

PEER_SYMBOLS = "BTC/USDT,ETH/USDT,BNB/USDT,XRP/USDT,SOL/USDT,ADA/USDT,DOT/USDT,LINK/USDT,LTC/USDT,TRX/USDT"


@dataclass
class Cost:
    """Executions and total milliseconds of a routine or a statement, summed over sessions (statements: with
    their source line)."""

    count: int = 0
    ms: float = 0.0
    source: str = ""


@dataclass
class Profile:
    """What the worker's sessions measured, summed over them: per routine (its signature) and per statement
    (routine, line)."""

    routines: dict[str, Cost] = field(default_factory=dict)
    statements: dict[tuple[str, int], Cost] = field(default_factory=dict)
    sessions: int = 0

    def add(self, session: profiler.SessionProfile) -> None:
        for r in session.routines:
            c = self.routines.setdefault(r.routine, Cost())
            c.count += r.calls
            c.ms += r.ms
        for st in session.statements:
            c = self.statements.setdefault((st.routine, st.line), Cost(source=st.source))
            c.count += st.executions
            c.ms += st.ms
        self.sessions += 1

    def report(self, units: int, unit: str, top: int, database: str) -> str:
        """The two tables, ``top`` rows each, in ms per unit."""
        out = [f"plpgsql_check profile: {units} {unit}s, {self.sessions} worker session(s), database {database};"
               f" ms per {unit} (profiled: for shares, not rates)", "",
               f"{'routine':<60} {'calls':>9} {'ms/' + unit:>9}"]
        for name, c in sorted(self.routines.items(), key=lambda kv: -kv[1].ms)[:top]:
            out.append(f"{_short(name):<60} {c.count:>9} {c.ms / units:>9.3f}")
        out += ["", f"{'routine:line':<44} {'execs':>8} {'ms/' + unit:>9}  statement"]
        for (name, line), c in sorted(self.statements.items(), key=lambda kv: -kv[1].ms)[:top]:
            where = f"{name.split('(')[0]}:{line}"
            out.append(f"{where:<44} {c.count:>8} {c.ms / units:>9.3f}  {c.source[:90]}")
        return "\n".join(out)


def _short(name: str) -> str:
    return name if len(name) <= 60 else name[:57] + "..."


@contextmanager
def profiled_worker(target: Target, profile: Profile) -> Iterator[None]:
    """Read every session of the worker's login in ``target``'s database (a :func:`profiler.scratch_database`) just
    before it closes (``psycopg.Connection.close`` wrapped for the block: the figures live in the session); sessions
    closed before the block (loading, warm-up) are not counted."""
    login = profiler.WORKER_LOGIN
    original = psycopg.Connection.close

    def close(self: psycopg.Connection) -> None:  # type: ignore[type-arg]
        if (not self.closed and self.info.user == login and self.info.dbname == target.dbname
                and self.info.transaction_status != psycopg.pq.TransactionStatus.INERROR):
            profile.add(profiler.read_session_profile(self))
        original(self)

    psycopg.Connection.close = close  # type: ignore[method-assign]
    try:
        yield
    finally:
        psycopg.Connection.close = original  # type: ignore[method-assign]


def _load_window(target: Target, symbols: list[str], start: datetime, end: datetime, workdir: Path) -> None:
    """The candles of the run's window and its warm-up, through the gated loader (as the peer harness does)."""
    import predator_leg

    from predator.marketdata.loader import load_file

    first = int(start.timestamp()) - predator_leg.WARMUP_HOURS * 3600
    with target.connect("worker") as conn:
        for s in symbols:
            load_file(conn, predator_leg.window_file(s, first, int(end.timestamp()), workdir))
            conn.commit()


def run_hours(target: Target, symbols: list[str], start: datetime, end: datetime, profile: Profile) -> int:
    """``predator paper`` with the peer settings in this process; returns the hours closed."""
    import predator_leg

    from predator.cli import main as cli

    with tempfile.TemporaryDirectory() as tmp:
        _load_window(target, symbols, start, end, Path(tmp))
    args = predator_leg.paper_command("plprofile", symbols, f"{start:%Y-%m-%dT%H:%M:%SZ}", f"{end:%Y-%m-%dT%H:%M:%SZ}",
                                      {"max_positions": len(symbols)}, Decimal(10000))[1:]
    before = os.environ.get("PREDATOR_DSN")
    os.environ["PREDATOR_DSN"] = target.dsn  # the CLI's database: the scratch one
    try:
        with profiled_worker(target, profile):
            cli.main(args=args, standalone_mode=False)
    finally:
        if before is None:
            del os.environ["PREDATOR_DSN"]
        else:
            os.environ["PREDATOR_DSN"] = before
    with target.connect("auditor") as conn:
        return reads.account_figures(conn, "plprofile").hours


def run_fills(target: Target, fills: int, profile: Profile) -> int:
    """``fills`` fills as bench/fill_path.py records them (after 50 unprofiled ones: plans cached)."""
    buy, sell, clock = fill_path._setup(target)
    calls = fill_path._fill_calls(buy, sell, clock)
    with target.connect("worker") as conn:
        fill_path._record_fills(conn, list(itertools.islice(calls, 50)))
    with profiled_worker(target, profile), target.connect("worker") as conn:
        fill_path._record_fills(conn, list(itertools.islice(calls, fills)))
    return fills


def _utc(day: str) -> datetime:
    return datetime.fromisoformat(day).replace(tzinfo=UTC)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workload", choices=("hour", "fill"), default="hour")
    parser.add_argument("--from", dest="start", default="2023-01-01", help="hour: first day (UTC)")
    parser.add_argument("--to", dest="end", default="2023-02-01",
                        help="hour: the last day (UTC); the run closes its hours up to 00:00 of it")
    parser.add_argument("--symbols", default=PEER_SYMBOLS, help="hour: the symbols (the peer case's ten)")
    parser.add_argument("--fills", type=int, default=600, help="fill: fills profiled")
    parser.add_argument("--top", type=int, default=25, help="rows of each table")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    args = parser.parse_args(argv)

    profile = Profile()
    with profiler.scratch_database(default_target(), keep=args.keep) as target:
        if args.workload == "hour":
            units = run_hours(target, args.symbols.split(","), _utc(args.start), _utc(args.end), profile)
        else:
            units = run_fills(target, args.fills, profile)
        if args.keep:
            print(f"kept database {target.dbname}", file=sys.stderr)
    if not profile.sessions or units == 0:
        print("no profile was read (no worker session closed, or nothing done)", file=sys.stderr)
        return 1
    print(profile.report(units, "hour" if args.workload == "hour" else "fill", args.top, target.dbname))
    return 0


if __name__ == "__main__":
    sys.exit(main())
