"""The kill-switch listener runs inside the worker (``predator run``, every mode): a committed
``api.kill_switch`` reaches the venue while the worker waits for its next hour, not at that hour.

A sync-fed paper worker runs against the venue emulator, whose clock is frozen after the worker's first hours:
no further hour can close, so only the listener can carry out the kill switch. The worker's strategy rests a
limit buy far below the market; the operator commits the kill switch; the order is cancelled in the book
within seconds."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from predator.db import api
from predator.db.connection import Target
from predator.marketdata.sync import SyncJob, start_feed
from predator.runner.config import RunConfig
from predator.runner.scheduler import ScheduledRun
from predator.strategies.base import Context, Signal
from predator.venues.paper import PaperConfig
from tests.emulator_support import admin, start

AT = datetime(2024, 3, 1, 3, 30, tzinfo=UTC)  # the emulator's (frozen) clock: hours up to 03:00 have closed


@dataclass
class RestingBuy:
    """Test strategy: a limit buy at half the last close, expiring in a day (it rests at the venue)."""

    name: str = field(default="resting_buy", init=False)
    warmup_bars: int = 2

    def generate_signal(self, context: Context) -> Signal | None:
        if context.position > 0:
            return None
        price = (context.last_close / 2).quantize(Decimal("0.01"))
        return Signal(context.decision_time, context.symbol, "buy", 1.0, 50.0,
                      context.decision_time + timedelta(days=1), Decimal("0.01"), "limit", price)


@pytest.mark.xdist_group("emulator")
def test_the_worker_carries_out_a_kill_switch_between_hours(db: Target) -> None:
    srv = start("binance", at=AT)
    try:
        config = RunConfig(account="kill_worker", symbols=("BTC/USDT",),
                           strategy="tests.integration.test_worker_kill_switch:RestingBuy", params={},
                           start=AT.replace(minute=0) - timedelta(hours=1), end=AT + timedelta(days=2),
                           venue=PaperConfig(venue="binance", latency_jitter_ms=0), feed="sync")
        job = SyncJob(db, "binance", symbols=config.symbols, url=srv.url)
        start_feed(job, warmup_bars=30)
        sched = ScheduledRun(db, config, sync=job, bar_wait_seconds=0.2, poll_seconds=0.05, delay_seconds=0)
        worker = threading.Thread(target=sched.start, daemon=True)
        worker.start()
        try:
            deadline = time.monotonic() + 60
            resting = None
            while resting is None and time.monotonic() < deadline:
                with db.connect("auditor") as conn:
                    row = conn.execute("SELECT client_order_id FROM api.orders WHERE account = 'kill_worker'"
                                       " AND status = 'open'").fetchone()
                resting = row[0] if row else None
                time.sleep(0.05)
            assert resting is not None, "the worker never rested its limit buy"
            # The buy rests from the first hour (02:00); the worker then closes 03:00, the last hour the frozen
            # clock has closed. Wait for that hour (counted once its step returned) so that any hour counted
            # after the kill switch would be one the listener did not stop.
            last = AT.replace(minute=0)
            deadline = time.monotonic() + 60
            while sched.hours_run < int((last - config.start) / timedelta(hours=1)) + 1 \
                    and time.monotonic() < deadline:
                time.sleep(0.05)
            with db.connect("auditor") as conn:
                closed = conn.execute("SELECT max(hour) FROM api.hourly_states WHERE account = 'kill_worker'"
                                      ).fetchone()
            assert closed == (last,), closed
            hours_before = sched.hours_run
            with db.connect("operator") as op, op.transaction():
                api.kill_switch(op, "test: the worker's listener", False)
            deadline = time.monotonic() + 30
            status = None
            while status != "canceled" and time.monotonic() < deadline:
                with db.connect("auditor") as conn:
                    status = conn.execute("SELECT status FROM api.orders WHERE client_order_id = %s",
                                          (resting,)).fetchone()[0]
                time.sleep(0.05)
            assert status == "canceled"
            assert sched.kills_handled >= 1
            assert sched.hours_run == hours_before  # no hour closed meanwhile: the listener did it
            assert admin(srv, "GET", "state")["clock"].startswith("2024-03-01T03:30")
        finally:
            sched.stop()
            worker.join(30)
        assert not worker.is_alive()
    finally:
        srv.stop()
