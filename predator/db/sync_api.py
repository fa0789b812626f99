"""Named, typed reads for the incremental market-data sync (:mod:`predator.marketdata.sync`).

Part of the gateway (DESIGN.md §8: only ``predator.db`` speaks SQL). Every read goes through the worker's
door: ``api.feed_status`` (the feed-status machinery that also decides ``data_stale`` at admission),
``api.candles`` (effective bars) and ``api.instruments``. Nothing here writes; bars are stored only by the
gated load (:mod:`predator.marketdata.loader`).

Units: times are timezone-aware UTC datetimes; ``ts`` is a bar's open time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

import psycopg

from predator.db.api import Call, run
from predator.db.market_api import FeedStatus


@dataclass(frozen=True)
class StoredBar:
    """One effective bar (``api.candles``): open time, OHLCV and its revision (0 = never corrected)."""

    ts: datetime
    open: Decimal
    high: Decimal
    low: Decimal
    close: Decimal
    volume: Decimal
    revision: int


def venue_symbols(conn: psycopg.Connection, venue: str) -> list[str]:
    """The symbols of a venue's instruments (``api.instruments``), in byte order. Worker or auditor."""
    rows = conn.execute("SELECT symbol FROM api.instruments WHERE venue = %s::text ORDER BY symbol COLLATE \"C\"",
                        (venue,)).fetchall()
    return [str(r[0]) for r in rows]


def feed_state(conn: psycopg.Connection, clock: datetime, venue: str, symbol: str,
               interval: str) -> FeedStatus | None:
    """``api.feed_status`` of one feed at ``clock`` (None when the venue has no such instrument and the feed
    was never loaded). Worker or auditor."""
    found: FeedStatus | None = run(conn, Call(
        "SELECT * FROM api.feed_status(%s::timestamptz, %s::text, %s::text) WHERE symbol = %s::text",
        (clock, venue, interval, symbol), FeedStatus))
    return found


def stored_bar(conn: psycopg.Connection, venue: str, symbol: str, interval: str, ts: datetime) -> StoredBar | None:
    """The effective bar with open time ``ts`` (``api.candles``), or None when it is not stored."""
    found: StoredBar | None = run(conn, Call(
        "SELECT ts, open, high, low, close, volume, revision FROM api.candles"
        " WHERE venue = %s::text AND symbol = %s::text AND interval = %s::text AND ts = %s::timestamptz",
        (venue, symbol, interval, ts), StoredBar))
    return found
