"""What the Prometheus exporter reports, read from the ``api`` views at scrape time (issue 16 item 6;
docs/operator.md "Metrics").

Only :mod:`predator.db` speaks SQL. :func:`snapshot` reads every figure in one REPEATABLE READ transaction (so a
scrape is one consistent picture) as the auditor, and keeps nothing between scrapes: the database stays the only
truth. Labels are kept few: scope kinds, breaker names, risk states, reason codes, account names, and the
(venue, symbol) feeds of traded books only (the symbols of the accounts' runs and of their open positions).
Amounts are in each account's reporting currency; times in seconds; drawdown, fill, rejection and refusal rates and
slippage as fractions. The execution figures come from ``api.execution_quality``, the function the daily report uses.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import psycopg


@dataclass(frozen=True)
class FeedFigure:
    """A traded feed (1h bars): seconds since its last stored bar closed (wall clock), missing bars, status."""

    venue: str
    symbol: str
    staleness_seconds: float | None  # None: no bar stored
    missing_bars: int | None
    status: str


@dataclass(frozen=True)
class BookFigure:
    """An account's last closed hour: equity and drawdown (``api.hourly_states``)."""

    account: str
    currency: str
    equity: Decimal
    drawdown: Decimal  # fraction of the peak equity, 0..1


@dataclass(frozen=True)
class SurplusFigure:
    """An account's latest rolling self-financing status (``api.treasury_status``, window_days > 1)."""

    account: str
    currency: str
    window_days: int
    surplus: Decimal


@dataclass(frozen=True)
class ExecutionFigure:
    """An account's execution figures since it began (``api.execution_quality``, the definition the daily report
    uses too): ratios as fractions, slippage summed as a fraction of the decision price (bps / 10 000), latency in
    wall-clock seconds from an order's recording to the venue's first answer."""

    account: str
    orders: int
    rejected: int
    fill_ratio: Decimal | None  # orders filled at least in part / orders
    rejection_ratio: Decimal | None  # orders rejected by the venue / orders
    refusal_ratio: Decimal | None  # refused admission decisions / decisions
    slippage_fills: int
    slippage_ratio_sum: Decimal  # Σ slippage, fraction (positive = adverse)
    answered_orders: int
    ack_latency_seconds_sum: Decimal


@dataclass(frozen=True)
class HourCloseFigure:
    """An account's hour closes timed since migration 0033 (``api.hour_closes``): count, total and last duration."""

    account: str
    closes: int
    seconds_sum: Decimal
    last_seconds: Decimal


@dataclass(frozen=True)
class VenueApiFigure:
    """The venue API calls and failures an account's worker reported (``api.venue_errors``)."""

    account: str
    calls: int
    errors: int
    fatal_errors: int


@dataclass(frozen=True)
class Snapshot:
    """Every figure of one scrape."""

    halts_active: dict[str, int] = field(default_factory=dict)  # scope_kind -> active halts
    breaker_trips: dict[str, int] = field(default_factory=dict)  # breaker -> trips ever
    risk_states: dict[str, int] = field(default_factory=dict)  # state -> books in it
    feeds: list[FeedFigure] = field(default_factory=list)
    books: list[BookFigure] = field(default_factory=list)
    surplus: list[SurplusFigure] = field(default_factory=list)
    orders: dict[str, int] = field(default_factory=dict)  # account -> orders ever
    open_orders: dict[str, int] = field(default_factory=dict)  # account -> new, open, partially filled
    fills: dict[str, int] = field(default_factory=dict)  # account -> fills ever (voided ones included)
    refusals: dict[str, int] = field(default_factory=dict)  # reason code -> refused decisions naming it
    alerts_pending: int = 0  # alerts no channel has settled yet
    alerts_failed: int = 0  # alerts given up on at least one channel
    alerts_by_category: dict[str, int] = field(default_factory=dict)
    execution: list[ExecutionFigure] = field(default_factory=list)
    hour_closes: list[HourCloseFigure] = field(default_factory=list)
    venue_api: list[VenueApiFigure] = field(default_factory=list)


_TRADED_FEEDS = """
WITH traded AS (
    SELECT DISTINCT a.venue, s.symbol
      FROM api.runs r JOIN api.accounts a ON a.name = r.account
     CROSS JOIN LATERAL jsonb_array_elements_text(coalesce(r.config -> 'symbols', '[]'::jsonb)) s(symbol)
    UNION
    SELECT DISTINCT a.venue, p.symbol FROM api.positions p JOIN api.accounts a ON a.name = p.account)
SELECT f.venue, f.symbol, extract(epoch FROM f.staleness)::float8, f.missing_bars, f.status
  FROM api.feed_status(now()) f JOIN traded t ON t.venue = f.venue AND t.symbol = f.symbol
 WHERE f."interval" = '1h'
 ORDER BY f.venue, f.symbol
"""


def _pairs(conn: psycopg.Connection[Any], sql: str) -> dict[str, int]:
    return {str(k): int(v) for k, v in conn.execute(sql).fetchall()}


def snapshot(conn: psycopg.Connection[Any]) -> Snapshot:
    """Every figure the exporter reports, read now in one REPEATABLE READ read-only transaction (the caller
    passes a connection that is not inside a transaction; the auditor's login reads everything)."""
    with conn.transaction():
        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        feeds = [FeedFigure(v, s, st, None if mb is None else int(mb), status)
                 for v, s, st, mb, status in conn.execute(_TRADED_FEEDS).fetchall()]
        books = [BookFigure(*r) for r in conn.execute(
            "SELECT DISTINCT ON (h.account) h.account, a.base_currency, h.equity, h.drawdown"
            "  FROM api.hourly_states h JOIN api.accounts a ON a.name = h.account"
            " ORDER BY h.account, h.hour DESC").fetchall()]
        surplus = [SurplusFigure(*r) for r in conn.execute(
            "SELECT DISTINCT ON (account, window_days) account, currency, window_days, surplus"
            "  FROM api.treasury_status WHERE window_days > 1 ORDER BY account, window_days, day DESC").fetchall()]
        alert_row = conn.execute(
            "SELECT count(*) FILTER (WHERE NOT EXISTS (SELECT FROM jsonb_each_text(channels) c"
            "                                          WHERE c.value <> 'retry')),"
            "       count(*) FILTER (WHERE EXISTS (SELECT FROM jsonb_each_text(channels) c WHERE c.value = 'failed'))"
            "  FROM api.alerts").fetchone()
        assert alert_row is not None
        execution = [ExecutionFigure(*r) for r in conn.execute(
            "SELECT account, orders, rejected, fill_rate, rejection_rate, refusal_rate, slippage_fills,"
            "       slippage_bps_sum / 10000, answered_orders, ack_latency_seconds_sum"
            "  FROM api.execution_quality()").fetchall()]
        hour_closes = [HourCloseFigure(*r) for r in conn.execute(
            "SELECT account, count(*), sum(duration_seconds),"
            "       (array_agg(duration_seconds ORDER BY hour DESC))[1]"
            "  FROM api.hour_closes GROUP BY account ORDER BY account").fetchall()]
        venue_api = [VenueApiFigure(*r) for r in conn.execute(
            "SELECT account, calls, errors, fatal_errors FROM api.venue_errors() WHERE reports > 0").fetchall()]
        return Snapshot(
            halts_active=_pairs(conn, "SELECT scope_kind, count(*) FROM api.halts WHERE active GROUP BY 1"),
            breaker_trips=_pairs(conn, "SELECT breaker, count(*) FROM api.breaker_trips GROUP BY 1"),
            risk_states=_pairs(conn, "SELECT state, count(*) FROM api.risk_states GROUP BY 1"),
            feeds=feeds,
            books=books,
            surplus=surplus,
            orders=_pairs(conn, "SELECT account, count(*) FROM api.orders GROUP BY 1"),
            open_orders=_pairs(conn, "SELECT account, count(*) FROM api.orders"
                                     " WHERE status IN ('new', 'open', 'partially_filled') GROUP BY 1"),
            fills=_pairs(conn, "SELECT account, count(*) FROM api.fills GROUP BY 1"),
            refusals=_pairs(conn, "SELECT r, count(*) FROM api.decisions, unnest(reasons) r"
                                  " WHERE outcome = 'refused' GROUP BY 1"),
            alerts_pending=int(alert_row[0]),
            alerts_failed=int(alert_row[1]),
            alerts_by_category=_pairs(conn, "SELECT category, count(*) FROM api.alerts GROUP BY 1"),
            execution=execution,
            hour_closes=hour_closes,
            venue_api=venue_api,
        )
