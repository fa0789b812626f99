"""Reads of the lanes and the live sessions (``api.lanes``, ``api.sessions``, ``api.session_events``,
``api.session_incidents``, ``api.account_lanes``; docs/operator.md "Lanes and sessions"), for the CLI and the
console. Any login role; the caller owns the transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

import psycopg
from psycopg.rows import class_row


@dataclass(frozen=True)
class Lane:
    """A lane as the registry has it in force, with what its sessions hold of its budget."""

    lane: str
    capital_budget: Decimal
    currency: str
    allocated: Decimal
    available: Decimal
    budget_used: Decimal | None
    max_drawdown_pct: Decimal
    max_daily_loss_pct: Decimal
    min_days: int
    scheduled: int
    running: int
    suspended: int
    ended: int
    accounts: int
    revision: int
    reason: str
    actor: str
    recorded_at: datetime


@dataclass(frozen=True)
class Session:
    """One session of ``api.sessions``: its definition, status, utilisation, evidence and envelope."""

    session_id: int
    session: str
    account: str
    strategy: str | None
    lane: str
    account_lane: str
    status: str  # scheduled | running | suspended | completed | rolled_back
    allocation: Decimal
    currency: str
    planned_end: datetime | None
    promoted_from: str | None
    reason: str
    actor: str
    created_at: datetime
    started_at: datetime | None
    status_since: datetime
    ended_at: datetime | None
    last_event: str | None
    figures_hour: datetime | None
    equity: Decimal | None
    exposure: Decimal | None
    utilisation: Decimal | None
    equity_utilisation: Decimal | None
    hours: int
    first_hour: datetime | None
    last_hour: datetime | None
    days: Decimal
    peak_equity: Decimal | None
    drawdown: Decimal
    max_drawdown: Decimal
    daily_loss: Decimal
    max_drawdown_pct: Decimal | None
    max_daily_loss_pct: Decimal | None
    min_days: int | None
    envelope_breached: bool | None
    halted_by: list[str]
    open_incidents: int
    incidents: list[str]


@dataclass(frozen=True)
class SessionEvent:
    """One move of a session (``api.session_events``)."""

    session: str
    account: str
    seq: int
    from_status: str | None
    to_status: str
    cause: str
    source: str
    reason: str
    links: Any
    actor: str
    recorded_at: datetime


@dataclass(frozen=True)
class SessionIncident:
    """An incident of a session's account opened while it ran (``api.session_incidents``)."""

    session: str
    account: str
    incident: str
    severity: int
    category: str
    title: str
    description: str
    status: str
    opened_at: datetime


@dataclass(frozen=True)
class AccountLane:
    """A lane change of an account (``api.account_lanes``): a promotion or a demotion."""

    account: str
    seq: int
    from_lane: str
    to_lane: str
    cause: str
    session: str
    approval: int | None
    source: str
    reason: str
    actor: str
    recorded_at: datetime


_SESSION_COLUMNS = (
    "session_id, session, account, strategy, lane, account_lane, status, allocation, currency, planned_end,"
    " promoted_from, reason, actor, created_at, started_at, status_since, ended_at, last_event, figures_hour, equity,"
    " exposure, utilisation, equity_utilisation, hours, first_hour, last_hour, days, peak_equity, drawdown,"
    " max_drawdown, daily_loss, max_drawdown_pct, max_daily_loss_pct, min_days, envelope_breached, halted_by,"
    " open_incidents, incidents"
)


def lanes(conn: psycopg.Connection[Any]) -> list[Lane]:
    """Every lane in force, in the order paper, live_canary, live_promoted."""
    with conn.cursor(row_factory=class_row(Lane)) as cur:
        cur.execute("SELECT lane, capital_budget, currency, allocated, available, budget_used, max_drawdown_pct,"
                    " max_daily_loss_pct, min_days, scheduled, running, suspended, ended, accounts, revision, reason,"
                    " actor, recorded_at FROM api.lanes"
                    " ORDER BY array_position(ARRAY['paper', 'live_canary', 'live_promoted'], lane), lane")
        return cur.fetchall()


def sessions(conn: psycopg.Connection[Any], *, account: str | None = None, lane: str | None = None,
             include_ended: bool = True, limit: int = 200) -> list[Session]:
    """Sessions, newest first: of one account or lane when given; without the completed and rolled-back ones
    when ``include_ended`` is false."""
    with conn.cursor(row_factory=class_row(Session)) as cur:
        cur.execute("SELECT " + _SESSION_COLUMNS + " FROM api.sessions"
                    " WHERE (%(account)s::text IS NULL OR account = %(account)s::text)"
                    " AND (%(lane)s::text IS NULL OR lane = %(lane)s::text)"
                    " AND (%(ended)s OR status NOT IN ('completed', 'rolled_back'))"
                    " ORDER BY session_id DESC LIMIT %(limit)s",
                    {"account": account, "lane": lane, "ended": include_ended, "limit": limit})
        return cur.fetchall()


def session(conn: psycopg.Connection[Any], session_id: int) -> Session | None:
    """One session by id, or None."""
    with conn.cursor(row_factory=class_row(Session)) as cur:
        cur.execute("SELECT " + _SESSION_COLUMNS + " FROM api.sessions WHERE session_id = %s", (session_id,))
        return cur.fetchone()


def session_events(conn: psycopg.Connection[Any], session_id: int) -> list[SessionEvent]:
    """The moves of one session, in order."""
    with conn.cursor(row_factory=class_row(SessionEvent)) as cur:
        cur.execute("SELECT session, account, seq, from_status, to_status, cause, source, reason, links, actor,"
                    " recorded_at FROM api.session_events WHERE session_id = %s ORDER BY seq", (session_id,))
        return cur.fetchall()


def session_incidents(conn: psycopg.Connection[Any], session_id: int | None = None) -> list[SessionIncident]:
    """The incidents linked to one session (or to every session), oldest first."""
    with conn.cursor(row_factory=class_row(SessionIncident)) as cur:
        cur.execute("SELECT session, account, incident, severity, category, title, description, status, opened_at"
                    " FROM api.session_incidents WHERE %(s)s::bigint IS NULL OR session_id = %(s)s::bigint"
                    " ORDER BY opened_at, incident", {"s": session_id})
        return cur.fetchall()


def account_lanes(conn: psycopg.Connection[Any], *, account: str | None = None) -> list[AccountLane]:
    """The accounts' lane changes (promotions, demotions), newest first."""
    with conn.cursor(row_factory=class_row(AccountLane)) as cur:
        cur.execute("SELECT account, seq, from_lane, to_lane, cause, session, approval, source, reason, actor,"
                    " recorded_at FROM api.account_lanes WHERE %(a)s::text IS NULL OR account = %(a)s::text"
                    " ORDER BY recorded_at DESC, seq DESC", {"a": account})
        return cur.fetchall()
