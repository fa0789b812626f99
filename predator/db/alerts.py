"""The alerts outbox as the notifier sees it (issue 16 item 5; docs/operator.md "Alerts").

Only :mod:`predator.db` speaks SQL. The notifier's login (``predator_notifier_login``) may call exactly two
routines, :func:`pending` (``api.alerts_pending``) and :func:`record_attempt` (``api.record_alert_attempt``), and
read ``api.settings`` (:func:`settings`). :func:`alerts` and :func:`attempts` read the ``api.alerts`` and
``api.alert_attempts`` views (worker, operator, auditor). Refusals come out as :class:`predator.errors.DatabaseRefusal`
subclasses (PD011 unknown alert, PD012 a bad argument or an alert already settled on the channel).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import psycopg

from predator.db.api import translated
from predator.db.reads import _rows

#: The statuses of an attempt; all but ``retry`` settle the alert on its channel.
STATUSES = ("delivered", "retry", "failed", "deduplicated")


@dataclass(frozen=True)
class AlertSettings:
    """The operator settings the notifier works with (``api.settings``; shipped defaults when unset)."""

    dedup_window_seconds: float = 900.0
    rate_limit_per_minute: int = 20
    max_attempts: int = 5


@dataclass(frozen=True)
class PendingAlert:
    """An alert not yet settled on one channel (``api.alerts_pending``)."""

    seq: int
    ts: datetime  # wall time the event committed
    business_ts: datetime | None
    category: str  # halt | resume | kill_switch | breaker | stale_feed | risk_breach | withdrawal | ...
    severity: str  # critical | warning | info
    account: str | None  # None: a global or lane event
    dedup_key: str
    title: str
    payload: Any  # JSON as the connection loads it
    channel: str
    attempts: int  # attempts made on this channel so far
    last_attempt_at: datetime | None
    duplicate_of: int | None  # an earlier alert of the same key delivered on the channel within the window
    channel_sends_last_minute: int


@dataclass(frozen=True)
class AlertRow:
    """An alert of the outbox with its latest status per channel (``api.alerts``)."""

    seq: int
    ts: datetime
    business_ts: datetime | None
    category: str
    severity: str
    account: str | None
    dedup_key: str
    title: str
    payload: Any
    source_table: str
    source_key: str
    channels: Any  # {"channel": "delivered|retry|failed|deduplicated"}
    attempts: int


@dataclass(frozen=True)
class AttemptRow:
    """One delivery attempt (``api.alert_attempts``)."""

    alert_seq: int
    category: str
    dedup_key: str
    channel: str
    attempt: int
    ts: datetime
    ok: bool
    status: str
    error: str | None
    duplicate_of: int | None
    actor: str


def settings(conn: psycopg.Connection[Any]) -> AlertSettings:
    """The notifier's settings in force (``alert_dedup_window_seconds``, ``alert_rate_limit_per_minute``,
    ``alert_max_attempts``; an operator sets them with ``api.set_setting``)."""
    rows = dict(conn.execute(
        "SELECT name, value FROM api.settings WHERE name IN"
        " ('alert_dedup_window_seconds', 'alert_rate_limit_per_minute', 'alert_max_attempts')").fetchall())
    d = AlertSettings()
    return AlertSettings(
        dedup_window_seconds=float(rows.get("alert_dedup_window_seconds", d.dedup_window_seconds)),
        rate_limit_per_minute=int(rows.get("alert_rate_limit_per_minute", d.rate_limit_per_minute)),
        max_attempts=int(rows.get("alert_max_attempts", d.max_attempts)),
    )


def pending(conn: psycopg.Connection[Any], *, channels: list[str], limit: int = 100) -> list[PendingAlert]:
    """The alerts not yet settled on each of ``channels``, oldest first (PD012: a channel that is not a name,
    a limit outside 1..1000)."""
    with translated():
        return _rows(conn, PendingAlert, "SELECT * FROM api.alerts_pending(%s, %s)", (channels, limit))


def record_attempt(conn: psycopg.Connection[Any], *, seq: int, channel: str, ok: bool, error: str | None = None,
                   duplicate_of: int | None = None) -> str:
    """Record one attempt of alert ``seq`` on ``channel``; returns the status the database decided (delivered,
    retry, failed, deduplicated). PD011 unknown alert; PD012 bad channel, settled alert, bad duplicate_of."""
    with translated():
        row = conn.execute("SELECT api.record_alert_attempt(%s, %s, %s, %s, %s)",
                           (seq, channel, ok, error, duplicate_of)).fetchone()
    assert row is not None
    return str(row[0])


def alerts(conn: psycopg.Connection[Any], *, category: str | None = None) -> list[AlertRow]:
    """Every alert of the outbox (of ``category`` when given), by seq."""
    return _rows(conn, AlertRow,
                 "SELECT seq, ts, business_ts, category, severity, account, dedup_key, title, payload, source_table,"
                 " source_key, channels, attempts FROM api.alerts WHERE %(c)s::text IS NULL OR category = %(c)s"
                 " ORDER BY seq", {"c": category})


def attempts(conn: psycopg.Connection[Any], *, alert_seq: int | None = None) -> list[AttemptRow]:
    """Every delivery attempt (of alert ``alert_seq`` when given), by alert, channel and attempt."""
    return _rows(conn, AttemptRow,
                 "SELECT alert_seq, category, dedup_key, channel, attempt, ts, ok, status, error, duplicate_of, actor"
                 " FROM api.alert_attempts WHERE %(s)s::bigint IS NULL OR alert_seq = %(s)s"
                 " ORDER BY alert_seq, channel, attempt", {"s": alert_seq})
