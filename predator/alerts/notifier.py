"""The notifier: delivers the database's alerts outbox through apprise (``predator notify run``).

One pass (:meth:`Notifier.run_once`) asks the database for the alerts not yet settled on each configured channel
(``api.alerts_pending``, oldest first) and, for each alert and channel:

* **deduplicates**: an alert whose dedup key was delivered on that channel within ``alert_dedup_window_seconds``
  before it (by the alerts' wall times; the database names that earlier alert, and the pass remembers what it
  just delivered) is recorded ``deduplicated`` and not sent;
* **waits out its backoff**: after a failed attempt the next one is due ``retry_base_seconds * 2^(n-1)`` later,
  at most ``retry_max_seconds``;
* **rate-limits** each channel: at most ``alert_rate_limit_per_minute`` sends in any 60 seconds (counted from the
  recorded attempts, so several processes share the budget); an alert over the limit stays pending for a later
  pass, nothing is recorded for it;
* **sends** through apprise and records the attempt (``api.record_alert_attempt``); the database decides the
  status: delivered, retry, or failed when this was attempt ``alert_max_attempts`` (then the alert is given up on
  that channel, and ``api.alerts`` shows it). Nothing is retried forever.

Secrets of the channel URLs are registered with :mod:`predator.redaction` (every log handler masks them) and
masked by :mod:`predator.alerts.masking` in every error before it is logged or recorded.
"""

from __future__ import annotations

import json
import logging
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import psycopg
import structlog

from predator import redaction, seams
from predator.alerts import masking
from predator.alerts.config import Channel, NotifierConfig
from predator.db import alerts as db_alerts
from predator.db.connection import Target

log = structlog.get_logger("predator.alerts")

#: Schemes of HTTP-based apprise plugins, which take connect (cto) and read (rto) timeouts as URL parameters.
_HTTP_SCHEMES = frozenset({"json", "jsons", "xml", "xmls", "form", "forms", "tgram", "telegram"})

#: A sender: (channel, title, body, severity) -> error text, None when the channel accepted the message.
Sender = Callable[[Channel, str, str, str], "str | None"]


@dataclass
class PassSummary:
    """What one pass did."""

    delivered: int = 0
    retried: int = 0
    failed: int = 0
    deduplicated: int = 0
    rate_limited: int = 0
    waiting: int = 0  # not yet due (backoff)
    statuses: list[tuple[int, str, str]] = field(default_factory=list)  # (seq, channel, status)

    def line(self) -> str:
        return (f"alerts: {self.delivered} delivered, {self.deduplicated} deduplicated, {self.retried} to retry,"
                f" {self.failed} failed, {self.rate_limited} rate-limited, {self.waiting} waiting for their backoff")


def _with_timeouts(url: str, timeout: float) -> str:
    scheme = urlsplit(url).scheme.lower()
    if scheme not in _HTTP_SCHEMES or "cto=" in url or "rto=" in url:
        return url
    return f"{url}{'&' if '?' in url else '?'}cto={timeout:g}&rto={timeout:g}"


def apprise_sender(timeout_seconds: float) -> Sender:
    """The real sender: one apprise notification per call, its log captured (masked) as the error text."""
    import apprise

    # apprise's own log lines may quote a URL: they go only to the capture below (masked), never to another handler
    quiet = logging.getLogger("apprise")
    quiet.propagate = False
    if not quiet.handlers:
        quiet.addHandler(logging.NullHandler())
    kinds = {"critical": apprise.NotifyType.FAILURE, "warning": apprise.NotifyType.WARNING,
             "info": apprise.NotifyType.INFO}

    def send(channel: Channel, title: str, body: str, severity: str) -> str | None:
        # apprise loads its plugins lazily; some import modules Python deprecates (imghdr): not the alert's failure
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            ap = apprise.Apprise()
            if not ap.add(_with_timeouts(channel.url, timeout_seconds)):
                return f"apprise does not accept the url of channel {channel.name} ({masking.mask_url(channel.url)})"
            try:
                with apprise.LogCapture(level=logging.WARNING) as captured:  # type: ignore[no-untyped-call]
                    ok = ap.notify(body=body, title=title, notify_type=kinds.get(severity, apprise.NotifyType.INFO))
                    text = captured.getvalue()
            except Exception as e:  # noqa: BLE001 - a plugin's failure is the channel's failure, recorded
                return masking.mask(f"{type(e).__name__}: {e}", [channel.url])
        if ok:
            return None
        return masking.mask(" ".join(text.split()) or "apprise reported a failure", [channel.url])

    return send


def backoff_seconds(attempts: int, base: float, cap: float) -> float:
    """The wait after ``attempts`` failed attempts: ``base * 2^(attempts-1)``, at most ``cap`` (0 before any)."""
    if attempts <= 0:
        return 0.0
    return float(min(cap, base * 2.0 ** min(attempts - 1, 30)))


def message(alert: db_alerts.PendingAlert) -> tuple[str, str]:
    """The (title, body) of an alert: the title the database wrote with its severity; the body its category,
    account, times, payload and seq."""
    title = f"[{alert.severity.upper()}] Predator: {alert.title}"
    lines = [alert.title, "", f"category: {alert.category}", f"severity: {alert.severity}",
             f"account: {alert.account or '*'}"]
    if alert.business_ts is not None:
        lines.append(f"business time: {alert.business_ts.isoformat()}")
    lines += [f"recorded: {alert.ts.isoformat()}", f"alert: #{alert.seq} (key {alert.dedup_key})", "",
              json.dumps(alert.payload, sort_keys=True, default=str)]
    return title, "\n".join(lines)


class Notifier:
    """Delivers the outbox of ``target``'s database to ``config``'s channels, connected as the notifier login."""

    def __init__(self, target: Target, config: NotifierConfig, *, sender: Sender | None = None) -> None:
        self.target = target
        self.config = config
        self.urls = [c.url for c in config.channels]
        for url in self.urls:
            redaction.register(*masking.secrets_of(url))
        self.sender = sender or apprise_sender(config.timeout_seconds)
        self.channels = {c.name: c for c in config.channels}

    def run_once(self) -> PassSummary:
        """One pass over the pending alerts (see the module's doc)."""
        summary = PassSummary()
        with self.target.connect("notifier", autocommit=True) as conn:
            settings = db_alerts.settings(conn)
            pending = db_alerts.pending(conn, channels=sorted(self.channels), limit=self.config.batch)
            window = timedelta(seconds=settings.dedup_window_seconds)
            delivered: dict[tuple[str, str], list[tuple[int, datetime]]] = {}
            sends: dict[str, int] = {}
            now = seams.wall_now()
            for alert in pending:
                channel = self.channels[alert.channel]
                dup = alert.duplicate_of
                if dup is None:
                    dup = next((s for s, ts in delivered.get((alert.channel, alert.dedup_key), [])
                                if ts >= alert.ts - window), None)
                if dup is not None:
                    status = db_alerts.record_attempt(conn, seq=alert.seq, channel=alert.channel, ok=True,
                                                      duplicate_of=dup)
                    summary.deduplicated += 1
                    summary.statuses.append((alert.seq, alert.channel, status))
                    log.info("alert_deduplicated", seq=alert.seq, channel=alert.channel, duplicate_of=dup,
                             dedup_key=alert.dedup_key)
                    continue
                if alert.last_attempt_at is not None:
                    wait = backoff_seconds(alert.attempts, self.config.retry_base_seconds,
                                           self.config.retry_max_seconds)
                    if now < alert.last_attempt_at + timedelta(seconds=wait):
                        summary.waiting += 1
                        continue
                used = alert.channel_sends_last_minute + sends.get(alert.channel, 0)
                if used >= settings.rate_limit_per_minute:
                    summary.rate_limited += 1
                    log.warning("alert_rate_limited", seq=alert.seq, channel=alert.channel,
                                limit_per_minute=settings.rate_limit_per_minute)
                    continue
                title, body = message(alert)
                try:
                    error = self.sender(channel, title, body, alert.severity)
                except Exception as e:  # noqa: BLE001 - recorded as the attempt's error, never raised past here
                    error = f"{type(e).__name__}: {e}"
                sends[alert.channel] = sends.get(alert.channel, 0) + 1
                if error is not None:
                    error = masking.mask(redaction.redact(error), self.urls)
                status = db_alerts.record_attempt(conn, seq=alert.seq, channel=alert.channel, ok=error is None,
                                                  error=error)
                summary.statuses.append((alert.seq, alert.channel, status))
                if status == "delivered":
                    summary.delivered += 1
                    delivered.setdefault((alert.channel, alert.dedup_key), []).append((alert.seq, alert.ts))
                    log.info("alert_delivered", seq=alert.seq, channel=alert.channel, category=alert.category,
                             severity=alert.severity, account=alert.account)
                elif status == "failed":
                    summary.failed += 1
                    log.error("alert_failed", seq=alert.seq, channel=alert.channel, attempt=alert.attempts + 1,
                              error=error)
                else:
                    summary.retried += 1
                    log.warning("alert_retry", seq=alert.seq, channel=alert.channel, attempt=alert.attempts + 1,
                                error=error)
        return summary

    def run(self, *, stop: Callable[[], bool] = lambda: False,
            on_pass: Callable[[PassSummary], Any] | None = None) -> None:
        """Passes every ``poll_seconds`` until ``stop()`` says so (or the process is interrupted). A pass that
        cannot reach the database is logged and the next one tries again: the alerts wait in the outbox."""
        while not stop():
            try:
                summary = self.run_once()
            except psycopg.OperationalError as e:
                log.warning("notifier_database_unreachable", error=masking.mask(str(e), self.urls))
            else:
                if on_pass is not None:
                    on_pass(summary)
            seams.sleep(self.config.poll_seconds)
