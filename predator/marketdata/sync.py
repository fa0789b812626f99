"""Live market data: the incremental sync of closed candles, the worker's schedule for it, and the bounded
wait of the hour step for its bar (DESIGN.md §4 step 1, §5 paper on live data; docs/market_data.md, "Sync").

* **Sync** (:func:`sync_symbol`, :func:`sync_venue`, ``predator data sync``): per traded symbol, ask the venue
  for its clock (``fetch_time``: business time is the venue's), then pull bars through the real ccxt client's
  ``fetch_ohlcv`` from the last stored bar (``api.feed_status``), ``overlap`` bars back so that a bar the venue
  revised after we stored it comes back too. The pages go through :func:`predator.marketdata.backfill.backfill`
  and so through the same gated load as a file (``begin_load`` / ``stage_chunks`` / ``gate`` under a fresh load
  key): a bar seen again is a duplicate, a revised or late bar a correction with evidence
  (``api.candle_corrections``), a broken one quarantined; nothing is overwritten. The bar still forming at the
  venue's clock is never sent. Venue calls run under a bounded :class:`~predator.retry.Retrier` (transient
  ccxt errors: 5xx, 429/418, timeouts, dropped connections); a symbol that still fails is *reported* in its
  :class:`SymbolSync` (``error``), with what was committed before the failure, and the other symbols go on.
* **Schedule** (:class:`SyncJob`): an APScheduler job that runs the sync a few seconds after each bar close.
* **Wait** (:func:`wait_for_bar`): the hour step waits a bounded time for the bar that closes at its decision
  time. When it does not come, the answer is :class:`BarWait` with ``reason = 'data_stale'``: no new decision
  may be made for the hour. The feed's degraded state is the feed-status machinery's: ``api.feed_status`` at
  the decision time reports it ``stale`` (or ``quarantined``), and ``api.submit_signal`` refuses any entry on it
  with ``data_stale`` in any case; a sync that later stores the bar makes it ``ok`` again.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import ccxt
import psycopg
import structlog
from apscheduler.job import Job
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.triggers.interval import IntervalTrigger
from psycopg.pq import TransactionStatus

from predator import seams
from predator.db import sync_api
from predator.db.connection import Target
from predator.db.market_api import FeedStatus
from predator.errors import PredatorError, VenueError
from predator.marketdata.backfill import BackfillError, BackfillResult, backfill
from predator.marketdata.venues import make_exchange
from predator.retry import Retrier, RetryPolicy

log = structlog.get_logger("predator.sync")

#: Bars re-read before the last stored one on every sync (a venue may revise its latest bars).
OVERLAP_BARS = 2
#: Bars fetched for a feed that has none stored yet.
INITIAL_BARS = 48
#: Retries of one sync: 4 attempts, 0.5 s, 1 s, 2 s apart (a sync runs every bar; it must not hang).
SYNC_POLICY = RetryPolicy(attempts=4, base_delay=0.5, max_delay=5.0)


@dataclass(frozen=True)
class SymbolSync:
    """What one sync did for one feed.

    ``fetched`` bars came back from the venue, ``not_closed`` of them were still forming at ``clock`` and
    were not sent; the gate's accounting of the rest is ``loaded + duplicate + corrected + quarantined``.
    ``last_ts`` is the open time of the latest stored bar closed by ``clock`` after the sync, and
    ``feed_state`` its ``api.feed_status`` status (``ok | stale | quarantined | no_data``; ``unknown`` when
    the venue's clock could not be read). ``error`` is None on success, else why the sync stopped (what was
    loaded before is counted and committed).
    """

    venue: str
    symbol: str
    interval: str
    clock: datetime | None
    since: datetime | None
    fetched: int
    not_closed: int
    loaded: int
    duplicate: int
    corrected: int
    quarantined: int
    last_ts: datetime | None
    feed_state: str
    retries: int
    error: str | None

    @property
    def ok(self) -> bool:
        """The sync ran to the end (the feed may still be stale when the venue has no newer bar)."""
        return self.error is None

    def line(self) -> str:
        """One human line: feed, state, accounting, error."""
        def fmt(ts: datetime | None) -> str:
            return ts.strftime("%Y-%m-%dT%H:%M:%SZ") if ts else "-"
        text = (f"{self.venue} {self.symbol} {self.interval} at {fmt(self.clock)}: {self.feed_state}, last bar"
                f" {fmt(self.last_ts)}; fetched {self.fetched} (forming {self.not_closed}), loaded {self.loaded}"
                f" + duplicate {self.duplicate} + corrected {self.corrected} + quarantined {self.quarantined};"
                f" retries {self.retries}")
        return text + (f"; error: {self.error}" if self.error else "")


@dataclass(frozen=True)
class BarWait:
    """The outcome of :func:`wait_for_bar`. ``arrived``: the bar is stored and the hour may decide;
    otherwise ``reason`` is ``data_stale`` and no new decision may be made (``feed`` is the feed's status
    at the bar's close: ``stale`` or ``quarantined``). ``pull_error`` is the last failure of ``pull``."""

    venue: str
    symbol: str
    interval: str
    bar_ts: datetime
    arrived: bool
    waited_seconds: float
    polls: int
    feed: FeedStatus | None
    reason: str | None
    pull_error: str | None = None

    @property
    def may_decide(self) -> bool:
        return self.arrived


def _require_idle(conn: psycopg.Connection, what: str) -> None:
    if conn.info.transaction_status != TransactionStatus.IDLE:
        raise ValueError(f"{what} commits as it goes: call it on a connection outside a transaction")


def _step(exchange: ccxt.Exchange, interval: str) -> timedelta:
    return timedelta(seconds=int(exchange.parse_timeframe(interval)))


def venue_clock(exchange: ccxt.Exchange, retrier: Retrier) -> datetime:
    """The venue's clock (``fetch_time``), the business time a sync judges closed bars by."""
    ms = retrier.call(exchange.fetch_time, f"{exchange.id} fetch_time")
    return datetime.fromtimestamp(int(ms) / 1000, UTC)


def _floor(ts: datetime, step: timedelta) -> datetime:
    epoch = datetime(1970, 1, 1, tzinfo=UTC)
    return epoch + ((ts - epoch) // step) * step


def sync_symbol(conn: psycopg.Connection, exchange: ccxt.Exchange, symbol: str, *, interval: str = "1h",
                clock: datetime | None = None, overlap: int = OVERLAP_BARS, initial_bars: int = INITIAL_BARS,
                policy: RetryPolicy = SYNC_POLICY, sleep: Callable[[float], None] = time.sleep) -> SymbolSync:
    """Pull the closed bars of one feed since its last stored bar and load them through the gate.

    ``clock`` is the venue's time (default: asked of the venue). Each fetched page is loaded and committed in
    a transaction of its own, so ``conn`` must not be inside a transaction. Never raises for a venue or
    load failure: the result says what failed (``error``) and what was stored before it.
    """
    _require_idle(conn, "sync")
    venue = exchange.id
    retrier = Retrier(policy=policy, sleep=sleep)
    step = _step(exchange, interval)

    def failed(e: BaseException, since: datetime | None, done: BackfillResult | None) -> SymbolSync:
        if conn.info.transaction_status != TransactionStatus.IDLE:
            conn.rollback()
        state = sync_api.feed_state(conn, clock, venue, symbol, interval) if clock is not None else None
        if clock is not None:
            conn.commit()
        pages = done.pages if done else []
        result = SymbolSync(
            venue, symbol, interval, clock, since, sum(p.fetched for p in pages), sum(p.not_closed for p in pages),
            sum(p.result.loaded for p in pages), sum(p.result.duplicate for p in pages),
            sum(p.result.corrected for p in pages), sum(p.result.quarantined for p in pages),
            state.last_ts if state else None, state.status if state else "unknown",
            done.retries if done else retrier.retries, f"{type(e).__name__}: {e}")
        log.error("sync_failed", venue=venue, symbol=symbol, interval=interval, error=result.error)
        return result

    if clock is None:
        try:
            clock = venue_clock(exchange, retrier)
        except VenueError as e:
            return failed(e, None, None)
    before = sync_api.feed_state(conn, clock, venue, symbol, interval)
    conn.commit()
    if before is not None and before.last_ts is not None:
        since = before.last_ts - overlap * step
    else:
        since = _floor(clock, step) - initial_bars * step
    try:
        done = backfill(conn, exchange, symbol, interval, since, clock=clock, retrier=retrier,
                        source=f"sync:{venue}")
    except BackfillError as e:
        return failed(e, since, e.result)
    except (PredatorError, psycopg.Error) as e:  # e.g. a refusal before any page (unknown symbol)
        return failed(e, since, None)
    after = sync_api.feed_state(conn, clock, venue, symbol, interval)
    conn.commit()
    result = SymbolSync(venue, symbol, interval, clock, since, sum(p.fetched for p in done.pages),
                        sum(p.not_closed for p in done.pages), done.loaded,
                        sum(p.result.duplicate for p in done.pages), sum(p.result.corrected for p in done.pages),
                        done.quarantined, after.last_ts if after else None, after.status if after else "no_data",
                        done.retries, None)
    log.info("synced", venue=venue, symbol=symbol, interval=interval, clock=clock.isoformat(), loaded=result.loaded,
             corrected=result.corrected, quarantined=result.quarantined, feed=result.feed_state)
    return result


def sync_venue(conn: psycopg.Connection, exchange: ccxt.Exchange, symbols: Sequence[str] | None = None, *,
               interval: str = "1h", overlap: int = OVERLAP_BARS, initial_bars: int = INITIAL_BARS,
               policy: RetryPolicy = SYNC_POLICY,
               sleep: Callable[[float], None] = time.sleep) -> tuple[SymbolSync, ...]:
    """:func:`sync_symbol` for every symbol (default: every instrument of the venue), all judged by one
    reading of the venue's clock. One result per symbol, in the order asked; a failing symbol does not stop
    the others."""
    _require_idle(conn, "sync")
    venue = exchange.id
    if symbols is None:
        symbols = sync_api.venue_symbols(conn, venue)
        conn.commit()
    retrier = Retrier(policy=policy, sleep=sleep)
    try:
        clock = venue_clock(exchange, retrier)
    except VenueError as e:
        error = f"{type(e).__name__}: {e}"
        log.error("sync_failed", venue=venue, error=error)
        return tuple(SymbolSync(venue, s, interval, None, None, 0, 0, 0, 0, 0, 0, None, "unknown",
                                retrier.retries, error) for s in symbols)
    return tuple(sync_symbol(conn, exchange, s, interval=interval, clock=clock, overlap=overlap,
                             initial_bars=initial_bars, policy=policy, sleep=sleep) for s in symbols)


def wait_for_bar(conn: psycopg.Connection, venue: str, symbol: str, bar_ts: datetime, timeout: float, *,
                 interval: str = "1h", poll_seconds: float = 0.25, pull: Callable[[], object] | None = None,
                 sleep: Callable[[float], None] = time.sleep,
                 monotonic: Callable[[], float] = seams.monotonic) -> BarWait:
    """Wait at most ``timeout`` wall seconds for the bar with open time ``bar_ts`` to be stored.

    ``pull`` (optional) is called before each look, e.g. a sync of this feed; its failures are kept in
    ``pull_error``, never raised. When the bar is stored: ``arrived``. Otherwise ``reason = 'data_stale'``:
    the hour must decide nothing new, and ``feed`` is ``api.feed_status`` at the bar's close (``stale`` or
    ``quarantined``: the feed is degraded until a sync stores the bar). Reads only; when ``conn`` is idle on
    entry each look is committed, so every look sees what other sessions committed meanwhile.
    """
    step = timedelta(seconds=_interval_seconds(interval))
    owned = conn.info.transaction_status == TransactionStatus.IDLE
    t0 = monotonic()
    polls = 0
    pull_error: str | None = None
    while True:
        if pull is not None:
            try:
                pull()
            except (PredatorError, psycopg.Error, ccxt.BaseError) as e:
                pull_error = f"{type(e).__name__}: {e}"
                if owned and conn.info.transaction_status != TransactionStatus.IDLE:
                    conn.rollback()
        polls += 1
        bar = sync_api.stored_bar(conn, venue, symbol, interval, bar_ts)
        if owned:
            conn.commit()
        waited = monotonic() - t0
        if bar is not None:
            return BarWait(venue, symbol, interval, bar_ts, True, waited, polls, None, None, pull_error)
        if waited >= timeout:
            break
        sleep(min(poll_seconds, max(timeout - waited, 0.0)))
    feed = sync_api.feed_state(conn, bar_ts + step, venue, symbol, interval)
    if owned:
        conn.commit()
    log.warning("feed_degraded", venue=venue, symbol=symbol, interval=interval, bar=bar_ts.isoformat(),
                waited=round(waited, 3), status=feed.status if feed else "no_data", reason="data_stale")
    return BarWait(venue, symbol, interval, bar_ts, False, waited, polls, feed, "data_stale", pull_error)


def _interval_seconds(interval: str) -> int:
    units = {"m": 60, "h": 3600, "d": 86400, "w": 604800}
    try:
        return int(interval[:-1]) * units[interval[-1]]
    except (KeyError, ValueError) as e:
        raise ValueError(f"unknown interval {interval!r}: use a ccxt timeframe such as 1m, 1h, 1d") from e


@dataclass
class SyncJob:
    """The worker's sync for one venue: runs :func:`sync_venue` on a connection of its own, one run at a
    time, and keeps the last results. :meth:`schedule` adds it to an APScheduler scheduler."""

    target: Target
    venue: str
    symbols: Sequence[str] | None = None
    url: str | None = None
    interval: str = "1h"
    overlap: int = OVERLAP_BARS
    initial_bars: int = INITIAL_BARS
    policy: RetryPolicy = SYNC_POLICY
    timeout_ms: int = 10_000
    exchange: ccxt.Exchange | None = None
    runs: int = 0
    last: tuple[SymbolSync, ...] = ()
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def __post_init__(self) -> None:
        if self.exchange is None:
            # ccxt's rate limiter paces requests for the real venue (Kraken: one call per 3 s); a ``url``
            # names the staging emulator on loopback, which has no such limit (and injects 429s on purpose).
            self.exchange = make_exchange(self.venue, timeout_ms=self.timeout_ms, url=self.url,
                                          rate_limit=self.url is None)

    def run(self) -> tuple[SymbolSync, ...]:
        """One sync of every symbol; failures are in the results (and logged), never raised."""
        assert self.exchange is not None
        with self._lock, self.target.connect("worker") as conn:
            results = sync_venue(conn, self.exchange, self.symbols, interval=self.interval, overlap=self.overlap,
                                 initial_bars=self.initial_bars, policy=self.policy)
            self.runs += 1
            self.last = results
            return results

    def job(self) -> None:
        """The scheduled form of :meth:`run` (a lost database is logged; the next run tries again)."""
        try:
            self.run()
        except psycopg.OperationalError as e:
            log.error("sync_database_unavailable", venue=self.venue, error=str(e).strip().splitlines()[0:1])

    def schedule(self, scheduler: BaseScheduler, *, delay_seconds: float = 5.0, speed: float | None = None,
                 now: datetime | None = None, **job_kwargs: Any) -> Job:
        """Add the sync to ``scheduler``: on the wall clock, ``delay_seconds`` after each bar close (every
        interval boundary since the epoch, UTC); with ``speed`` (a warped venue clock: ``speed`` venue
        seconds per wall second) every interval / speed wall seconds from now, so each warped bar is pulled
        soon after it closes. One run at a time; missed runs are coalesced (the next pull catches up)."""
        seconds = _interval_seconds(self.interval)
        if speed is None:
            first = _floor(now or seams.wall_now(), timedelta(seconds=seconds)) + timedelta(seconds=delay_seconds)
            trigger = IntervalTrigger(seconds=seconds, start_date=first, timezone=UTC)
            return scheduler.add_job(self.job, trigger, id=f"sync-{self.venue}-{self.interval}", max_instances=1,
                                     coalesce=True, **job_kwargs)
        every = max(seconds / speed, 0.05)
        return scheduler.add_job(self.job, IntervalTrigger(seconds=every, timezone=UTC),
                                 id=f"sync-{self.venue}-{self.interval}", max_instances=1, coalesce=True,
                                 next_run_time=seams.wall_now() + timedelta(seconds=delay_seconds / speed),
                                 **job_kwargs)


@dataclass(frozen=True)
class FeedStart:
    """What :func:`start_feed` did before a sync-fed run: the instruments stored from the venue's markets and
    the first sync of every traded symbol (its warm-up history)."""

    instruments: int
    results: tuple[SymbolSync, ...]


def start_feed(job: SyncJob, *, warmup_bars: int) -> FeedStart:
    """Ready a run fed by the live sync: store the venue's instruments (``load_markets``: tick and step
    sizes, minimums) and sync every traded symbol with at least ``warmup_bars`` of history. Raises
    :class:`~predator.errors.ConfigurationError` when a symbol cannot be synced (unknown at the venue, venue
    unreachable after the retries): a run must not start blind."""
    from predator.errors import ConfigurationError
    from predator.marketdata.markets import store_markets

    assert job.exchange is not None
    try:
        with job.target.connect("worker") as conn:
            stored = store_markets(conn, job.exchange, retrier=Retrier(policy=job.policy))
    except (VenueError, ccxt.BaseError) as e:
        raise ConfigurationError(f"{job.venue}: could not load the venue's markets ({e})") from e
    job.initial_bars = max(job.initial_bars, warmup_bars)
    results = job.run()
    failed = [r for r in results if not r.ok]
    if failed:
        raise ConfigurationError("the first sync failed, the run does not start blind: "
                                 + "; ".join(r.line() for r in failed))
    return FeedStart(len(stored), results)
