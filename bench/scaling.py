"""Cost as work grows (issue 18 item 6): fully governed backtests over a grid of symbol counts × years, each
on a fresh database, and whether the later hours of a long run cost more than its first ones.

Every cell is the run of ``predator paper --backtest-fast-commit`` (the same :class:`HourRunner`, the same
preflight; bench/pipeline.py sets a run up the same way) on its own copy of a template database that holds
the candles (``CREATE DATABASE … TEMPLATE``: cells share no history). The symbols of a cell are the first N
of a fixed order among the 1h files of ``../shared/data/candles`` that cover the cell's whole window, warm-up
included (first the files that cover the grid's longest window, then the others; in each group the demo
symbols, then the rest by first bar); a cell asking for more symbols than cover its window runs with all that
do and says so (``capped``): of the 26 files, 17 reach 2024-12-31 from before 2022 and 9 from before 2019.
Windows end at ``--end`` (2025-01-01: the files' last complete year is 2024) and start 1, 3 or 6 years before.

Per cell: wall seconds of the run (market load, features, every hour, the summary), symbol-hours, cost per
symbol-hour (ms), and per business year of the run (per 30 days with ``--days``) the cost per symbol-hour of
its hours, measured from the run itself: ``api.hour_closes`` records the wall-clock start and end of every
hour close, so an hour's whole cycle (decide, admit, venue, reconcile, close) is the time between one close's
end and the next's (the first hour of a run, which has no previous close, is left out), and the close alone
is its own duration. The figure of the issue is the last year's cost per symbol-hour over the first year's
(target ≤ 1.2 from year 1 to year 6: the chained tables must not make later hours slower). Each cell also
records the tables the run read the most rows of (``pg_stat_user_tables``: sequential reads and index
fetches); with ``--profile``, the self time per hour of the heaviest PL/pgSQL functions in every segment
(``pg_stat_user_functions``, sampled as the hours go): together they name what grows with history, if anything.

The strategy is ``sma_cross`` by default with ``max_positions`` = the cell's symbol count (every symbol
trades, each with equity / N), on the ``unconstrained`` risk profile: no loss tier can halt the account and
leave the later years idle (cheaper), which would flatter the ratio. Halts, if any, are listed per cell.

Runs on the configured server (PREDATOR_DSN or the embedded cluster): ``make bench-scaling`` or
``python bench/scaling.py [--symbols 1,10,26] [--years 1,3,6] [--strategy sma_cross] [--jobs 1] [--quick]
[--profile] [--keep]``. The runs go cheapest first (an interrupted grid has its short cells; ``--out`` is
rewritten after each); a capped cell with the symbols and window of another is that run, not run twice.
Prints a line per run as it ends, then the table, then (last line) the ratios; writes ``--out``
(reports/scaling.json). Long (the default grid is about 1.5 million symbol-hours, 1-2 hours on a busy
2-core machine); not part of ``make test``.
"""

from __future__ import annotations

import argparse
import gzip
import json
import multiprocessing
import os
import sys
import threading
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from predator import config, seams, source  # noqa: E402
from predator.config import DEMO_SYMBOLS  # noqa: E402
from predator.db import migrate  # noqa: E402
from predator.db.connection import Target, default_target  # noqa: E402
from predator.logs import configure_logging  # noqa: E402
from predator.marketdata.loader import load_many  # noqa: E402
from predator.runner.hour import HOUR, HourRunner, RunConfig  # noqa: E402
from predator.runner.preflight import check_run  # noqa: E402
from predator.strategies.base import effective_params, load_strategy  # noqa: E402
from predator.venues.paper import PaperConfig  # noqa: E402

END = datetime(2025, 1, 1, tzinfo=UTC)
ACCOUNT = "scaling"
RISK_PROFILE = "unconstrained"


# --- symbols and windows --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Coverage:
    symbol: str
    path: Path
    first: datetime  # open time of the first bar
    last: datetime  # open time of the last bar


def _iso(line: str) -> datetime:
    return datetime.fromisoformat(line[:20].replace("Z", "+00:00"))


def coverage(directory: Path | None = None) -> list[Coverage]:
    """Every binance 1h file of the shared data, in the bench's order: the demo symbols, then the others by
    first bar (then name)."""
    directory = directory or config.data_dir() / "candles"
    found: list[Coverage] = []
    for path in sorted(directory.glob("binance_*_1h.csv.gz")):
        symbol = path.name.removeprefix("binance_").removesuffix("_1h.csv.gz").replace("-", "/")
        with gzip.open(path, "rt", encoding="utf-8") as f:
            f.readline()
            first = f.readline()
            last = first
            for line in f:
                if line.strip():
                    last = line
        if first.strip():
            found.append(Coverage(symbol, path, _iso(first), _iso(last)))
    demo = {s: i for i, s in enumerate(DEMO_SYMBOLS)}
    return sorted(found, key=lambda c: (demo.get(c.symbol, len(demo)), c.first, c.symbol))


@dataclass(frozen=True)
class Period:
    label: str  # "1y", "6y", "90d"
    start: datetime
    end: datetime
    segment: str  # "year" or "30d"

    def segments(self) -> list[tuple[datetime, datetime]]:
        """Consecutive [from, to) slices of the run's hours: business years from the start (anniversaries),
        or 30 days for a window given in days; the last slice also holds the run's end hour."""
        out: list[tuple[datetime, datetime]] = []
        a = self.start
        k = 0
        while a < self.end:
            k += 1
            b = self.start.replace(year=self.start.year + k) if self.segment == "year" else a + timedelta(days=30)
            b = min(b, self.end)
            out.append((a, b))
            a = b
        return out


def year_period(years: int, end: datetime = END) -> Period:
    return Period(f"{years}y", end.replace(year=end.year - years), end, "year")


def day_period(days: int, end: datetime = END) -> Period:
    return Period(f"{days}d", end - timedelta(days=days), end, "30d")


def covering(cov: Sequence[Coverage], period: Period, warmup: timedelta) -> list[Coverage]:
    """The files whose bars cover the period's warm-up and every hour up to its end (the last bar opens
    an hour before the run's last close)."""
    return [c for c in cov if c.first <= period.start - warmup and c.last >= period.end - HOUR]


@dataclass(frozen=True)
class Cell:
    asked: int  # symbols asked for
    period: Period
    symbols: tuple[str, ...]

    @property
    def name(self) -> str:
        return f"{self.asked}sym×{self.period.label}"

    @property
    def capped(self) -> bool:
        return len(self.symbols) < self.asked


def plan(counts: Sequence[int], periods: Sequence[Period], cov: Sequence[Coverage], warmup: timedelta) -> list[Cell]:
    """The grid's cells. The files that cover the longest window come first (in ``cov``'s order), so that a
    row's symbols change as little as possible from one window to the next."""
    longest = max(periods, key=lambda p: p.end - p.start)
    long_ones = {c.symbol for c in covering(cov, longest, warmup)}
    cov = sorted(cov, key=lambda c: c.symbol not in long_ones)  # stable: keeps the order within each group
    cells = []
    for n in counts:
        for p in periods:
            fit = covering(cov, p, warmup)
            if not fit:
                raise SystemExit(f"no 1h file covers {p.start:%Y-%m-%d}..{p.end:%Y-%m-%d} with its warm-up")
            cells.append(Cell(n, p, tuple(c.symbol for c in fit[:n])))
    return cells


# --- one cell -------------------------------------------------------------------------------------------
@dataclass
class Segment:
    start: str
    end: str
    hours: int
    cycle_ms_per_symbol_hour: float
    close_ms_per_hour: float
    fills: int


@dataclass
class CellResult:
    cell: str
    symbols_asked: int
    symbols: list[str]
    capped: bool
    period: str
    start: str
    end: str
    hours: int
    symbol_hours: int
    wall_seconds: float
    ms_per_symbol_hour: float
    #: the hour cycles alone (from the first close's end to the last close's end), per symbol-hour
    cycle_ms_per_symbol_hour: float
    orders: int
    fills: int
    round_trips: int
    final_equity: str
    events: list[str]
    database: str = ""  # the cell's database (dropped after the run unless --keep)
    segments: list[Segment] = field(default_factory=list)
    #: last segment's cycle cost per symbol-hour over the first one's (None: one segment)
    last_over_first: float | None = None
    table_reads: list[dict[str, Any]] = field(default_factory=list)
    #: with --profile: the PL/pgSQL functions of the most self time per hour in the last segment, with their self
    #: time per hour in every segment (pg_stat_user_functions sampled as the hours go)
    functions: list[dict[str, Any]] = field(default_factory=list)
    load_average: float = 0.0  # 1-minute load average when the cell's run ended
    same_run_as: str | None = None  # a capped cell with the symbols and window of another: that cell's run


def run_config(cell: Cell, strategy: str) -> RunConfig:
    probe = load_strategy(strategy)
    given: dict[str, Any] = {"max_positions": len(cell.symbols)} if hasattr(probe, "max_positions") else {}
    return RunConfig(account=ACCOUNT, symbols=cell.symbols, strategy=strategy,
                     params=effective_params(load_strategy(strategy, given), given), start=cell.period.start,
                     end=cell.period.end, principal=Decimal(10000), risk_profile=RISK_PROFILE, venue=PaperConfig())


def run_cell(server: Target, template: str, cell: Cell, strategy: str, keep: bool = False,
             profile: bool = False) -> CellResult:
    """The cell's run on its own copy of ``template`` (picklable: a worker process of the bench runs it), kept
    after the run when ``keep``; with ``profile``, the time of every PL/pgSQL function is sampled as the hours go
    (:class:`FunctionSampler`). Another worker copying the template at the same moment makes CREATE DATABASE
    fail (ObjectInUse): wait and try again."""
    for attempt in range(6):
        try:
            copy = migrate.database_copy(server, template, "predator_scaling", keep=keep)
            db = copy.__enter__()
        except psycopg.errors.ObjectInUse:
            if attempt == 5:
                raise
            seams.sleep(2.0 * (attempt + 1))
            continue
        try:
            return _run(server, db, cell, strategy, profile)
        finally:
            copy.__exit__(None, None, None)
    raise AssertionError("unreachable")


def _run(server: Target, db: Target, cell: Cell, strategy: str, profile: bool) -> CellResult:
    cfg = run_config(cell, strategy)
    probe = load_strategy(strategy, cfg.params)
    check_run(db, cfg, warmup_bars=int(getattr(probe, "warmup_bars", 500)))  # as `predator paper` does
    sampler = FunctionSampler(server, db) if profile else None
    t0 = seams.monotonic()
    runner = HourRunner(db, cfg, backtest_fast_commit=True)
    try:
        summary = runner.run()
    finally:
        runner.close()
        if sampler is not None:
            sampler.stop()
    wall = seams.monotonic() - t0
    result = _measure(server, db, cell, summary, wall)
    if sampler is not None:
        result.functions = sampler.per_segment(cell.period.segments())
    return result


class FunctionSampler:
    """Samples ``pg_stat_user_functions`` of the cell's database, with the last hour closed, every ``every``
    seconds while the run goes (a thread of the cell's process, on an administrator's session); the database is
    set to ``track_functions = pl`` first (a few clock reads per function call). Per segment of the run, the
    self time per hour of each function is then the difference of the samples nearest its bounds."""

    def __init__(self, server: Target, db: Target, every: float = 2.0) -> None:
        self.dsn = server.with_dbname(db.dbname).dsn
        with psycopg.connect(server.with_dbname("postgres").dsn, autocommit=True) as conn:
            conn.execute(f'ALTER DATABASE "{db.dbname}" SET track_functions = \'pl\'')
        self.every = every
        self.samples: list[tuple[datetime | None, dict[str, float]]] = []
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="function-sampler", daemon=True)
        self._thread.start()

    def _sample(self, conn: psycopg.Connection[Any]) -> None:
        hour = conn.execute("SELECT h.hour FROM ops.hour_close_timing h WHERE h.book_id ="
                            " (SELECT a.book_id FROM trading.account a WHERE a.name = %s)"
                            " ORDER BY h.hour DESC LIMIT 1", (ACCOUNT,)).fetchone()  # one index probe
        funcs = conn.execute("SELECT schemaname || '.' || funcname, self_time FROM pg_stat_user_functions").fetchall()
        self.samples.append((hour[0] if hour else None, {f: float(t) for f, t in funcs}))

    def _loop(self) -> None:
        with psycopg.connect(self.dsn, autocommit=True) as conn:
            while not self._done.wait(self.every):
                self._sample(conn)
            seams.sleep(1.0)  # the worker's last figures reach the shared counters when its session ends
            self._sample(conn)

    def stop(self) -> None:
        self._done.set()
        self._thread.join()

    def per_segment(self, bounds: Sequence[tuple[datetime, datetime]], top: int = 8) -> list[dict[str, Any]]:
        # Before the first hour the book's database had run none of them (a fresh copy: no statistics).
        timed: list[tuple[datetime, dict[str, float]]] = [(bounds[0][0] - HOUR, {})]
        timed += [(h, f) for h, f in self.samples if h is not None]
        if len(timed) < 2:
            return []

        def at(t: datetime) -> tuple[datetime, dict[str, float]]:
            before = [s for s in timed if s[0] <= t]
            return before[-1] if before else timed[0]

        per: list[dict[str, float]] = []
        for i, (a, b) in enumerate(bounds):
            (ha, fa), (hb, fb) = at(a), (timed[-1] if i == len(bounds) - 1 else at(b))
            hours = (hb - ha) / HOUR
            per.append({f: (t - fa.get(f, 0.0)) / hours for f, t in fb.items()} if hours > 0 else {})
        last = per[-1] or next((p for p in reversed(per) if p), {})
        names = sorted(last, key=lambda f: -last[f])[:top]
        return [{"function": f, "self_ms_per_hour": [round(p.get(f, 0.0), 3) for p in per]} for f in names]


def _measure(server: Target, db: Target, cell: Cell, summary: Any, wall: float) -> CellResult:
    n = len(cell.symbols)
    with db.connect("auditor") as conn:
        closes = conn.execute("SELECT hour, started_at, finished_at FROM api.hour_closes WHERE account = %s"
                              " ORDER BY hour", (ACCOUNT,)).fetchall()
        fill_ts = [r[0] for r in conn.execute("SELECT ts FROM api.fills WHERE account = %s", (ACCOUNT,))]
    segments: list[Segment] = []
    bounds = cell.period.segments()
    for i, (a, b) in enumerate(bounds):
        last = i == len(bounds) - 1
        inside = [k for k, r in enumerate(closes) if a <= r[0] < b or (last and r[0] == b)]
        cycles = [(closes[k][2] - closes[k - 1][2]).total_seconds() for k in inside if k > 0]
        close = [(closes[k][2] - closes[k][1]).total_seconds() for k in inside]
        fills = sum(1 for t in fill_ts if a <= t < b or (last and t == b))
        segments.append(Segment(a.isoformat(), b.isoformat(), len(inside),
                                round(1000 * sum(cycles) / max(len(cycles), 1) / n, 4),
                                round(1000 * sum(close) / max(len(close), 1), 4), fills))
    ratio = (round(segments[-1].cycle_ms_per_symbol_hour / segments[0].cycle_ms_per_symbol_hour, 3)
             if len(segments) > 1 and segments[0].cycle_ms_per_symbol_hour > 0 else None)
    hours = len(closes)
    loop = (closes[-1][2] - closes[0][2]).total_seconds() if hours > 1 else 0.0
    return CellResult(
        cell.name, cell.asked, list(cell.symbols), cell.capped, cell.period.label, cell.period.start.isoformat(),
        cell.period.end.isoformat(), hours, hours * n, round(wall, 2), round(1000 * wall / max(hours * n, 1), 4),
        round(1000 * loop / max((hours - 1) * n, 1), 4),
        summary.orders, summary.fills, summary.round_trips, str(summary.final_equity),
        [f"{e.kind} {e.scope}: {e.reason}" for e in summary.events], db.dbname, segments, ratio,
        table_reads(server, db), load_average=round(os.getloadavg()[0], 2))


def table_reads(server: Target, db: Target, top: int = 6) -> list[dict[str, Any]]:
    """The tables of ``db`` that the run read the most rows of (sequential reads plus index fetches), since the
    copy was made (a new database starts with no statistics). Read as the server's administrator."""
    seams.sleep(1.0)  # the worker's statistics reach the shared counters when its session ends (≤ 1 s)
    with psycopg.connect(server.with_dbname(db.dbname).dsn, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT schemaname || '.' || relname, seq_scan, seq_tup_read, coalesce(idx_scan, 0),"
            "       coalesce(idx_tup_fetch, 0), n_live_tup"
            "  FROM pg_stat_user_tables WHERE seq_tup_read + coalesce(idx_tup_fetch, 0) > 0"
            " ORDER BY seq_tup_read + coalesce(idx_tup_fetch, 0) DESC LIMIT %s", (top,)).fetchall()
    return [{"table": r[0], "seq_scan": r[1], "seq_tup_read": r[2], "idx_scan": r[3], "idx_tup_fetch": r[4],
             "live_rows": r[5]} for r in rows]


# --- the grid -------------------------------------------------------------------------------------------
def _ints(text: str) -> list[int]:
    return [int(x) for x in text.split(",") if x.strip()]


def parse(argv: Sequence[str] | None = None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--symbols", default="1,10,26", help="Symbol counts (rows of the grid).")
    ap.add_argument("--years", default="1,3,6", help="Window lengths in years, each ending at --end.")
    ap.add_argument("--days", type=int, default=None, help="One window of this many days instead of --years.")
    ap.add_argument("--end", default=END.date().isoformat(), help="Last hour closed by every run (UTC).")
    ap.add_argument("--strategy", default="sma_cross")
    ap.add_argument("--jobs", type=int, default=1, help="Cells run at once (one process each).")
    ap.add_argument("--quick", action="store_true", help="1 and 3 symbols over 90 days (the test's preset).")
    ap.add_argument("--base", default=None, help="An existing migrated database to copy the template from "
                    "(default: a new scratch database migrated to head).")
    ap.add_argument("--keep", action="store_true", help="Keep each cell's database (named in the report).")
    ap.add_argument("--profile", action="store_true", help="Sample the self time of every PL/pgSQL function per "
                    "segment (track_functions = pl on the cell's database) and report the heaviest.")
    ap.add_argument("--out", default=str(config.PROJECT_ROOT / "reports" / "scaling.json"))
    args = ap.parse_args(argv)
    if args.quick:
        args.symbols, args.days = "1,3", 90
    return args


def _template(server: Target, base: str | None) -> Any:
    if base:
        return migrate.database_copy(server, base, "predator_scaling_tmpl")
    return migrate.scratch_database(server, "predator_scaling_tmpl")


def table(results: Sequence[CellResult]) -> str:
    head = ("| cell | symbols | hours | symbol-hours | wall s | ms / symbol-hour (run) | ms / symbol-hour (hours) "
            "| fills | per segment: ms / symbol-hour | last/first |")
    lines = [head, "|" + "---|" * 10]
    for r in results:
        segs = " ".join(f"{s.cycle_ms_per_symbol_hour:.3f}" for s in r.segments)
        lines.append(f"| {r.cell} | {len(r.symbols)}{' (capped)' if r.capped else ''} | {r.hours:,} | "
                     f"{r.symbol_hours:,} | {r.wall_seconds:.1f} | {r.ms_per_symbol_hour:.3f} | "
                     f"{r.cycle_ms_per_symbol_hour:.3f} | "
                     f"{r.fills:,} | {segs} | "
                     f"{r.last_over_first if r.last_over_first is not None else '-'} |")
    return "\n".join(lines)


def ratios(results: Sequence[CellResult]) -> dict[str, Any]:
    """Per symbol count (row): the longest window's cost per symbol-hour over the shortest's (``wall``: the whole
    run's; ``hours``: the hour cycles' alone, without the run's set-up and summary), and the longest window's
    last segment over its first; ``longest``: the row and ratio of the run with the most hours (then the most
    symbol-hours)."""
    by_row: dict[int, list[CellResult]] = {}
    for r in results:
        by_row.setdefault(r.symbols_asked, []).append(r)
    rows: dict[str, Any] = {}
    for n, row in sorted(by_row.items()):
        row = sorted(row, key=lambda r: r.hours)
        a, b = row[0], row[-1]
        rows[str(n)] = {
            "cells": f"{b.period}/{a.period}", "symbols": [len(a.symbols), len(b.symbols)],
            "wall": round(b.ms_per_symbol_hour / a.ms_per_symbol_hour, 3) if len(row) > 1 else None,
            "hours": round(b.cycle_ms_per_symbol_hour / a.cycle_ms_per_symbol_hour, 3) if len(row) > 1 else None,
            "last_over_first": b.last_over_first, "longest": b.cell}
    longest = max(results, key=lambda r: (r.hours, r.symbol_hours))
    return {"rows": rows, "longest": {"cell": longest.cell, "symbols": len(longest.symbols),
                                      "last_over_first": longest.last_over_first}}


def last_line(r: dict[str, Any]) -> str:
    rows = r.get("rows", {})
    longs = " ".join(f"{n}sym({v['symbols'][0]}->{v['symbols'][1]})={v['wall']}"
                     for n, v in rows.items() if v["wall"] is not None)
    lasts = " ".join(f"{v['longest']}={v['last_over_first']}" for v in rows.values())
    lf = r.get("longest", {})
    return (f"scaling: long/short window per symbol-hour: {longs or '-'}; last/first segment: {lasts or '-'}; "
            f"longest run {lf.get('cell')} ({lf.get('symbols')} symbols) last/first={lf.get('last_over_first')} "
            "(target <= 1.2)")


def _line(r: CellResult) -> str:
    return (f"{r.cell}: {len(r.symbols)} symbols, {r.hours:,} hours, {r.wall_seconds:.1f} s, "
            f"{r.ms_per_symbol_hour:.3f} ms/symbol-hour, {r.fills} fills, segments "
            + " ".join(f"{s.cycle_ms_per_symbol_hour:.3f}" for s in r.segments)
            + f", last/first {r.last_over_first}, load {r.load_average}"
            + (f" (the run of {r.same_run_as})" if r.same_run_as else ""))


def main(argv: Sequence[str] | None = None, server: Target | None = None) -> int:
    args = parse(argv)
    configure_logging()
    end = datetime.fromisoformat(args.end).replace(tzinfo=UTC)
    periods = [day_period(args.days, end)] if args.days else [year_period(y, end) for y in _ints(args.years)]
    probe = load_strategy(args.strategy)
    warmup = timedelta(hours=int(getattr(probe, "warmup_bars", 500)) + 24)
    cov = coverage()
    cells = plan(_ints(args.symbols), periods, cov, warmup)
    for c in cells:
        if c.capped:
            print(f"{c.name}: only {len(c.symbols)} of the 1h files cover {c.period.start:%Y-%m-%d}.."
                  f"{c.period.end:%Y-%m-%d} with the warm-up: running with those ({', '.join(c.symbols)})",
                  flush=True)
    # A cell whose symbols and window are another's (a capped row) is that run, not run twice; the cheapest
    # runs go first, so that an interrupted grid has its short cells.
    runs: dict[tuple[tuple[str, ...], str], Cell] = {}
    for c in cells:
        runs.setdefault((c.symbols, c.period.label), c)
    order = sorted(runs.values(), key=lambda c: len(c.symbols) * (c.period.end - c.period.start))
    wanted = sorted({s for c in cells for s in c.symbols})
    paths = [c.path for c in cov if c.symbol in wanted]
    measured = seams.wall_now()
    commit = source.label()  # what runs, not what the tree holds when the report is rewritten
    load_start = [round(x, 2) for x in os.getloadavg()]
    server = server or default_target()
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    t0 = seams.monotonic()
    done: dict[str, CellResult] = {}

    def report(final: bool) -> dict[str, Any]:
        results = []
        for c in cells:
            r = done.get(runs[(c.symbols, c.period.label)].name)
            if r is not None:
                results.append(r if r.cell == c.name else replace(r, cell=c.name, symbols_asked=c.asked,
                                                                  capped=c.capped, same_run_as=r.cell))
        body = {
            "measured": measured.isoformat(), "commit": commit, "cores": os.cpu_count(),
            "load_average_at_start": load_start, "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
            "wall_seconds": round(seams.monotonic() - t0), "complete": final, "strategy": args.strategy,
            "risk_profile": RISK_PROFILE, "jobs": args.jobs, "end": end.isoformat(),
            "grid": {"symbols": _ints(args.symbols), "periods": [p.label for p in periods]},
            "cells": [asdict(r) for r in results], "ratios": ratios(results) if results else {},
        }
        out.write_text(json.dumps(body, indent=2) + "\n", encoding="utf-8")
        return body

    with _template(server, args.base) as template:
        for outcome in load_many(lambda: template.connect("worker"), paths, jobs=1):
            if not hasattr(outcome, "result"):
                print(f"cannot load {outcome}", file=sys.stderr)
                return 2
        print(f"template: {len(paths)} symbols loaded in {seams.monotonic() - t0:.0f} s", flush=True)
        with ProcessPoolExecutor(max_workers=args.jobs, mp_context=multiprocessing.get_context("spawn"),
                                 initializer=configure_logging) as pool:
            futures = [pool.submit(run_cell, server, template.dbname, c, args.strategy, args.keep, args.profile)
                       for c in order]
            for f in futures:
                r = f.result()
                done[r.cell] = r
                print(_line(r), flush=True)
                report(final=False)  # what is done so far survives an interrupted grid
    body = report(final=True)
    results = [CellResult(**{**c, "segments": [Segment(**s) for s in c["segments"]]}) for c in body["cells"]]
    print(table(results))
    print(f"wrote {out}")
    print(last_line(body["ratios"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
