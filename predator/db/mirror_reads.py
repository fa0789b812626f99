"""Named reads of the console's Mirror pages beyond the overview (``predator serve``, docs/operator.md): exposure
against the caps, data-feed health, the decision timeline of a symbol, the checks (gate runs, anchors, each
account's last recorded replay, replay parity of the chaos campaigns), the incident console, the strategies and
the change log.

Only :mod:`predator.db` speaks SQL. Like :mod:`predator.db.console_reads`, every read takes an open connection
(the console opens it read-only as the auditor's login; the caller owns the transaction), keyword-only arguments,
and returns frozen dataclasses. They read ``api`` views and call ``api`` read routines only; every figure is the
database's (``api.exposure_usage`` resolves the caps as admission does), none is recomputed here.

Times are timezone-aware UTC datetimes; amounts in the account's reporting currency, fractions as fractions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import psycopg

from predator.db.reads import _rows, _scalar

# --- exposure against the caps -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ExposureUsage:
    """One figure of an account at its last closed hour against one of its limits (``api.exposure_usage``)."""

    account: str
    hour: datetime
    kind: str  # instrument | cluster | quote | pool | portfolio | drawdown | daily_loss
    key: str  # the symbol, cluster, quote currency or pool; '*' for the book's own figures
    amount: Decimal  # reporting currency: the exposure, the drawdown or the day's loss
    base: Decimal  # what a pct limit is a share of: equity, peak or day-start equity
    share: Decimal | None  # amount / base
    limit_name: str
    limit_scope: str | None  # the key's own limit, '*', or None: no limit set
    limit_mode: str | None  # pct | abs
    limit_value: Decimal | None  # None: disabled
    cap: Decimal | None  # the limit as an amount (risk.cap)
    used: Decimal | None  # amount / cap


def exposure_usage(conn: psycopg.Connection[Any], *, account: str | None = None) -> list[ExposureUsage]:
    """Every account's (only ``account``'s when given) figures against their limits, by account and kind.
    PD011 for an unknown ``account``."""
    return _rows(
        conn,
        ExposureUsage,
        "SELECT account, hour, kind, key, amount, base, share, limit_name, limit_scope, limit_mode, limit_value,"
        " cap, used FROM api.exposure_usage(%(account)s)",
        {"account": account},
    )


# --- data-feed health ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FeedHealth:
    """A feed's state at a clock (``api.feed_status``), with how many rows its loads quarantined."""

    venue: str
    symbol: str
    interval: str
    expected_ts: datetime
    last_ts: datetime | None
    last_close: datetime | None
    missing_bars: int | None
    staleness: timedelta | None
    status: str  # ok | quarantined | stale | no_data
    expected_quarantined: bool
    last_quarantined_ts: datetime | None
    last_load_id: int | None
    last_loaded_at: datetime | None
    quarantined_rows: int


def feed_clock(conn: psycopg.Connection[Any], *, at: datetime | None = None) -> datetime:
    """The clock the feeds are judged at: ``at``, else the database's (the transaction's) wall time."""
    value: datetime = _scalar(conn, "SELECT coalesce(%s::timestamptz, now())", (at,))
    return value


def feed_health(conn: psycopg.Connection[Any], *, clock: datetime) -> list[FeedHealth]:
    """Every loaded feed at ``clock``, by venue, symbol and interval."""
    return _rows(
        conn,
        FeedHealth,
        "SELECT f.venue, f.symbol, f.interval, f.expected_ts, f.last_ts, f.last_close, f.missing_bars, f.staleness,"
        " f.status, f.expected_quarantined, f.last_quarantined_ts, f.last_load_id, f.last_loaded_at,"
        " (SELECT count(*)::int FROM api.candle_quarantine q WHERE q.venue = f.venue AND q.symbol = f.symbol"
        "   AND q.interval = f.interval) AS quarantined_rows"
        " FROM api.feed_status(%(clock)s) f ORDER BY f.venue, f.symbol, f.interval",
        {"clock": clock},
    )


@dataclass(frozen=True)
class CandleGap:
    """Bars missing between two stored bars of a feed (``api.candle_gaps``)."""

    venue: str
    symbol: str
    interval: str
    after_ts: datetime
    next_ts: datetime
    missing: int


def candle_gaps(conn: psycopg.Connection[Any], *, venue: str, interval: str, start: datetime,
                end: datetime) -> list[CandleGap]:
    """The gaps of every feed of ``venue`` and ``interval`` with open times in [``start``, ``end``)."""
    return _rows(
        conn,
        CandleGap,
        "SELECT venue, symbol, interval, after_ts, next_ts, missing"
        " FROM api.candle_gaps(%(venue)s, %(interval)s, NULL, %(start)s, %(end)s)",
        {"venue": venue, "interval": interval, "start": start, "end": end},
    )


@dataclass(frozen=True)
class QuarantinedRow:
    """An input row the candle gates refused (``api.candle_quarantine``)."""

    load_id: int
    source: str | None
    line_no: int | None
    venue: str
    symbol: str
    interval: str
    ts: datetime | None
    reasons: list[str]
    raw: str | None
    recorded_at: datetime


def recent_quarantine(conn: psycopg.Connection[Any], *, limit: int = 20) -> list[QuarantinedRow]:
    """The last ``limit`` quarantined rows, newest first."""
    return _rows(
        conn,
        QuarantinedRow,
        "SELECT load_id, source, line_no, venue, symbol, interval, ts, reasons, left(raw, 200) AS raw, recorded_at"
        " FROM api.candle_quarantine ORDER BY recorded_at DESC, load_id DESC, line_no DESC NULLS LAST"
        " LIMIT %(limit)s",
        {"limit": limit},
    )


# --- the decision timeline ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineSymbol:
    """An account and symbol that have signals (``api.decisions``), for the timeline's index."""

    account: str
    symbol: str
    venue: str
    signals: int
    admitted: int
    refused: int
    first_ts: datetime
    last_ts: datetime


def timeline_symbols(conn: psycopg.Connection[Any]) -> list[TimelineSymbol]:
    """Every (account, symbol) with a signal, by account and symbol."""
    return _rows(
        conn,
        TimelineSymbol,
        "SELECT d.account, d.symbol, a.venue, count(*)::int AS signals,"
        " (count(*) FILTER (WHERE d.outcome = 'admitted'))::int AS admitted,"
        " (count(*) FILTER (WHERE d.outcome = 'refused'))::int AS refused, min(d.ts) AS first_ts, max(d.ts) AS last_ts"
        " FROM api.decisions d JOIN api.accounts a ON a.name = d.account"
        " GROUP BY d.account, d.symbol, a.venue ORDER BY d.account, d.symbol",
        {},
    )


def account_venue(conn: psycopg.Connection[Any], *, account: str) -> str | None:
    """The venue of ``account``, or None when there is no such account."""
    value: str | None = _scalar(conn, "SELECT venue FROM api.accounts WHERE name = %s", (account,))
    return value


@dataclass(frozen=True)
class Activity:
    """The business times of the first and the latest signal, order event or fill of an account in a symbol."""

    first_ts: datetime | None
    last_ts: datetime | None


def activity(conn: psycopg.Connection[Any], *, account: str, symbol: str) -> Activity:
    """When ``account`` first and last acted in ``symbol`` (None, None: never)."""
    rows = _rows(
        conn,
        Activity,
        "SELECT min(first_ts) AS first_ts, max(last_ts) AS last_ts FROM ("
        " SELECT min(ts) AS first_ts, max(ts) AS last_ts FROM api.decisions WHERE account = %(a)s AND symbol = %(s)s"
        " UNION ALL SELECT min(e.ts), max(e.ts) FROM api.order_events e JOIN api.orders o USING (client_order_id)"
        "   WHERE o.account = %(a)s AND o.symbol = %(s)s"
        " UNION ALL SELECT min(ts), max(ts) FROM api.fills WHERE account = %(a)s AND symbol = %(s)s) t",
        {"a": account, "s": symbol},
    )
    return rows[0]


@dataclass(frozen=True)
class TimelineEvent:
    """One event of a symbol's timeline, in business time: a signal with the gate's decision (``decision``), an
    order created (``order``), an order's later event (``order_event``: acknowledged, cancel_requested,
    canceled, rejected, expired) or a fill (``fill``)."""

    ts: datetime
    kind: str  # decision | order | order_event | fill
    seq: int
    strategy: str | None
    side: str | None  # decision: buy | sell | exit | hold; order, fill: buy | sell
    status: str | None  # decision: admitted | refused | hold; order: its current status; event: status after
    reasons: list[str] | None  # decision: the reason codes
    client_order_id: str | None
    quantity: Decimal | None
    price: Decimal | None  # decision: the decision price; order: limit or decision price; fill: its price
    detail: str | None


#: The order of kinds at the same business time: the decision, then its order, its events, its fills.
_KIND_ORDER = "CASE kind WHEN 'decision' THEN 1 WHEN 'order' THEN 2 WHEN 'order_event' THEN 3 ELSE 4 END"


def timeline_events(conn: psycopg.Connection[Any], *, account: str, symbol: str, start: datetime,
                    end: datetime) -> list[TimelineEvent]:
    """The signals with their decisions, orders, order events and fills of ``account`` in ``symbol`` with a
    business time in [``start``, ``end``], in time order."""
    return _rows(
        conn,
        TimelineEvent,
        "SELECT ts, kind, seq, strategy, side, status, reasons, client_order_id, quantity, price, detail FROM ("
        " SELECT d.ts, 'decision' AS kind, d.signal_seq AS seq, d.strategy, d.direction AS side, d.outcome AS status,"
        "   d.reasons, d.client_order_id, d.quantity, (d.figures ->> 'price')::numeric AS price,"
        "   CASE WHEN d.edge_bps IS NOT NULL THEN 'edge ' || d.edge_bps || ' bps' END AS detail"
        "   FROM api.decisions d WHERE d.account = %(a)s AND d.symbol = %(s)s AND d.ts BETWEEN %(start)s AND %(end)s"
        " UNION ALL"
        " SELECT o.ts, 'order', o.seq, o.strategy, o.side, o.status, NULL, o.client_order_id, o.quantity,"
        "   coalesce(o.limit_price, o.decision_price), o.order_type || ', ' || o.origin"
        "   || CASE WHEN o.reduce_only THEN ', reduce only' ELSE '' END"
        "   FROM api.orders o WHERE o.account = %(a)s AND o.symbol = %(s)s AND o.ts BETWEEN %(start)s AND %(end)s"
        " UNION ALL"
        " SELECT e.ts, 'order_event', e.seq, o.strategy, o.side, e.status_after, NULL, e.client_order_id,"
        "   e.filled_qty_after, NULL, e.kind || coalesce(': ' || e.reason, '')"
        "   FROM api.order_events e JOIN api.orders o USING (client_order_id)"
        "   WHERE o.account = %(a)s AND o.symbol = %(s)s AND e.kind NOT IN ('created', 'fill')"
        "     AND e.ts BETWEEN %(start)s AND %(end)s"
        " UNION ALL"
        " SELECT f.ts, 'fill', f.seq, f.strategy, f.side, CASE WHEN f.voided THEN 'voided' END, NULL,"
        "   f.client_order_id, f.quantity, f.price,"
        "   f.liquidity || ', fee ' || trim_scale(f.fee) || ' ' || f.fee_currency"
        "   || coalesce(', slippage ' || round(f.slippage_bps, 2) || ' bps', '')"
        "   FROM api.fills f WHERE f.account = %(a)s AND f.symbol = %(s)s AND f.ts BETWEEN %(start)s AND %(end)s"
        f") t ORDER BY ts, {_KIND_ORDER}, seq",
        {"a": account, "s": symbol, "start": start, "end": end},
    )


@dataclass(frozen=True)
class Bar:
    """A stored bar's open time and close (``api.candles``)."""

    ts: datetime
    close: Decimal


def closes(conn: psycopg.Connection[Any], *, venue: str, symbol: str, start: datetime, end: datetime,
           interval: str = "1h") -> list[Bar]:
    """The closes of the bars of a feed with open times in [``start``, ``end``], in time order."""
    return _rows(
        conn,
        Bar,
        "SELECT ts, close FROM api.candles WHERE venue = %(v)s AND symbol = %(s)s AND interval = %(i)s"
        " AND ts BETWEEN %(start)s AND %(end)s ORDER BY ts",
        {"v": venue, "s": symbol, "i": interval, "start": start, "end": end},
    )


# --- checks: gate runs, anchors, replay parity ---------------------------------------------------------------


@dataclass(frozen=True)
class GateRun:
    """A recorded run of the validation gates (``api.validation_runs``) with its violations per gate."""

    account: str | None  # None: every book
    seq: int
    range_from: datetime | None
    range_to: datetime
    incremental: bool
    gates: dict[str, int | None]  # gate -> violating rows (None: the gate errored)
    passed: bool
    checkpoint: bool
    actor: str
    recorded_at: datetime


def gate_runs(conn: psycopg.Connection[Any], *, limit: int = 10) -> list[GateRun]:
    """The last ``limit`` recorded gate runs, newest first."""
    return _rows(
        conn,
        GateRun,
        "SELECT account, seq, range_from, range_to, incremental, gates, passed, checkpoint, actor, recorded_at"
        " FROM api.validation_runs ORDER BY recorded_at DESC, book_id, seq DESC LIMIT %(limit)s",
        {"limit": limit},
    )


@dataclass(frozen=True)
class AnchorRow:
    """The latest signed anchor of a book's chain heads (``api.chain_anchors``)."""

    account: str | None  # None: an on-demand anchor of every chain (book 0)
    seq: int
    kind: str  # close | demand
    hour: datetime | None
    key_id: int
    chains: int
    recorded_at: datetime


def latest_anchors(conn: psycopg.Connection[Any]) -> list[AnchorRow]:
    """Each book's latest anchor, by account (every chain's first)."""
    return _rows(
        conn,
        AnchorRow,
        "SELECT DISTINCT ON (book_id) account, seq, kind, hour, key_id, jsonb_array_length(heads) AS chains,"
        " recorded_at FROM api.chain_anchors ORDER BY book_id, seq DESC",
        {},
    )


@dataclass(frozen=True)
class ReplayRun:
    """An account's last recorded replay (``api.replay_runs``, written by ``api.record_replay``)."""

    account: str
    seq: int
    run_id: str
    range_from: datetime  # the first closed hour compared
    range_to: datetime  # the last closed hour compared
    hours_compared: int
    mismatches: int
    first_mismatch_hour: datetime | None
    first_mismatch: list[str] | None  # the problems of the first mismatched hour
    interventions: int
    unreplayable: int
    parity: bool
    actor: str
    recorded_at: datetime


def last_replays(conn: psycopg.Connection[Any]) -> list[ReplayRun]:
    """Each account's last recorded replay (the highest seq of its book's chain), by account."""
    return _rows(
        conn,
        ReplayRun,
        "SELECT account, seq, run_id, range_from, range_to, hours_compared, mismatches, first_mismatch_hour,"
        " first_mismatch, interventions, unreplayable, parity, actor, recorded_at"
        " FROM (SELECT DISTINCT ON (book_id) * FROM api.replay_runs ORDER BY book_id, seq DESC) r"
        " ORDER BY account",
        {},
    )


@dataclass(frozen=True)
class CampaignParity:
    """A chaos campaign's verdict with its replay parity (``api.chaos_campaigns``)."""

    campaign_id: int
    campaign: int
    seed: int
    days: int
    account: str
    failed_gate_checks: int
    failed_chain_checks: int
    replay_parity: bool | None
    passed: bool
    recorded_at: datetime


def recent_campaigns(conn: psycopg.Connection[Any], *, limit: int = 5) -> list[CampaignParity]:
    """The last ``limit`` chaos campaigns recorded, newest first."""
    return _rows(
        conn,
        CampaignParity,
        "SELECT campaign_id, campaign, seed, days, account, failed_gate_checks, failed_chain_checks, replay_parity,"
        " passed, recorded_at FROM api.chaos_campaigns ORDER BY recorded_at DESC, campaign_id DESC LIMIT %(limit)s",
        {"limit": limit},
    )


# --- incidents, strategies, the change log --------------------------------------------------------------------


@dataclass(frozen=True)
class IncidentUpdate:
    """An acknowledgement, comment or resolution of an incident (``api.incident_updates``)."""

    incident: str
    action: str  # acknowledged | comment | resolved
    reason: str
    actor: str
    recorded_at: datetime


def incident_updates(conn: psycopg.Connection[Any], *, incidents: list[str]) -> list[IncidentUpdate]:
    """The updates of ``incidents``, oldest first."""
    return _rows(
        conn,
        IncidentUpdate,
        "SELECT incident, action, reason, actor, recorded_at FROM api.incident_updates"
        " WHERE incident = ANY(%(ids)s) ORDER BY recorded_at, book_id, seq",
        {"ids": incidents},
    )


@dataclass(frozen=True)
class StrategyRow:
    """A strategy of an account (``api.strategies``) with its risk state (``api.strategy_risk_states``)."""

    account: str
    strategy: str
    status: str  # active | paused
    pool: str
    priority: int
    risk_state: str  # normal | reducing | halted | cooldown
    cause: str | None


def strategies(conn: psycopg.Connection[Any]) -> list[StrategyRow]:
    """Every strategy of every account, by account and strategy."""
    return _rows(
        conn,
        StrategyRow,
        "SELECT s.account, s.strategy, s.status, s.pool, s.priority, coalesce(r.state, 'normal') AS risk_state,"
        " r.cause FROM api.strategies s"
        " LEFT JOIN api.strategy_risk_states r ON r.account = s.account AND r.strategy = s.strategy"
        " ORDER BY s.account, s.strategy",
        {},
    )


@dataclass(frozen=True)
class AuditRow:
    """An operator action (``api.audit_log``)."""

    book_id: int
    seq: int
    action: str
    target: str
    args: Any  # JSON as the connection loads it
    reason: str
    actor: str
    recorded_at: datetime
    correlation_id: str | None


def audit_log(conn: psycopg.Connection[Any], *, action: str | None = None, limit: int = 200) -> list[AuditRow]:
    """The last ``limit`` operator actions (only ``action``'s when given), newest first (wall time)."""
    return _rows(
        conn,
        AuditRow,
        "SELECT book_id, seq, action, target, args, reason, actor, recorded_at, correlation_id FROM api.audit_log"
        " WHERE (%(action)s::text IS NULL OR action = %(action)s)"
        " ORDER BY recorded_at DESC, book_id DESC, seq DESC LIMIT %(limit)s",
        {"action": action, "limit": limit},
    )


@dataclass(frozen=True)
class ActionCount:
    """How many audit rows an action has."""

    action: str
    count: int


def audit_actions(conn: psycopg.Connection[Any]) -> list[ActionCount]:
    """Every action of the audit log with its count, by action."""
    return _rows(conn, ActionCount,
                 "SELECT action, count(*)::int AS count FROM api.audit_log GROUP BY action ORDER BY action", {})
