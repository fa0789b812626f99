"""Named reads of the operator console (``predator serve``, docs/operator.md): what the Mirror pages and the
``GET /api/v1/...`` routes show.

Only :mod:`predator.db` speaks SQL. Like :mod:`predator.db.reads`, every read takes an open connection (the
console opens it as the auditor's login; the caller owns the transaction), keyword-only arguments, and returns
frozen dataclasses. They read the ``api`` schema's views only, which every login role may select; none raises a
PD error.

Times are timezone-aware UTC datetimes; amounts in the account's reporting (base) currency, quantities in base
units, prices in quote per base, fractions as fractions (0.25 = 25 %).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

import psycopg

from predator.db.reads import _rows

#: Order statuses that are not final (docs/state_machine.md).
OPEN_STATUSES = ("new", "open", "partially_filled")


# --- the state of the safety machinery ------------------------------------------------------------------


@dataclass(frozen=True)
class HaltInForce:
    """A halt in force (``api.halts``, active) with the event that set it (``api.halt_events``): who
    (``actor``: the login role, or the system), why, since when (wall clock ``since``), and the business time
    ``ts`` of a system halt (None for an operator's)."""

    scope_kind: str  # global | lane | account | strategy
    scope_key: str  # '*' | lane | account | account/strategy
    reason: str
    since: datetime
    source: str | None  # operator | system
    actor: str | None
    ts: datetime | None


def halts_in_force(conn: psycopg.Connection[Any]) -> list[HaltInForce]:
    """Every halt in force, oldest first."""
    return _rows(
        conn,
        HaltInForce,
        "SELECT h.scope_kind, h.scope_key, h.reason, h.since, e.source, e.actor, e.ts FROM api.halts h"
        " LEFT JOIN LATERAL (SELECT e.source, e.actor, e.ts FROM api.halt_events e"
        "   WHERE e.scope_kind = h.scope_kind AND e.scope_key = h.scope_key AND e.action = 'halt'"
        "   ORDER BY e.effective_at DESC, e.seq DESC LIMIT 1) e ON true"
        " WHERE h.active ORDER BY h.since, h.scope_kind, h.scope_key",
        {},
    )


@dataclass(frozen=True)
class BreakerTrip:
    """A circuit-breaker trip (``api.breaker_trips``): the figure, its threshold, the scope halted, the
    incident opened."""

    account: str
    breaker: str
    ts: datetime
    value: Decimal | None
    threshold: Decimal | None
    trip_scope: str
    incident: str


def breaker_trips(conn: psycopg.Connection[Any], *, limit: int = 20) -> list[BreakerTrip]:
    """The last ``limit`` breaker trips, newest first (business time)."""
    return _rows(
        conn,
        BreakerTrip,
        "SELECT account, breaker, ts, value, threshold, trip_scope, incident FROM api.breaker_trips"
        " ORDER BY ts DESC, seq DESC LIMIT %(limit)s",
        {"limit": limit},
    )


@dataclass(frozen=True)
class RiskStateRow:
    """An account's risk state when it is not ``normal`` (``api.risk_states``)."""

    account: str
    lane: str
    state: str  # reducing | halted | cooldown
    cause: str | None
    since_ts: datetime | None
    until_ts: datetime | None


def risk_states_not_normal(conn: psycopg.Connection[Any]) -> list[RiskStateRow]:
    """The accounts whose risk state is not ``normal``, by account."""
    return _rows(
        conn,
        RiskStateRow,
        "SELECT account, lane, state, cause, since_ts, until_ts FROM api.risk_states WHERE state <> 'normal'"
        " ORDER BY account",
        {},
    )


@dataclass(frozen=True)
class WorkerHeartbeat:
    """A worker's last report of itself (``api.worker_health``, written at each hour's close): the business
    hour, the wall time it was recorded, its pid and resident memory."""

    account: str
    ts: datetime
    recorded_at: datetime
    pid: int | None
    rss_mb: Decimal


def worker_heartbeats(conn: psycopg.Connection[Any]) -> list[WorkerHeartbeat]:
    """The last worker report of each account, by account."""
    return _rows(
        conn,
        WorkerHeartbeat,
        "SELECT DISTINCT ON (account) account, ts, recorded_at, pid, rss_mb FROM api.worker_health"
        " ORDER BY account, recorded_at DESC, seq DESC",
        {},
    )


@dataclass(frozen=True)
class ReconciliationRow:
    """An account's latest reconciliation (``api.reconciliations``): clean, or the differences."""

    account: str
    seq: int
    kind: str
    ts: datetime
    clean: bool
    diffs: Any  # JSON as the connection loads it


def last_reconciliations(conn: psycopg.Connection[Any]) -> list[ReconciliationRow]:
    """The latest reconciliation of each account that has one, by account."""
    return _rows(
        conn,
        ReconciliationRow,
        "SELECT DISTINCT ON (account) account, seq, kind, ts, clean, diffs FROM api.reconciliations"
        " ORDER BY account, seq DESC",
        {},
    )


@dataclass(frozen=True)
class ValidationRunRow:
    """A recorded run of the validation gates (``api.validation_runs``)."""

    account: str | None  # None: a whole-database run
    seq: int
    range_from: datetime | None
    range_to: datetime
    incremental: bool
    passed: bool
    checkpoint: bool
    actor: str
    recorded_at: datetime


def last_validation_run(conn: psycopg.Connection[Any]) -> ValidationRunRow | None:
    """The most recently recorded run of the gates (any book), or None."""
    rows = _rows(
        conn,
        ValidationRunRow,
        "SELECT account, seq, range_from, range_to, incremental, passed, checkpoint, actor, recorded_at"
        " FROM api.validation_runs ORDER BY recorded_at DESC, book_id, seq DESC LIMIT 1",
        {},
    )
    return rows[0] if rows else None


# --- the book -------------------------------------------------------------------------------------------


#: The limits an account summary carries (pct mode, scope '*', as fractions).
_LIMITS = ("max_drawdown", "drawdown_reduce_tier", "drawdown_halt_tier", "drawdown_flatten_tier", "max_daily_loss",
           "daily_loss_halt", "max_portfolio_exposure")


@dataclass(frozen=True)
class AccountSummary:
    """An account (``api.accounts``) with the figures of its last closed hour (``api.hourly_states``; None
    before the first) and its risk state (``api.risk_states``)."""

    name: str
    mode: str
    venue: str
    base_currency: str
    lane: str
    initial_principal: Decimal
    risk_profile: str
    hour: datetime | None
    equity: Decimal | None
    peak_equity: Decimal | None
    drawdown: Decimal | None  # fraction of peak equity
    daily_pnl: Decimal | None
    gross_exposure: Decimal | None  # fraction of equity
    cash: Decimal | None
    open_orders: int | None
    risk_state: str
    daily_loss: Decimal | None  # the loss since the day's start, fraction of day-start equity (0 when up)
    # The account's risk profile's limits of scope '*' (api.limits, mode pct), as fractions; None: disabled.
    max_drawdown: Decimal | None
    drawdown_reduce_tier: Decimal | None
    drawdown_halt_tier: Decimal | None
    drawdown_flatten_tier: Decimal | None
    max_daily_loss: Decimal | None
    daily_loss_halt: Decimal | None
    max_portfolio_exposure: Decimal | None


def accounts(conn: psycopg.Connection[Any]) -> list[AccountSummary]:
    """Every account with its last closed hour's figures, by name."""
    return _rows(
        conn,
        AccountSummary,
        "SELECT a.name, a.mode, a.venue, a.base_currency, a.lane, a.initial_principal, a.risk_profile, h.hour,"
        " h.equity, h.peak_equity, h.drawdown, h.daily_pnl, h.gross_exposure, h.cash, h.open_orders,"
        " coalesce(r.state, 'normal') AS risk_state,"
        " CASE WHEN h.day_start_equity > 0 THEN trim_scale(greatest(-h.daily_pnl, 0) / h.day_start_equity) END"
        " AS daily_loss,"
        " l.max_drawdown, l.drawdown_reduce_tier, l.drawdown_halt_tier, l.drawdown_flatten_tier, l.max_daily_loss,"
        " l.daily_loss_halt, l.max_portfolio_exposure"
        " FROM api.accounts a"
        " LEFT JOIN LATERAL (SELECT * FROM api.hourly_states s WHERE s.account = a.name"
        "   ORDER BY s.hour DESC LIMIT 1) h ON true"
        " LEFT JOIN api.risk_states r ON r.account = a.name"
        " LEFT JOIN LATERAL (SELECT"
        + ",".join(f" trim_scale(max(x.value) FILTER (WHERE x.limit_name = '{n}') / 100) AS {n}" for n in _LIMITS)
        + "   FROM api.limits x WHERE x.profile = a.risk_profile AND x.scope = '*' AND x.mode = 'pct') l ON true"
        " ORDER BY a.name",
        {},
    )


@dataclass(frozen=True)
class PositionRow:
    """An open long position (``api.positions``) with its exposure at the account's last closed hour
    (``api.exposures``, kind ``instrument``; None before the position's first hour close)."""

    account: str
    symbol: str
    quantity: Decimal
    cost_basis: Decimal  # quote, buy fees included
    hour: datetime | None
    mark: Decimal | None
    notional: Decimal | None  # at mark, reporting currency
    exposure: Decimal | None  # fraction of equity
    instrument_cap: Decimal | None  # max_instrument_exposure of the account's profile (the symbol's own, else '*')


def positions(conn: psycopg.Connection[Any], *, account: str | None = None) -> list[PositionRow]:
    """Open positions (only ``account``'s when given), by account and symbol."""
    return _rows(
        conn,
        PositionRow,
        "SELECT p.account, p.symbol, p.quantity, p.cost_basis, x.hour, x.mark, x.notional, x.exposure,"
        " (SELECT trim_scale(l.value / 100) FROM api.limits l JOIN api.accounts a ON l.profile = a.risk_profile"
        "   WHERE a.name = p.account AND l.limit_name = 'max_instrument_exposure' AND l.mode = 'pct'"
        "     AND l.scope IN (p.symbol, '*') ORDER BY l.scope = p.symbol DESC LIMIT 1) AS instrument_cap"
        " FROM api.positions p"
        " LEFT JOIN LATERAL (SELECT e.hour, e.mark, e.notional, e.exposure FROM api.exposures e"
        "   WHERE e.account = p.account AND e.kind = 'instrument' AND e.key = p.symbol"
        "     AND e.hour = (SELECT max(h.hour) FROM api.hourly_states h WHERE h.account = p.account)) x ON true"
        " WHERE (%(account)s::text IS NULL OR p.account = %(account)s)"
        " ORDER BY p.account, p.symbol",
        {"account": account},
    )


@dataclass(frozen=True)
class OpenOrder:
    """An order that is not final (``api.orders``: new, open or partially filled) with its age: wall seconds
    since its business time ``ts`` (an order of a backtest over past candles is as old as its candle)."""

    account: str
    client_order_id: str
    strategy: str
    symbol: str
    side: str
    order_type: str
    quantity: Decimal
    limit_price: Decimal | None
    status: str
    filled_qty: Decimal
    cancel_requested: bool
    origin: str
    ts: datetime
    updated_ts: datetime
    age_seconds: Decimal


def open_orders(conn: psycopg.Connection[Any], *, account: str | None = None) -> list[OpenOrder]:
    """Orders that are not final (only ``account``'s when given), oldest first."""
    return _rows(
        conn,
        OpenOrder,
        "SELECT account, client_order_id, strategy, symbol, side, order_type, quantity, limit_price, status,"
        " filled_qty, cancel_requested, origin, ts, updated_ts,"
        " round(extract(epoch FROM clock_timestamp() - ts), 3) AS age_seconds"
        " FROM api.orders WHERE status = ANY(%(open)s) AND (%(account)s::text IS NULL OR account = %(account)s)"
        " ORDER BY ts, account, seq",
        {"open": list(OPEN_STATUSES), "account": account},
    )


@dataclass(frozen=True)
class FillRow:
    """An execution (``api.fills``) with its slippage against the order's decision price, in basis points,
    positive when it cost the book (a buy above, a sell below the decision price)."""

    account: str
    client_order_id: str
    strategy: str
    symbol: str
    side: str
    quantity: Decimal
    price: Decimal
    fee: Decimal
    fee_currency: str
    liquidity: str
    ts: datetime
    decision_price: Decimal | None
    slippage_bps: Decimal | None
    voided: bool


def recent_fills(conn: psycopg.Connection[Any], *, account: str | None = None, limit: int = 50) -> list[FillRow]:
    """The last ``limit`` fills (only ``account``'s when given), newest first."""
    return _rows(
        conn,
        FillRow,
        "SELECT account, client_order_id, strategy, symbol, side, quantity, price, fee, fee_currency, liquidity,"
        " ts, decision_price,"
        " round(slippage_bps, 2) AS slippage_bps, voided"
        " FROM api.fills WHERE (%(account)s::text IS NULL OR account = %(account)s)"
        " ORDER BY ts DESC, seq DESC LIMIT %(limit)s",
        {"account": account, "limit": limit},
    )


# --- decisions -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DecisionRow:
    """A signal and the admission gate's verdict (``api.decisions``)."""

    account: str
    strategy: str
    symbol: str
    ts: datetime
    direction: str
    outcome: str  # admitted | refused | hold
    reasons: list[str]
    client_order_id: str | None
    signal_seq: int


def recent_decisions(conn: psycopg.Connection[Any], *, account: str | None = None, outcome: str | None = None,
                     limit: int = 50) -> list[DecisionRow]:
    """The last ``limit`` decisions (only ``account``'s, only of ``outcome`` when given), newest first."""
    return _rows(
        conn,
        DecisionRow,
        "SELECT account, strategy, symbol, ts, direction, outcome, reasons, client_order_id, signal_seq"
        " FROM api.decisions WHERE (%(account)s::text IS NULL OR account = %(account)s)"
        " AND (%(outcome)s::text IS NULL OR outcome = %(outcome)s)"
        " ORDER BY ts DESC, signal_seq DESC LIMIT %(limit)s",
        {"account": account, "outcome": outcome, "limit": limit},
    )


@dataclass(frozen=True)
class RefusalsByReason:
    """How many refused signals carried a reason code (a refusal may carry several), and the last time."""

    reason: str
    count: int
    last_ts: datetime


def refusals_by_reason(conn: psycopg.Connection[Any], *, account: str | None = None) -> list[RefusalsByReason]:
    """Refusal reason codes (only ``account``'s when given) with their counts, most frequent first."""
    return _rows(
        conn,
        RefusalsByReason,
        "SELECT r AS reason, count(*)::int AS count, max(ts) AS last_ts FROM api.decisions, unnest(reasons) r"
        " WHERE outcome = 'refused' AND (%(account)s::text IS NULL OR account = %(account)s)"
        " GROUP BY r ORDER BY 2 DESC, 1",
        {"account": account},
    )
