"""A sync-fed worker reads each hour only what changed (``KnownBars``, ``api.candles_known_since``), and what it
holds is, at every hour, exactly what a full read of the window gives (``MarketData.load``): the same open times,
the same exact Decimals (down to their representation), the same float64 bits, the same digest.

* a property test over seeded sequences of hours on a real PostgreSQL: each hour a feed may deliver its new bar,
  stall and catch up, revise an older bar inside or before the window, repeat a load (a duplicate), deliver bars
  ahead of the window or fill a hole late; now and then the knowledge lags behind (the load id goes back), the
  window moves back, the feeds change, a previous load id is not a load of its feed, the worker restarts (a fresh
  ``KnownBars``) or drops what it kept (a rolled-back hour);
* a sync-fed run of the hour runner fed by the chaos feeder (a late revision, a stall) with a worker restart and a
  rolled-back hour: at every hour the step's bars and every strategy's features equal a full read's, and the hours'
  recorded hashes equal those of the same run reading every window in full (the behaviour before).
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import numpy as np
import psycopg
import pytest

from predator.chaos.feed import ChaosFeed, FeedFault, deliver
from predator.db import api
from predator.db.connection import Target
from predator.marketdata.loader import Feed, format_bar, load_lines
from predator.runner.config import RunConfig, StrategySpec
from predator.runner.hour import HourRunner
from predator.runner.market import KnownBars, MarketData
from predator.runner.step import HourStep, strategy_features
from predator.venues.paper import PaperConfig
from tests.conftest import create_database, drop_database

VENUE = "binance"
HOUR = timedelta(hours=1)
FIELDS = ("open", "high", "low", "close", "volume")


def assert_same(got: MarketData, want: MarketData, where: str) -> None:
    """``got`` holds exactly what ``want`` holds: symbols in the same order, open times, exact values (equal and
    written the same), float64 bits, the venue's bars and index, the digest."""
    assert list(got.symbols) == list(want.symbols), where
    for symbol, w in want.symbols.items():
        g = got.symbols[symbol]
        assert g.ts.dtype == w.ts.dtype and g.ts.tolist() == w.ts.tolist(), f"{where} {symbol}: open times"
        for name in FIELDS:
            ga, wa = getattr(g, name), getattr(w, name)
            assert ga.dtype == wa.dtype == np.float64 and ga.tobytes() == wa.tobytes(), f"{where} {symbol}: {name}"
        assert g.exact.ts == w.exact.ts and g.exact.index == w.exact.index, f"{where} {symbol}: venue bars"
        for name in FIELDS:
            gx, wx = g.exact_values()[name], w.exact_values()[name]
            assert gx == wx and [str(x) for x in gx] == [str(x) for x in wx], f"{where} {symbol}: exact {name}"
        assert g.revealed == 0 and not g._buf["ts"].any(), f"{where} {symbol}: nothing revealed yet"
    assert got.digest() == want.digest(), where


# --- the property test ------------------------------------------------------------------------------------


@dataclass
class Feeds:
    """The feeds of the property test: what each delivered (the latest values per open time), their load ids."""

    conn: psycopg.Connection[Any]
    symbols: tuple[str, ...]
    rng: random.Random
    values: dict[str, dict[datetime, tuple[Decimal, ...]]] = field(default_factory=dict)
    loads: dict[str, list[int]] = field(default_factory=dict)
    pending: dict[str, list[datetime]] = field(default_factory=dict)

    def bar(self) -> tuple[Decimal, ...]:
        """A valid bar with varied scales (trailing zeros kept: their representation must survive)."""
        scale = self.rng.choice([2, 4, 8])
        unit = Decimal(1).scaleb(-scale)
        o = Decimal(self.rng.randint(10**scale, 10 ** (scale + 3))) * unit
        c = Decimal(self.rng.randint(10**scale, 10 ** (scale + 3))) * unit
        hi = max(o, c) + Decimal(self.rng.randint(0, 10**scale)) * unit
        lo = max(min(o, c) - Decimal(self.rng.randint(0, 10**scale)) * unit, unit)
        vol = Decimal(self.rng.randint(0, 10**6)).scaleb(-self.rng.choice([0, 2, 4]))
        return o, hi, lo, c, vol

    def load(self, symbol: str, bars: Mapping[datetime, tuple[Decimal, ...]], clock: datetime) -> int:
        lines = [format_bar(ts, *v) for ts, v in sorted(bars.items())]
        result = load_lines(self.conn, Feed(VENUE, symbol, "1h"), lines, "test:known_bars", clock)
        self.conn.commit()
        assert result.quarantined == 0, lines
        for ts, v in bars.items():
            self.values.setdefault(symbol, {})[ts] = v
        self.loads.setdefault(symbol, []).append(result.load_id)
        return result.load_id

    def hour(self, t: datetime, window: timedelta) -> list[tuple[str, datetime]]:
        """Deliver what the hour ``t`` receives; returns the (symbol, open time) of every older bar revised or
        delivered late."""
        late: list[tuple[str, datetime]] = []
        clock = t + 6 * HOUR  # bars ahead of the window may arrive too
        for symbol in self.symbols:
            held = self.values.setdefault(symbol, {})
            due = self.pending.setdefault(symbol, [])
            due.append(t - HOUR)
            roll = self.rng.random()
            if roll < 0.10:
                continue  # a stall: the bars wait for a later hour
            batch: dict[datetime, tuple[Decimal, ...]] = {}
            for ts in due:
                if self.rng.random() < 0.05 and ts != t - HOUR:
                    continue  # a hole, filled by a later hour
                batch[ts] = held.get(ts) if ts in held and self.rng.random() < 0.5 else self.bar()
            self.pending[symbol] = [ts for ts in due if ts not in batch]
            if roll < 0.30 and held:
                # A late revision of an older bar: inside the window mostly, sometimes before it.
                older = [ts for ts in held if ts < t - HOUR and ts >= t - window - 6 * HOUR]
                if older:
                    ts = self.rng.choice(sorted(older))
                    batch[ts] = self.bar()
                    late.append((symbol, ts))
            if roll > 0.90:
                batch[t + self.rng.randint(0, 3) * HOUR] = self.bar()  # ahead of the window
            if batch:
                if self.rng.random() < 0.3 and len(batch) > 1:
                    # Two loads in the hour: the older bars, then the rest.
                    first = dict(sorted(batch.items())[: len(batch) // 2])
                    self.load(symbol, first, clock)
                    batch = {ts: v for ts, v in batch.items() if ts not in first}
                self.load(symbol, batch, clock)
                late.extend((symbol, ts) for ts in batch if ts < t - HOUR)
            if self.rng.random() < 0.08 and held:
                # A duplicate load: a bar delivered again, unchanged (a load id, no row).
                ts = self.rng.choice(sorted(held))
                self.load(symbol, {ts: held[ts]}, clock)
        return late

    def known(self) -> dict[str, int | None]:
        return {s: (self.loads[s][-1] if self.loads.get(s) else None) for s in self.symbols}


#: Events forced at these hours of every sequence (and drawn at random at others).
EVENTS = {12: "restart", 20: "forget", 28: "lag", 36: "window back", 44: "window forward", 52: "feeds",
          60: "lost", 68: "again"}


@pytest.mark.parametrize("seed", [11, 29, 47])
def test_incremental_bars_equal_a_full_read_at_every_hour(db: Target, seed: int) -> None:
    rng = random.Random(seed)
    symbols = ("BTC/USDT", "ETH/USDT", "SOL/USDT")
    start = datetime(2024, 1, 10, tzinfo=UTC)
    reasons: list[str] = []
    late_in_delta = 0
    with db.connect("worker") as conn:
        feeds = Feeds(conn, symbols, rng)
        # A history before the first hour (one load per feed, the way a run starts).
        for s in symbols:
            feeds.load(s, {start - i * HOUR: feeds.bar() for i in range(1, 40)}, start)
        bars = KnownBars()
        window = timedelta(hours=24)
        history: list[dict[str, int | None]] = []
        t = start
        held_end: datetime | None = None
        for i in range(110):
            late = feeds.hour(t, window)
            known: dict[str, int | None] = feeds.known()
            feed_list = list(symbols)
            event = EVENTS.get(i) or (rng.choice(sorted(set(EVENTS.values()))) if rng.random() < 0.1 else None)
            if event == "restart":
                bars = KnownBars()  # a restarted worker
            elif event == "forget":
                bars.forget()  # the hour's transaction rolled back
            elif event == "lag" and len(history) > 1:
                lagging = rng.choice(symbols)
                known[lagging] = history[-2][lagging]  # the knowledge lags: the load id goes back
            elif event == "window back":
                window += timedelta(hours=6)
            elif event == "window forward" and window > timedelta(hours=12):
                window -= timedelta(hours=6)
            elif event == "feeds":
                feed_list = list(symbols[:2])
            elif event == "lost" and history:
                # A previous load id that is not a load of its feed (as if the database had lost it): a load of
                # another feed between the feed's previous load id and its current one.
                s = rng.choice(symbols)
                lo, hi = history[-1][s] or 0, known[s] or 0
                others = [k for x in symbols if x != s for k in feeds.loads[x] if lo <= k < hi]
                if others:
                    known[s] = max(others)
            elif event == "again" and history:
                t -= HOUR  # the previous hour once more (a retried hour), with what arrived since
            got = bars.load(conn, VENUE, feed_list, t - window, t, known)
            want = MarketData.load(conn, VENUE, feed_list, t - window, t, known=known)
            conn.commit()
            why = bars.full_reason or "delta"
            assert_same(got, want, f"seed {seed} hour {i} {t.isoformat()} ({event}: {why})")
            reasons.append(why)
            if why == "delta" and held_end is not None and any(t - window <= ts < held_end for _, ts in late):
                late_in_delta += 1
            held_end = t
            history.append(known)
            t += HOUR
    # The incremental path did the work (late bars and revisions inside the window included), and every
    # fallback was taken.
    assert reasons.count("delta") > len(reasons) // 2, reasons
    assert late_in_delta > 5, late_in_delta
    for why in ("no bars kept", "load ids went back", "does not follow", "other feeds", "no longer loads"):
        assert any(why in r for r in reasons), (why, sorted(set(reasons)))


# --- the hour runner ----------------------------------------------------------------------------------------

SYMBOLS = ("BTC/USDT", "ETH/USDT")
START = datetime(2023, 3, 1, tzinfo=UTC)
END = START + timedelta(hours=19)
RESTART_AT = START + timedelta(hours=8)
FAIL_AT = START + timedelta(hours=13)


def _config() -> RunConfig:
    return RunConfig(account="known_bars", symbols=SYMBOLS, strategy="trend",
                     params={"fast": 12, "slow": 48, "vol_window": 48}, start=START, end=END,
                     principal=Decimal(10000), venue=PaperConfig(venue=VENUE, seed=5),
                     extra_strategies=(StrategySpec("meanrev", "meanrev", {}, "CORE", 1),
                                       StrategySpec("cross", "sma_cross", {}, "AGGRESSIVE", 0)),
                     feed="sync")


class HourFailed(Exception):
    pass


def _sync_fed_run(target: Target, monkeypatch: pytest.MonkeyPatch, *, full: bool) -> list[str]:
    """The sync-fed run (``full``: every window read in full, as before ``KnownBars``); per refresh, how the
    step read its bars, each checked with every strategy's features against a full read."""
    feed = ChaosFeed(VENUE, SYMBOLS, START, END, [FeedFault("late_revision", START + 4 * HOUR, START + 9 * HOUR),
                                                  FeedFault("feed_stall", START + 15 * HOUR, START + 16 * HOUR)], 5)
    with target.connect("worker") as conn:
        for s in SYMBOLS:
            load_lines(conn, Feed(VENUE, s, "1h"), feed.history_lines(s, 120), "file:history")
        conn.commit()
    if full:
        monkeypatch.setattr(KnownBars, "_distrust", lambda self, read: "read in full (the behaviour before)")
    original = HourStep.refresh
    seen: list[str] = []
    failed: set[datetime] = set()

    def checked(step: HourStep, t: datetime, known: Mapping[str, int | None]) -> None:
        original(step, t, known)
        warmup = timedelta(hours=int(step.strategy.warmup_bars) + 24)
        want = MarketData.load(step.conn, VENUE, list(step.config.feeds), t - warmup, t, known=known)
        assert_same(step.market, want, t.isoformat())
        for mine, theirs in [(step.features, strategy_features(step.strategy, want)),
                             *((o.features, strategy_features(o.strategy, want)) for o in step.others)]:
            assert sorted(mine) == sorted(theirs)
            for s in theirs:
                assert sorted(mine[s]) == sorted(theirs[s])
                for k in theirs[s]:
                    assert mine[s][k].tobytes() == theirs[s][k].tobytes(), (t, s, k)
        seen.append(step.known_bars.full_reason or "delta")
        if t == FAIL_AT and t not in failed:
            failed.add(t)
            raise HourFailed(t)  # inside the hour's transaction: it rolls back

    monkeypatch.setattr(HourStep, "refresh", checked)
    config = _config()
    runner = HourRunner(target, config)
    applied: list[tuple[str, datetime]] = []
    try:
        runner.prepare()
        runner.send_unacknowledged()
        with target.connect("worker") as feeder:
            t = START
            while t <= END:
                if t == RESTART_AT:
                    runner.close()
                    runner = HourRunner(target, config)  # a restarted worker: a fresh HourStep
                    runner.prepare()
                    runner.send_unacknowledged()
                deliver(target, feeder, feed, t, applied)
                try:
                    runner.step(t)
                except HourFailed:
                    assert runner.hour is not None and runner.hour.known_bars._read is None
                    runner.step(t)  # the hour again: its window read in full
                t += HOUR
    finally:
        runner.close()
        monkeypatch.undo()
    return seen


def _digests(target: Target) -> list[tuple[datetime, str, str, str]]:
    with target.connect("auditor") as conn:
        return [(d.hour, d.inputs_hash, d.outputs_hash, d.state_hash)
                for d in api.hour_digests(conn, "known_bars", START, END)]


def test_sync_fed_run_reads_only_changes_and_records_the_same_hours(
        server: Target, template_db: Target, db: Target, monkeypatch: pytest.MonkeyPatch) -> None:
    seen = _sync_fed_run(db, monkeypatch, full=False)
    hours = int((END - START) / HOUR) + 1
    assert len(seen) == hours + 1  # every hour, and the failed hour twice
    first, restart, after_failure = 0, int((RESTART_AT - START) / HOUR), int((FAIL_AT - START) / HOUR) + 1
    assert {i for i, why in enumerate(seen) if why != "delta"} == {first, restart, after_failure}, seen
    assert all(seen[i] == "no bars kept" for i in (first, restart, after_failure))

    before = create_database(server, template=template_db.dbname)
    try:
        assert set(_sync_fed_run(before, monkeypatch, full=True)) == {"read in full (the behaviour before)"}
        recorded, reference = _digests(db), _digests(before)
    finally:
        drop_database(server, before.dbname)
    assert len(recorded) == hours and recorded == reference
