"""Backfill: page through ccxt ``fetch_ohlcv`` and load every page through the gated path.

Each page is fetched under the retry policy (transient errors only, bounded exponential backoff, ccxt's
own rate limiter between requests) and then loaded atomically by ``api.load_candles`` in a transaction of
its own, exactly as a file would be: gates, duplicates, corrections, quarantine, accounting. Bars that had
not closed by the clock (the exchange's in-progress candle) are not sent. A page that cannot be fetched or
loaded stops the backfill with :class:`BackfillError`: the pages before it stay committed, nothing of the
failing page is stored, and the message says which page, from when, and why.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import ccxt
import psycopg

from predator import seams
from predator.db import api as db_api
from predator.errors import PredatorError, TransientVenueError, VenueError
from predator.marketdata.loader import Feed, format_bar, load_lines
from predator.marketdata.venues import Retrier


@dataclass(frozen=True)
class PageLoad:
    """One fetched page: where it started, what came back, and the gate's accounting of what was sent."""

    page: int
    since: datetime
    fetched: int
    not_closed: int          # bars the exchange returned that had not closed by the clock (not sent)
    result: db_api.CandleLoad

    def accounting_line(self) -> str:
        return (f"page {self.page} since {self.since:%Y-%m-%dT%H:%M:%SZ}: fetched {self.fetched}"
                f" (not closed {self.not_closed}); {self.result.accounting()}")


@dataclass
class BackfillResult:
    """Pages loaded by one backfill and the retries it needed."""

    feed: Feed
    source: str
    pages: list[PageLoad] = field(default_factory=list)
    retries: int = 0

    @property
    def read(self) -> int:
        return sum(p.result.read for p in self.pages)

    @property
    def loaded(self) -> int:
        return sum(p.result.loaded for p in self.pages)

    @property
    def quarantined(self) -> int:
        return sum(p.result.quarantined for p in self.pages)


class BackfillError(VenueError):
    """A backfill page failed; ``result`` holds the pages committed before it, ``transient`` the kind."""

    def __init__(self, message: str, result: BackfillResult, transient: bool) -> None:
        super().__init__(message)
        self.result = result
        self.transient = transient


def _ms(ts: datetime) -> int:
    if ts.tzinfo is None:
        raise ValueError(f"naive datetime {ts!r}: pass timezone-aware UTC times")
    return int(ts.timestamp() * 1000)


def _dt(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, UTC)


def backfill(conn: psycopg.Connection, exchange: ccxt.Exchange, symbol: str, interval: str, since: datetime,
             until: datetime | None = None, *, clock: datetime | None = None, limit: int | None = None,
             retrier: Retrier | None = None, source: str | None = None,
             on_page: Callable[[PageLoad], None] | None = None) -> BackfillResult:
    """Fetch ``symbol`` bars of ``interval`` from ``since`` (open time) up to ``until`` or the clock.

    ``clock`` is the load's business time (default: now, UTC); ``limit`` the page size asked of the venue
    (default: the venue's own). Raises :class:`BackfillError` when a page fails (its ``__cause__`` is the
    translated venue or database error).
    """
    venue = exchange.id
    feed = Feed(venue, symbol, interval)
    src = source or f"ccxt:{venue}"
    retry = retrier or Retrier()
    result = BackfillResult(feed, src)
    now = clock or seams.wall_now()
    clock_ms = _ms(now)
    end_ms = min(_ms(until), clock_ms) if until else clock_ms
    step_ms = int(exchange.parse_timeframe(interval)) * 1000
    cursor = -(-_ms(since) // step_ms) * step_ms  # first open time at or after since
    page = 0

    def fail(what: str, e: BaseException) -> BackfillError:
        done = result.pages
        before = (f"pages 1-{len(done)} loaded ({result.loaded} new bars) and committed" if done
                  else "no page loaded before it")
        transient = isinstance(e, TransientVenueError)
        err = BackfillError(f"backfill {venue} {symbol} {interval}: page {page}"
                            f" (since {_dt(cursor):%Y-%m-%dT%H:%M:%SZ}) failed while {what}: {e}; {before};"
                            f" nothing of page {page} was stored", result, transient)
        result.retries = retry.retries
        return err

    try:
        retry.call(exchange.load_markets, f"{venue} load_markets")
    except VenueError as e:
        raise fail("loading the venue's markets", e) from e
    while cursor < end_ms:
        page += 1
        at = cursor

        def fetch(at: int = at) -> list[list[Any]]:
            return exchange.fetch_ohlcv(symbol, interval, since=at, limit=limit)  # type: ignore[no-any-return]

        try:
            rows = retry.call(fetch,
                              f"{venue} fetch_ohlcv {symbol} {interval} since {_dt(cursor):%Y-%m-%dT%H:%M:%SZ}")
        except VenueError as e:
            raise fail("fetching", e) from e
        in_range = [r for r in rows if cursor <= int(r[0]) < end_ms]
        closed = [r for r in in_range if int(r[0]) + step_ms <= clock_ms]
        if not closed:
            break
        lines = [format_bar(int(r[0]), r[1], r[2], r[3], r[4], r[5]) for r in closed]
        try:
            loaded = load_lines(conn, feed, lines, src, now)
        except (PredatorError, psycopg.Error) as e:
            raise fail("loading", e) from e
        done = PageLoad(page, _dt(cursor), len(rows), len(in_range) - len(closed), loaded)
        result.pages.append(done)
        if on_page is not None:
            on_page(done)
        next_cursor = max(int(r[0]) for r in closed) + step_ms
        if next_cursor <= cursor:
            break
        cursor = next_cursor
    result.retries = retry.retries
    return result
