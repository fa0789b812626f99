"""What a chaos campaign's supervisor and scripted operator read (auditor role; ``api`` views only)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import psycopg

from predator.db.reads import _HALT_INCIDENT


@dataclass(frozen=True)
class HaltInForce:
    """A halt in force covering an account: scope kind and key, reason, source, business time, incident."""

    scope_kind: str
    scope_key: str
    reason: str
    source: str
    ts: datetime | None
    incident: str | None


def halts_in_force(conn: psycopg.Connection[Any], account: str) -> list[HaltInForce]:
    """The halts in force that cover ``account`` (global, its lane, the account, its strategies), each with the
    incident of the latest halt event of its scope (the latest incident of that scope opened by then, as
    :func:`predator.db.reads.blockers` finds it; None: nothing explains the halt)."""
    rows = conn.execute(
        "WITH a AS (SELECT book_id, name, lane FROM api.accounts WHERE name = %(a)s)"
        " SELECT h.scope_kind, h.scope_key, h.reason, coalesce(e.source, 'system'), e.ts,"
        "  " + _HALT_INCIDENT + ""
        " FROM api.halts h CROSS JOIN a"
        " LEFT JOIN LATERAL (SELECT * FROM api.halt_events e WHERE e.scope_kind = h.scope_kind"
        "   AND e.scope_key = h.scope_key AND e.action = 'halt' ORDER BY e.effective_at DESC, e.seq DESC LIMIT 1) e"
        "   ON true"
        " WHERE h.active AND (h.scope_kind = 'global' OR (h.scope_kind = 'lane' AND h.scope_key = a.lane)"
        "   OR (h.scope_kind = 'account' AND h.scope_key = a.name)"
        "   OR (h.scope_kind = 'strategy' AND h.scope_key LIKE a.name || '/%%'))"
        " ORDER BY array_position(ARRAY['global', 'lane', 'account', 'strategy'], h.scope_kind), h.scope_key",
        {"a": account},
    ).fetchall()
    return [HaltInForce(*r) for r in rows]


def reconciliation_clean(conn: psycopg.Connection[Any], account: str) -> bool | None:
    """Whether the account's latest reconciliation was clean (None: never reconciled)."""
    row = conn.execute("SELECT clean FROM api.reconciliations WHERE account = %s ORDER BY seq DESC LIMIT 1",
                       (account,)).fetchone()
    return None if row is None else bool(row[0])


def open_incidents(conn: psycopg.Connection[Any], account: str) -> list[tuple[str, int, str, str]]:
    """The account's incidents not resolved (and the cross-book ones): (incident, severity, category, title)."""
    return [tuple(r) for r in conn.execute(
        "SELECT incident, severity, category, title FROM api.incidents i"
        " WHERE (i.account = %s OR i.book_id = 0) AND i.status <> 'resolved' ORDER BY i.book_id, i.seq",
        (account,)).fetchall()]


def last_hour_index(conn: psycopg.Connection[Any], account: str) -> datetime | None:
    row = conn.execute("SELECT max(hour) FROM api.hourly_states WHERE account = %s", (account,)).fetchone()
    return None if row is None else row[0]


def record_campaign(conn: psycopg.Connection[Any], account: str, campaign: dict[str, Any],
                    faults: list[dict[str, Any]], reason: str) -> int:
    """``api.record_chaos_campaign`` (operator): the campaign's row and its faults; returns the campaign id."""
    from psycopg.types.json import Jsonb

    from predator.db.api import translated

    with translated():
        row = conn.execute("SELECT api.record_chaos_campaign(%s, %s, %s, %s)",
                           (account, Jsonb(campaign), Jsonb(faults), reason)).fetchone()
    assert row is not None
    return int(row[0])


def campaign(conn: psycopg.Connection[Any], campaign_id: int) -> dict[str, Any] | None:
    """One campaign's row of api.chaos_campaigns joined with its api.chaos_metrics, as a dict."""
    cur = conn.execute("SELECT c.*, m.* FROM api.chaos_campaigns c JOIN api.chaos_metrics m USING (campaign_id)"
                       " WHERE c.campaign_id = %s", (campaign_id,))
    row = cur.fetchone()
    if row is None:
        return None
    names = [d.name for d in cur.description or ()]
    return dict(zip(names, row, strict=True))


def campaign_faults(conn: psycopg.Connection[Any],
                    campaign_id: int) -> list[tuple[datetime, str, str, dict[str, Any], str]]:
    return [tuple(r) for r in conn.execute(
        "SELECT hour, layer, kind, params, outcome FROM api.chaos_faults WHERE campaign_id = %s ORDER BY hour, seq",
        (campaign_id,)).fetchall()]


def equity_curve(conn: psycopg.Connection[Any], account: str, first: datetime,
                 last: datetime) -> list[tuple[datetime, Any, Any]]:
    """(hour, equity, drawdown) of the account's closed hours in [first, last]."""
    return [tuple(r) for r in conn.execute(
        "SELECT hour, equity, drawdown FROM api.hourly_states WHERE account = %s AND hour BETWEEN %s AND %s"
        " ORDER BY hour", (account, first, last)).fetchall()]


def halt_history(conn: psycopg.Connection[Any], account: str, since_wall: datetime,
                 until_wall: datetime) -> list[tuple[Any, ...]]:
    """Halt and resume events covering the account in a wall-time window: (scope_kind, scope_key, action,
    reason, source, actor, ts, effective_at)."""
    return [tuple(r) for r in conn.execute(
        "WITH a AS (SELECT name, lane FROM api.accounts WHERE name = %(a)s)"
        " SELECT e.scope_kind, e.scope_key, e.action, e.reason, e.source, e.actor, e.ts, e.effective_at"
        " FROM api.halt_events e CROSS JOIN a WHERE e.effective_at BETWEEN %(s)s AND %(u)s"
        " AND (e.scope_kind = 'global' OR (e.scope_kind = 'lane' AND e.scope_key = a.lane)"
        "   OR (e.scope_kind = 'account' AND e.scope_key = a.name)"
        "   OR (e.scope_kind = 'strategy' AND e.scope_key LIKE a.name || '/%%'))"
        " ORDER BY e.effective_at, e.seq", {"a": account, "s": since_wall, "u": until_wall}).fetchall()]


def incident_log(conn: psycopg.Connection[Any], account: str, first: datetime,
                 last: datetime) -> list[dict[str, Any]]:
    """The account's incidents with business time in [first, last] (or without one), with every update."""
    cur = conn.execute(
        "SELECT i.incident, i.severity, i.category, i.scope, i.title, i.description, i.source, i.ts, i.opened_at,"
        " i.status, i.resolution,"
        " coalesce((SELECT jsonb_agg(jsonb_build_object('action', u.action, 'reason', u.reason, 'actor', u.actor,"
        "   'at', u.recorded_at) ORDER BY u.seq) FROM ops.incident_update u"
        "   WHERE u.book_id = i.book_id AND u.incident_seq = i.seq), '[]') AS updates"
        " FROM api.incidents i WHERE i.account = %s AND (i.ts IS NULL OR i.ts BETWEEN %s AND %s)"
        " ORDER BY i.seq", (account, first, last))
    names = [d.name for d in cur.description or ()]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def terminate_session(conn: psycopg.Connection[Any], pid: int) -> bool:
    """Cut the database session of backend ``pid`` (``pg_terminate_backend``; a login may end its own other
    sessions): the chaos scenarios' "risk authority unreachable" fault (seed 001 F2). True when it was cut."""
    row = conn.execute("SELECT pg_terminate_backend(%s)", (pid,)).fetchone()
    return bool(row and row[0])
