"""A kill-switch drill on any venue: resting orders, ``api.kill_switch``, and the time from the call's commit
until the last of them is canceled at the venue and recorded. By default on the paper venue
(``bench/halt_latency.py``, the kill-watch test); given a venue (or a factory), on that one — a
:class:`~predator.venues.ccxt_venue.CcxtVenue` talking to the venue emulator in ``bench/live_path.py``.
It needs a book with candles for its symbols, and creates the account it is given (``drill-<n>``); on a
venue that keeps its own account, that account must hold what the book deposits (the run's principal in
its base currency) or reconciliation halts before any order goes out."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from predator import seams
from predator.db import api, ops_reads
from predator.db.connection import Target
from predator.runner.hour import HourRunner, RunConfig
from predator.runner.killwatch import KillWatch
from predator.runner.venues import VenueFactory
from predator.strategies.base import effective_params, load_strategy
from predator.venues.base import OrderRequest, Venue
from predator.venues.paper import PaperConfig


@dataclass(frozen=True)
class DrillResult:
    """What a drill measured. ``latency_s``: seconds from the commit of ``api.kill_switch`` until the runner
    had canceled every order at the venue and recorded the cancels (``inf`` when it did not within 30 s);
    ``committed_at``: that commit on :func:`predator.seams.perf_counter`, to relate times taken elsewhere (at the
    venue) to it; ``canceled_at_venue``: the drill's orders the venue reports canceled, asked by client
    order id after the drill; ``canceled_in_book``: the account's canceled orders in the database."""

    orders: int
    latency_s: float
    canceled_at_venue: int
    canceled_in_book: int
    committed_at: float = 0.0


def drill(
    target: Target,
    account: str,
    symbol: str,
    at: datetime,
    orders: int,
    limit_price: Decimal,
    quantity: Decimal = Decimal("0.001"),
    strategy: str = "predator.strategies.trend:TrendFollower",
    venue: Venue | VenueFactory | None = None,
) -> DrillResult:
    """Place ``orders`` resting limit buys (one per registered strategy) at ``at``, then kill and time.

    ``venue``: the venue to drill on, or a factory building it (``HourRunner(venue=...)``); None: the paper
    venue over the stored bars. A venue with a clock of its own (the emulator) should stand at ``at``.
    Raises AssertionError when an order is not admitted or does not rest at the venue."""
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
    runner = HourRunner(target, cfg, venue=venue)
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
        placed = [d.client_order_id for d in admitted if d.client_order_id is not None]
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
        assert runner.venue is not None
        resting = {o.client_order_id for o in runner.venue.open_orders()}
        assert resting >= set(placed), f"{len(set(placed) - resting)} of {orders} orders do not rest at the venue"

        done = {"t": 0.0}

        def on_kill() -> None:
            runner.service_requests(at)
            done["t"] = seams.perf_counter()

        watch = KillWatch(target, on_kill)
        watch.start()
        try:
            with target.connect("operator") as op:
                with op.transaction():
                    api.kill_switch(op, "kill-switch drill")
                committed = seams.perf_counter()
            deadline = seams.monotonic() + 30
            while not done["t"] and seams.monotonic() < deadline:
                time.sleep(0.001)
        finally:
            watch.stop()
        seen = [runner.venue.order_by_client_id(coid, symbol=symbol) for coid in placed]
        venue_canceled = len([o for o in seen if o is not None and o.status == "canceled"])
        with target.connect("auditor") as conn:
            book_canceled = ops_reads.order_count(conn, account=account, status="canceled")
        return DrillResult(
            orders, (done["t"] - committed) if done["t"] else float("inf"), venue_canceled, book_canceled, committed
        )
    finally:
        runner.close()
