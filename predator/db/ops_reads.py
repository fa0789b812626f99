"""Named reads for operators and drills: incidents, order counts, what a run showed (docs/architecture.md §6).

Only :mod:`predator.db` speaks SQL. Like :mod:`predator.db.reads`, every read takes an open connection (the
caller owns the transaction), keyword-only arguments, and returns frozen dataclasses or a single typed value.
They read the ``api`` schema's views, which every login role may select; none raises a PD error (a plain
view read: only psycopg's connection or syntax errors can come out).

Times are timezone-aware UTC datetimes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import psycopg

from predator.db.reads import _rows, _scalar

# --- incidents ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IncidentRow:
    """An incident as ``api.incidents`` shows it (``INC-<book>-<seq>``; book 0 holds global incidents)."""

    incident: str
    book_id: int
    seq: int
    account: str | None  # None: a global incident
    severity: int  # 1 (worst) .. 3
    category: str  # risk | execution | infrastructure | data | …
    scope: str
    title: str
    description: str
    links: Any  # JSON as the connection loads it
    source: str  # system | operator
    actor: str
    ts: datetime | None  # business time, None for an incident opened outside the business clock
    opened_at: datetime  # wall time
    status: str  # open | acknowledged | resolved
    resolution: str | None


_INCIDENT_COLUMNS = (
    "incident, book_id, seq, account, severity, category, scope, title, description, links, source, actor,"
    " ts, opened_at, status, resolution"
)


def incidents(
    conn: psycopg.Connection[Any], *, include_resolved: bool = False, account: str | None = None
) -> list[IncidentRow]:
    """Incidents in the order they were opened (wall time): open and acknowledged ones, and resolved ones
    too when ``include_resolved``; only ``account``'s when given (global incidents have no account)."""
    return _rows(
        conn,
        IncidentRow,
        f"SELECT {_INCIDENT_COLUMNS} FROM api.incidents"
        " WHERE (%(all)s OR status <> 'resolved') AND (%(account)s::text IS NULL OR account = %(account)s)"
        " ORDER BY opened_at, book_id, seq",
        {"all": include_resolved, "account": account},
    )


def book_incidents(
    conn: psycopg.Connection[Any], *, book_id: int, start: datetime, end: datetime
) -> list[IncidentRow]:
    """Incidents of book ``book_id`` and global ones (book 0) with a business time in (``start``, ``end``],
    or none (opened outside the business clock), in the order they were opened."""
    return _rows(
        conn,
        IncidentRow,
        f"SELECT {_INCIDENT_COLUMNS} FROM api.incidents WHERE book_id IN (0, %(book)s)"
        " AND (ts IS NULL OR (ts > %(start)s AND ts <= %(end)s)) ORDER BY opened_at, book_id, seq",
        {"book": book_id, "start": start, "end": end},
    )


# --- orders and runs ------------------------------------------------------------------------------------


def order_count(conn: psycopg.Connection[Any], *, account: str, status: str | None = None) -> int:
    """How many orders ``account`` has (``api.orders``), only those in ``status`` (e.g. ``canceled``) when
    given."""
    value = _scalar(
        conn,
        "SELECT count(*) FROM api.orders WHERE account = %s AND (%s::text IS NULL OR status = %s)",
        (account, status, status),
    )
    return int(value or 0)


@dataclass(frozen=True)
class RunEvents:
    """What the safety machinery did on an account over its life: circuit-breaker trips, the origins of its
    orders (``strategy``, ``risk_flatten``, ``kill_switch``, …), the incidents the system opened (halts) and
    the risk states the book entered (``reducing``, ``halted``, ``cooldown``, ``normal``; docs/risk.md)."""

    breaker_trips: int
    order_origins: frozenset[str]
    system_incidents: int
    risk_states: frozenset[str] = frozenset()


def run_events(conn: psycopg.Connection[Any], *, account: str) -> RunEvents:
    """Breaker trips, distinct order origins, system incidents and risk states entered of ``account``
    (``api.breaker_trips``, ``api.orders``, ``api.incidents``, ``api.risk_state_events``)."""
    row = conn.execute(
        "SELECT (SELECT count(*) FROM api.breaker_trips WHERE account = %(a)s)::int,"
        " (SELECT coalesce(array_agg(DISTINCT origin), '{}') FROM api.orders WHERE account = %(a)s),"
        " (SELECT count(*) FROM api.incidents WHERE account = %(a)s AND source = 'system')::int,"
        " (SELECT coalesce(array_agg(DISTINCT state_after), '{}') FROM api.risk_state_events WHERE account = %(a)s)",
        {"a": account},
    ).fetchone()
    assert row is not None
    return RunEvents(int(row[0]), frozenset(str(o) for o in row[1]), int(row[2]), frozenset(str(s) for s in row[3]))
