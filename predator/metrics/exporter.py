"""``predator metrics serve``: the Prometheus text exposition on 127.0.0.1, read from the database at each scrape.

:class:`DatabaseCollector` is a custom ``prometheus_client`` collector: every scrape opens the auditor's
connection, reads one consistent snapshot (:func:`predator.db.metrics_reads.snapshot`) and turns it into metric
families. It keeps no state between scrapes, so the database stays the only truth: what a scrape shows is what the
views said at that moment. A database that cannot be read gives ``predator_database_up 0`` and nothing else.

Base units (seconds, ratios) and few labels (docs/operator.md lists every metric). The server listens on loopback
only; put a reverse proxy or Prometheus's own agent on the same host to reach it from elsewhere.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import psycopg
import structlog
from prometheus_client import make_wsgi_app
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric, SummaryMetricFamily
from prometheus_client.registry import Collector, CollectorRegistry

from predator.db import metrics_reads
from predator.db.connection import Target

log = structlog.get_logger("predator.metrics")

#: The only address the exporter listens on.
HOST = "127.0.0.1"
DEFAULT_PORT = 9187


class DatabaseCollector(Collector):
    """Reads ``target``'s ``api`` views as the auditor at every scrape and yields Predator's metric families."""

    def __init__(self, target: Target) -> None:
        self.target = target

    def collect(self) -> Iterator[Metric]:
        up = GaugeMetricFamily("predator_database_up", "1 when the scrape could read the database, else 0")
        try:
            with self.target.connect("auditor") as conn:
                snap = metrics_reads.snapshot(conn)
        except psycopg.Error as e:
            log.warning("metrics_scrape_failed", error=f"{type(e).__name__}: {e}")
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        yield from families(snap)


def families(snap: metrics_reads.Snapshot) -> Iterator[Metric]:
    """The metric families of one snapshot."""
    g = GaugeMetricFamily("predator_halts_active", "Halts in force, by scope kind (global, lane, account, strategy)",
                          labels=["scope_kind"])
    for kind in ("global", "lane", "account", "strategy"):
        g.add_metric([kind], snap.halts_active.get(kind, 0))
    yield g
    c = CounterMetricFamily("predator_breaker_trips", "Circuit-breaker trips recorded, by breaker", labels=["breaker"])
    for breaker, n in sorted(snap.breaker_trips.items()):
        c.add_metric([breaker], n)
    yield c
    g = GaugeMetricFamily("predator_books", "Books (accounts) by risk state", labels=["risk_state"])
    for state in ("normal", "reducing", "halted", "cooldown"):
        g.add_metric([state], snap.risk_states.get(state, 0))
    yield g
    st = GaugeMetricFamily("predator_feed_staleness_seconds",
                           "Seconds since the last stored 1h bar of a traded symbol closed (wall clock)",
                           labels=["venue", "symbol"])
    mb = GaugeMetricFamily("predator_feed_missing_bars", "1h bars missing since the last stored one, traded symbols",
                           labels=["venue", "symbol"])
    for f in snap.feeds:
        if f.staleness_seconds is not None:
            st.add_metric([f.venue, f.symbol], f.staleness_seconds)
        if f.missing_bars is not None:
            mb.add_metric([f.venue, f.symbol], f.missing_bars)
    yield st
    yield mb
    eq = GaugeMetricFamily("predator_equity", "Equity at the last closed hour, in the account's reporting currency",
                           labels=["account", "currency"])
    dd = GaugeMetricFamily("predator_drawdown_ratio", "Drawdown at the last closed hour, fraction of the peak equity",
                           labels=["account"])
    for b in snap.books:
        eq.add_metric([b.account, b.currency], float(b.equity))
        dd.add_metric([b.account], float(b.drawdown))
    yield eq
    yield dd
    g = GaugeMetricFamily("predator_rolling_surplus",
                          "Net operating surplus of the latest rolling self-financing window (reporting currency)",
                          labels=["account", "currency", "window_days"])
    for s in snap.surplus:
        g.add_metric([s.account, s.currency, str(s.window_days)], float(s.surplus))
    yield g
    c = CounterMetricFamily("predator_orders", "Orders created, by account", labels=["account"])
    for account, n in sorted(snap.orders.items()):
        c.add_metric([account], n)
    yield c
    g = GaugeMetricFamily("predator_orders_open", "Orders new, open or partially filled, by account",
                          labels=["account"])
    for account, n in sorted(snap.open_orders.items()):
        g.add_metric([account], n)
    yield g
    c = CounterMetricFamily("predator_fills", "Fills recorded, by account", labels=["account"])
    for account, n in sorted(snap.fills.items()):
        c.add_metric([account], n)
    yield c
    c = CounterMetricFamily("predator_refusals", "Refused admission decisions naming each reason code",
                            labels=["reason"])
    for reason, n in sorted(snap.refusals.items()):
        c.add_metric([reason], n)
    yield c
    c = CounterMetricFamily("predator_alerts", "Alerts written to the outbox, by category", labels=["category"])
    for category, n in sorted(snap.alerts_by_category.items()):
        c.add_metric([category], n)
    yield c
    yield GaugeMetricFamily("predator_alerts_pending", "Alerts no channel has settled yet",
                            value=snap.alerts_pending)
    yield GaugeMetricFamily("predator_alerts_failed", "Alerts given up on (status failed) on at least one channel",
                            value=snap.alerts_failed)
    yield from execution_families(snap)


def execution_families(snap: metrics_reads.Snapshot) -> Iterator[Metric]:
    """Seed 002's execution metrics (``api.execution_quality``, as the daily report computes them), the hour-close
    duration (``api.hour_closes``) and the venue API errors the workers reported (``api.venue_errors``)."""
    rej = CounterMetricFamily("predator_orders_rejected", "Orders the venue rejected, by account", labels=["account"])
    fill = GaugeMetricFamily("predator_order_fill_ratio",
                             "Orders filled at least in part / orders created, since the account began",
                             labels=["account"])
    rejr = GaugeMetricFamily("predator_order_rejection_ratio",
                             "Orders the venue rejected / orders created, since the account began", labels=["account"])
    refr = GaugeMetricFamily("predator_admission_refusal_ratio",
                             "Refused admission decisions / admitted and refused ones, since the account began",
                             labels=["account"])
    slip = SummaryMetricFamily("predator_fill_slippage_ratio",
                               "Fill price against the decision price as a fraction (bps / 10000, positive = adverse), "
                               "fills with a decision price, voided fills left out", labels=["account"])
    lat = SummaryMetricFamily("predator_order_ack_latency_seconds",
                              "Wall-clock seconds from an order's recording (the decision) to the recording of the "
                              "venue's first answer (acknowledgement, reject or fill)", labels=["account"])
    for e in snap.execution:
        rej.add_metric([e.account], e.rejected)
        if e.fill_ratio is not None:
            fill.add_metric([e.account], float(e.fill_ratio))
        if e.rejection_ratio is not None:
            rejr.add_metric([e.account], float(e.rejection_ratio))
        if e.refusal_ratio is not None:
            refr.add_metric([e.account], float(e.refusal_ratio))
        slip.add_metric([e.account], count_value=e.slippage_fills, sum_value=float(e.slippage_ratio_sum))
        lat.add_metric([e.account], count_value=e.answered_orders, sum_value=float(e.ack_latency_seconds_sum))
    yield from (rej, fill, rejr, refr, slip, lat)
    dur = SummaryMetricFamily("predator_hour_close_duration_seconds",
                              "Wall-clock duration of api.close_hour (the whole governed close), hours closed since "
                              "migration 0033", labels=["account"])
    last = GaugeMetricFamily("predator_hour_close_last_duration_seconds",
                             "Wall-clock duration of the account's latest hour close", labels=["account"])
    for h in snap.hour_closes:
        dur.add_metric([h.account], count_value=h.closes, sum_value=float(h.seconds_sum))
        last.add_metric([h.account], float(h.last_seconds))
    yield dur
    yield last
    calls = CounterMetricFamily("predator_venue_api_calls", "Venue API calls the worker reported, by account",
                                labels=["account"])
    errors = CounterMetricFamily("predator_venue_api_errors",
                                 "Venue API calls that failed (transient errors, timeouts), by account",
                                 labels=["account"])
    fatal = CounterMetricFamily("predator_venue_api_fatal_errors",
                                "Venue errors the worker classified as halt, by account", labels=["account"])
    for v in snap.venue_api:
        calls.add_metric([v.account], v.calls)
        errors.add_metric([v.account], v.errors)
        fatal.add_metric([v.account], v.fatal_errors)
    yield from (calls, errors, fatal)


def registry(target: Target) -> CollectorRegistry:
    """A registry holding only :class:`DatabaseCollector` (no process metrics, nothing cached)."""
    reg = CollectorRegistry(auto_describe=False)
    reg.register(DatabaseCollector(target))
    return reg


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the stdlib's signature
        return


def make_exporter(target: Target, port: int = DEFAULT_PORT) -> WSGIServer:
    """The exporter's HTTP server on 127.0.0.1:``port`` (0: a free port; ``server.server_port`` tells which),
    not started: call ``serve_forever()`` (or :func:`start_in_thread`)."""
    return make_server(HOST, port, make_wsgi_app(registry(target)), handler_class=_QuietHandler)


def start_in_thread(server: WSGIServer) -> threading.Thread:
    """Serve ``server`` on a daemon thread; stop it with ``server.shutdown()``."""
    t = threading.Thread(target=server.serve_forever, name="predator-metrics", daemon=True)
    t.start()
    return t
