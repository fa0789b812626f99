"""Named reads of the run report (``predator report``, :mod:`predator.reports.report`; docs/architecture.md §6).

Only :mod:`predator.db` speaks SQL. Like :mod:`predator.db.reads`, every read takes an open connection (the
caller owns the transaction: the report reads as the auditor, in one transaction), keyword-only arguments,
and returns frozen dataclasses or a single typed value; no positional tuple crosses the module boundary.
They read the ``api`` schema's views; none raises a PD error (a plain view read).

A report covers the hours closing in (``start``, ``end``]: hourly rows, exits, fills, rejects and halts with
a business time in that interval; admission decisions are stamped with their decision time, so refusals
count those in [``start``, ``end``). Units: amounts in the account's base currency (the quote currency of
its symbols), quantities in base units, prices in quote per base, fractions of equity as fractions (0.05 =
5 %), slippage in basis points, times as timezone-aware UTC datetimes. The incidents a report shows are
:func:`predator.db.ops_reads.book_incidents`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import psycopg

from predator.db.reads import _one, _rows


@dataclass(frozen=True)
class AccountDetail:
    """An account with its book, venue and lane (``api.accounts``)."""

    book_id: int
    name: str
    mode: str  # backtest | paper | shadow | live
    venue: str
    base_currency: str
    lane: str  # paper | live_canary | live_promoted
    initial_principal: Decimal  # base currency
    risk_profile: str
    created_at: datetime  # wall time


def account_detail(conn: psycopg.Connection[Any], *, account: str) -> AccountDetail | None:
    """The account called ``account``, or None."""
    return _one(
        conn,
        AccountDetail,
        "SELECT book_id, name, mode, venue, base_currency, lane, initial_principal, risk_profile, created_at"
        " FROM api.accounts WHERE name = %s",
        (account,),
    )


@dataclass(frozen=True)
class ClosedSpan:
    """The closed hours of an account: ``start`` is the open of its first closed hour (first close - 1 h),
    ``end`` the close of its last; a report over (start, end] covers them all."""

    start: datetime
    end: datetime


@dataclass(frozen=True)
class _Span:
    first: datetime | None
    last: datetime | None


def closed_span(conn: psycopg.Connection[Any], *, account: str) -> ClosedSpan | None:
    """The span of ``account``'s closed hours (``api.hourly_states``), or None when none closed."""
    span = _one(
        conn,
        _Span,
        "SELECT min(hour) AS first, max(hour) AS last FROM api.hourly_states WHERE account = %s",
        (account,),
    )
    if span is None or span.first is None or span.last is None:
        return None
    return ClosedSpan(span.first - timedelta(hours=1), span.last)


@dataclass(frozen=True)
class HourlyStateRow:
    """The state recorded when an hour closed (``api.hourly_states``), in the account's base currency."""

    hour: datetime  # close time
    cash: Decimal
    positions_value: Decimal
    equity: Decimal
    peak_equity: Decimal
    drawdown: Decimal  # fraction of peak equity
    daily_pnl: Decimal
    realized_pnl: Decimal  # cumulative
    unrealized_pnl: Decimal
    fees: Decimal  # cumulative
    gross_exposure: Decimal  # fraction of equity
    open_orders: int
    outputs_hash: str  # sha256 hex (docs/hashing.md)


def hourly_states(
    conn: psycopg.Connection[Any], *, account: str, start: datetime, end: datetime
) -> list[HourlyStateRow]:
    """``account``'s hours closing in (``start``, ``end``], in time order."""
    return _rows(
        conn,
        HourlyStateRow,
        "SELECT hour, cash, positions_value, equity, peak_equity, drawdown, daily_pnl, realized_pnl,"
        " unrealized_pnl, fees, gross_exposure, open_orders, outputs_hash FROM api.hourly_states"
        " WHERE account = %s AND hour > %s AND hour <= %s ORDER BY hour",
        (account, start, end),
    )


@dataclass(frozen=True)
class RoundTripRow:
    """A closed round trip, entry to exit of one position (``api.round_trips``)."""

    account: str
    symbol: str
    trip_no: int  # 1, 2, … per symbol
    entry_ts: datetime
    exit_ts: datetime
    quantity: Decimal  # base units
    entry_avg_price: Decimal  # quote per base
    exit_avg_price: Decimal  # quote per base
    fees: Decimal  # quote
    gross_pnl: Decimal  # quote
    net_pnl: Decimal  # quote, after fees
    net_return: Decimal  # fraction of the entry notional


def round_trips(
    conn: psycopg.Connection[Any], *, account: str, start: datetime, end: datetime
) -> list[RoundTripRow]:
    """``account``'s round trips exiting in (``start``, ``end``], in exit order."""
    return _rows(
        conn,
        RoundTripRow,
        "SELECT account, symbol, trip_no, entry_ts, exit_ts, quantity, entry_avg_price, exit_avg_price, fees,"
        " gross_pnl, net_pnl, net_return FROM api.round_trips"
        " WHERE account = %s AND exit_ts > %s AND exit_ts <= %s ORDER BY exit_ts",
        (account, start, end),
    )


@dataclass(frozen=True)
class ReportFill:
    """A fill with its slippage against the decision price (``api.fills``)."""

    ts: datetime  # venue time
    symbol: str
    side: str  # buy | sell
    quantity: Decimal  # base units
    price: Decimal  # quote per base
    fee: Decimal  # in fee_currency
    fee_currency: str  # the symbol's quote or base currency
    liquidity: str  # taker | maker
    decision_price: Decimal | None  # quote per base: close of the last bar closed by the decision time
    client_order_id: str
    origin: str  # strategy | risk_flatten | kill_switch | …
    slippage_bps: Decimal | None  # basis points, positive = adverse; None without a decision price


def fills(conn: psycopg.Connection[Any], *, account: str, start: datetime, end: datetime) -> list[ReportFill]:
    """``account``'s fills with a venue time in (``start``, ``end``], in time order."""
    return _rows(
        conn,
        ReportFill,
        "SELECT ts, symbol, side, quantity, price, fee, fee_currency, liquidity, decision_price,"
        " client_order_id, origin, slippage_bps"
        " FROM api.fills WHERE account = %s AND ts > %s AND ts <= %s ORDER BY ts, seq",
        (account, start, end),
    )


@dataclass(frozen=True)
class ReasonCount:
    """How often one reason occurred (an admission refusal code, or a venue's reject reason)."""

    reason: str
    count: int


def refusal_counts(
    conn: psycopg.Connection[Any], *, account: str, start: datetime, end: datetime
) -> list[ReasonCount]:
    """Admission refusal reason codes (``api.decisions``) of ``account``'s signals with a decision time in
    [``start``, ``end``), most frequent first (a refused signal counts once per reason)."""
    return _rows(
        conn,
        ReasonCount,
        "SELECT r AS reason, count(*)::int AS count FROM api.decisions, unnest(reasons) r"
        " WHERE account = %s AND outcome = 'refused' AND ts >= %s AND ts < %s GROUP BY r ORDER BY 2 DESC, 1",
        (account, start, end),
    )


def reject_counts(
    conn: psycopg.Connection[Any], *, account: str, start: datetime, end: datetime
) -> list[ReasonCount]:
    """Venue rejects (``api.order_events`` of kind ``rejected``) of ``account`` in (``start``, ``end``] by
    reason (``unspecified`` when the venue gave none), most frequent first."""
    return _rows(
        conn,
        ReasonCount,
        "SELECT coalesce(reason, 'unspecified') AS reason, count(*)::int AS count FROM api.order_events"
        " WHERE account = %s AND kind = 'rejected' AND ts > %s AND ts <= %s GROUP BY 1 ORDER BY 2 DESC, 1",
        (account, start, end),
    )


@dataclass(frozen=True)
class HaltEventRow:
    """A halt or resume (``api.halt_events``)."""

    scope_kind: str  # global | account | lane | strategy
    scope_key: str
    action: str  # halt | resume
    reason: str
    source: str  # system | operator
    actor: str
    ts: datetime | None  # business time (None: outside the business clock)
    effective_at: datetime  # wall time


def halt_events(
    conn: psycopg.Connection[Any], *, book_id: int, start: datetime, end: datetime
) -> list[HaltEventRow]:
    """Halts and resumes of book ``book_id`` and global ones (book 0) with a business time in (``start``,
    ``end``] or none, in the order they took effect."""
    return _rows(
        conn,
        HaltEventRow,
        "SELECT scope_kind, scope_key, action, reason, source, actor, ts, effective_at FROM api.halt_events"
        " WHERE book_id IN (0, %s) AND (ts IS NULL OR (ts > %s AND ts <= %s)) ORDER BY effective_at",
        (book_id, start, end),
    )


@dataclass(frozen=True)
class ClusterExposure:
    """Exposure of a cluster of symbols at an hour's close (``api.exposures`` of kind ``cluster``)."""

    hour: datetime
    cluster: str
    exposure: Decimal  # fraction of equity


def cluster_exposures(
    conn: psycopg.Connection[Any], *, account: str, start: datetime, end: datetime
) -> list[ClusterExposure]:
    """``account``'s cluster exposures at the hours closing in (``start``, ``end``], by hour then cluster."""
    return _rows(
        conn,
        ClusterExposure,
        "SELECT hour, key AS cluster, exposure FROM api.exposures WHERE account = %s AND kind = 'cluster'"
        " AND hour > %s AND hour <= %s ORDER BY hour, key",
        (account, start, end),
    )


@dataclass(frozen=True)
class RunRow:
    """A registered runner run (``api.runs``): its id, kind and reproducing configuration."""

    run_id: str
    kind: str
    config: Any  # JSON as the connection loads it (strategy, symbols, period, venue, …)
    dataset_hash: str | None  # sha256 hex of the market data it ran on


def runs(conn: psycopg.Connection[Any], *, account: str) -> list[RunRow]:
    """The runs registered on ``account``, in the order they started."""
    return _rows(
        conn,
        RunRow,
        "SELECT run_id, kind, config, dataset_hash FROM api.runs WHERE account = %s ORDER BY started_at",
        (account,),
    )


@dataclass(frozen=True)
class ExecutionQuality:
    """An account's execution figures over a period (``api.execution_quality``, the one definition the report and
    the metrics share): orders of the period and how the venue answered them, fractions as fractions (0.05 =
    5 %), slippage in basis points (positive = adverse), latency in wall-clock seconds from an order's recording
    to the venue's first answer."""

    account: str
    orders: int
    acknowledged: int
    rejected: int
    filled_orders: int  # filled at least in part
    fill_rate: Decimal | None  # filled_orders / orders
    rejection_rate: Decimal | None  # rejected / orders
    decisions: int  # admitted + refused signals
    refused: int
    refusal_rate: Decimal | None  # refused / decisions
    fills: int  # voided fills left out
    slippage_fills: int  # fills with a decision price
    slippage_bps_sum: Decimal
    mean_slippage_bps: Decimal | None
    answered_orders: int
    ack_latency_seconds_sum: Decimal
    mean_ack_latency_seconds: Decimal | None
    max_ack_latency_seconds: Decimal | None


def execution_quality(
    conn: psycopg.Connection[Any], *, account: str | None, start: datetime, end: datetime
) -> list[ExecutionQuality]:
    """``api.execution_quality`` over (``start``, ``end``] (decisions [``start``, ``end``)): one row per account,
    every account when ``account`` is None. PD011 an unknown account."""
    return _rows(
        conn,
        ExecutionQuality,
        "SELECT * FROM api.execution_quality(%s::text, %s::timestamptz, %s::timestamptz)",
        (account, start, end),
    )


@dataclass(frozen=True)
class VenueErrors:
    """The venue API errors the worker reported over a period (``api.venue_errors``)."""

    account: str
    reports: int  # health reports (0: the worker reported nothing, e.g. a simulated venue)
    calls: int
    errors: int  # failed calls
    error_rate: Decimal | None  # errors / calls
    disconnected_reports: int
    fatal_errors: int  # errors classified as halt
    fatal: list[str]  # their distinct reasons
    breaker_trips: int  # api_error_rate, connectivity_loss, venue_fatal_error


def venue_errors(conn: psycopg.Connection[Any], *, account: str, start: datetime, end: datetime) -> VenueErrors | None:
    """``api.venue_errors`` of ``account`` over (``start``, ``end``]."""
    return _one(conn, VenueErrors, "SELECT * FROM api.venue_errors(%s::text, %s::timestamptz, %s::timestamptz)",
                (account, start, end))


@dataclass(frozen=True)
class ReconciliationStatus:
    """The reconciliations with the venue over a period (``api.reconciliation_status``)."""

    account: str
    comparisons: int
    clean: int
    mismatches: int
    first_mismatch_ts: datetime | None
    last_mismatch_ts: datetime | None
    mismatched: list[str]  # the differences named, "kind:key"
    latest_ts: datetime | None  # the latest comparison by the period's end (may predate the period)
    latest_clean: bool | None


def reconciliation_status(
    conn: psycopg.Connection[Any], *, account: str, start: datetime, end: datetime
) -> ReconciliationStatus | None:
    """``api.reconciliation_status`` of ``account`` over (``start``, ``end``]."""
    return _one(conn, ReconciliationStatus,
                "SELECT * FROM api.reconciliation_status(%s::text, %s::timestamptz, %s::timestamptz)",
                (account, start, end))


@dataclass(frozen=True)
class Mismatch:
    """A reconciliation that found differences (``api.reconciliations``)."""

    ts: datetime
    kind: str  # hourly | startup | manual
    diffs: Any  # JSON list of {kind, key, …}


def mismatches(conn: psycopg.Connection[Any], *, account: str, start: datetime, end: datetime) -> list[Mismatch]:
    """``account``'s reconciliations with differences dated in (``start``, ``end``], in time order."""
    return _rows(conn, Mismatch,
                 "SELECT ts, kind, diffs FROM api.reconciliations WHERE account = %s AND NOT clean"
                 " AND ts > %s AND ts <= %s ORDER BY ts, seq", (account, start, end))


@dataclass(frozen=True)
class BalanceChange:
    """How a currency's balance of a ledger moved over a period (``api.balance_changes``), signed amounts in the
    currency: start + fills + fees + deposits + withdrawals + transfers + voids + other = end."""

    account: str
    ledger: str
    currency: str
    start_balance: Decimal
    end_balance: Decimal
    fills: Decimal
    fees: Decimal
    deposits: Decimal
    withdrawals: Decimal
    transfers: Decimal
    voids: Decimal
    other: Decimal


def balance_changes(
    conn: psycopg.Connection[Any], *, account: str, start: datetime, end: datetime, ledger: str = "trading"
) -> list[BalanceChange]:
    """``api.balance_changes`` of ``account``'s ``ledger`` over (``start``, ``end``], by currency."""
    return _rows(conn, BalanceChange,
                 "SELECT * FROM api.balance_changes(%s::text, %s::timestamptz, %s::timestamptz, %s::text)",
                 (account, start, end, ledger))


@dataclass(frozen=True)
class LimitBreach:
    """What a limit stopped or halted (``api.limit_breaches``): kind refusal (key: reason code), breaker (key:
    breaker), halt (key: scope_kind:scope_key) or risk_state (key: cause)."""

    account: str
    kind: str
    key: str
    count: int
    first_ts: datetime
    last_ts: datetime
    detail: str | None


def limit_breaches(
    conn: psycopg.Connection[Any], *, account: str, start: datetime, end: datetime
) -> list[LimitBreach]:
    """``api.limit_breaches`` of ``account`` over the period (refusals [``start``, ``end``), the rest (``start``,
    ``end``])."""
    return _rows(conn, LimitBreach,
                 "SELECT * FROM api.limit_breaches(%s::text, %s::timestamptz, %s::timestamptz)",
                 (account, start, end))
