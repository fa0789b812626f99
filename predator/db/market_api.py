"""Typed calls to the market-data routines of the ``api`` schema (one function per routine).

Part of the gateway (DESIGN.md §8: only ``predator.db`` speaks SQL), on the machinery of
:mod:`predator.db.api` (:class:`~predator.db.api.Call`, :func:`~predator.db.api.run`, refusals translated by
SQLSTATE). ``api.load_candles`` itself is :func:`predator.db.api.load_candles`; this module also owns its
inbox: :func:`begin_candle_load` (``api.begin_candle_load``) hands out a load key and :func:`copy_stage` COPYs
lines under it into ``market.candle_stage``, the one table the worker may write, and only by INSERT.

Units: times are timezone-aware UTC datetimes (``ts`` is a bar's open time), prices in quote currency,
volumes in base currency.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import psycopg

from predator.db.api import Call, run


@dataclass(frozen=True)
class FeedStatus:
    """How current one feed is at a clock (``api.feed_status``)."""

    venue: str
    symbol: str
    interval: str
    expected_ts: datetime            # open time of the bar that closed at the last boundary <= clock
    last_ts: datetime | None         # open time of the latest stored bar closed by the clock
    last_close: datetime | None
    missing_bars: int | None
    staleness: timedelta | None      # clock - last_close
    status: str                      # ok | quarantined | stale | no_data
    expected_quarantined: bool
    last_quarantined_ts: datetime | None
    last_load_id: int | None
    last_loaded_at: datetime | None  # wall time


@dataclass(frozen=True)
class CandleGap:
    """Missing bars between two stored bars of a feed (``api.candle_gaps``)."""

    venue: str
    symbol: str
    interval: str
    after_ts: datetime
    next_ts: datetime
    missing: int


@dataclass(frozen=True)
class DatasetHash:
    """Deterministic sha256 of a dataset (``api.dataset_hash``); digests: symbol -> {bars, sha256}."""

    dataset_hash: str
    bars: int
    symbols: int
    first_ts: datetime | None
    last_ts: datetime | None
    digests: dict[str, Any]


@dataclass(frozen=True)
class ResampledBar:
    """One aggregated bar (``api.resample_candles``); complete when every source bar was present."""

    ts: datetime
    open: Decimal
    high: Decimal
    low: Decimal
    close: Decimal
    volume: Decimal
    bars: int
    complete: bool


@dataclass(frozen=True)
class InstrumentUpsert:
    """What ``api.upsert_instruments`` did with one instrument: inserted | updated | unchanged | skipped."""

    symbol: str | None
    action: str
    detail: str | None


def feed_status(conn: psycopg.Connection, clock: datetime, venue: str | None = None,
                interval: str | None = None) -> list[FeedStatus]:
    """Per feed: last good bar, missing bars and status at ``clock``. Worker or auditor."""
    return run(conn, Call("SELECT * FROM api.feed_status(%s::timestamptz, %s::text, %s::text)",
                          (clock, venue, interval), FeedStatus, many=True))


def candle_gaps(conn: psycopg.Connection, venue: str, interval: str, symbol: str | None = None,
                start: datetime | None = None, end: datetime | None = None) -> list[CandleGap]:
    """Gaps between stored bars (open times in [start, end)); all symbols when ``symbol`` is None."""
    return run(conn, Call("SELECT * FROM api.candle_gaps(%s::text, %s::text, %s::text, %s::timestamptz,"
                          " %s::timestamptz)",
                          (venue, interval, symbol, start, end), CandleGap, many=True))


def dataset_hash(conn: psycopg.Connection, venue: str, symbols: Sequence[str], interval: str, start: datetime,
                 end: datetime) -> DatasetHash:
    """sha256 of the effective bars of ``symbols`` with open time in [start, end)."""
    return run(conn, Call("SELECT * FROM api.dataset_hash(%s::text, %s::text[], %s::text, %s::timestamptz,"
                          " %s::timestamptz)", (venue, list(symbols), interval, start, end), DatasetHash))


def resample_candles(conn: psycopg.Connection, venue: str, symbol: str, from_interval: str, to_interval: str,
                     start: datetime | None = None, end: datetime | None = None) -> list[ResampledBar]:
    """Aggregate a feed's bars to a coarser interval in SQL (nothing stored)."""
    return run(conn, Call("SELECT * FROM api.resample_candles(%s::text, %s::text, %s::text, %s::text,"
                          " %s::timestamptz, %s::timestamptz)",
                          (venue, symbol, from_interval, to_interval, start, end), ResampledBar, many=True))


def upsert_instruments(conn: psycopg.Connection, venue: str, instruments: Sequence[dict[str, Any]],
                       source: str) -> list[InstrumentUpsert]:
    """Store a venue's market structure; one row per input instrument saying what was done. Worker."""
    payload = json.dumps(list(instruments), sort_keys=True, default=str)
    return run(conn, Call("SELECT * FROM api.upsert_instruments(%s::text, %s::jsonb, %s::text)",
                          (venue, payload, source), InstrumentUpsert, many=True))


def add_venue(conn: psycopg.Connection, venue: str, name: str, maker_fee_bps: Decimal, taker_fee_bps: Decimal,
              reason: str) -> str:
    """Add a trading venue (ccxt id, name, spot fee tier in bps); ``inserted`` or ``unchanged``. Operator;
    audited. PD010 it exists with other values, PD012 invalid values or no reason."""
    return str(run(conn, Call("SELECT api.add_venue(%s::text, %s::text, %s::numeric, %s::numeric, %s::text)",
                              (venue, name, maker_fee_bps, taker_fee_bps, reason), None)))


def add_asset(conn: psycopg.Connection, asset: str, kind: str, cluster: str | None, reason: str) -> str:
    """Add a currency (``kind`` crypto with its ``cluster``, stablecoin or fiat); ``inserted`` or ``unchanged``.
    Operator; audited. PD010 it exists with another kind or cluster, PD011 unknown cluster, PD012 invalid."""
    return str(run(conn, Call("SELECT api.add_asset(%s::text, %s::text, %s::text, %s::text)",
                              (asset, kind, cluster, reason), None)))


@dataclass(frozen=True)
class AssetRow:
    """A currency the database knows (``api.assets``): code, kind (crypto, stablecoin, fiat), cluster."""

    asset: str
    kind: str
    cluster: str | None


def assets(conn: psycopg.Connection) -> list[AssetRow]:
    """Every currency the database knows, by code."""
    rows: list[AssetRow] = run(conn, Call("SELECT asset, kind, cluster FROM api.assets ORDER BY asset", (), AssetRow,
                                          many=True))
    return rows


@dataclass(frozen=True)
class Anomaly:
    """A valid but unusual bar (``api.candle_anomalies``).

    flags: zero_volume_flat, zero_volume, range_spike, open_jump.
    """

    venue: str
    symbol: str
    interval: str
    ts: datetime
    open: Decimal
    high: Decimal
    low: Decimal
    close: Decimal
    volume: Decimal
    prev_close: Decimal | None
    flags: list[str]


def candle_anomalies(conn: psycopg.Connection, venue: str, interval: str, symbol: str | None = None) -> list[Anomaly]:
    """Flagged bars of a venue and interval (one symbol or all), in symbol and time order."""
    return run(conn, Call("SELECT * FROM api.candle_anomalies WHERE venue = %s::text AND interval = %s::text"
                          " AND (%s::text IS NULL OR symbol = %s::text) ORDER BY symbol, ts",
                          (venue, interval, symbol, symbol), Anomaly, many=True))


def candles_stored(conn: psycopg.Connection, symbol: str, venue: str | None = None) -> bool:
    """Whether any candle of ``symbol`` (ccxt unified) is stored, at ``venue`` (None: at any venue)."""
    stored: bool = run(conn, Call("SELECT EXISTS (SELECT 1 FROM api.candles"
                                  " WHERE (%s::text IS NULL OR venue = %s::text) AND symbol = %s::text)",
                                  (venue, venue, symbol), None))
    return bool(stored)


def begin_candle_load(conn: psycopg.Connection) -> uuid.UUID:
    """A fresh load key (``api.begin_candle_load``): stage lines under it with :func:`copy_stage`, then pass it
    to :func:`predator.db.api.load_candles` in the same transaction. Worker."""
    key: uuid.UUID = run(conn, Call("SELECT api.begin_candle_load()", (), None))
    return key


def stage_prefix(load_key: uuid.UUID) -> bytes:
    """The bytes that start every staged line in COPY text format: the load key and a tab."""
    return str(load_key).encode("ascii") + b"\t"


def copy_stage(conn: psycopg.Connection, load_key: uuid.UUID, chunks: Iterable[bytes]) -> Iterator[int]:
    """COPY chunks of whole lines (each ending in LF, already escaped for COPY text format) into
    ``market.candle_stage`` under ``load_key``; yields the length of each chunk written (before the key is
    put in front of each line)."""
    prefix = stage_prefix(load_key)
    joint = b"\n" + prefix
    with conn.cursor() as cur, cur.copy("COPY market.candle_stage (load_key, raw) FROM STDIN") as copy:
        for chunk in chunks:
            if chunk and not chunk.endswith(b"\n"):
                raise ValueError("copy_stage takes whole lines: every chunk must end in a line feed")
            if chunk:
                copy.write(prefix + chunk[:-1].replace(b"\n", joint) + chunk[-1:])
            yield len(chunk)
