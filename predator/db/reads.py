"""Named reads: every query the runner, replay and reports need, each a typed function (docs/architecture.md §6).

Only :mod:`predator.db` speaks SQL. A read takes an open connection (the caller owns the transaction) and
returns frozen dataclasses (``psycopg.rows.class_row``) or a single typed value; no positional tuples cross
a module boundary. Reads go through the ``api`` schema's views, which every login role may select.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, TypeVar

import psycopg
from psycopg.rows import class_row

from predator.db.api import Call
from predator.errors import NotFoundError

R = TypeVar("R")
Params = Sequence[Any] | Mapping[str, Any]


def _rows(conn: psycopg.Connection[Any], row: type[R], sql: str, params: Params) -> list[R]:
    with conn.cursor(row_factory=class_row(row)) as cur:
        cur.execute(sql, params)
        return cur.fetchall()


def _one(conn: psycopg.Connection[Any], row: type[R], sql: str, params: Params) -> R | None:
    with conn.cursor(row_factory=class_row(row)) as cur:
        cur.execute(sql, params)
        return cur.fetchone()


def _scalar(conn: psycopg.Connection[Any], sql: str, params: Sequence[Any]) -> Any:
    row = conn.execute(sql, params).fetchone()
    return row[0] if row else None


# --- accounts and configuration ------------------------------------------------------------------------


@dataclass(frozen=True)
class AccountRow:
    """An account as ``api.accounts`` shows it."""

    mode: str
    initial_principal: Decimal
    risk_profile: str


def account(conn: psycopg.Connection[Any], name: str) -> AccountRow | None:
    """The account called ``name``, or None."""
    return _one(
        conn, AccountRow, "SELECT mode, initial_principal, risk_profile FROM api.accounts WHERE name = %s", (name,)
    )


def account_names(conn: psycopg.Connection[Any], limit: int = 20) -> list[str]:
    """The names of the accounts, most recently created first (at most ``limit``): what an error naming an
    unknown account offers instead."""
    return [r[0] for r in conn.execute(
        "SELECT name FROM api.accounts ORDER BY created_at DESC, name LIMIT %s", (limit,)).fetchall()]


def require_account(conn: psycopg.Connection[Any], name: str) -> None:
    """:class:`~predator.errors.NotFoundError` (exit 5) naming the accounts there are, when none is called
    ``name``: a command given ``--account`` for a book that does not exist says so instead of an empty answer."""
    if conn.execute("SELECT 1 FROM api.accounts WHERE name = %s", (name,)).fetchone() is None:
        raise unknown_account(conn, name)


def unknown_account(conn: psycopg.Connection[Any], name: str) -> NotFoundError:
    """The error of an account ``name`` that does not exist: it names the accounts there are."""
    names = account_names(conn)
    return NotFoundError(f"unknown account {name!r}; accounts: {', '.join(names) or 'none yet'} (predator paper or "
                         "predator run creates one)")


@dataclass(frozen=True)
class StrategyRow:
    """A strategy registered on an account, with its parameters (JSON as the connection loads it)."""

    params: Any


def strategy(conn: psycopg.Connection[Any], account: str, strategy: str) -> StrategyRow | None:
    """The strategy ``strategy`` registered on ``account``, or None."""
    return _one(
        conn, StrategyRow, "SELECT params FROM api.strategies WHERE account = %s AND strategy = %s", (account, strategy)
    )


def strategy_positions(conn: psycopg.Connection[Any], account: str) -> dict[str, dict[str, Decimal]]:
    """Each strategy's own net position per symbol on ``account`` (base units, from its own fills; zero
    positions left out): ``{strategy: {symbol: quantity}}``. Reads ``api.strategy_positions``."""
    out: dict[str, dict[str, Decimal]] = {}
    for strategy_name, symbol, quantity in conn.execute(
        "SELECT strategy, symbol, quantity FROM api.strategy_positions WHERE account = %s AND quantity <> 0",
        (account,),
    ).fetchall():
        out.setdefault(str(strategy_name), {})[str(symbol)] = Decimal(quantity)
    return out


def other_run_ids(conn: psycopg.Connection[Any], account: str, run_id: str) -> list[str]:
    """Run ids registered on ``account`` other than ``run_id``."""
    rows = conn.execute("SELECT run_id FROM api.runs WHERE account = %s AND run_id <> %s", (account, run_id))
    return [str(r[0]) for r in rows.fetchall()]


@dataclass(frozen=True)
class InstrumentRow:
    """An instrument's trading rules (``api.instruments``): price tick, quantity step, minimums."""

    symbol: str
    tick_size: Decimal | None
    step_size: Decimal | None
    min_qty: Decimal | None
    min_notional: Decimal | None


def instruments(conn: psycopg.Connection[Any], venue: str, symbols: Sequence[str]) -> list[InstrumentRow]:
    """The rules of ``symbols`` at ``venue``."""
    return _rows(
        conn,
        InstrumentRow,
        "SELECT symbol, tick_size, step_size, min_qty, min_notional FROM api.instruments"
        " WHERE venue = %s AND symbol = ANY(%s)",
        (venue, list(symbols)),
    )


@dataclass(frozen=True)
class LimitRow:
    """A risk limit of a profile at scope ``*`` (``mode``: pct or abs)."""

    limit_name: str
    mode: str
    value: Decimal | None


def profile_limits(conn: psycopg.Connection[Any], profile: str) -> list[LimitRow]:
    """The account-wide (scope ``*``) limits of a risk profile."""
    return _rows(
        conn, LimitRow, "SELECT limit_name, mode, value FROM api.limits WHERE profile = %s AND scope = '*'", (profile,)
    )


# --- the book -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BalanceRow:
    """A ledger balance of one of an account's accounts (``trading``, ``venue``, ``fees``, …)."""

    account_code: str
    currency: str
    balance: Decimal


def balances(conn: psycopg.Connection[Any], account: str) -> list[BalanceRow]:
    """Every ledger balance of ``account``'s book."""
    return _rows(
        conn, BalanceRow, "SELECT account_code, currency, balance FROM api.balances WHERE account = %s", (account,)
    )


def last_closed_hour(conn: psycopg.Connection[Any], account: str) -> datetime | None:
    """The last hour ``api.close_hour`` recorded for ``account`` (the checkpoint), or None."""
    value = _scalar(conn, "SELECT max(hour) FROM api.hourly_states WHERE account = %s", (account,))
    return value if isinstance(value, datetime) else None


def last_collected_hour(conn: psycopg.Connection[Any], account: str, until: datetime) -> datetime | None:
    """The last hour at or before ``until`` whose close collected the venue's events: its venue-health report
    (``api.venue_health``) does not say ``collect_failed`` (the worker could not reach the venue). A simulated
    venue had matched every bar that opened before that hour, and no later one (docs/chaos.md, "A restart
    after the venue was unreachable"); None when no hour did."""
    value = _scalar(
        conn,
        "SELECT max(h.ts) FROM api.venue_health h WHERE h.account = %s AND h.ts <= %s"
        " AND NOT EXISTS (SELECT FROM api.venue_health x WHERE x.account = h.account AND x.ts = h.ts"
        "                  AND x.detail @> '{\"collect_failed\": true}')",  # a halt's report may share the hour
        (account, until),
    )
    return value if isinstance(value, datetime) else None


def venue_halt_since_last_close(conn: psycopg.Connection[Any], account: str) -> str | None:
    """The incident of a ``venue_fatal_error`` breaker trip of ``account`` recorded after its last hour close
    finished (wall clock, ``api.hour_closes``; a trip the relay reported while sending that hour's orders), or
    None."""
    value = _scalar(
        conn,
        "SELECT b.incident FROM api.breaker_trips b JOIN api.incidents i ON i.incident = b.incident"
        " WHERE b.account = %s AND b.breaker = 'venue_fatal_error'"
        "   AND i.opened_at > (SELECT c.finished_at FROM api.hour_closes c WHERE c.account = %s"
        "                       ORDER BY c.hour DESC LIMIT 1)"
        " ORDER BY b.seq DESC LIMIT 1",
        (account, account),
    )
    return value if isinstance(value, str) else None


@dataclass(frozen=True)
class BookOrder:
    """An order the book holds as not final (new, open or partially filled), with its recorded fills."""

    client_order_id: str
    symbol: str
    side: str
    order_type: str
    quantity: Decimal
    limit_price: Decimal | None
    ts: datetime
    expiry: datetime | None
    filled_qty: Decimal
    venue_order_id: str | None
    status: str
    fills: int
    updated_ts: datetime  # the time of the order's last event in the book
    decision_price: Decimal | None = None  # the price the decision relied on (the venue's reference price)


def live_orders(conn: psycopg.Connection[Any], account: str) -> list[BookOrder]:
    """``account``'s orders that are not final, in admission order."""
    return _rows(
        conn,
        BookOrder,
        "SELECT o.client_order_id, o.symbol, o.side, o.order_type, o.quantity, o.limit_price, o.ts, o.expiry,"
        " o.filled_qty, o.venue_order_id, o.status,"
        " (SELECT count(*) FROM api.fills f WHERE f.client_order_id = o.client_order_id)::int AS fills,"
        " o.updated_ts, o.decision_price"
        " FROM api.orders o WHERE o.account = %s AND o.status IN ('new', 'open', 'partially_filled')"
        " ORDER BY o.seq",
        (account,),
    )


@dataclass(frozen=True)
class VenueRequest:
    """Something the database asks of the venue (a row of ``api.venue_requests(account)``): send an admitted order
    (``status`` new) or carry out a cancel request (``cancel_requested``). ``filled_qty`` is what the book holds
    as filled (base units). ``held_by`` lists the reason codes of the halts (``halted_global``, ``halted_lane``,
    ``halted_account``, ``halted_strategy``) that hold a ``new`` order of a signal back: it is not sent while
    any is listed. Always empty for kill-switch, risk-flatten and strategy-kill exits and for cancel requests."""

    client_order_id: str
    symbol: str
    side: str
    order_type: str
    quantity: Decimal
    limit_price: Decimal | None
    ts: datetime
    expiry: datetime | None
    decision_price: Decimal | None
    status: str
    cancel_requested: bool
    updated_ts: datetime
    filled_qty: Decimal
    origin: str
    held_by: list[str]


def venue_requests(conn: psycopg.Connection[Any], account: str) -> list[VenueRequest]:
    """Orders never sent (``new``) and open orders marked for cancellation, in admission order, with the halts
    the database says hold each unsent order back (``api.venue_requests``, the one definition)."""
    return _rows(
        conn,
        VenueRequest,
        "SELECT client_order_id, symbol, side, order_type, quantity, limit_price, ts, expiry, decision_price,"
        " status, cancel_requested, updated_ts, filled_qty, origin, held_by"
        " FROM api.venue_requests(%s) ORDER BY seq",
        (account,),
    )


def recorded_trade_ids(conn: psycopg.Connection[Any], account: str,
                       since: datetime | None) -> set[tuple[str, str]]:
    """The venue trades ``account``'s book already holds as fills, as (symbol, venue trade id), of those executed
    at or after ``since`` (business time, UTC; every fill when None). The relay's overlapping trade poll leaves
    them out: ``api.record_fill`` would answer ``duplicate``, but the poll also counts what each order's trades
    add to the book (a venue cancel waits for them), and a trade counted twice there would end an order early."""
    rows = conn.execute(
        "SELECT symbol, venue_trade_id FROM api.fills WHERE account = %s"
        " AND (%s::timestamptz IS NULL OR ts >= %s::timestamptz)",
        (account, since, since),
    ).fetchall()
    return {(str(r[0]), str(r[1])) for r in rows}


def open_order_symbols_call(account: str) -> Call[list[str]]:
    """Symbols with an order not final (batched into the hour's round trip): a scalar text array."""
    return Call(
        "SELECT coalesce(array_agg(DISTINCT symbol), '{}') FROM api.orders WHERE account = %s"
        " AND status IN ('new', 'open', 'partially_filled')",
        (account,),
        None,
    )


def hour_valuation_call(account: str, hour: datetime) -> Call[dict[str, Any] | None]:
    """What the close of ``hour`` valued (``api.hourly_states.valuation``, batched into the hour's round trip
    after ``api.close_hour``): per currency its trading cash, open buys and conversion rate to the reporting
    currency (docs/risk.md, Multi-currency valuation); a JSON object, None for an hour not closed."""
    return Call("SELECT valuation FROM api.hourly_states WHERE account = %s AND hour = %s", (account, hour), None)


# --- figures --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AccountFigures:
    """Counts and figures of an account as recorded (over its whole life)."""

    hours: int
    signals: int
    orders: int
    fills: int
    round_trips: int
    fees: Decimal | None  # of the last closed hour
    equity: Decimal | None  # of the last closed hour
    max_drawdown: Decimal


def account_figures(conn: psycopg.Connection[Any], account: str) -> AccountFigures:
    """Counts of hours, signals, orders, fills and round trips; last fees and equity; worst drawdown."""
    row = _one(
        conn,
        AccountFigures,
        "SELECT (SELECT count(*) FROM api.hourly_states WHERE account = %(a)s)::int AS hours,"
        " (SELECT count(*) FROM api.decisions WHERE account = %(a)s)::int AS signals,"
        " (SELECT count(*) FROM api.orders WHERE account = %(a)s)::int AS orders,"
        " (SELECT count(*) FROM api.fills WHERE account = %(a)s)::int AS fills,"
        " (SELECT count(*) FROM api.round_trips WHERE account = %(a)s)::int AS round_trips,"
        " h.fees, h.equity,"
        " (SELECT coalesce(max(drawdown), 0) FROM api.hourly_states WHERE account = %(a)s) AS max_drawdown"
        " FROM (SELECT 1) one LEFT JOIN LATERAL (SELECT fees, equity FROM api.hourly_states"
        " WHERE account = %(a)s ORDER BY hour DESC LIMIT 1) h ON true",
        {"a": account},
    )
    assert row is not None
    return row


@dataclass(frozen=True)
class RefusalCount:
    """How often a reason code refused a signal."""

    reason: str
    count: int


def refusal_counts(conn: psycopg.Connection[Any], account: str) -> list[RefusalCount]:
    """Refusal reason codes of ``account`` with their counts, most frequent first."""
    return _rows(
        conn,
        RefusalCount,
        "SELECT r AS reason, count(*)::int AS count FROM api.decisions, unnest(reasons) r WHERE account = %s"
        " AND outcome = 'refused' GROUP BY r ORDER BY 2 DESC, 1",
        (account,),
    )


@dataclass(frozen=True)
class FeeTier:
    """A venue's spot fee tier (``api.venues``), in basis points of notional."""

    venue: str
    maker_fee_bps: Decimal
    taker_fee_bps: Decimal


def fee_tier(conn: psycopg.Connection[Any], venue: str) -> FeeTier | None:
    """The fee tier the database holds for ``venue`` (None for an unknown venue): the one source of fees,
    which the admission gate uses too."""
    return _one(conn, FeeTier, "SELECT venue, maker_fee_bps, taker_fee_bps FROM api.venues WHERE venue = %s",
                (venue,))


# --- market data a run decides on ------------------------------------------------------------------------


@dataclass(frozen=True)
class CandleColumns:
    """One feed's effective bars, oldest first, as columns: ``ts`` open times (unix seconds, UTC), prices in
    quote, volumes in base (exact decimals as stored)."""

    ts: tuple[int, ...]
    open: tuple[Decimal, ...]
    high: tuple[Decimal, ...]
    low: tuple[Decimal, ...]
    close: tuple[Decimal, ...]
    volume: tuple[Decimal, ...]


def _columns(rows: list[tuple[Any, ...]]) -> CandleColumns:
    return CandleColumns(
        tuple(int(r[0]) for r in rows), tuple(r[1] for r in rows), tuple(r[2] for r in rows),
        tuple(r[3] for r in rows), tuple(r[4] for r in rows), tuple(r[5] for r in rows),
    )


def candles(conn: psycopg.Connection[Any], *, venue: str, symbol: str, start: datetime, end: datetime,
            known_load_id: int | None = None, known: bool = False) -> CandleColumns:
    """Effective 1h bars of a feed with open time in [start, end). With ``known`` the bars as they were once
    the loads up to ``known_load_id`` had committed (``api.candles_known``; None: nothing known, no bars),
    else every load's (``api.candles``)."""
    if known:
        rows = conn.execute(
            "SELECT extract(epoch FROM ts)::bigint, open, high, low, close, volume"
            " FROM api.candles_known(%s, %s, '1h', %s, %s, %s)",
            (venue, symbol, start, end, known_load_id),
        ).fetchall()
    else:
        rows = conn.execute(
            "SELECT extract(epoch FROM ts)::bigint, open, high, low, close, volume FROM api.candles"
            " WHERE venue = %s AND symbol = %s AND interval = '1h' AND ts >= %s AND ts < %s ORDER BY ts",
            (venue, symbol, start, end),
        ).fetchall()
    return _columns(rows)


@dataclass(frozen=True)
class KnownChanges:
    """What changed in several feeds' windows between two knowledges (:func:`candles_known_since`): per symbol
    the bars to take (a symbol with none is absent), and the symbols whose earlier load id is no longer a load
    of their feed (the earlier read cannot be built on)."""

    bars: Mapping[str, CandleColumns]
    lost: frozenset[str]


def candles_known_since(conn: psycopg.Connection[Any], *, venue: str, symbols: Sequence[str], start: datetime,
                        end: datetime, known: Mapping[str, int | None], after: Mapping[str, int | None],
                        fresh_from: datetime) -> KnownChanges:
    """``api.candles_known_since`` for every symbol in one round trip: the 1h bars with open time in [start, end)
    as known at ``known`` (per symbol the load id, None: nothing known) that may differ from a read of
    [start, fresh_from) as of ``after`` (None: nothing read), that is every bar from ``fresh_from`` and the older
    bars newer loads wrote. In the same round trip, whether each ``after`` load id is still a load of its feed
    (``api.candle_loads``). PD012 when a symbol's ``after`` is newer than its ``known``."""
    feeds = list(symbols)
    held = [after.get(s) for s in feeds]
    with conn.pipeline():
        bars = conn.execute(
            "SELECT symbol, extract(epoch FROM ts)::bigint, open, high, low, close, volume"
            " FROM api.candles_known_since(%s, '1h', %s, %s, %s, %s, %s, %s)",
            (venue, feeds, [known.get(s) for s in feeds], held, start, end, fresh_from),
        )
        loads = conn.execute(
            "SELECT symbol, load_id FROM api.candle_loads"
            " WHERE venue = %s AND interval = '1h' AND load_id = ANY(%s::bigint[])",
            (venue, [h for h in held if h is not None]),
        )
    rows: dict[str, list[tuple[Any, ...]]] = {}
    for r in bars.fetchall():
        rows.setdefault(str(r[0]), []).append(r[1:])
    found = {(str(r[0]), int(r[1])) for r in loads.fetchall()}
    lost = frozenset(s for s, h in zip(feeds, held, strict=True) if h is not None and (s, h) not in found)
    return KnownChanges({s: _columns(r) for s, r in rows.items()}, lost)


def record_hour_knowledge(conn: psycopg.Connection[Any], *, account: str, hour: datetime,
                          symbols: Sequence[str]) -> dict[str, int | None]:
    """``api.record_hour_knowledge``: lock the run's feeds against new loads until the caller's transaction
    ends, record and return each symbol's last load id (None: nothing loaded). Call it first in the
    transaction that closes ``hour``. PD011 unknown account, PD012 bad hour or symbols, PD013 hour already
    closed, PD015 hour beyond the wall clock."""
    rows = conn.execute(
        "SELECT symbol, load_id FROM api.record_hour_knowledge(%s, %s, %s)", (account, hour, list(symbols))
    ).fetchall()
    return {str(r[0]): (int(r[1]) if r[1] is not None else None) for r in rows}


@dataclass(frozen=True)
class HourKnowledge:
    """What one closed hour of a sync-fed run knew of one feed: its last load id (None: none)."""

    hour: datetime
    symbol: str
    load_id: int | None


def hour_knowledge(conn: psycopg.Connection[Any], account: str) -> list[HourKnowledge]:
    """Every recorded hour knowledge of ``account`` (``api.hour_knowledge``), by hour and symbol."""
    return _rows(
        conn, HourKnowledge,
        "SELECT hour, symbol, load_id FROM api.hour_knowledge WHERE account = %s AND interval = '1h'"
        " ORDER BY hour, symbol", (account,),
    )


@dataclass(frozen=True)
class CandleRevision:
    """One stored revision of a bar and the load that wrote it (``api.candle_revisions``); ts = open time UTC."""

    load_id: int
    source: str
    clock: datetime
    ts: datetime
    revision: int
    open: Decimal
    high: Decimal
    low: Decimal
    close: Decimal
    volume: Decimal


def candle_revisions(conn: psycopg.Connection[Any], *, venue: str, symbol: str, after_load_id: int | None,
                     upto_load_id: int) -> list[CandleRevision]:
    """The revisions of a feed's 1h bars written by the loads in (after_load_id, upto_load_id], in load then
    bar order (the order a replay loads them)."""
    return _rows(
        conn, CandleRevision,
        "SELECT load_id, source, clock, ts, revision, open, high, low, close, volume FROM api.candle_revisions"
        " WHERE venue = %s AND symbol = %s AND interval = '1h' AND load_id > %s AND load_id <= %s"
        " ORDER BY load_id, ts",
        (venue, symbol, after_load_id if after_load_id is not None else -1, upto_load_id),
    )


# --- preflight: what a run needs before it creates anything (predator.runner.preflight) -----------------


@dataclass(frozen=True)
class AccountConfigRow:
    """An account's configuration as ``api.accounts`` shows it: mode, venue, quote (base) currency, lane."""

    name: str
    mode: str
    venue: str
    base_currency: str
    lane: str
    initial_principal: Decimal
    risk_profile: str


def account_config(conn: psycopg.Connection[Any], name: str) -> AccountConfigRow | None:
    """The configuration of the account called ``name``, or None."""
    return _one(
        conn, AccountConfigRow,
        "SELECT name, mode, venue, base_currency, lane, initial_principal, risk_profile FROM api.accounts"
        " WHERE name = %s", (name,),
    )


@dataclass(frozen=True)
class VenueInstrumentRow:
    """An instrument of a venue (``api.instruments``): symbol, base and quote assets, cluster, trading rules
    (tick in quote, step and minimum quantity in base, minimum notional in quote; None when unknown), and
    where the rules came from."""

    venue: str
    symbol: str
    base: str
    quote: str
    cluster: str | None
    tick_size: Decimal | None
    step_size: Decimal | None
    min_qty: Decimal
    min_notional: Decimal
    source: str
    updated_at: datetime


def venue_instruments(conn: psycopg.Connection[Any], venue: str | None = None) -> list[VenueInstrumentRow]:
    """The instruments of ``venue`` (None: of every venue), by venue and symbol."""
    return _rows(
        conn, VenueInstrumentRow,
        "SELECT venue, symbol, base, quote, cluster, tick_size, step_size, min_qty, min_notional, source, updated_at"
        " FROM api.instruments WHERE %(venue)s::text IS NULL OR venue = %(venue)s"
        " ORDER BY venue, symbol COLLATE \"C\"",
        {"venue": venue},
    )


def venue_names(conn: psycopg.Connection[Any]) -> list[str]:
    """The ccxt ids of the venues the database knows (``api.venues``), sorted."""
    return [str(r[0]) for r in conn.execute("SELECT venue FROM api.venues ORDER BY venue").fetchall()]


def risk_profiles(conn: psycopg.Connection[Any]) -> list[str]:
    """The risk profiles the database knows (one row each in ``api.arbitration``), sorted."""
    return [str(r[0]) for r in conn.execute("SELECT profile FROM api.arbitration ORDER BY profile").fetchall()]


def currency_codes(conn: psycopg.Connection[Any]) -> list[str]:
    """The currencies the database knows (``api.assets``), sorted."""
    return [str(r[0]) for r in conn.execute("SELECT asset FROM api.assets ORDER BY asset").fetchall()]


#: The regular expression of a ``CHECK (column ~ '...'::text)`` as pg_get_constraintdef prints it.
_CHECK_REGEX = re.compile(r"~ '((?:[^']|'')*)'::text")


def account_name_refused(conn: psycopg.Connection[Any], name: str) -> str | None:
    """The pattern an account name must match, when ``name`` does not match it; None when it does (or when the
    database holds no such rule). The rule is the database's own: the CHECK ``account_name_is_identifier`` of
    ``trading.account``, read from the catalog and evaluated by PostgreSQL's regex engine, so that a dry run
    refuses exactly the names ``api.create_account`` would refuse."""
    row = conn.execute(
        "SELECT pg_get_constraintdef(c.oid) FROM pg_catalog.pg_constraint c"
        " JOIN pg_catalog.pg_class r ON r.oid = c.conrelid JOIN pg_catalog.pg_namespace n ON n.oid = r.relnamespace"
        " WHERE n.nspname = 'trading' AND r.relname = 'account' AND c.conname = 'account_name_is_identifier'"
    ).fetchone()
    found = _CHECK_REGEX.search(str(row[0])) if row else None
    if found is None:
        return None
    pattern = found.group(1).replace("''", "'")
    ok = conn.execute("SELECT %s::text ~ %s::text", (name, pattern)).fetchone()
    return None if ok and ok[0] else pattern


@dataclass(frozen=True)
class CandleCoverageRow:
    """Where the stored effective 1h bars of one feed lie in a window: ``first_in``/``last_in`` open times
    (None: no bar), ``bars_in`` bars; and ``bars_before``, the bars in the stretch just before it."""

    symbol: str
    first_in: datetime | None
    last_in: datetime | None
    bars_in: int
    bars_before: int


def candle_coverage(conn: psycopg.Connection[Any], *, venue: str, symbols: Sequence[str], start: datetime,
                    end: datetime, before: datetime | None = None) -> list[CandleCoverageRow]:
    """Per symbol of ``symbols`` (in their order, also those without any bar), the stored 1h bars at
    ``venue`` with open time in [start, end), and how many in [before, start) (0 without ``before``). The
    cost follows the windows, not the feeds' whole history."""
    return _rows(
        conn, CandleCoverageRow,
        "SELECT s.symbol, w.first_in, w.last_in, w.bars_in, b.bars_before"
        "  FROM unnest(%(symbols)s::text[]) WITH ORDINALITY s(symbol, ord)"
        "  CROSS JOIN LATERAL (SELECT min(c.ts) AS first_in, max(c.ts) AS last_in, count(*)::int AS bars_in"
        "                        FROM api.candles c WHERE c.venue = %(venue)s AND c.symbol = s.symbol"
        "                         AND c.interval = '1h' AND c.ts >= %(start)s AND c.ts < %(end)s) w"
        "  CROSS JOIN LATERAL (SELECT count(*)::int AS bars_before"
        "                        FROM api.candles c WHERE c.venue = %(venue)s AND c.symbol = s.symbol"
        "                         AND c.interval = '1h' AND c.ts >= %(before)s AND c.ts < %(start)s) b"
        " ORDER BY s.ord",
        {"venue": venue, "symbols": list(symbols), "start": start, "end": end, "before": before or start},
    )


@dataclass(frozen=True)
class CandleSpanRow:
    """The first and last stored effective 1h bar of a feed (None: no bar at all)."""

    symbol: str
    first: datetime | None
    last: datetime | None


def candle_spans(conn: psycopg.Connection[Any], *, venue: str, symbols: Sequence[str]) -> list[CandleSpanRow]:
    """Per symbol of ``symbols`` (in their order), its first and last stored 1h bar at ``venue`` (reads every
    bar of the feed: for messages about a range that misses the data, not for every run)."""
    return _rows(
        conn, CandleSpanRow,
        "SELECT s.symbol, min(c.ts) AS first, max(c.ts) AS last"
        "  FROM unnest(%(symbols)s::text[]) WITH ORDINALITY s(symbol, ord)"
        "  LEFT JOIN api.candles c ON c.venue = %(venue)s AND c.symbol = s.symbol AND c.interval = '1h'"
        " GROUP BY s.symbol, s.ord ORDER BY s.ord",
        {"venue": venue, "symbols": list(symbols)},
    )


# --- what happened to an account: halts, pauses, flattens ------------------------------------------------

#: The halt scopes that cover ``a`` (an ``api.accounts`` row) for a halt event or state ``e``/``h``.
_COVERS = (
    "({x}.scope_kind = 'global' OR ({x}.scope_kind = 'lane' AND {x}.scope_key = a.lane)"
    " OR ({x}.scope_kind = 'account' AND {x}.scope_key = a.name)"
    " OR ({x}.scope_kind = 'strategy' AND left({x}.scope_key, length(a.name) + 1) = a.name || '/'{strategy}))"
)

#: The incident of a halt event ``e``: every halt has one, opened in the same transaction just before the
#: halt event (by the breaker, the reconciliation, the transfer check or risk._set_halt), whose scope is the
#: halt's ``kind:key`` (or ``global`` for the reconciliation and transfer halts).
_HALT_INCIDENT = (
    "(SELECT i.incident FROM api.incidents i WHERE e.action = 'halt'"
    " AND i.scope IN (e.scope_kind || ':' || e.scope_key, e.scope_kind) AND i.opened_at <= e.effective_at"
    " ORDER BY i.opened_at DESC, i.seq DESC LIMIT 1)"
)


@dataclass(frozen=True)
class AccountEvent:
    """Something that stopped or limited an account's trading, or lifted it.

    ``kind``: ``halt`` / ``resume`` (a halt event at a scope covering the account: ``global:*``,
    ``lane:<lane>``, ``account:<name>``, ``strategy:<name>/<strategy>``), ``pause`` / ``resume_strategy``
    (an operator's pause of one of its strategies, ``scope`` ``<name>/<strategy>``), or ``flatten``
    (reduce-only exits the database created: ``source`` ``risk_flatten`` for the drawdown flatten tier,
    ``kill_switch`` for the kill switch; ``orders`` of them, on ``symbols``).
    ``ts``: the business time recorded with it (system halts, flattens); ``after_hour``: for an operator's
    action, which has none, the account's last closed hour when it was recorded (None: before its first hour).
    ``at``: wall time (None for a flatten whose halt is not known). ``incident``: ``INC-<book>-<seq>`` or None
    (resumes and pauses open none)."""

    kind: str
    scope: str
    reason: str
    source: str  # system | operator | risk_flatten | kill_switch
    actor: str
    ts: datetime | None
    after_hour: datetime | None
    at: datetime | None
    incident: str | None
    orders: int = 0
    symbols: tuple[str, ...] = ()


def account_events(conn: psycopg.Connection[Any], account: str) -> list[AccountEvent]:
    """Every halt and resume covering ``account`` (the halts in force when it was created, then every event
    after), every pause and resume of its strategies, and every flatten of its positions, in the order they
    took effect (wall time; a flatten after the halt it belongs to). Reads ``ops.audit_log`` via
    ``api.audit_log`` and ``portfolio.hourly_state`` (for the business time of operator actions): run it as
    the auditor. An unknown account has no events."""
    hour_at = (
        "(SELECT max(h.hour) FROM portfolio.hourly_state h WHERE h.book_id = a.book_id AND h.recorded_at < {at})"
    )
    sql = (
        "WITH a AS (SELECT book_id, name, lane, created_at FROM api.accounts WHERE name = %(a)s),"
        " ev AS (SELECT e.*, e.effective_at < a.created_at AS before,"
        "   row_number() OVER (PARTITION BY e.scope_kind, e.scope_key, e.effective_at < a.created_at"
        "                      ORDER BY e.effective_at DESC, e.seq DESC) AS latest"
        "   FROM api.halt_events e, a WHERE " + _COVERS.format(x="e", strategy="") + "),"
        " halts AS (SELECT e.action AS kind, e.scope_kind || ':' || e.scope_key AS scope, e.reason, e.source,"
        "   e.actor, e.ts, CASE WHEN e.ts IS NULL THEN " + hour_at.format(at="e.effective_at") + " END AS after_hour,"
        "   e.effective_at AS at, " + _HALT_INCIDENT + " AS incident, 0 AS orders, '{}'::text[] AS symbols"
        "   FROM ev e, a WHERE NOT e.before OR (e.latest = 1 AND e.action = 'halt')),"
        " pauses AS (SELECT CASE l.action WHEN 'pause_strategy' THEN 'pause' ELSE 'resume_strategy' END AS kind,"
        "   l.target AS scope, l.reason, 'operator' AS source, l.actor, NULL::timestamptz AS ts,"
        "   " + hour_at.format(at="l.recorded_at") + " AS after_hour, l.recorded_at AS at, NULL::text AS incident,"
        "   0 AS orders, '{}'::text[] AS symbols"
        "   FROM api.audit_log l, a WHERE l.book_id = a.book_id"
        "   AND l.action IN ('pause_strategy', 'resume_strategy')"
        "   AND left(l.target, length(a.name) + 1) = a.name || '/'),"
        " flats AS (SELECT o.origin, o.ts, count(*)::int AS orders, array_agg(o.symbol ORDER BY o.symbol) AS symbols,"
        "   min(c.reason) AS reason"
        "   FROM api.orders o JOIN api.order_events c ON c.client_order_id = o.client_order_id AND c.kind = 'created'"
        "   WHERE o.account = %(a)s AND o.origin IN ('risk_flatten', 'kill_switch') GROUP BY o.origin, o.ts),"
        " flattens AS (SELECT 'flatten' AS kind, 'account:' || a.name AS scope, coalesce(f.reason, f.origin) AS reason,"
        "   f.origin AS source, 'system' AS actor, f.ts, NULL::timestamptz AS after_hour, h.at, h.incident, f.orders,"
        "   f.symbols FROM flats f CROSS JOIN a"
        "   LEFT JOIN LATERAL (SELECT x.at, x.incident FROM halts x WHERE x.kind = 'halt' AND CASE f.origin"
        "     WHEN 'kill_switch' THEN x.scope = 'global:*' AND x.reason = f.reason"
        "     ELSE x.scope = 'account:' || a.name AND x.ts <= f.ts END"
        "     ORDER BY x.ts DESC NULLS LAST, x.at DESC LIMIT 1) h ON true)"
        " SELECT kind, scope, reason, source, actor, ts, after_hour, at, incident, orders, symbols FROM ("
        "   SELECT * FROM halts UNION ALL SELECT * FROM pauses UNION ALL SELECT * FROM flattens) u"
        " ORDER BY at NULLS LAST, kind = 'flatten', ts NULLS FIRST, scope"
    )
    with conn.cursor() as cur:
        cur.execute(sql, {"a": account})
        rows = cur.fetchall()
    return [
        AccountEvent(str(r[0]), str(r[1]), str(r[2]), str(r[3]), str(r[4]), r[5], r[6], r[7],
                     None if r[8] is None else str(r[8]), int(r[9]), tuple(str(s) for s in r[10]))
        for r in rows
    ]


@dataclass(frozen=True)
class Blocker:
    """A halt or pause in force that stops an account's strategy from trading, which only an operator lifts
    (``api.resume``, ``api.resume_strategy``). ``kind``: ``halt`` or ``pause``; ``scope`` as in
    :class:`AccountEvent`; ``ts``: the business time a system halt recorded (None for an operator's);
    ``since``: wall time; ``incident``: ``INC-<book>-<seq>`` of the halt (None for a pause)."""

    kind: str
    scope: str
    reason: str
    source: str  # system | operator
    ts: datetime | None
    since: datetime
    incident: str | None


def blockers(conn: psycopg.Connection[Any], account: str, strategy: str) -> list[Blocker]:
    """The halts in force covering ``account`` and its strategy ``strategy`` (global, its lane, the account,
    ``account/strategy``), each with the halt event that set it and its incident, and the strategy's pause,
    if any, with the pause's reason (a pause by the strategy's health score: source ``system``, its cause and
    hour, ``api.strategy_health``); widest scope first. Empty: nothing stops it. Reads ``api`` views."""
    sql = (
        "WITH a AS (SELECT book_id, name, lane FROM api.accounts WHERE name = %(a)s)"
        " SELECT 'halt' AS kind, h.scope_kind || ':' || h.scope_key AS scope, h.reason, coalesce(e.source, 'system'),"
        "  e.ts, h.since, i.incident,"
        "  array_position(ARRAY['global', 'lane', 'account', 'strategy'], h.scope_kind) AS rank"
        " FROM api.halts h CROSS JOIN a"
        " LEFT JOIN LATERAL (SELECT * FROM api.halt_events e WHERE e.scope_kind = h.scope_kind"
        "   AND e.scope_key = h.scope_key AND e.action = 'halt'"
        "   ORDER BY e.effective_at DESC, e.seq DESC LIMIT 1) e ON true"
        " LEFT JOIN LATERAL (SELECT " + _HALT_INCIDENT + " AS incident) i ON true"
        " WHERE h.active AND " + _COVERS.format(x="h", strategy=" AND h.scope_key = a.name || '/' || %(s)s") +
        " UNION ALL"
        " SELECT 'pause', s.account || '/' || s.strategy, coalesce(hp.cause, l.reason, 'paused'),"
        "  CASE WHEN hp.cause IS NULL THEN 'operator' ELSE 'system' END, hp.hour,"
        "  coalesce(hp.recorded_at, l.recorded_at, now()), NULL, 5"
        " FROM api.strategies s LEFT JOIN LATERAL (SELECT l.reason, l.recorded_at FROM api.audit_log l"
        "   WHERE l.action = 'pause_strategy' AND l.target = s.account || '/' || s.strategy"
        "   ORDER BY l.recorded_at DESC, l.seq DESC LIMIT 1) l ON true"
        " LEFT JOIN LATERAL (SELECT p.cause, p.hour, p.recorded_at FROM api.strategy_health h"
        "   JOIN api.strategy_health p ON p.account = h.account AND p.strategy = h.strategy AND p.action = 'pause'"
        "   WHERE h.account = s.account AND h.strategy = s.strategy AND h.state = 'paused'"
        "     AND h.hour = (SELECT max(x.hour) FROM api.strategy_health x"
        "                    WHERE x.account = s.account AND x.strategy = s.strategy)"
        "   ORDER BY p.hour DESC LIMIT 1) hp ON true"
        " WHERE s.account = %(a)s AND s.strategy = %(s)s AND s.status = 'paused'"
        " ORDER BY 8, 2"
    )
    rows = conn.execute(sql, {"a": account, "s": strategy}).fetchall()
    return [
        Blocker(str(r[0]), str(r[1]), str(r[2]), str(r[3]), r[4], r[5], None if r[6] is None else str(r[6]))
        for r in rows
    ]


@dataclass(frozen=True)
class HourActivity:
    """What one closed hour of an account did: its equity at the close (base currency), the orders created
    at that business time, the fills dated in the hour before it, and the signals refused at it."""

    hour: datetime
    equity: Decimal
    orders: int
    fills: int
    refusals: int


def hour_activity(conn: psycopg.Connection[Any], account: str, hour: datetime) -> HourActivity | None:
    """The activity of ``account``'s closed hour ``hour`` (None: not closed)."""
    return _one(
        conn,
        HourActivity,
        "SELECT h.hour, h.equity,"
        " (SELECT count(*) FROM api.orders o WHERE o.account = %(a)s AND o.ts = %(h)s)::int AS orders,"
        " (SELECT count(*) FROM api.fills f WHERE f.account = %(a)s AND f.ts > %(h)s - interval '1 hour'"
        "   AND f.ts <= %(h)s)::int AS fills,"
        " (SELECT count(*) FROM api.decisions d WHERE d.account = %(a)s AND d.ts = %(h)s"
        "   AND d.outcome = 'refused')::int AS refusals"
        " FROM api.hourly_states h WHERE h.account = %(a)s AND h.hour = %(h)s",
        {"a": account, "h": hour},
    )
