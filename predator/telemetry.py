"""Telemetry events (issue 16 item 7; seed 003 §7.1): one structured JSON log line per thing an operator's
tools key on, with ``env`` (the run's mode: paper, shadow, live), ``lane``, ``account`` and ``strategy``.

Events, from what the database committed at each hour's close (:mod:`predator.db.telemetry_reads`: never
from what the worker meant to do):

=================================== =====================================================================
event                               from
=================================== =====================================================================
``order_submitted``                 an order admitted (``api.orders``: entries, exits, kill-switch flattens)
``order_acknowledged``              the venue acknowledged it (``api.order_events`` kind ``acknowledged``)
``order_filled``                    a fill (``api.fills``), with price, fee and decision price
``order_rejected``                  the venue or the relay rejected it, with the reason
``order_cancelled``                 canceled or expired (``status`` says which)
``kill_switch_change``              a global halt or resume (the kill switch is one), with reason and source
``risk_breach``                     a system halt of the account, its lane or a strategy; a breaker trip of the
                                    risk kind (rejects, slippage, orders per hour, reconciliation, shadow)
``cooldown_state_change``           the risk state (normal, reducing, halted) of the book or a strategy changed;
                                    an operator's narrower halt or resume
``component_health_change``         the ``worker_rss_mb`` breaker tripped (the worker's own memory)
``data_feed_status_change``         a feed breaker tripped (stale, flat or outlier bars)
``broker_connection_status_change`` a venue breaker tripped (error rate, connectivity, fatal error)
``incident_created``                an incident of the book or a global one opened
``incident_resolved``               one of those resolved
=================================== =====================================================================

Every line carries ``telemetry: true``, the event's business time ``ts`` and the ``view`` and ``seq`` of the
row it was read from (:data:`VIEWS`), so a line joins the row an auditor reads, and the run's ``run_id`` (the
correlation id of every log line of the run, stored with the run in ``api.runs``). Lines go where every log
goes (:mod:`predator.logs`; secrets masked). The cursor starts at the rows present
when the worker starts: a restart does not repeat lines, and rows committed while no worker ran are not
announced (the hour lines and ``api`` views have them). The scheduled worker (``predator run``) emits them;
runs in accelerated time do not (:class:`predator.runner.hour.HourRunner`'s ``telemetry``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import psycopg
import structlog

from predator.db import telemetry_reads as tr

EVENTS = frozenset({
    "order_submitted", "order_acknowledged", "order_filled", "order_rejected", "order_cancelled",
    "risk_breach", "kill_switch_change", "cooldown_state_change", "component_health_change",
    "data_feed_status_change", "broker_connection_status_change", "incident_created", "incident_resolved",
})

#: The ``api`` view each source is read from: a line's ``view`` and ``seq`` name its row.
VIEWS = {"order": "api.orders", "order_event": "api.order_events", "fill": "api.fills",
         "risk_state": "api.risk_state_events", "halt": "api.halt_events", "breaker": "api.breaker_trips",
         "incident": "api.incidents"}

_BROKER = frozenset({"api_error_rate", "connectivity_loss", "venue_fatal_error"})
_FEED = frozenset({"stale_data_hours", "flat_feed_hours", "bar_outlier_pct"})
_COMPONENT = frozenset({"worker_rss_mb"})


@dataclass(frozen=True)
class Event:
    """One telemetry event: its name (:data:`EVENTS`), the strategy it concerns (None: the book's) and the
    fields of the line."""

    name: str
    strategy: str | None
    fields: tuple[tuple[str, Any], ...]


def _pick(row: dict[str, Any], *names: str) -> tuple[tuple[str, Any], ...]:
    return tuple((n, row[n]) for n in names if row.get(n) is not None)


def classify(raw: tr.RawEvent, open_before: frozenset[str]) -> Event | None:
    """The telemetry event of one appended row, or None (an incident still open, seen again)."""
    r = raw.row
    if raw.source == "order":
        return Event("order_submitted", r.get("strategy"), _pick(
            r, "client_order_id", "symbol", "side", "order_type", "quantity", "limit_price", "decision_price",
            "origin", "reduce_only"))
    if raw.source == "order_event":
        kind = r["kind"]
        name = {"acknowledged": "order_acknowledged", "rejected": "order_rejected"}.get(kind, "order_cancelled")
        return Event(name, r.get("strategy"), _pick(r, "client_order_id", "symbol", "side", "venue_order_id",
                                                     "reason") + (("status", kind),))
    if raw.source == "fill":
        return Event("order_filled", r.get("strategy"), _pick(
            r, "client_order_id", "symbol", "side", "venue_trade_id", "quantity", "price", "fee", "fee_currency",
            "liquidity", "decision_price", "origin"))
    if raw.source == "risk_state":
        return Event("cooldown_state_change", r.get("strategy"),
                     _pick(r, "state_before", "state_after", "cause", "reason", "until_ts"))
    if raw.source == "halt":
        scope = f"{r['scope_kind']}:{r['scope_key']}"
        fields = (("action", r["action"]), ("scope", scope)) + _pick(r, "reason", "source", "actor")
        strategy = str(r["scope_key"]).split("/", 1)[1] if r["scope_kind"] == "strategy" else None
        if r["scope_kind"] == "global":
            return Event("kill_switch_change", None, fields + (("engaged", r["action"] == "halt"),))
        if r["action"] == "halt" and r.get("source") == "system":
            return Event("risk_breach", strategy, fields)
        return Event("cooldown_state_change", strategy, fields)
    if raw.source == "breaker":
        b = str(r["breaker"])
        name = ("broker_connection_status_change" if b in _BROKER else "data_feed_status_change" if b in _FEED
                else "component_health_change" if b in _COMPONENT else "risk_breach")
        return Event(name, None, _pick(r, "breaker", "value", "threshold", "trip_scope", "incident")
                     + (("status", "tripped"),))
    if raw.source == "incident":
        fields = _pick(r, "incident", "severity", "category", "scope", "title", "status")
        if r["incident"] in open_before:
            return Event("incident_resolved", None, fields + _pick(r, "resolution")) \
                if r.get("status") == "resolved" else None
        return Event("incident_created", None, fields)
    raise ValueError(f"unknown telemetry source {raw.source!r}")


class Telemetry:
    """The worker's telemetry for one account: :meth:`start` once its session is open, :meth:`after_hour`
    after each hour's commit. ``env`` is the run's mode."""

    def __init__(self, account: str, env: str, log: Any = None) -> None:
        self.account = account
        self.env = env
        self.lane: str | None = None
        self.cursor: tr.Cursor | None = None
        self.log = log if log is not None else structlog.get_logger("predator.telemetry")

    def start(self, conn: psycopg.Connection[Any]) -> None:
        self.lane = tr.account_lane(conn, account=self.account)
        self.cursor = tr.head(conn, account=self.account)
        conn.commit()

    def after_hour(self, conn: psycopg.Connection[Any]) -> list[Event]:
        """Read what was committed since the last call and log one line per event; returns the events."""
        if self.cursor is None:
            self.start(conn)
            return []
        open_before = self.cursor.open_incidents
        raws, self.cursor = tr.events_since(conn, account=self.account, cursor=self.cursor)
        conn.commit()
        pairs = [(raw, ev) for raw in raws if (ev := classify(raw, open_before)) is not None]
        for raw, ev in pairs:
            self.log.info(ev.name, telemetry=True, env=self.env, lane=self.lane, account=self.account,
                          strategy=ev.strategy, ts=raw.ts.isoformat() if raw.ts else None, view=VIEWS[raw.source],
                          seq=raw.seq, **dict(ev.fields))
        return [ev for _, ev in pairs]
