"""``predator run``: the hour job on a schedule (APScheduler), with a heartbeat.

The job fires shortly after each UTC hour closes (minute ``delay_minutes``) and runs every hour that
closed since the last one the database holds (catching up after downtime), through the same
:class:`~predator.runner.hour.HourRunner` as accelerated runs. A heartbeat every minute reads the feed
status (``api.feed_status``) at the business clock and logs every feed that is stale or quarantined; an
admission on such a feed is refused with ``data_stale`` by the database in any case.

Business time is the wall clock in live and paper trading. ``--from`` with ``--speed`` runs a *time warp*
over stored history: business time = from + (wall time elapsed) × speed, and the jobs fire at the warped
hour boundaries — the paper-trading rehearsal of a live schedule.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import psycopg
import structlog
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from predator.db.connection import Target
from predator.runner.hour import HOUR, HourRunner, RunConfig
from predator.runner.venues import venue_factory

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
        self._wall0 = time.monotonic()

    def now(self) -> datetime:
        if self.origin is None:
            return datetime.now(UTC)
        return self.origin + timedelta(seconds=(time.monotonic() - self._wall0) * self.speed)


class ScheduledRun:
    """Runs the hour job and the heartbeat until stopped (SIGINT/SIGTERM or ``stop()``)."""

    def __init__(self, target: Target, config: RunConfig, clock: BusinessClock, delay_minutes: int = 1,
                 max_seconds: float | None = None) -> None:
        self.target = target
        self.config = config
        self.clock = clock
        self.delay_minutes = delay_minutes
        self.max_seconds = max_seconds
        self.runner = HourRunner(target, config, venue=venue_factory(config))
        self.lock = threading.Lock()
        self.scheduler = BlockingScheduler(timezone=UTC)
        self.hours_run = 0
        self.heartbeats = 0
        self.stopping = False
        self.failure: psycopg.OperationalError | None = None

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

    def _hour_job(self) -> None:
        with self.lock:
            if self.stopping:
                return
            now = self.clock.now()
            latest = now.replace(minute=0, second=0, microsecond=0)
            if latest > self.config.end:
                latest = self.config.end
            # A time warp never runs business time past the wall clock: the database refuses such hours
            # (PD015), so the warp waits for the wall clock once it has caught up with it.
            wall_hour = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
            if latest > wall_hour:
                latest = wall_hour
            last = self.runner.last_closed_hour()
            t = self.config.start if last is None else last + HOUR
            while t <= latest:
                self.runner.step(t)
                self.hours_run += 1
                log.info("hour_closed", hour=t.isoformat(), run_id=self.config.run_id, account=self.config.account)
                t += HOUR
            if latest >= self.config.end and self.runner.last_closed_hour() == self.config.end:
                log.info("run_complete", run_id=self.config.run_id)
                self.stop()

    def heartbeat(self) -> None:
        """Feed status at the business clock: every stale or quarantined feed of the run is logged."""
        try:
            self._heartbeat()
        except psycopg.OperationalError as e:
            self._lost(e)

    def _heartbeat(self) -> None:
        with self.lock:
            if self.stopping or self.runner.conn is None:
                return
            now = self.clock.now()
            rows = self.runner.conn.execute(
                "SELECT symbol, status, staleness FROM api.feed_status(%s, %s, '1h') WHERE symbol = ANY(%s)",
                (now, self.config.venue.venue, list(self.config.symbols))).fetchall()
            self.runner.conn.commit()
            self.heartbeats += 1
            bad = [(s, st, str(age)) for s, st, age in rows if st != "ok"]
            if bad:
                log.warning("feed_degraded", at=now.isoformat(), feeds=bad)
            else:
                log.info("heartbeat", at=now.isoformat(), feeds=len(rows))

    def start(self) -> None:
        self.runner.prepare()
        self.runner.send_unacknowledged()
        if self.clock.origin is None:
            self.scheduler.add_job(self.hour_job, CronTrigger(minute=self.delay_minutes, timezone=UTC),
                                   id="hour", max_instances=1, coalesce=True)
            self.scheduler.add_job(self.heartbeat, IntervalTrigger(minutes=1), id="heartbeat", max_instances=1,
                                   coalesce=True)
        else:
            # Time warp: one business hour every 3600 / speed wall seconds.
            every = max(3600.0 / self.clock.speed, 0.05)
            self.scheduler.add_job(self.hour_job, IntervalTrigger(seconds=every), id="hour", max_instances=1,
                                   coalesce=True, next_run_time=datetime.now(UTC))
            self.scheduler.add_job(self.heartbeat, IntervalTrigger(seconds=max(60.0 / self.clock.speed, 0.05)),
                                   id="heartbeat", max_instances=1, coalesce=True, next_run_time=datetime.now(UTC))
        timer = threading.Timer(self.max_seconds, self.stop) if self.max_seconds is not None else None
        if timer is not None:
            timer.daemon = True
            timer.start()
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: self.stop())
        log.info("scheduler_started", run_id=self.config.run_id, warp=self.clock.origin is not None)
        try:
            self.scheduler.start()
        finally:
            if timer is not None:
                timer.cancel()
            with self.lock:  # a job still running finishes its hour first
                self.stopping = True
                self.runner.close()
        if self.failure is not None:
            raise self.failure

    def stop(self) -> None:
        """Stop scheduling; the hour in progress completes (it is one transaction either way)."""
        self.stopping = True
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
