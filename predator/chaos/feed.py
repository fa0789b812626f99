"""Feed faults (issue 14 item 2; docs/chaos.md "Feed faults"): a chaos feeder that delivers a window's real bars
hour by hour through the governed ingest (``api.load_candles``, :func:`predator.marketdata.loader`), the way the
live sync does, and corrupts the delivery outside the trading logic:

* ``feed_stall``: over the fault's hours no bar is delivered; the first hour after it delivers every bar missed
  (one catch-up batch per feed);
* ``flat_candles``: each bar closing in the fault's hours arrives flat at the previous bar's close, volume 0 (a
  frozen feed repeating its last price);
* ``late_revision``: the bar closing at ``from`` first arrives with a seeded preliminary close 0.5-1.5 % off, and
  the venue's final bar (the real one) arrives at ``to``: a correction after the hour closed;
* ``single_venue_print``: the bar closing at ``from`` of one seeded symbol arrives with a seeded 30-40 % wick
  below its body (a print no other venue saw);
* ``ingest_kill``: the process loading the batch of the hour ``from`` is SIGKILLed inside the load's transaction
  (kill point ``mid_ingest``: the batch staged and gated, not committed), then the batch is loaded again.

What the feeder delivers at an hour is a pure function of the hour, the faults, the seed and the candle file
(:meth:`ChaosFeed.batches`), so a restarted feeder delivers the same batch again: rows already stored are
filed as duplicates. The run is sync-fed (``RunConfig.feed = "sync"``): each hour decides on what it knew
(``api.record_hour_knowledge``), and ``predator replay`` reloads the same loads hour by hour.

``python -m predator.chaos.feed PLAN HOUR`` delivers one hour's batches in a process of its own (the process an
``ingest_kill`` kills; ``PREDATOR_CHAOS_KILL=mid_ingest@HOUR`` and ``PREDATOR_DSN`` set by the caller).
"""

from __future__ import annotations

import gzip
import json
import os
import signal
import sys
import traceback
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import psycopg

from predator import config as predator_config
from predator import errors, seams
from predator.chaos import killpoints
from predator.db import api as db_api
from predator.db import chaos_db
from predator.db.connection import Target
from predator.marketdata.loader import Feed, begin_load, format_bar, gate, stage_chunks
from predator.runner.account import summarize, what_happened
from predator.runner.config import RunConfig, RunSummary
from predator.runner.hour import HourRunner

HOUR = timedelta(hours=1)
#: The feed faults a scenario may inject (:mod:`predator.chaos.scenario`).
FEED_FAULTS = ("feed_stall", "flat_candles", "late_revision", "single_venue_print", "ingest_kill")
#: The load's source, as ``api.candle_loads`` shows it.
SOURCE = "chaos-feed"


@dataclass(frozen=True)
class Bar:
    ts: datetime  # open time, UTC
    open: Decimal
    high: Decimal
    low: Decimal
    close: Decimal
    volume: Decimal

    @property
    def closes(self) -> datetime:
        return self.ts + HOUR

    def line(self) -> str:
        return format_bar(self.ts, self.open, self.high, self.low, self.close, self.volume)


@dataclass(frozen=True)
class FeedFault:
    kind: str
    start: datetime  # business hours (decision times) start <= t <= end
    end: datetime

    def covers(self, t: datetime) -> bool:
        return self.start <= t <= self.end


def read_bars(venue: str, symbol: str, lo: datetime, hi: datetime, data_dir: Path | None = None) -> list[Bar]:
    """The real 1h bars of ``symbol`` with open time in ``[lo, hi)``, from the shared candle files."""
    feed = Feed(venue, symbol, "1h")
    path = (data_dir or predator_config.data_dir()) / "candles" / f"{feed.slug}.csv.gz"
    if not path.exists():
        raise errors.NotFoundError(f"no candle file {path} for {symbol} 1h on {venue}")
    lo_s, hi_s = lo.strftime("%Y-%m-%dT%H:%M:%S"), hi.strftime("%Y-%m-%dT%H:%M:%S")
    out = []
    with gzip.open(path, "rt", encoding="utf-8") as f:
        next(f)
        for line in f:
            if lo_s <= line[:19] < hi_s:
                ts, o, h, lw, c, v = line.strip().split(",")
                out.append(Bar(datetime.fromisoformat(ts), Decimal(o), Decimal(h), Decimal(lw), Decimal(c), Decimal(v)))
    return out


@dataclass(frozen=True)
class Batch:
    """What the feeder delivers for one feed at one hour: one load (lines in time order)."""

    symbol: str
    hour: datetime
    bars: tuple[Bar, ...]
    #: What the faults did to these bars, for the report (``flat 2023-03-01T05:00``, ...).
    notes: tuple[str, ...] = ()


class ChaosFeed:
    """The chaos feeder of one sync-fed run: ``venue``, ``symbols``, the run's first and last decision hours,
    the feed faults and the seed. :meth:`before` delivers what the hour ``t`` receives, before it closes."""

    def __init__(self, venue: str, symbols: Sequence[str], start: datetime, end: datetime,
                 faults: Sequence[FeedFault], seed: int, data_dir: Path | None = None) -> None:
        self.venue, self.symbols, self.start, self.end = venue, tuple(symbols), start, end
        self.faults = tuple(f for f in faults if f.kind in FEED_FAULTS)
        self.seed = seed
        # The bars closing from the first decision hour to the last one, real, then as delivered.
        self.real = {s: {b.closes: b for b in read_bars(venue, s, start - HOUR, end, data_dir)} for s in symbols}
        #: (kind, business time) of every fault applied, for the report.
        self.applied: list[tuple[str, datetime]] = []
        self.loads = 0

    # --- what each hour receives (a pure function of the hour) ----------------------------------------------
    def _of(self, kind: str) -> tuple[FeedFault, ...]:
        return tuple(f for f in self.faults if f.kind == kind)

    def stalled(self, t: datetime) -> bool:
        return any(f.covers(t) for f in self._of("feed_stall"))

    def print_symbol(self, fault: FeedFault) -> str:
        """The one symbol a ``single_venue_print`` hits (seeded)."""
        return seams.rng(f"feed.print|{fault.start.isoformat()}", self.seed).choice(self.symbols)

    def delivered(self, symbol: str, closes: datetime, preliminary: bool = True) -> tuple[Bar, str | None]:
        """The bar of ``symbol`` closing at ``closes`` as the feed delivers it (``preliminary``: a bar to be revised
        comes first with its preliminary values), and what a fault did to it."""
        bar = self.real[symbol][closes]
        flat = [f for f in self._of("flat_candles") if f.covers(closes)]
        if flat:
            prev_close = closes - HOUR
            if prev_close in self.real[symbol] and prev_close >= self.start:
                price = self.delivered(symbol, prev_close, preliminary=False)[0].close
            else:
                price = self.real[symbol][prev_close].close if prev_close in self.real[symbol] else bar.open
            return Bar(bar.ts, price, price, price, price, Decimal(0)), f"flat_candles {symbol} at {price}"
        for f in self._of("single_venue_print"):
            if f.start == closes and symbol == self.print_symbol(f):
                pct = seams.rng(f"feed.print|{symbol}|{closes.isoformat()}", self.seed).randint(30, 40)
                low = (min(bar.open, bar.close) * (100 - pct) / 100).quantize(bar.low)
                return replace(bar, low=low), f"single_venue_print {symbol} low {low} ({pct} % under its body)"
        for f in self._of("late_revision"):
            if preliminary and f.start == closes:
                bps = seams.rng(f"feed.revision|{symbol}|{closes.isoformat()}", self.seed).randint(50, 150)
                coin = seams.rng(f"feed.revision.sign|{symbol}|{closes.isoformat()}", self.seed).random()
                sign = 1 if coin < 0.5 else -1
                close = (bar.close * (10000 + sign * bps) / 10000).quantize(bar.close)
                pre = replace(bar, close=close, high=max(bar.high, close), low=min(bar.low, close))
                return pre, f"late_revision {symbol}: preliminary close {close} ({sign * bps:+d} bps)"
        return bar, None

    def previous_delivery(self, t: datetime) -> datetime:
        """The last hour before ``t`` that delivered (the hour before the run when none did)."""
        h = t - HOUR
        while h >= self.start and self.stalled(h):
            h -= HOUR
        return max(h, self.start - HOUR)

    def batches(self, t: datetime) -> list[Batch]:
        """What the feed delivers at the hour ``t``: per symbol, every bar closing after the previous delivery
        up to ``t`` (one catch-up batch after a stall), and the final values of a bar revised late."""
        if self.stalled(t):
            return []
        after = self.previous_delivery(t)
        out = []
        for symbol in self.symbols:
            bars: list[Bar] = []
            notes: list[str] = []
            for f in self._of("late_revision"):
                if after < f.end <= t and f.start in self.real[symbol] and f.start <= after:
                    bars.append(self.real[symbol][f.start])
                    notes.append(f"late_revision {symbol}: final bar of {f.start - HOUR:%Y-%m-%dT%H:%M} "
                                 f"(close {self.real[symbol][f.start].close})")
            h = after + HOUR
            while h <= t:
                if h in self.real[symbol]:
                    bar, note = self.delivered(symbol, h)
                    bars.append(bar)
                    if note:
                        notes.append(note)
                h += HOUR
            if bars:
                out.append(Batch(symbol, t, tuple(sorted(bars, key=lambda b: b.ts)), tuple(notes)))
        return out

    # --- delivery ---------------------------------------------------------------------------------------
    def load(self, conn: psycopg.Connection[Any], batch: Batch) -> db_api.CandleLoad:
        """One batch through the governed ingest in one transaction, at the business clock of its hour. The
        kill point ``mid_ingest`` is inside it: staged and gated, not committed."""
        data = "".join(b.line() + "\n" for b in batch.bars).encode("utf-8")
        with conn.transaction():
            key = begin_load(conn)
            stage_chunks(conn, key, [data])
            result = gate(conn, key, Feed(self.venue, batch.symbol, "1h"), SOURCE, batch.hour, line_offset=0)
            killpoints.reached("mid_ingest", batch.hour)
        self.loads += 1
        return result

    def before(self, conn: psycopg.Connection[Any], t: datetime) -> list[db_api.CandleLoad]:
        """Deliver what the hour ``t`` receives (before it closes); returns the loads."""
        if self.stalled(t):
            self.applied.append(("feed_stall: no bar delivered", t))
        loads = []
        for batch in self.batches(t):
            loads.append(self.load(conn, batch))
            self.applied.extend((n, t) for n in batch.notes)
            if len(batch.bars) > 1 and not any("late_revision" in n for n in batch.notes):
                self.applied.append((f"feed catch-up {batch.symbol}: {len(batch.bars)} bars in one batch", t))
        return loads

    def history_lines(self, symbol: str, before_hours: int) -> list[str]:
        """The bars closed before the run's first decision hour's bar (``before_hours`` of warm-up): loaded once,
        before the run, as a stored history."""
        bars = read_bars(self.venue, symbol, self.start - before_hours * HOUR, self.start - HOUR)
        return [b.line() for b in bars]

    # --- the plan of a feeder process ---------------------------------------------------------------------
    def as_plan(self) -> dict[str, Any]:
        return {"venue": self.venue, "symbols": list(self.symbols), "start": self.start.isoformat(),
                "end": self.end.isoformat(), "seed": self.seed,
                "faults": [[f.kind, f.start.isoformat(), f.end.isoformat()] for f in self.faults]}

    @classmethod
    def from_plan(cls, plan: dict[str, Any]) -> ChaosFeed:
        faults = [FeedFault(k, datetime.fromisoformat(a), datetime.fromisoformat(b)) for k, a, b in plan["faults"]]
        return cls(plan["venue"], plan["symbols"], datetime.fromisoformat(plan["start"]),
                   datetime.fromisoformat(plan["end"]), faults, int(plan["seed"]))


#: Exit code of a feeder process whose database went away (the worker's and the CLI's code for it).
FEEDER_DB_LOST = 3


def kill_hours(faults: Sequence[FeedFault]) -> Iterator[datetime]:
    """The hours whose batch an ``ingest_kill`` kills."""
    return (f.start for f in faults if f.kind == "ingest_kill")


def main(argv: Sequence[str]) -> int:
    """``python -m predator.chaos.feed PLAN HOUR``: deliver one hour's batches (the feeder process)."""
    plan, hour = json.loads(Path(argv[0]).read_text()), datetime.fromisoformat(argv[1])
    return _deliver_hour(ChaosFeed.from_plan(plan), hour)


def _deliver_hour(feed: ChaosFeed, hour: datetime) -> int:
    """The feeder process's work: deliver ``hour``'s batches through the database ``PREDATOR_DSN`` names, each
    load on stdout; :data:`FEEDER_DB_LOST` when the database went away."""
    from predator.db.connection import default_target

    try:
        with default_target(start=False).connect("worker") as conn:
            for load in feed.before(conn, hour):
                sys.stdout.write(f"loaded {load}\n")
    except psycopg.OperationalError as e:  # the database went away (a campaign's immediate stop): say so
        first = (str(e).strip().splitlines() or ["connection lost"])[0]
        sys.stderr.write(f"predator chaos feeder: lost the database connection ({first})\n")
        return FEEDER_DB_LOST
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))


def run_sync_fed(target: Target, config: RunConfig, feed: ChaosFeed, venue: Any,
                 applied: list[tuple[str, datetime]]) -> RunSummary:
    """A sync-fed run (``config.feed == "sync"``) of the ordinary hour runner with ``feed`` delivering each hour's
    bars before the hour closes (``venue``: the runner's venue or its factory). At an ``ingest_kill`` hour the
    hour's batches are delivered by a feeder process of their own, SIGKILLed at ``mid_ingest`` (the first batch
    staged and gated, its transaction open); the runner then checks that none of the killed batch is stored and
    delivers the hour again, as a restarted feeder would, and once more (nothing new: every bar a duplicate)."""
    started = seams.monotonic()
    kills = set(kill_hours(feed.faults))
    with target.connect("auditor") as conn:
        stored = chaos_db.bars_stored_from(conn, venue=feed.venue, symbols=list(feed.symbols), ts=feed.start - HOUR)
    if stored:
        raise errors.ConfigurationError(
            f"{stored} bar(s) of the window are already stored: the chaos feeder cannot stall or revise a feed the "
            f"database already holds; run the scenario in a scratch database (the default of predator scenario run)")
    runner = HourRunner(target, config, venue=venue)
    try:
        runner.prepare()
        runner.send_unacknowledged()
        with target.connect("worker") as conn:
            last = runner.last_closed_hour()
            t = config.start if last is None else last + HOUR
            while t <= config.end:
                deliver(target, conn, feed, t, applied, kills)
                runner.step(t)
                t += HOUR
        assert runner.conn is not None
        summary = summarize(runner.conn, config)
        runner.conn.commit()
    finally:
        runner.close()
    summary.events = what_happened(target, config)
    summary.seconds = seams.monotonic() - started
    return summary


def deliver(target: Target, conn: psycopg.Connection[Any], feed: ChaosFeed, t: datetime,
            applied: list[tuple[str, datetime]], kills: set[datetime] | None = None) -> None:
    """What the hour ``t`` receives, before it closes (``kills``: the ``ingest_kill`` hours, default the feed's):
    at an ``ingest_kill`` hour first by a feeder process SIGKILLed at ``mid_ingest`` (nothing of its load is
    stored), then again as a restarted feeder would, and once more (every bar a duplicate). A pure function of the
    hour: a restarted worker that delivers an hour again stores nothing new (duplicates)."""
    kills = set(kill_hours(feed.faults)) if kills is None else kills
    if t in kills:
        _killed_delivery(target, conn, feed, t, applied)
    feed.before(conn, t)
    if t in kills:
        again = feed.before(conn, t)
        applied.append((f"ingest_kill: delivered again, {sum(x.duplicate for x in again)} of "
                        f"{sum(x.read for x in again)} bar(s) duplicates", t))


@dataclass(frozen=True)
class FeederExit:
    """How a feeder process ended: its exit code (-9 for SIGKILL, as :mod:`subprocess` reports it) and output."""

    returncode: int
    stdout: str
    stderr: str


def _fork_feeder(target: Target, feed: ChaosFeed, t: datetime) -> FeederExit:
    """Deliver the hour ``t`` in a process of its own, armed to SIGKILL itself at ``mid_ingest`` of ``t``.

    Forked from the calling worker, which already holds the feed (its candle files read): a fresh interpreter
    (``python -m predator.chaos.feed``, still the command for a feeder started by hand) spent about two
    seconds importing and reading every symbol's candle file again, at each of a year's 30-odd ``ingest_kill``
    hours. The child touches none of the parent's connections (it opens its own and ends by SIGKILL or
    ``os._exit``, so no finalizer of an inherited connection runs) and the worker runs no other thread."""
    out_r, out_w = os.pipe()
    err_r, err_w = os.pipe()
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # the feeder process
        code = 1
        try:
            os.close(out_r)
            os.close(err_r)
            os.dup2(out_w, 1)
            os.dup2(err_w, 2)
            # Python-level streams too: the parent's may not be fds 1 and 2 (a test's capture)
            sys.stdout = open(out_w, "w", encoding="utf-8", closefd=False)  # noqa: SIM115 - os._exit ends it
            sys.stderr = open(err_w, "w", encoding="utf-8", closefd=False)  # noqa: SIM115
            os.environ["PREDATOR_DSN"] = target.dsn
            os.environ.setdefault("PREDATOR_LOG", os.devnull)
            killpoints.arm(f"mid_ingest@{t.isoformat()}")
            code = _deliver_hour(feed, t)
        except BaseException:  # noqa: BLE001 - the feeder reports any failure by its exit code
            traceback.print_exc()
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
    os.close(out_w)
    os.close(err_w)
    with os.fdopen(out_r, encoding="utf-8") as out, os.fdopen(err_r, encoding="utf-8") as err:
        stdout = out.read()   # small: a line per load, or the killpoint line
        stderr = err.read()
    _, status = os.waitpid(pid, 0)
    return FeederExit(os.waitstatus_to_exitcode(status), stdout, stderr)


def _killed_delivery(target: Target, conn: psycopg.Connection[Any], feed: ChaosFeed, t: datetime,
                     applied: list[tuple[str, datetime]]) -> None:
    """The hour ``t`` delivered by a feeder process killed at ``mid_ingest``; what of its batches is stored."""
    batches = feed.batches(t)
    proc = _fork_feeder(target, feed, t)
    if proc.returncode == FEEDER_DB_LOST:
        # The database was down when the feeder ran (a campaign's immediate stop lands between two hours while
        # the worker goes on): the worker has lost it too, and ends as a worker whose database went away does,
        # to be restarted once the database is back. Raised as the driver's own error so that the worker's one
        # handler of a lost database treats both alike.
        raise psycopg.OperationalError(f"the feeder process of {t.isoformat()} {proc.stderr.strip()}")
    if proc.returncode != -signal.SIGKILL:
        raise errors.PredatorError(f"the feeder process of {t.isoformat()} was to die at mid_ingest; it exited "
                                   f"{proc.returncode}: {proc.stdout} {proc.stderr}")
    loads, stored = chaos_db.feed_rows_at(conn, venue=feed.venue, source=SOURCE, clock=t)
    conn.commit()
    applied.append((f"ingest_kill: feeder SIGKILLed ({proc.stdout.strip()}); {loads} load(s) and {stored} of "
                    f"{sum(len(b.bars) for b in batches)} bar(s) of the hour's batches stored", t))
