"""``predator run``: the hour job on a schedule (APScheduler), with a heartbeat.

The job fires shortly after each UTC hour closes (minute ``delay_minutes``) and runs every hour that
closed since the last one the database holds (catching up after downtime), through the same
:class:`~predator.runner.hour.HourRunner` as accelerated runs. A heartbeat every minute reads the feed
status (``api.feed_status``) at the business clock and logs every feed that is stale or quarantined; an
admission on such a feed is refused with ``data_stale`` by the database in any case.

Business time is the wall clock in live and paper trading. ``--from`` with ``--speed`` runs a *time warp*
over stored history: business time = from + (wall time elapsed) × speed, and the jobs fire at the warped
hour boundaries — the paper-trading rehearsal of a live schedule. A restarted warp continues from the
account's last closed hour (not from ``--from`` again). With ``stop_when_halted`` a warp stops once the
account is halted with no path to resume (:meth:`HourRunner.halt_stop`); :attr:`ScheduledRun.halt_stop`
says why. Each closed hour can be reported (``on_hour``, an :class:`HourReport`).

**Paper on live data** (``feed = 'sync'``, docs/architecture.md §4): business time is the venue's clock
(:class:`VenueClock`, ccxt ``fetch_time``), bars arrive only through the sync
(:class:`~predator.marketdata.sync.SyncJob`), and before each hour the job waits a bounded time for every
traded symbol's bar (:func:`~predator.marketdata.sync.wait_for_bar`, which pulls the sync). A bar that does
not come leaves that hour deciding nothing new for its symbol (``data_stale``); the feed is degraded until
a later sync stores it. The kill-switch listener (:class:`~predator.runner.killwatch.KillWatch`) runs in
the worker in every mode: a committed ``api.kill_switch`` reaches the venue within the time of one step.
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import psycopg
import structlog
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from predator import errors, seams
from predator.db import api, market_api, reads, sync_api
from predator.db.connection import Target
from predator.errors import VenueError
from predator.marketdata.sync import BarWait, SyncJob, venue_clock, wait_for_bar
from predator.retry import Retrier
from predator.runner.config import HaltStop
from predator.runner.hour import HOUR, HourRunner, RunConfig
from predator.runner.killwatch import KillWatch
from predator.runner.step import HourOutcome
from predator.runner.venues import VenueFactory, venue_factory
from predator.venues.deadman import DeadManSwitch

log = structlog.get_logger("predator.scheduler")
# APScheduler reports every skipped overlapping run at WARNING; under a time warp that is routine.
logging.getLogger("apscheduler").setLevel(logging.ERROR)


@dataclass
class BusinessClock:
    """Wall clock (speed None) or a time warp starting at ``origin``."""

    origin: datetime | None = None
    speed: float = 1.0
    _wall0: float = 0.0

    def __post_init__(self) -> None:
        self._wall0 = seams.monotonic()

    def now(self) -> datetime:
        if self.origin is None:
            return seams.wall_now()
        return self.origin + timedelta(seconds=(seams.monotonic() - self._wall0) * self.speed)

    def restart_at(self, origin: datetime) -> None:
        """A warp continues from ``origin`` now (at the same speed); the wall clock is not warped."""
        if self.origin is not None:
            self.origin = origin
            self._wall0 = seams.monotonic()


@dataclass(frozen=True)
class HourReport:
    """One closed hour as ``predator run`` prints it: equity at the close (base currency), orders created at
    it, fills dated in the hour before it, refused signals, and the halts and pauses in force (scopes)."""

    hour: datetime
    equity: Decimal
    orders: int
    fills: int
    refusals: int
    halts: tuple[str, ...]

    def line(self) -> str:
        return (f"hour {self.hour.strftime('%Y-%m-%dT%H:%MZ')}  equity {self.equity:.2f}  orders {self.orders}  "
                f"fills {self.fills}  refusals {self.refusals}  halts {', '.join(self.halts) or 'none'}")

    def as_json(self) -> dict[str, Any]:
        return {"hour": self.hour.isoformat(), "equity": str(self.equity), "orders": self.orders,
                "fills": self.fills, "refusals": self.refusals, "halts": list(self.halts)}


class VenueClock:
    """The venue's clock (ccxt ``fetch_time`` through the sync's client): business time of a run on live
    data. Raises :class:`~predator.errors.VenueError` when the venue cannot be asked."""

    def __init__(self, sync: SyncJob) -> None:
        self.sync = sync
        self.origin = None  # not a warp of stored history
        self._retrier = Retrier()

    def now(self) -> datetime:
        assert self.sync.exchange is not None
        return venue_clock(self.sync.exchange, self._retrier)


class ScheduledRun:
    """Runs the hour job, the heartbeat and the kill-switch listener until stopped (SIGINT/SIGTERM or
    ``stop()``). With ``sync`` (a run whose ``feed`` is ``sync``) business time is the venue's clock, bars
    come only through ``sync``, and each hour first waits at most ``bar_wait_seconds`` (wall) for its bars;
    the hour job then looks at the venue's clock every ``poll_seconds`` and runs ``delay_seconds`` (venue
    time) after each close."""

    def __init__(self, target: Target, config: RunConfig, clock: BusinessClock | None = None,
                 delay_minutes: int = 1, max_seconds: float | None = None, *, sync: SyncJob | None = None,
                 bar_wait_seconds: float = 30.0, poll_seconds: float = 1.0, delay_seconds: float = 5.0,
                 kill_listener: bool = True, venue: VenueFactory | None = None,
                 dead_man: DeadManSwitch | None = None, on_hour: Callable[[HourReport], None] | None = None,
                 stop_when_halted: bool = False) -> None:
        if (sync is None) != (config.feed == "stored"):
            raise ValueError("a run fed by the live sync needs a SyncJob, and only such a run takes one")
        self.target = target
        self.config = config
        self.sync = sync
        self.clock: BusinessClock | VenueClock = VenueClock(sync) if sync is not None else (clock or BusinessClock())
        self.delay_minutes = delay_minutes
        self.delay_seconds = delay_seconds
        self.bar_wait_seconds = bar_wait_seconds
        self.poll_seconds = poll_seconds
        self.max_seconds = max_seconds
        self.runner = HourRunner(target, config, venue=venue if venue is not None else venue_factory(config),
                                   telemetry=True)
        self.lock = threading.Lock()
        self.scheduler = BlockingScheduler(timezone=UTC)
        self.hours_run = 0
        self.heartbeats = 0
        self.stopping = False
        self.failure: psycopg.OperationalError | None = None
        self.error: Exception | None = None
        #: The bar waits that ended without the bar (the hour decided nothing new for that symbol).
        self.stale: list[BarWait] = []
        self.kills_handled = 0
        self.comparisons = 0
        self.divergent_hours = 0
        self._unpaired_logged = False
        self.killwatch = KillWatch(target, self._on_kill, label=config.account) if kill_listener else None
        #: A live venue's dead-man switch: beaten on every tick of the hour job; when the beats stop, the venue
        #: (Kraken) or the switch's own thread (Binance) cancels the traded symbols' resting orders.
        self.dead_man = dead_man
        self._wait_conn: psycopg.Connection | None = None
        #: Called with every closed hour (from the scheduler's thread).
        self.on_hour = on_hour
        #: A warp over stored history stops once the account is halted with no path to resume.
        self.stop_when_halted = stop_when_halted and sync is None
        #: Why the run stopped early (None: it did not).
        self.halt_stop: HaltStop | None = None
        #: The hour a restarted warp continued from (the account's last closed hour), if it did.
        self.resumed_from: datetime | None = None

    def _lost(self, e: psycopg.OperationalError) -> None:
        """The database connection is gone: stop, and let start() raise it (the CLI says what to do)."""
        log.error("database_connection_lost", error=str(e).strip().splitlines()[0] if str(e).strip() else "")
        self.failure = e
        self.stop()

    def hour_job(self) -> None:
        """Close every hour up to the business clock that the database has not closed yet."""
        try:
            self._hour_job()
        except psycopg.OperationalError as e:
            self._lost(e)
        except VenueError as e:  # the venue's clock could not be read: the next tick asks again
            log.warning("venue_unreachable", error=str(e))
        except Exception as e:  # anything else is a defect or a refusal: stop, and let start() raise it
            log.error("hour_job_failed", error=f"{type(e).__name__}: {e}")
            self.error = e
            self.stop()

    def _hour_job(self) -> None:
        if self.sync is not None:
            self._sync_hour_job()
            return
        with self.lock:
            if self.stopping:
                return
            now = self.clock.now()
            latest = now.replace(minute=0, second=0, microsecond=0)
            if latest > self.config.end:
                latest = self.config.end
            # A time warp never runs business time past the wall clock: the database refuses such hours
            # (PD015), so the warp waits for the wall clock once it has caught up with it.
            wall_hour = seams.wall_now().replace(minute=0, second=0, microsecond=0)
            if latest > wall_hour:
                latest = wall_hour
            last = self.runner.last_closed_hour()
            t = self.config.start if last is None else last + HOUR
            while t <= latest:
                outcome = self.runner.step(t)
                self.hours_run += 1
                log.info("hour_closed", hour=t.isoformat(), run_id=self.config.run_id, account=self.config.account)
                if self._after_hour(t, outcome) or self.stopping:  # stopped: the closed hour is kept
                    return
                t += HOUR
            if latest >= self.config.end and self.runner.last_closed_hour() == self.config.end:
                log.info("run_complete", run_id=self.config.run_id)
                self.stop()

    def _sync_hour_job(self) -> None:
        """Paper on live data: every hour closed at the venue's clock (``delay_seconds`` ago) that the database
        has not closed, each after a bounded wait for its bars. The lock is held only while an hour steps,
        so the kill-switch listener is never held up by a bar wait."""
        if self.stopping:
            return
        if self.dead_man is not None:
            self.dead_man.beat()
        now = self.clock.now() - timedelta(seconds=self.delay_seconds)
        latest = min(now.replace(minute=0, second=0, microsecond=0), self.config.end)
        with self.lock:
            last = self.runner.last_closed_hour()
        t = self.config.start if last is None else last + HOUR
        while t <= latest and not self.stopping:
            self._await_bars(t)
            # A live worker catching up (hours that closed at the venue while it was down) closes them without
            # decisions: only the latest closed hour decides, so no real order goes out for old bars.
            decide = self.config.mode != "live" or t == latest
            if not decide:
                log.warning("catch_up_hour_not_decided", hour=t.isoformat(), latest=latest.isoformat(),
                            account=self.config.account)
            with self.lock:
                if self.stopping:
                    return
                outcome = self.runner.step(t, decide)
                self._after_hour(t, outcome)
            self.hours_run += 1
            log.info("hour_closed", hour=t.isoformat(), run_id=self.config.run_id, account=self.config.account)
            t += HOUR
        if self.config.mode == "shadow":
            self._compare_shadow(latest)
        with self.lock:
            done = self.runner.last_closed_hour() == self.config.end
        if done:
            log.info("run_complete", run_id=self.config.run_id)
            self.stop()

    def _after_hour(self, t: datetime, outcome: HourOutcome) -> bool:
        """Under the lock, after hour ``t`` closed: report it (``on_hour``) and, with ``stop_when_halted``,
        stop when the account is halted with no path to resume. True: the run stops."""
        stop = None
        if self.stop_when_halted and t < self.config.end:
            stop = self.runner.halt_stop(outcome, t, int((self.config.end - t) / HOUR))
        if self.on_hour is not None:
            assert self.runner.conn is not None
            conn = self.runner.conn
            activity = reads.hour_activity(conn, self.config.account, t)
            halts: tuple[str, ...] = ()
            if stop is not None:
                halts = tuple(b.scope for b in stop.blockers)
            elif outcome.state.halts or outcome.refusals:
                halts = tuple(b.scope for b in reads.blockers(conn, self.config.account, self.config.strategy))
            conn.commit()
            self.on_hour(HourReport(t, activity.equity if activity else outcome.state.equity,
                                    activity.orders if activity else 0, activity.fills if activity else 0,
                                    activity.refusals if activity else len(outcome.refusals), halts))
        if stop is not None:
            self.halt_stop = stop
            self.stop()
            return True
        return False

    def _compare_shadow(self, until: datetime) -> None:
        """Shadow mode: compare the hours both this book and its reference closed (``api.compare_shadow``; a
        divergence above the shadow_divergence breaker's threshold trips it in the database). Until an
        operator pairs the account (``api.pair_shadow``), say so once and compare nothing."""
        with self.lock:
            if self.runner.conn is None:
                return
            conn = self.runner.conn
            try:
                with conn.transaction():
                    rows = api.compare_shadow(conn, shadow=self.config.account, until=until)
            except errors.DatabaseRefusal as e:
                if e.sqlstate != "PD012":  # only "not a paired shadow" is expected here; anything else stops
                    raise
                if not self._unpaired_logged:
                    log.warning("shadow_unpaired", account=self.config.account, error=str(e).splitlines()[0])
                    self._unpaired_logged = True
                return
        for r in rows:
            self.comparisons += 1
            self.divergent_hours += int(r.divergence > 0)
            (log.error if r.tripped else log.info)("shadow_compared", hour=r.hour.isoformat(),
                                                   divergence=r.divergence, tripped=r.tripped)

    def _await_bars(self, t: datetime) -> None:
        """Wait at most ``bar_wait_seconds`` for the bar of every traded symbol that closes at ``t``, pulling
        the sync while it is missing. A bar that does not come is logged (``feed_degraded``) and kept in
        :attr:`stale`; the hour then decides nothing new for that symbol (HourStep.decide)."""
        assert self.sync is not None
        if self._wait_conn is None:
            self._wait_conn = self.target.connect("worker")
        venue = self.config.venue.venue
        for symbol in self.config.feeds:
            stored = sync_api.stored_bar(self._wait_conn, venue, symbol, "1h", t - HOUR)  # no pull needed
            self._wait_conn.commit()
            if stored is not None:
                continue
            got = wait_for_bar(self._wait_conn, venue, symbol, t - HOUR, self.bar_wait_seconds,
                               pull=self.sync.run, poll_seconds=min(0.25, max(self.bar_wait_seconds / 4, 0.01)))
            if not got.arrived:
                self.stale.append(got)

    def _on_kill(self) -> None:
        """A kill switch was committed: cancel at the venue now what the database marked, and send the exits
        it created, at the last closed hour (the business time the worker stands at)."""
        with self.lock:
            if self.stopping or self.runner.conn is None:
                return
            at = self.runner.last_closed_hour() or self.config.start
            self.runner.service_requests(at)
            self.kills_handled += 1

    def heartbeat(self) -> None:
        """Feed status at the business clock: every stale or quarantined feed of the run is logged."""
        try:
            self._heartbeat()
        except psycopg.OperationalError as e:
            self._lost(e)
        except VenueError as e:
            log.warning("venue_unreachable", error=str(e))

    def _heartbeat(self) -> None:
        now = self.clock.now()
        with self.lock:
            if self.stopping or self.runner.conn is None:
                return
            rows = [f for f in market_api.feed_status(self.runner.conn, now, self.config.venue.venue, "1h")
                    if f.symbol in self.config.feeds]
            self.runner.conn.commit()
            self.heartbeats += 1
        bad = [(f.symbol, f.status, str(f.staleness)) for f in rows if f.status != "ok"]
        if bad:
            log.warning("feed_degraded", at=now.isoformat(), feeds=bad)
        else:
            log.info("heartbeat", at=now.isoformat(), feeds=len(rows))

    def start(self) -> None:
        self.runner.prepare()
        self.runner.send_unacknowledged()
        last = self.runner.last_closed_hour()
        if isinstance(self.clock, BusinessClock) and self.clock.origin is not None and last is not None \
                and last > self.clock.origin:
            # A restarted warp continues from where the account stands, not from --from again (which would
            # idle until the warped clock caught up with the last closed hour).
            self.clock.restart_at(last)
            self.resumed_from = last
            log.info("warp_resumed", at=last.isoformat(), run_id=self.config.run_id)
        if self.stop_when_halted and (last is None or last < self.config.end):
            first = self.config.start if last is None else last + HOUR
            stop = self.runner.halt_stop(None, last, int((self.config.end - first) / HOUR) + 1)
            if stop is not None:
                self.halt_stop = stop
                self.stopping = True
                self.runner.close()
                return
        if self.sync is not None:
            # Paper on live data: the venue's clock is polled; the sync runs when an hour needs its bars
            # (and, on the wall clock, on its own a few seconds after each bar close).
            self.scheduler.add_job(self.hour_job, IntervalTrigger(seconds=self.poll_seconds), id="hour",
                                   max_instances=1, coalesce=True, next_run_time=seams.wall_now())
            self.scheduler.add_job(self.heartbeat, IntervalTrigger(seconds=max(self.poll_seconds, 60.0)),
                                   id="heartbeat", max_instances=1, coalesce=True)
            if abs((self.clock.now() - seams.wall_now()).total_seconds()) < 300:
                # A venue on the wall clock (the real one): the sync also runs on its own a few seconds
                # after each bar close, so the bars are usually stored before the hour job asks. (A warped
                # emulator's bars close at a pace only its clock knows: the hour job's pulls fetch them.)
                self.sync.schedule(self.scheduler, delay_seconds=self.delay_seconds)
        elif self.clock.origin is None:
            self.scheduler.add_job(self.hour_job, CronTrigger(minute=self.delay_minutes, timezone=UTC),
                                   id="hour", max_instances=1, coalesce=True)
            self.scheduler.add_job(self.heartbeat, IntervalTrigger(minutes=1), id="heartbeat", max_instances=1,
                                   coalesce=True)
        else:
            # Time warp: one business hour every 3600 / speed wall seconds.
            every = max(3600.0 / self.clock.speed, 0.05)
            self.scheduler.add_job(self.hour_job, IntervalTrigger(seconds=every), id="hour", max_instances=1,
                                   coalesce=True, next_run_time=seams.wall_now())
            self.scheduler.add_job(self.heartbeat, IntervalTrigger(seconds=max(60.0 / self.clock.speed, 0.05)),
                                   id="heartbeat", max_instances=1, coalesce=True, next_run_time=seams.wall_now())
        timer = threading.Timer(self.max_seconds, self.stop) if self.max_seconds is not None else None
        if timer is not None:
            timer.daemon = True
            timer.start()
        if threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGINT, signal.SIGTERM):
                signal.signal(sig, lambda *_: self.stop())
        if self.killwatch is not None:
            self.killwatch.start()
        if self.dead_man is not None:
            self.dead_man.start()
        log.info("scheduler_started", run_id=self.config.run_id, warp=self.clock.origin is not None)
        try:
            self.scheduler.start()
        finally:
            if timer is not None:
                timer.cancel()
            if self.killwatch is not None:
                self.killwatch.stop()
            if self.dead_man is not None:
                self.dead_man.stop()  # the venue's own switch stays armed: orders do not outlive the worker
            with self.lock:  # a job still running finishes its hour first
                self.stopping = True
                self.runner.close()
                if self._wait_conn is not None:
                    self._wait_conn.close()
                    self._wait_conn = None
        if self.failure is not None:
            raise self.failure
        if self.error is not None:
            raise self.error

    def stop(self) -> None:
        """Stop scheduling; the hour in progress completes (it is one transaction either way)."""
        self.stopping = True
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
