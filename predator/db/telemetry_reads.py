"""The reads behind the worker's telemetry events (issue 16 item 7; :mod:`predator.telemetry`).

One round trip per closed hour: every row of the account's ``api`` views appended after the cursor (order
admissions, order events, fills, risk-state changes, halts covering the account, breaker trips, incidents)
and the incidents the cursor still holds open, newly resolved. The events are read from what the database
committed, so a log line never announces something the book does not hold.

Only :mod:`predator.db` speaks SQL; every read takes an open connection (the caller owns the transaction).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import psycopg

#: Sources of :func:`events_since`, each with its own sequence in the cursor.
SOURCES = ("order", "order_event", "fill", "risk_state", "halt", "breaker", "incident")


@dataclass(frozen=True)
class Cursor:
    """Where the next read starts: the last sequence seen per source (``incident``: per book, the account's
    and book 0's) and the incidents seen open (``INC-<book>-<seq>``)."""

    seqs: tuple[tuple[str, int], ...] = ()
    open_incidents: frozenset[str] = field(default_factory=frozenset)

    def seq(self, source: str) -> int:
        return dict(self.seqs).get(source, 0)


@dataclass(frozen=True)
class RawEvent:
    """One appended row: its source (:data:`SOURCES`), sequence, business time and the row as JSON."""

    source: str
    seq: int
    ts: datetime | None
    row: dict[str, Any]


_SQL = """
WITH acct AS (SELECT a.book_id, a.name, a.lane FROM api.accounts a WHERE a.name = %(account)s)
SELECT 'order', o.seq, o.ts, to_jsonb(o) FROM api.orders o
 WHERE o.account = %(account)s AND o.seq > %(order)s
UNION ALL
SELECT 'order_event', e.seq, e.ts, to_jsonb(e) || jsonb_build_object('strategy', o.strategy, 'symbol', o.symbol,
                                                                       'side', o.side)
  FROM api.order_events e JOIN api.orders o ON o.client_order_id = e.client_order_id
 WHERE e.account = %(account)s AND e.seq > %(order_event)s
   AND e.kind IN ('acknowledged', 'rejected', 'canceled', 'expired')
UNION ALL
SELECT 'fill', f.seq, f.ts, to_jsonb(f) FROM api.fills f WHERE f.account = %(account)s AND f.seq > %(fill)s
UNION ALL
SELECT 'risk_state', r.seq, r.ts, to_jsonb(r) FROM api.risk_state_events r
 WHERE r.account = %(account)s AND r.seq > %(risk_state)s
UNION ALL
SELECT 'halt', h.seq, h.ts, to_jsonb(h) FROM api.halt_events h, acct
 WHERE h.seq > %(halt)s
   AND (h.scope_kind = 'global' OR (h.scope_kind = 'lane' AND h.scope_key = acct.lane)
        OR (h.scope_kind = 'account' AND h.scope_key = acct.name)
        OR (h.scope_kind = 'strategy' AND split_part(h.scope_key, '/', 1) = acct.name))
UNION ALL
SELECT 'breaker', b.seq, b.ts, to_jsonb(b) FROM api.breaker_trips b
 WHERE b.account = %(account)s AND b.seq > %(breaker)s
UNION ALL
SELECT 'incident', i.seq, i.ts, to_jsonb(i) FROM api.incidents i, acct
 WHERE (i.book_id = acct.book_id AND i.seq > %(incident)s) OR (i.book_id = 0 AND i.seq > %(incident0)s)
    OR i.incident = ANY (%(open)s)
ORDER BY 1, 2
"""


def events_since(conn: psycopg.Connection[Any], *, account: str, cursor: Cursor) -> tuple[list[RawEvent], Cursor]:
    """The rows appended for ``account`` after ``cursor`` (halts: global, its lane's, its own and its
    strategies'; incidents: its book's and book 0's, and those the cursor holds open), and the next cursor.
    An incident the cursor holds open comes back (source ``incident``) with its current status; the caller
    tells a resolution from it (:mod:`predator.telemetry`)."""
    params: dict[str, Any] = {s: cursor.seq(s) for s in SOURCES}
    params.update(account=account, incident0=cursor.seq("incident0"), open=sorted(cursor.open_incidents))
    with conn.cursor() as cur:
        cur.execute(_SQL, params)
        out = [RawEvent(str(r[0]), int(r[1]), r[2], dict(r[3])) for r in cur.fetchall()]
    seqs = dict(cursor.seqs)
    still_open = set(cursor.open_incidents)
    for e in out:
        if e.source == "incident":
            key = "incident0" if int(e.row["book_id"]) == 0 else "incident"
            if e.row["incident"] not in cursor.open_incidents:
                seqs[key] = max(seqs.get(key, 0), e.seq)
            if e.row.get("status") == "resolved":
                still_open.discard(str(e.row["incident"]))
            else:
                still_open.add(str(e.row["incident"]))
        else:
            seqs[e.source] = max(seqs.get(e.source, 0), e.seq)
    return out, Cursor(tuple(sorted(seqs.items())), frozenset(still_open))


_HEAD = """
WITH acct AS (SELECT a.book_id, a.name FROM api.accounts a WHERE a.name = %(account)s)
SELECT (SELECT coalesce(max(o.seq), 0) FROM api.orders o WHERE o.account = %(account)s),
       (SELECT coalesce(max(e.seq), 0) FROM api.order_events e WHERE e.account = %(account)s),
       (SELECT coalesce(max(f.seq), 0) FROM api.fills f WHERE f.account = %(account)s),
       (SELECT coalesce(max(r.seq), 0) FROM api.risk_state_events r WHERE r.account = %(account)s),
       (SELECT coalesce(max(h.seq), 0) FROM api.halt_events h),
       (SELECT coalesce(max(b.seq), 0) FROM api.breaker_trips b WHERE b.account = %(account)s),
       (SELECT coalesce(max(i.seq), 0) FROM api.incidents i, acct WHERE i.book_id = acct.book_id),
       (SELECT coalesce(max(i.seq), 0) FROM api.incidents i WHERE i.book_id = 0),
       ARRAY(SELECT i.incident FROM api.incidents i, acct WHERE i.book_id IN (0, acct.book_id)
                AND i.status <> 'resolved' ORDER BY 1)
"""


def head(conn: psycopg.Connection[Any], *, account: str) -> Cursor:
    """A cursor at the newest rows now (telemetry starts after what is already recorded), holding the
    incidents of the account's book and of book 0 that are not resolved."""
    with conn.cursor() as cur:
        cur.execute(_HEAD, {"account": account})
        r = cur.fetchone()
    assert r is not None
    names = (*SOURCES, "incident0")
    return Cursor(tuple(sorted(zip(names, (int(x) for x in r[:8]), strict=True))), frozenset(r[8]))


def account_lane(conn: psycopg.Connection[Any], *, account: str) -> str | None:
    """The account's lane (``paper``, ``live_canary``, …), None for an unknown account."""
    with conn.cursor() as cur:
        cur.execute("SELECT a.lane FROM api.accounts a WHERE a.name = %s", (account,))
        r = cur.fetchone()
    return None if r is None else str(r[0])
