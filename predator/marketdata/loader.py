"""Candle files into the gated path: read, validate the header, stream with COPY, gate in the database.

A candle file is a UTF-8 CSV, optionally gzip-compressed (detected by its magic bytes, not its name), whose
first line is exactly ``ts,open,high,low,close,volume`` and whose rows are one bar each: ``ts`` the bar's
open time (ISO-8601 UTC), prices in the quote currency, volume in the base currency. Venue, symbol and
interval come from the file name ``venue_BASE-QUOTE_interval.csv[.gz]`` or from the caller.

Loading one file is one transaction: the data lines are streamed unchanged (escaped for COPY text format)
into ``market.candle_stage`` under a fresh load key (``api.begin_candle_load``; the worker may only insert
there), and ``api.load_candles`` reads the lines of that key, applies every gate and files each row as
loaded, duplicate, corrected or quarantined (``loaded + duplicate + corrected + quarantined =
read``). A file that cannot be read at all (no or wrong header, not a CSV text file, no data row after the
header, truncated or corrupt gzip, not UTF-8, a NUL byte) raises :class:`predator.errors.DataError` and loads
nothing (a file of no data row opens no load in the database); what was stored before is untouched.
"""

from __future__ import annotations

import gzip
import re
import uuid
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from itertools import chain
from pathlib import Path
from threading import local
from typing import BinaryIO

import psycopg

from predator.db import api as db_api
from predator.db import market_api
from predator.errors import DataError, PredatorError

#: The only accepted header line.
HEADER = "ts,open,high,low,close,volume"
#: Venue, symbol and interval in a file name: ``binance_BTC-USDT_1h.csv.gz``.
FILE_NAME = re.compile(r"^(?P<venue>[a-z][a-z0-9_]*)_(?P<base>[A-Z0-9]{2,12})-(?P<quote>[A-Z0-9]{2,12})"
                       r"_(?P<interval>[0-9]+[mhdw])\.csv(?:\.gz)?$")
#: Bytes read from the (decompressed) input per COPY write.
CHUNK_BYTES = 1 << 20
_MAX_HEADER_BYTES = 4096
_GZIP_MAGIC = b"\x1f\x8b"

ProgressFn = Callable[[int], None]


@dataclass(frozen=True)
class Feed:
    """One candle series: venue (ccxt id), ccxt unified symbol ``BASE/QUOTE`` and interval (ccxt timeframe)."""

    venue: str
    symbol: str
    interval: str

    @property
    def slug(self) -> str:
        return f"{self.venue}_{self.symbol.replace('/', '-')}_{self.interval}"


@dataclass(frozen=True)
class FileLoad:
    """The outcome of loading one file: where from, into which feed, and the database's accounting."""

    path: Path
    feed: Feed
    source: str
    result: db_api.CandleLoad

    def accounting_line(self) -> str:
        """``name: loaded + duplicate + corrected + quarantined = read`` with the numbers, for one file."""
        r = self.result
        return (f"{self.path.name} [{self.feed.venue} {self.feed.symbol} {self.feed.interval}] load {r.load_id}: "
                f"{r.accounting()}")


def feed_from_file_name(path: str | Path) -> Feed:
    """Venue, symbol and interval from ``venue_BASE-QUOTE_interval.csv[.gz]``; DataError when it does not match."""
    name = Path(path).name
    m = FILE_NAME.match(name)
    if not m:
        raise DataError(f"{name}: cannot tell venue, symbol and interval from the file name; expected "
                        "venue_BASE-QUOTE_interval.csv[.gz] (e.g. binance_BTC-USDT_1h.csv.gz) or give "
                        "--venue, --symbol and --interval")
    return Feed(m["venue"], f"{m['base']}/{m['quote']}", m["interval"])


def resolve_feed(path: str | Path, venue: str | None = None, symbol: str | None = None,
                 interval: str | None = None) -> Feed:
    """The feed of a file: explicit values win, the rest comes from the file name."""
    if venue and symbol and interval:
        return Feed(venue, symbol, interval)
    named = feed_from_file_name(path)
    return Feed(venue or named.venue, symbol or named.symbol, interval or named.interval)


def escape_copy_text(data: bytes) -> bytes:
    """Escape whole lines for COPY text format into a one-column table: backslash, tab and CR become escapes.

    Each input line then arrives in ``raw`` byte for byte (a CR of a CRLF line ending included).
    """
    return data.replace(b"\\", b"\\\\").replace(b"\t", b"\\t").replace(b"\r", b"\\r")


class _Reader:
    """Whole-line chunks of a candle file after its validated header; counts compressed bytes for progress."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._raw: BinaryIO = open(path, "rb")  # noqa: SIM115 (closed by close())
        self._stream: BinaryIO
        magic = self._raw.read(2)
        self._raw.seek(0)
        self.compressed = magic == _GZIP_MAGIC
        self._stream = gzip.GzipFile(fileobj=self._raw, mode="rb") if self.compressed else self._raw  # type: ignore[assignment]
        self.size = path.stat().st_size

    def close(self) -> None:
        if self._stream is not self._raw:
            self._stream.close()
        self._raw.close()

    @property
    def position(self) -> int:
        return self._raw.tell()

    def _read(self, n: int) -> bytes:
        try:
            return self._stream.read(n)
        except EOFError as e:
            raise DataError(f"{self.path.name}: truncated gzip stream ({e}); nothing of this file was loaded") from e
        except (gzip.BadGzipFile, zlib.error, OSError) as e:
            raise DataError(f"{self.path.name}: corrupt gzip data ({e}); nothing of this file was loaded") from e

    def read_header(self) -> None:
        """Consume and validate the header line; DataError when it is missing or not exactly :data:`HEADER`."""
        if self.size == 0:
            raise DataError(f"{self.path.name}: empty file (no header line); expected {HEADER!r} first")
        first = b""
        while b"\n" not in first and len(first) <= _MAX_HEADER_BYTES:
            block = self._read(_MAX_HEADER_BYTES)
            if not block:
                break
            first += block
        if not first:
            raise DataError(f"{self.path.name}: empty {'gzip stream' if self.compressed else 'file'} "
                            f"(no header line); expected {HEADER!r} first")
        line, sep, rest = first.partition(b"\n")
        if not sep and len(first) > _MAX_HEADER_BYTES:
            raise DataError(f"{self.path.name}: wrong header: first line is longer than {_MAX_HEADER_BYTES} bytes; "
                            f"expected {HEADER!r}")
        self._pending = bytearray(rest)
        try:
            text = line.decode("utf-8").removeprefix("\ufeff").rstrip("\r").strip()
        except UnicodeDecodeError:
            text = None
        if text is None or any((ch < " " and ch != "\t") or ch == "\x7f" for ch in text):
            # Binary bytes (a file named .gz that is not gzip, a gzip of something else): not echoed.
            what = "the data inside its gzip stream is" if self.compressed else "its first line is"
            raise DataError(f"{self.path.name}: not a CSV text file ({what} not UTF-8 text); expected a CSV "
                            f"whose first line is {HEADER!r}; nothing of this file was loaded")
        if text != HEADER:
            columns = [c.strip().lower() for c in text.split(",")]
            expected = HEADER.split(",")
            missing = [c for c in expected if c not in columns]
            if missing and len(columns) < len(expected):
                what = f"missing column(s) {', '.join(missing)}"
            elif columns == expected:
                what = "header differs in case or spacing"
            else:
                what = "wrong header"
            raise DataError(f"{self.path.name}: {what}: got {text[:200]!r}, expected {HEADER!r}; "
                            "nothing of this file was loaded")

    def _line_chunks(self, chunk_bytes: int) -> Iterator[bytes]:
        pending = self._pending
        offset = 0
        while True:
            block = self._read(chunk_bytes)
            if not block:
                break
            pending += block
            cut = pending.rfind(b"\n")
            if cut < 0:
                continue  # a line longer than the chunk: keep reading
            out = bytes(pending[:cut + 1])
            del pending[:cut + 1]
            self._check(out, offset)
            offset += len(out)
            yield out
        if pending:
            tail = bytes(pending) + b"\n"
            self._check(tail, offset)
            yield tail

    def chunks(self, chunk_bytes: int = CHUNK_BYTES) -> Iterator[bytes]:
        """Whole data lines (each ending in LF) in chunks of about ``chunk_bytes``.

        Blank lines at the very end of the file are not rows and are dropped; blank lines between rows are
        kept (the gate quarantines them), so that staged line numbers stay file line numbers.
        """
        held = b""  # blank lines not yet known to be followed by a row
        for out in self._line_chunks(chunk_bytes):
            body = out.rstrip(b"\r\n")
            if not body:
                held += out
                continue
            if held:
                yield held
                held = b""
            nl = out.index(b"\n", len(body))
            yield out[:nl + 1]
            held = out[nl + 1:]

    def _check(self, data: bytes, offset: int) -> None:
        if b"\x00" in data:
            raise DataError(f"{self.path.name}: NUL byte in the data (at byte {offset + data.index(0)} after the "
                            "header); not a text file? nothing of this file was loaded")
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as e:
            raise DataError(f"{self.path.name}: not UTF-8 at byte {offset + e.start} after the header; "
                            "nothing of this file was loaded") from e


def begin_load(conn: psycopg.Connection) -> uuid.UUID:
    """A fresh load key to stage lines under (see :func:`predator.db.market_api.begin_candle_load`)."""
    return market_api.begin_candle_load(conn)


def stage_chunks(conn: psycopg.Connection, load_key: uuid.UUID, chunks: Iterable[bytes],
                 progress: ProgressFn | None = None) -> int:
    """COPY whole-line chunks into ``market.candle_stage`` under ``load_key``, escaped for COPY text format;
    returns the bytes written (before escaping)."""
    written = 0

    def escaped() -> Iterator[bytes]:
        nonlocal written
        for chunk in chunks:
            yield escape_copy_text(chunk)
            written += len(chunk)
            if progress is not None:
                progress(len(chunk))

    for _ in market_api.copy_stage(conn, load_key, escaped()):
        pass
    return written


def gate(conn: psycopg.Connection, load_key: uuid.UUID, feed: Feed, source: str, clock: datetime | None,
         line_offset: int) -> db_api.CandleLoad:
    """Run ``api.load_candles`` on what is staged under ``load_key`` (in the caller's transaction)."""
    return db_api.load_candles(conn, load_key, feed.venue, feed.symbol, feed.interval, source, clock, line_offset)


def load_file(conn: psycopg.Connection, path: str | Path, *, venue: str | None = None, symbol: str | None = None,
              interval: str | None = None, source: str | None = None, clock: datetime | None = None,
              progress: ProgressFn | None = None) -> FileLoad:
    """Load one candle file through the gated path, in one transaction of its own (a savepoint when the
    connection is already in a transaction).

    ``progress`` is called with the number of compressed bytes consumed so far (for a progress bar).
    Raises DataError (nothing loaded) when the file cannot be read; database refusals (unknown venue,
    interval or symbol) as :class:`predator.errors.DatabaseRefusal`.
    """
    p = Path(path)
    feed = resolve_feed(p, venue, symbol, interval)
    src = source or f"file:{p.name}"
    reader = _Reader(p)
    try:
        reader.read_header()
        last = 0

        def advance(_: int) -> None:
            nonlocal last
            if progress is not None:
                pos = reader.position
                progress(pos - last)
                last = pos

        chunks = reader.chunks()
        first = next(chunks, None)
        if first is None:
            # Nothing after the header: refused before the database opens a load (no load record of 0 rows).
            raise DataError(f"{p.name}: no data rows after the header {HEADER!r}; nothing of this file was loaded")
        with conn.transaction():
            key = begin_load(conn)
            stage_chunks(conn, key, chain([first], chunks), advance)
            result = gate(conn, key, feed, src, clock, line_offset=1)
        if progress is not None and reader.size > last:
            progress(reader.size - last)
    finally:
        reader.close()
    return FileLoad(p, feed, src, result)


def format_bar(ts: datetime | int, open_: object, high: object, low: object, close: object, volume: object) -> str:
    """One CSV line ``ts,open,high,low,close,volume`` (ts ISO-8601 UTC; ts may be epoch milliseconds).

    Numbers are written exactly: Decimal and str as they are, floats by their shortest repr, None as an
    empty field (which the gate quarantines).
    """
    if isinstance(ts, int):
        ts = datetime.fromtimestamp(ts / 1000, UTC)
    stamp = ts.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if ts.microsecond == 0 else \
        ts.astimezone(UTC).isoformat().replace("+00:00", "Z")

    def num(x: object) -> str:
        if x is None:
            return ""
        if isinstance(x, float):
            return repr(x)
        if isinstance(x, Decimal):
            return format(x, "f")
        return str(x)

    return ",".join((stamp, num(open_), num(high), num(low), num(close), num(volume)))


def load_lines(conn: psycopg.Connection, feed: Feed, lines: Sequence[str], source: str,
               clock: datetime | None = None) -> db_api.CandleLoad:
    """Load CSV data lines (no header) through the same gate as a file, atomically (one transaction, or a
    savepoint inside the caller's transaction). Used by backfill (one call per fetched page)."""
    data = "".join(line.rstrip("\r\n") + "\n" for line in lines).encode("utf-8")
    with conn.transaction():
        key = begin_load(conn)
        stage_chunks(conn, key, [data] if data else [])
        return gate(conn, key, feed, source, clock, line_offset=0)


@dataclass(frozen=True)
class FileError:
    """A file that could not be loaded (nothing of it was stored) and why."""

    path: Path
    error: Exception


def _load_retrying(conn: psycopg.Connection, path: Path, deadlock_retries: int, **kwargs: object) -> FileLoad:
    for attempt in range(deadlock_retries + 1):
        try:
            return load_file(conn, path, **kwargs)  # type: ignore[arg-type]
        except psycopg.errors.DeadlockDetected:
            # Two loads creating the same month's partition at once: the loser's transaction was rolled
            # back whole, so loading the file again is safe.
            if attempt == deadlock_retries:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


def load_many(connect: Callable[[], psycopg.Connection], paths: Sequence[str | Path], *, jobs: int = 1,
              venue: str | None = None, symbol: str | None = None, interval: str | None = None,
              source: str | None = None, clock: datetime | None = None, progress: ProgressFn | None = None,
              deadlock_retries: int = 3) -> Iterator[FileLoad | FileError]:
    """Load files, each in its own transaction, on ``jobs`` connections (``connect()`` opens one).

    Yields, in the order of ``paths``, a :class:`FileLoad` or a :class:`FileError` (unreadable file or a
    database refusal: nothing of that file stored, the other files go on). Files of different feeds load
    in parallel safely; loads of one feed are serialised by the database.
    """
    kwargs = dict(venue=venue, symbol=symbol, interval=interval, source=source, clock=clock, progress=progress)
    files = [Path(p) for p in paths]

    if jobs <= 1:
        with connect() as conn:
            for p in files:
                try:
                    yield _load_retrying(conn, p, deadlock_retries, **kwargs)
                except PredatorError as e:
                    yield FileError(p, e)
        return

    held = local()
    opened: list[psycopg.Connection] = []

    def one(p: Path) -> FileLoad | FileError:
        conn = getattr(held, "conn", None)
        if conn is None:
            conn = held.conn = connect()
            opened.append(conn)
        try:
            return _load_retrying(conn, p, deadlock_retries, **kwargs)
        except PredatorError as e:
            return FileError(p, e)

    try:
        with ThreadPoolExecutor(max_workers=jobs) as pool:
            yield from pool.map(one, files)
    finally:
        for conn in opened:
            conn.close()
