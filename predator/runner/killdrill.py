"""A kill-switch drill on the paper venue: resting orders, ``api.kill_switch``, and the time from the call's
commit until the last of them is canceled at the venue and recorded. Used by ``bench/halt_latency.py`` and
the kill-watch test; it needs a book with candles for its symbols (it creates account ``drill-<n>``)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from predator.db import api, ops_reads
from predator.db.connection import Target
from predator.runner.hour import HourRunner, RunConfig
from predator.runner.killwatch import KillWatch
from predator.strategies.base import effective_params, load_strategy
from predator.venues.base import OrderRequest
from predator.venues.paper import PaperConfig, PaperVenue


@dataclass
class DrillResult:
    orders: int
    latency_s: float  # kill_switch commit -> last cancel recorded
    canceled_at_venue: int
    canceled_in_book: int


def drill(
    target: Target,
    account: str,
    symbol: str,
    at: datetime,
    orders: int,
    limit_price: Decimal,
    quantity: Decimal = Decimal("0.001"),
    strategy: str = "predator.strategies.trend:TrendFollower",
) -> DrillResult:
    """Place ``orders`` resting limit buys (one per registered strategy) at ``at``, then kill and time."""
    params = effective_params(load_strategy(strategy))
    cfg = RunConfig(
        account=account,
        symbols=(symbol,),
        strategy=strategy,
        params=params,
        start=at - timedelta(hours=1),
        end=at + timedelta(days=1),
        venue=PaperConfig(latency_jitter_ms=0),
    )
    runner = HourRunner(target, cfg)
    runner.prepare()
    try:
        runner.step(at - timedelta(hours=1))
        runner.step(at)
        with target.connect("operator") as op, op.transaction():
            for i in range(orders):
                api.register_strategy(op, account, f"drill{i}", {}, "kill-switch drill")
        with target.connect("worker") as w, w.transaction():
            decisions = [
                api.submit_signal(
                    w,
                    account=account,
                    strategy=f"drill{i}",
                    symbol=symbol,
                    ts=at,
                    direction="buy",
                    confidence=Decimal("0.5"),
                    edge_bps=Decimal(50),
                    expiry=at + timedelta(days=1),
                    quantity=quantity,
                    order_type="limit",
                    limit_price=limit_price,
                )
                for i in range(orders)
            ]
        admitted = [d for d in decisions if d.outcome == "admitted"]
        assert len(admitted) == orders, [d.reasons for d in decisions]
        assert runner.conn is not None and runner.relay is not None
        runner.relay.place(
            runner.conn,
            [
                OrderRequest(
                    d.client_order_id,
                    symbol,
                    "buy",
                    "limit",
                    d.quantity,
                    limit_price,
                    at,
                    at + timedelta(days=1),
                    d.decision_price,
                )
                for d in admitted
                if d.client_order_id is not None and d.quantity is not None
            ],
        )
        assert runner.venue is not None and len(runner.venue.open_orders()) == orders

        done = {"t": 0.0}

        def on_kill() -> None:
            runner.service_requests(at)
            done["t"] = time.perf_counter()

        watch = KillWatch(target, on_kill)
        watch.start()
        try:
            with target.connect("operator") as op:
                with op.transaction():
                    api.kill_switch(op, "kill-switch drill")
                committed = time.perf_counter()
            deadline = time.monotonic() + 30
            while not done["t"] and time.monotonic() < deadline:
                time.sleep(0.001)
        finally:
            watch.stop()
        assert isinstance(runner.venue, PaperVenue)
        venue_canceled = len([o for o in runner.venue.orders.values() if o.status == "canceled"])
        with target.connect("auditor") as conn:
            book_canceled = ops_reads.order_count(conn, account=account, status="canceled")
        return DrillResult(
            orders, (done["t"] - committed) if done["t"] else float("inf"), venue_canceled, book_canceled
        )
    finally:
        runner.close()
