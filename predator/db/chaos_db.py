"""What a chaos campaign's supervisor and scripted operator read (auditor role; ``api`` views only)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

import psycopg

from predator.db import logins
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


def ghost_fills(conn: psycopg.Connection[Any], account: str) -> list[GhostFill]:
    """The fills the book holds under a trade id the chaos venue gives a fill it never made (``…-ghost``), and
    whether an operator voided each (a voided one no longer moves the book's balances), for the venue's restore
    after a restart (:meth:`predator.chaos.venue.ChaosPaperVenue.restore_truth`)."""
    rows = conn.execute(
        "SELECT f.client_order_id, f.symbol, f.side, f.quantity, f.price, f.fee, f.fee_currency, o.ts"
        ", f.voided FROM api.fills f JOIN api.orders o USING (client_order_id)"
        " WHERE f.account = %s AND f.venue_trade_id LIKE '%%-ghost' ORDER BY f.seq", (account,)).fetchall()
    return [GhostFill(*r) for r in rows]


@dataclass(frozen=True)
class GhostFill:
    """A fill the book holds that the venue never made (read back from the book on a restart)."""

    client_order_id: str
    symbol: str
    side: str
    quantity: Decimal
    price: Decimal
    fee: Decimal
    fee_currency: str
    placed_at: datetime
    #: An operator voided it (api.void_fill): the book's balances no longer hold it.
    voided: bool = False



def terminate_worker_sessions(conn: psycopg.Connection[Any]) -> int:
    """Drop every session of the worker's login role (``pg_terminate_backend``, as the administrator): a chaos
    campaign's dropped database connections. How many were terminated."""
    row = conn.execute(
        "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity"
        " WHERE usename = %s AND pid <> pg_backend_pid()", (logins.LOGINS["worker"],)).fetchone()
    return int(row[0]) if row else 0


def window_orders(conn: psycopg.Connection[Any], account: str, first: datetime, last: datetime) -> dict[str, int]:
    """The account's orders placed in [first, last] by status, and of them those filled less than their
    quantity (``partly``) and those with a fill the venue never made (``ghost``): a venue fault's outcome."""
    out: dict[str, int] = {}
    for status, n in conn.execute(
            "SELECT status, count(*) FROM api.orders WHERE account = %s AND ts BETWEEN %s AND %s GROUP BY status",
            (account, first, last)).fetchall():
        out[str(status)] = int(n)
    row = conn.execute(
        "SELECT count(*) FILTER (WHERE filled_qty > 0 AND filled_qty < quantity),"
        " count(*) FILTER (WHERE EXISTS (SELECT FROM api.fills f WHERE f.client_order_id = o.client_order_id"
        "   AND f.venue_trade_id LIKE '%%-ghost'))"
        " FROM api.orders o WHERE account = %s AND ts BETWEEN %s AND %s", (account, first, last)).fetchone()
    out["partly"], out["ghost"] = (int(row[0]), int(row[1])) if row else (0, 0)
    return out


def withdrawals_seen(conn: psycopg.Connection[Any], account: str) -> int:
    """How many withdrawals the book recorded as seen on the account's venue."""
    row = conn.execute("SELECT count(*) FROM api.venue_transfers WHERE account = %s AND kind = 'withdrawal'",
                       (account,)).fetchone()
    return int(row[0]) if row else 0


def feed_rows_at(conn: psycopg.Connection[Any], *, venue: str, source: str, clock: datetime) -> tuple[int, int]:
    """The loads of ``source`` on ``venue`` at business ``clock`` and the bar revisions they stored (a chaos
    feeder's batch killed mid ingest must leave neither)."""
    row = conn.execute(
        "SELECT (SELECT count(*) FROM api.candle_loads l WHERE l.venue = %(v)s AND l.source = %(s)s"
        "           AND l.clock = %(c)s),"
        "       (SELECT count(*) FROM api.candle_revisions r WHERE r.venue = %(v)s AND r.source = %(s)s"
        "           AND r.clock = %(c)s)",
        {"v": venue, "s": source, "c": clock}).fetchone()
    assert row is not None
    return int(row[0]), int(row[1])


def bars_stored_from(conn: psycopg.Connection[Any], *, venue: str, symbols: list[str], ts: datetime) -> int:
    """How many effective 1h bars of ``symbols`` on ``venue`` open at or after ``ts`` are stored."""
    row = conn.execute("SELECT count(*) FROM api.candles c WHERE c.venue = %s AND c.symbol = ANY (%s)"
                       " AND c.interval = '1h' AND c.ts >= %s", (venue, symbols, ts)).fetchone()
    assert row is not None
    return int(row[0])


def posted_transfers(conn: psycopg.Connection[Any], account: str) -> frozenset[str]:
    """The venue references of the transfers an operator posted to the book's journal (api.post_venue_transfer):
    the book's balances hold them already, so a restarted chaos venue does not make them again."""
    return frozenset(str(r[0]) for r in conn.execute(
        "SELECT venue_ref FROM api.transfer_postings WHERE account = %s AND venue_ref IS NOT NULL",
        (account,)).fetchall())


@dataclass(frozen=True)
class Reconciliation:
    """The account's latest reconciliation: business time, kind, clean, and its differences (api.reconcile's diffs:
    ``{"kind": "balance", "key": currency, "book", "venue", "difference"}`` or an order missing on one side)."""

    ts: datetime
    kind: str
    clean: bool
    diffs: list[dict[str, Any]]


def latest_reconciliation(conn: psycopg.Connection[Any], account: str) -> Reconciliation | None:
    row = conn.execute("SELECT ts, kind, clean, diffs FROM api.reconciliations WHERE account = %s"
                       " ORDER BY seq DESC LIMIT 1", (account,)).fetchone()
    if row is None:
        return None
    diffs = row[3] if isinstance(row[3], list) else []
    return Reconciliation(row[0], str(row[1]), bool(row[2]), diffs)


@dataclass(frozen=True)
class UnpostedTransfer:
    """A transfer the worker relayed from the venue (api.venue_transfers) that no operator posted yet."""

    venue_ref: str
    kind: str
    currency: str
    amount: Decimal


def unposted_transfers(conn: psycopg.Connection[Any], account: str) -> list[UnpostedTransfer]:
    return [UnpostedTransfer(str(r[0]), str(r[1]), str(r[2]), Decimal(r[3])) for r in conn.execute(
        "SELECT venue_ref, kind, currency, amount FROM api.venue_transfers WHERE account = %s AND NOT posted"
        " ORDER BY seq", (account,)).fetchall()]


@dataclass(frozen=True)
class BookFill:
    """A fill of the book not voided: what a correction compares with the venue's trade list."""

    symbol: str
    venue_trade_id: str
    side: str
    quantity: Decimal
    price: Decimal
    fee: Decimal
    fee_currency: str
    seq: int


def unvoided_fills_like(conn: psycopg.Connection[Any], account: str, suffix: str) -> list[BookFill]:
    """The account's fills not voided whose venue trade id ends with ``suffix``, newest first."""
    return [BookFill(str(r[0]), str(r[1]), str(r[2]), Decimal(r[3]), Decimal(r[4]), Decimal(r[5]), str(r[6]), int(r[7]))
            for r in conn.execute(
                "SELECT symbol, venue_trade_id, side, quantity, price, fee, fee_currency, seq FROM api.fills"
                " WHERE account = %s AND NOT voided AND right(venue_trade_id, length(%s)) = %s ORDER BY seq DESC",
                (account, suffix, suffix)).fetchall()]


def create_database(conn: psycopg.Connection[Any], base: str) -> str:
    """Create a database named ``base`` (``base_2``, ``base_3`` … when taken) on the server of ``conn`` (the
    administrator's, in autocommit); returns its name. A sync-fed chaos campaign's database of its own."""
    from psycopg import sql

    taken = {r[0] for r in conn.execute("SELECT datname FROM pg_database WHERE datname LIKE %s",
                                        (base.replace("_", r"\_") + "%",))}
    name, n = base, 1
    while name in taken:
        n += 1
        name = f"{base}_{n}"
    conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return name


@dataclass(frozen=True)
class KillSwitchState:
    """What the book shows after a kill switch thrown after hour ``at``: orders admitted from a strategy's signal
    after it (origin signal), orders still open (new, open, partially filled), positions left, the kill switch's
    exits not filled, and whether a clean reconciliation came after it."""

    admitted_after: int
    open_orders: int
    positions: int
    exits_unfilled: int
    reconciled_after: bool


def kill_switch_state(conn: psycopg.Connection[Any], account: str, at: datetime) -> KillSwitchState:
    row = conn.execute(
        "SELECT (SELECT count(*) FROM api.orders o WHERE o.account = %(a)s AND o.ts > %(t)s"
        "          AND o.origin = 'signal'),"
        " (SELECT count(*) FROM api.orders o WHERE o.account = %(a)s"
        "          AND o.status IN ('new', 'open', 'partially_filled')),"
        " (SELECT count(*) FROM api.positions p WHERE p.account = %(a)s),"
        " (SELECT count(*) FROM api.orders o WHERE o.account = %(a)s AND o.origin = 'kill_switch'"
        "          AND o.ts >= %(t)s AND o.status <> 'filled'),"
        " coalesce((SELECT r.clean FROM api.reconciliations r WHERE r.account = %(a)s AND r.ts > %(t)s"
        "          ORDER BY r.seq DESC LIMIT 1), false)",
        {"a": account, "t": at},
    ).fetchone()
    assert row is not None
    return KillSwitchState(int(row[0]), int(row[1]), int(row[2]), int(row[3]), bool(row[4]))
