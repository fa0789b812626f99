"""The SQL of replay parity (:mod:`predator.runner.replay`): its reads of the original database, the candle
copy into a scratch database, and the scratch databases themselves (creation under an advisory lock, the
sweep of orphaned ones).

Only :mod:`predator.db` speaks SQL (docs/architecture.md §6). Reads take an open connection (the caller owns
the transaction) and return frozen dataclasses (``psycopg.rows.class_row``) or a single typed value. Times are
timezone-aware UTC datetimes; quantities in base currency, prices and notionals in quote currency.

Scratch databases are named ``<SCRATCH_PREFIX>_<12 hex digits>``. A replay holds the session advisory lock
``(LOCK_CLASS, hashtext(<name>))`` on the server's ``postgres`` database from before its scratch database
exists until it is dropped; a database whose lock nobody holds was left by a replay process that died (e.g.
SIGKILL), unless its COMMENT ON DATABASE is :data:`KEPT_COMMENT` (kept with ``--keep``).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, TypeVar

import psycopg
from psycopg import sql
from psycopg.rows import class_row

from predator import seams
from predator.db.connection import Target

R = TypeVar("R")

#: Scratch databases of replays are named ``<SCRATCH_PREFIX>_<random hex>``.
SCRATCH_PREFIX = "predator_replay"
#: COMMENT ON DATABASE of a scratch database kept with ``--keep`` (never dropped by the orphan sweep).
KEPT_COMMENT = "predator replay scratch database, kept"
#: First key of the session advisory lock a replay holds on its scratch database (second key: hashtext
#: of the database name), on the server's ``postgres`` database.
LOCK_CLASS = 0x5052504C  # "PRPL"


def _rows(conn: psycopg.Connection[Any], row: type[R], query: str,
          params: Sequence[Any] | Mapping[str, Any]) -> list[R]:
    with conn.cursor(row_factory=class_row(row)) as cur:
        cur.execute(query, params)
        return cur.fetchall()


def _one(conn: psycopg.Connection[Any], row: type[R], query: str, params: Sequence[Any]) -> R | None:
    with conn.cursor(row_factory=class_row(row)) as cur:
        cur.execute(query, params)
        return cur.fetchone()


# --- the original run -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RunRow:
    """A registered run (``api.runs``): its id and the configuration that reproduces it (JSON as the
    connection loads it, for :meth:`predator.runner.hour.RunConfig.from_dict`)."""

    run_id: str
    config: Any


def latest_run(conn: psycopg.Connection[Any], *, account: str) -> RunRow | None:
    """The run of ``account`` registered last (``started_at``, wall time), or None when it has none."""
    rows = _rows(conn, RunRow, "SELECT run_id, config FROM api.runs WHERE account = %s ORDER BY started_at",
                 (account,))
    return rows[-1] if rows else None


@dataclass(frozen=True)
class AccountBook:
    """An account's book id and lane (``trading.account``)."""

    book_id: int
    lane: str


def account_book(conn: psycopg.Connection[Any], *, account: str) -> AccountBook | None:
    """The book id and lane of the account called ``account`` (``trading.account``), or None."""
    return _one(conn, AccountBook, "SELECT book_id, lane FROM trading.account WHERE name = %s", (account,))


def account_book_id(conn: psycopg.Connection[Any], *, account: str) -> int | None:
    """The book id of the account called ``account`` as ``api.accounts`` shows it (any login role), or None."""
    row = conn.execute("SELECT book_id FROM api.accounts WHERE name = %s", (account,)).fetchone()
    return int(row[0]) if row else None


# --- reference data -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LimitSetting:
    """A limit in force (``api.limits``) at one scope; ``mode`` pct|abs|bps|count; ``value`` in the mode's
    unit, None = disabled."""

    limit_name: str
    scope: str
    mode: str
    value: Decimal | None


def limit_settings(conn: psycopg.Connection[Any], *, profile: str) -> list[LimitSetting]:
    """Every limit in force of risk profile ``profile``, all scopes, by limit name then scope."""
    return _rows(
        conn, LimitSetting,
        "SELECT limit_name, scope, mode, value FROM api.limits WHERE profile = %s ORDER BY 1, 2", (profile,),
    )


@dataclass(frozen=True)
class InstrumentRules:
    """An instrument's venue rules (``api.instruments``): tick size (quote), step size and minimum quantity
    (base), minimum notional (quote); ``source`` is ``seed`` for the rules a migration put there."""

    symbol: str
    base: str
    quote: str
    tick_size: Decimal | None
    step_size: Decimal | None
    min_qty: Decimal
    min_notional: Decimal
    source: str


def instrument_rules(conn: psycopg.Connection[Any], *, venue: str, symbols: Sequence[str]) -> list[InstrumentRules]:
    """The rules of ``symbols`` at ``venue``, by symbol (symbols the venue does not list are left out)."""
    return _rows(
        conn, InstrumentRules,
        "SELECT symbol, base, quote, tick_size, step_size, min_qty, min_notional, source"
        " FROM api.instruments WHERE venue = %s AND symbol = ANY(%s) ORDER BY symbol",
        (venue, list(symbols)),
    )


@dataclass(frozen=True)
class BreakerSetting:
    """A circuit-breaker setting in force (``api.breakers``): ``account`` ``*`` for every account of the lane;
    ``threshold`` in the breaker's unit (None = off); look-back ``window_hours`` (hours); ``min_events`` the
    smallest sample before a rate may trip; ``trip_scope`` what a trip halts (global, lane or account)."""

    account: str
    breaker: str
    threshold: Decimal | None
    window_hours: int
    min_events: int
    trip_scope: str


def changed_paper_breakers(conn: psycopg.Connection[Any], *, account: str) -> list[BreakerSetting]:
    """The paper lane's breaker settings that a fresh database does not have already: those of ``account``
    itself, and the lane-wide ones (``*``) set again after the migration's (revision > 1); by account then
    breaker."""
    return _rows(
        conn, BreakerSetting,
        "SELECT account, breaker, threshold, window_hours, min_events, trip_scope FROM api.breakers"
        " WHERE lane = 'paper' AND account IN ('*', %s) AND (revision > 1 OR account <> '*') ORDER BY 1, 2",
        (account,),
    )


# --- the operator's actions -----------------------------------------------------------------------------


@dataclass(frozen=True)
class AuditAction:
    """One operator action of ``ops.audit_log`` (book 0: the control plane), with ``after_hour``: the last
    hour of the book closed before it was recorded (None: none yet), and ``first_close``: when the book's
    first hour was closed (wall time; None: never). ``args`` is JSON as the connection loads it."""

    seq: int
    book_id: int
    action: str
    target: str
    args: Any
    reason: str
    recorded_at: datetime
    after_hour: datetime | None
    first_close: datetime | None


def audit_actions(conn: psycopg.Connection[Any], *, book_id: int) -> list[AuditAction]:
    """The actions on book ``book_id`` and on the control plane (book 0) recorded after the book's account
    was created (its first ``create_account``; none when there is none), in wall-time order (then book, seq).
    Reads ``ops.audit_log`` and ``portfolio.hourly_state`` (the auditor may)."""
    return _rows(
        conn, AuditAction,
        "SELECT a.seq, a.book_id, a.action, a.target, a.args, a.reason, a.recorded_at,"
        " (SELECT max(h.hour) FROM portfolio.hourly_state h WHERE h.book_id = %(book)s"
        "   AND h.recorded_at < a.recorded_at) AS after_hour,"
        " (SELECT min(h.recorded_at) FROM portfolio.hourly_state h WHERE h.book_id = %(book)s) AS first_close"
        " FROM ops.audit_log a"
        " WHERE a.book_id IN (0, %(book)s) AND a.recorded_at > (SELECT min(x.recorded_at) FROM ops.audit_log x"
        "   WHERE x.book_id = %(book)s AND x.action = 'create_account')"
        " ORDER BY a.recorded_at, a.book_id, a.seq",
        {"book": book_id},
    )


# --- candles --------------------------------------------------------------------------------------------


def copy_candles(src: psycopg.Connection[Any], dst: psycopg.Connection[Any], *, load_key: uuid.UUID, venue: str,
                 symbol: str, start: datetime, end: datetime) -> None:
    """Stage the 1h bars of ``venue``/``symbol`` with open time in [start, end) stored in ``src``
    (``api.candles``) into ``dst``'s ``market.candle_stage`` under ``load_key``, as the CSV lines
    ``ts,open,high,low,close,volume`` (ts ISO 8601 UTC) a load gates; a COPY from one server straight into the
    other, in time order. ``dst`` must be in the transaction that began the load and gates it; ``src``'s
    transaction is left open."""
    with (
        src.cursor() as out_cur,
        dst.cursor() as in_cur,
        out_cur.copy(
            "COPY (SELECT %s::uuid, to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"
            " || ',' || open || ',' || high"
            " || ',' || low || ',' || close || ',' || volume FROM api.candles WHERE venue = %s AND symbol = %s"
            " AND interval = '1h' AND ts >= %s AND ts < %s ORDER BY ts) TO STDOUT",
            (load_key, venue, symbol, start, end),
        ) as out,
        in_cur.copy("COPY market.candle_stage (load_key, raw) FROM STDIN") as into,
    ):
        for chunk in out:
            into.write(chunk)


# --- scratch databases ----------------------------------------------------------------------------------


def _admin(server: Target) -> psycopg.Connection[Any]:
    return psycopg.connect(server.with_dbname("postgres").dsn, autocommit=True)


def _lock_key(name: str) -> sql.Composed:
    return sql.SQL("{}, hashtext({})").format(sql.Literal(LOCK_CLASS), sql.Literal(name))


def drop_orphaned_scratch(server: Target) -> list[str]:
    """Drop the replay scratch databases on ``server`` left by replay processes that no longer exist: those
    whose advisory lock nobody holds (a running replay holds its lock from before the database exists until
    it is dropped), except those kept with ``--keep``. Returns the names dropped, in name order. Connects to
    the server's ``postgres`` database with the administrator's DSN."""
    dropped: list[str] = []
    with _admin(server) as conn:
        names = [
            str(n)
            for (n,) in conn.execute(
                "SELECT d.datname FROM pg_database d WHERE d.datname LIKE %s"
                " AND coalesce(shobj_description(d.oid, 'pg_database'), '') <> %s ORDER BY 1",
                (SCRATCH_PREFIX + r"\_%", KEPT_COMMENT),
            ).fetchall()
        ]
        for name in names:
            key = _lock_key(name)
            got = conn.execute(sql.SQL("SELECT pg_try_advisory_lock({})").format(key)).fetchone()
            if got is None or not got[0]:
                continue  # its replay is running
            try:
                conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
                dropped.append(name)
            finally:
                conn.execute(sql.SQL("SELECT pg_advisory_unlock({})").format(key))
    return dropped


@contextmanager
def replay_scratch(server: Target, *, keep: bool) -> Iterator[Target]:
    """A new database ``<SCRATCH_PREFIX>_<12 hex digits>`` on ``server``, migrated to head, for one replay;
    dropped when the block ends (exception included) unless ``keep``, in which case it is marked with
    :data:`KEPT_COMMENT` (only when the block ends normally). A session on the server's ``postgres``
    database holds its advisory lock from before it is created until it is dropped or kept, which tells
    :func:`drop_orphaned_scratch` that it is in use."""
    name = f"{SCRATCH_PREFIX}_{seams.unique_hex(12)}"
    with _admin(server) as holder:
        holder.execute(sql.SQL("SELECT pg_advisory_lock({})").format(_lock_key(name)))
        try:
            holder.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            target = server.with_dbname(name)
            # Imported here: migrate brings alembic and SQLAlchemy (about 0.5 s), which the runs that import this
            # module for its reads (preflight, every `predator paper`) never need.
            from predator.db import migrate

            migrate.upgrade(target)
            yield target
            if keep:
                holder.execute(
                    sql.SQL("COMMENT ON DATABASE {} IS {}").format(sql.Identifier(name), sql.Literal(KEPT_COMMENT))
                )
        finally:
            kept = keep and holder.execute(
                "SELECT shobj_description(oid, 'pg_database') = %s FROM pg_database WHERE datname = %s",
                (KEPT_COMMENT, name),
            ).fetchone() == (True,)
            if not kept:
                holder.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def worker_reports(conn: psycopg.Connection[Any], *, account: str) -> dict[datetime, tuple[int, int, dict[str, Any]]]:
    """What the original run's workers reported about their own process at each hour's close
    (``api.worker_health``: resident kB, pid, detail), by hour (the latest report of an hour)."""
    rows = conn.execute("SELECT ts, rss_kb, pid, detail FROM api.worker_health WHERE account = %s ORDER BY seq",
                        (account,)).fetchall()
    return {r[0]: (int(r[1]), int(r[2]), dict(r[3] or {})) for r in rows}
