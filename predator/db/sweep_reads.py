"""Named reads of a parameter sweep (``predator sweep``, :mod:`predator.runner.sweep`; docs/cli.md): the figures of
each book of the grid, as the database recorded them.

Only :mod:`predator.db` speaks SQL. Every figure comes from one definition the database already holds, never
recomputed in Python: equity, drawdown and cumulative fees are what ``api.close_hour`` stored for each closed
hour from ``portfolio.valuation`` (``api.hourly_states``); round trips are ``api.round_trips``; the principal is
the book's principal ledger in its reporting currency (``api.treasury_balances``, the balance
``portfolio.treasury_figures`` sums). A read takes an open connection (the caller owns the transaction) and
keyword-only arguments, and returns frozen dataclasses. Amounts in the book's reporting (quote) currency.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

import psycopg

from predator.db.reads import _rows


@dataclass(frozen=True)
class BookResult:
    """One book of a sweep at its last closed hour.

    ``trades``: round trips (flat to flat, ``api.round_trips``); ``equity`` and ``fees`` (cumulative, as charged
    in the reporting currency): the last closed hour's row of ``api.hourly_states``; ``principal``: the principal
    deposited (``api.treasury_balances``, ledger ``principal``, the reporting currency); ``net_pnl``: ``equity -
    principal`` (after fees, realized and unrealized); ``max_drawdown``: the largest ``drawdown`` of any closed
    hour, a fraction of the peak equity (0 without an hour). ``hours``: hours closed; ``last_hour``: the last
    one (None: none closed, and then equity, fees and net PnL are None). ``signals``: decisions
    (``api.decisions``), of which ``refused`` were refused, most often for ``top_refusal`` (reason code; None
    without a refusal)."""

    account: str
    book_id: int
    currency: str
    hours: int
    last_hour: datetime | None
    trades: int
    equity: Decimal | None
    principal: Decimal
    net_pnl: Decimal | None
    max_drawdown: Decimal
    fees: Decimal | None
    signals: int
    refused: int
    top_refusal: str | None


_BOOK_RESULTS = """
SELECT a.name AS account, a.book_id, a.base_currency AS currency,
       (SELECT count(*) FROM api.hourly_states h WHERE h.account = a.name)::int AS hours,
       last.hour AS last_hour,
       (SELECT count(*) FROM api.round_trips r WHERE r.account = a.name)::int AS trades,
       last.equity,
       coalesce(p.amount, 0) AS principal,
       last.equity - coalesce(p.amount, 0) AS net_pnl,
       (SELECT coalesce(max(h.drawdown), 0) FROM api.hourly_states h WHERE h.account = a.name) AS max_drawdown,
       last.fees,
       (SELECT count(*) FROM api.decisions d WHERE d.account = a.name)::int AS signals,
       (SELECT count(*) FROM api.decisions d WHERE d.account = a.name AND d.outcome = 'refused')::int AS refused,
       (SELECT r FROM api.decisions d, unnest(d.reasons) r WHERE d.account = a.name AND d.outcome = 'refused'
         GROUP BY r ORDER BY count(*) DESC, r LIMIT 1) AS top_refusal
  FROM unnest(%(accounts)s::text[]) WITH ORDINALITY AS g(name, ord)
  JOIN api.accounts a ON a.name = g.name
  LEFT JOIN LATERAL (SELECT h.hour, h.equity, h.fees FROM api.hourly_states h WHERE h.account = a.name
                      ORDER BY h.hour DESC LIMIT 1) last ON true
  LEFT JOIN api.treasury_balances p ON p.account = a.name AND p.ledger = 'principal' AND p.currency = a.base_currency
 ORDER BY g.ord
"""


def book_results(conn: psycopg.Connection[Any], *, accounts: Sequence[str]) -> list[BookResult]:
    """The figures of each of ``accounts`` (in the order given; an unknown name is left out)."""
    return _rows(conn, BookResult, _BOOK_RESULTS, {"accounts": list(accounts)})


@dataclass(frozen=True)
class LockWait:
    """A session waiting on a heavyweight lock (``pg_stat_activity.wait_event_type = 'Lock'``) and one session
    holding it up (``pg_blocking_pids``), each with its ``application_name`` (a sweep's book:
    ``predator-book:<account>``), and what it waits for (``wait_event``: relation, tuple, transactionid,
    advisory, …)."""

    waiter_pid: int
    waiter: str
    wait_event: str
    blocker_pid: int
    blocker: str


_LOCK_WAITS = """
SELECT w.pid AS waiter_pid, coalesce(w.application_name, '') AS waiter, coalesce(w.wait_event, '') AS wait_event,
       b.pid AS blocker_pid, coalesce(b.application_name, '') AS blocker
  FROM pg_catalog.pg_stat_activity w
 CROSS JOIN LATERAL pg_catalog.unnest(pg_catalog.pg_blocking_pids(w.pid)) AS x(pid)
  JOIN pg_catalog.pg_stat_activity b ON b.pid = x.pid
 WHERE w.wait_event_type = 'Lock' AND w.datname = pg_catalog.current_database()
   AND (%(storage)s OR w.wait_event NOT IN ('extend', 'page'))
 ORDER BY w.pid, b.pid
"""

#: PostgreSQL's storage-level locks: ``extend`` (a session adding a page to a table or index file) and ``page``
#: (a GIN/hash index page). Two books writing rows into the same shared heap take turns at its extension lock for
#: the microseconds a page is added; it locks no row, key or advisory id of either book, and it goes away when
#: books are distributed by book id (DESIGN.md §9). Left out of :func:`lock_waits` unless asked for.
STORAGE_LOCK_EVENTS = ("extend", "page")


def lock_waits(conn: psycopg.Connection[Any], *, storage: bool = False) -> list[LockWait]:
    """Every session of this database waiting on a lock that guards data (a relation, a row, a transaction id,
    an advisory id, an object), once per session holding it up; with ``storage`` also the storage-level waits of
    :data:`STORAGE_LOCK_EVENTS`. Other logins' sessions show their wait and name only to a superuser or a member
    of ``pg_read_all_stats``: read it on the administrator's connection."""
    return _rows(conn, LockWait, _LOCK_WAITS, {"storage": storage})


def book_sessions(conn: psycopg.Connection[Any], *, prefix: str) -> list[str]:
    """The ``application_name`` of every session of this database whose name starts with ``prefix`` (a
    sweep's books: ``predator-book:``), one per session, sorted."""
    rows = conn.execute("SELECT application_name FROM pg_catalog.pg_stat_activity WHERE datname ="
                        " pg_catalog.current_database() AND starts_with(application_name, %s) ORDER BY 1",
                        (prefix,)).fetchall()
    return [str(r[0]) for r in rows]
