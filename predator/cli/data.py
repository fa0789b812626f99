"""``predator data ...``: load candle files, list gaps, feed status, anomalies, dataset hashes, backfill
through ccxt, venue market structure, resampling. Everything goes through the governed ``api.*`` routines
as ``predator_worker`` (docs/market_data.md)."""

from __future__ import annotations

import dataclasses
import json
import sys
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import click
import psycopg

from predator import seams
from predator.cli import exits, main
from predator.db import market_api, reads
from predator.db.connection import Target, default_target
from predator.errors import ConfigurationError, NotFoundError
from predator.marketdata import loader, sync
from predator.marketdata.backfill import BackfillError, PageLoad, backfill
from predator.marketdata.markets import store_markets
from predator.marketdata.recorded import MARKETS_ENDPOINT, RecordedTransport, load_json
from predator.marketdata.venues import VENUES, make_exchange
from predator.progress import Progress


def _utc(text: str | None) -> datetime | None:
    """An ISO-8601 date or date-time as an aware UTC datetime (no zone given: UTC)."""
    if text is None:
        return None
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00")) if "T" in text or " " in text \
            else datetime.combine(date.fromisoformat(text), datetime.min.time())
    except ValueError as e:
        raise click.BadParameter(f"{text!r} is not an ISO-8601 date or date-time"
                                 " (e.g. 2024-01-01 or 2024-01-01T00:00Z)") from e
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _symbols(values: tuple[str, ...]) -> list[str]:
    out: list[str] = []
    for v in values:
        out.extend(s.strip().upper().replace("-", "/") for s in v.split(",") if s.strip())
    return out


#: The candle intervals the database knows (market.interval_seconds: ccxt timeframe names).
INTERVALS = ("1m", "5m", "15m", "30m", "1h", "4h", "1d")
_INTERVAL = click.Choice(INTERVALS)


def _squash(symbol: str) -> str:
    return "".join(ch for ch in symbol.upper() if ch.isalnum())


def _check_feeds(conn: psycopg.Connection[Any], venue: str | None, symbols: Sequence[str] = (),
                 option: str = "--symbol") -> None:
    """The venue and symbols a read of stored candles names, before it reads: an unknown venue is not found
    (exit 5, naming the venues); a symbol not in ccxt's unified form BASE/QUOTE is bad input (exit 2, with the
    symbol it likely means); a symbol that is neither an instrument of the venue nor has a stored candle there is
    not found (exit 5). Without these, a typo reads as "no gaps", "no anomalies" or a hash of nothing."""
    if venue is not None:
        venues = reads.venue_names(conn)
        if venue not in venues:
            raise NotFoundError(f"unknown venue {venue!r}: the database knows {', '.join(venues) or 'none'} (add one: "
                                f"predator instruments add-venue --venue {venue} ...)")
    if not symbols:
        return
    instruments = [r for r in reads.venue_instruments(conn, venue) if venue is None or r.venue == venue]
    for symbol in symbols:
        base, sep, quote = symbol.partition("/")
        if not sep or not base or not quote or "/" in quote or any(ch.isspace() for ch in symbol):
            guess = next((r.symbol for r in instruments if _squash(r.symbol) == _squash(symbol)), None)
            raise click.BadParameter(
                f"{symbol!r} is not a ccxt unified symbol BASE/QUOTE; "
                + (f"did you mean {guess}?" if guess else "give e.g. BTC/USDT"), param_hint=f"'{option}'")
    known = {r.symbol for r in instruments}
    unknown = [sym for sym in symbols if sym not in known and not _stored(conn, venue, sym)]
    if unknown:
        where = f"of {venue}" if venue else "of any venue"
        raise NotFoundError(f"{', '.join(unknown)}: not an instrument {where} and no candles stored; list them with "
                            f"predator instruments list{' --venue ' + venue if venue else ''} and predator data "
                            "feed, load candles with predator data load FILE")


def _stored(conn: psycopg.Connection[Any], venue: str | None, symbol: str) -> bool:
    """Whether any candle of ``symbol`` is stored (at ``venue``; None: at any venue)."""
    from predator.db import market_api

    return market_api.candles_stored(conn, symbol, venue)


def _check_range(start: datetime | None, end: datetime | None) -> None:
    """``--from`` before ``--to`` (open times, ``--to`` exclusive), else bad input (exit 2)."""
    if start is not None and end is not None and start >= end:
        raise click.BadParameter(f"--from {_fmt(start)} is not before --to {_fmt(end)}: the range holds no open "
                                 "time; give --from before --to", param_hint="'--from'")


def _venue_failure(error: str) -> bool:
    """Whether a sync's ``error`` (``TypeName: message``) is the venue's failure (exit 6), not the database's
    refusal of what it sent (a BackfillError while loading a page)."""
    from predator import errors

    names, todo = set(), [errors.VenueError]
    while todo:
        cls = todo.pop()
        names.add(cls.__name__)
        todo.extend(cls.__subclasses__())
    kind, _, message = error.partition(":")
    return kind in names and " failed while loading: " not in message


def _json_value(v: object) -> str:
    """datetimes as ISO-8601, timedeltas in seconds, anything else (Decimal) as text."""
    if isinstance(v, datetime):
        return v.isoformat()
    if isinstance(v, timedelta):
        return str(v.total_seconds())
    return str(v)


def _fmt(ts: datetime | None) -> str:
    return ts.strftime("%Y-%m-%dT%H:%M:%SZ") if ts else "-"


@main.group()
def data() -> None:
    """Market data: candle files, gaps, feed status, dataset hashes, ccxt backfill and sync, markets."""


@data.command("load")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--venue", help="Venue (ccxt id); default: from the file name venue_BASE-QUOTE_interval.csv.gz.")
@click.option("--symbol", help="ccxt unified symbol BASE/QUOTE; default: from the file name.")
@click.option("--interval", help="Bar interval (1m 5m 15m 30m 1h 4h 1d); default: from the file name.")
@click.option("--source", help="Where the rows come from (kept with corrections); default file:<name>.")
@click.option("--clock", help="The load's business time (ISO-8601; default now): later bars are future_bar.")
@click.option("--jobs", type=click.IntRange(1, 16), default=1, show_default=True,
              help="Files loaded in parallel (one connection each).")
@click.option("--progress/--no-progress", default=True,
              help="Progress on stderr: a bar on a terminal, a line every 10% elsewhere.")
def load_cmd(paths: tuple[Path, ...], venue: str | None, symbol: str | None, interval: str | None,
             source: str | None, clock: str | None, jobs: int, progress: bool) -> None:
    """Load candle CSV or CSV.gz files through the gated path; one accounting line per file.

    Each file is one transaction: every row is loaded, a duplicate, a correction (new revision with
    evidence) or quarantined with reason codes, and loaded + duplicate + corrected + quarantined = read.
    A file that cannot be read (no or wrong header, truncated gzip, ...) loads nothing; the others go on.
    """
    target = default_target()
    total = sum(p.stat().st_size for p in paths)
    bar = Progress(total, "loading", "B", enabled=progress)
    failed = 0
    totals = dict(read=0, loaded=0, duplicate=0, corrected=0, quarantined=0)
    loaded_feeds: set[tuple[str, str]] = set()
    try:
        for outcome in loader.load_many(lambda: target.connect("worker"), paths, jobs=jobs, venue=venue,
                                        symbol=symbol, interval=interval, source=source, clock=_utc(clock),
                                        progress=bar.update):
            if isinstance(outcome, loader.FileError):
                failed += 1
                text = str(outcome.error)
                prefix = "" if text.startswith(outcome.path.name) else f"{outcome.path.name}: "
                bar.write(f"error: {prefix}{text}", file=sys.stderr)
                continue
            bar.write(outcome.accounting_line())
            r = outcome.result
            if r.loaded + r.duplicate + r.corrected:  # some of its candles are stored (not all quarantined)
                loaded_feeds.add((outcome.feed.venue, outcome.feed.symbol))
            for k in totals:
                totals[k] += getattr(outcome.result, k)
    finally:
        bar.close()
    _warn_no_instrument(target, loaded_feeds)
    if len(paths) > 1:
        click.echo(f"total: {len(paths) - failed} file(s) loaded + {failed} refused; loaded {totals['loaded']} +"
                   f" duplicate {totals['duplicate']} + corrected {totals['corrected']} + quarantined"
                   f" {totals['quarantined']} = read {totals['read']}")
    if failed:
        sys.exit(2)


def _warn_no_instrument(target: Target, feeds: set[tuple[str, str]]) -> None:
    """One warning line per feed with candles stored by this load whose symbol is not an instrument of its venue:
    a run refuses it."""
    if not feeds:
        return
    with target.connect("auditor") as conn:
        known = {(r.venue, r.symbol) for r in reads.venue_instruments(conn)}
    for venue, symbol in sorted(feeds - known):
        click.echo(f"warning: {symbol} is not an instrument of {venue}: its candles are stored, but paper and run "
                   f"refuse it until it is added (predator instruments add --venue {venue} --symbol {symbol} ...)",
                   err=True)


@data.command("gaps")
@click.option("--venue", default="binance", show_default=True)
@click.option("--interval", type=_INTERVAL, default="1h", show_default=True)
@click.option("--symbol", help="One symbol (default: every symbol of the venue and interval).")
@click.option("--from", "start", help="Open times from (ISO-8601, inclusive).")
@click.option("--to", "end", help="Open times to (ISO-8601, exclusive).")
def gaps_cmd(venue: str, interval: str, symbol: str | None, start: str | None, end: str | None) -> None:
    """List missing bars between stored bars (never filled)."""
    sym = symbol.strip().upper().replace("-", "/") if symbol is not None else None
    _check_range(_utc(start), _utc(end))
    with default_target().connect("worker") as conn:
        _check_feeds(conn, venue, [sym] if sym is not None else [])
        rows = market_api.candle_gaps(conn, venue, interval, sym, _utc(start), _utc(end))
    for g in rows:
        click.echo(f"{g.venue} {g.symbol} {g.interval}: {g.missing} bar(s) missing after {_fmt(g.after_ts)}"
                   f" (next {_fmt(g.next_ts)})")
    feeds = len({(g.venue, g.symbol) for g in rows})
    click.echo(f"{len(rows)} gap(s), {sum(g.missing for g in rows)} missing bar(s) in {feeds} feed(s)")


@data.command("feed")
@click.option("--venue", help="Only this venue (with --interval: every instrument of it, loaded or not).")
@click.option("--interval", type=_INTERVAL, help="Only this interval.")
@click.option("--clock", help="Judge at this business time (ISO-8601; default now).")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per feed.")
def feed_cmd(venue: str | None, interval: str | None, clock: str | None, as_json: bool) -> None:
    """Feed status: per feed the last good bar, missing bars, staleness, ok|quarantined|stale|no_data.

    Exits 1 when a listed feed is not ok (a decision needing its bar would be refused with data_stale).
    """
    at = _utc(clock) or seams.wall_now()
    with default_target().connect("worker") as conn:
        _check_feeds(conn, venue)
        rows = market_api.feed_status(conn, at, venue, interval)
    for f in rows:
        if as_json:
            click.echo(json.dumps(dataclasses.asdict(f), default=_json_value))
        else:
            missing = f.missing_bars if f.missing_bars is not None else "-"
            click.echo(f"{f.venue:8} {f.symbol:11} {f.interval:3} {f.status:11} last {_fmt(f.last_ts)}"
                       f" expected {_fmt(f.expected_ts)} missing {missing}"
                       + (f" last quarantined {_fmt(f.last_quarantined_ts)}" if f.last_quarantined_ts else ""))
    if any(f.status != "ok" for f in rows):
        sys.exit(1)


@data.command("anomalies")
@click.option("--venue", default="binance", show_default=True)
@click.option("--interval", type=_INTERVAL, default="1h", show_default=True)
@click.option("--symbol", help="One symbol (default: all).")
def anomalies_cmd(venue: str, interval: str, symbol: str | None) -> None:
    """Valid but unusual bars (zero-volume flat halts, range spikes, open jumps): flagged, kept."""
    sym = symbol.strip().upper().replace("-", "/") if symbol is not None else None
    with default_target().connect("worker") as conn:
        _check_feeds(conn, venue, [sym] if sym is not None else [])
        rows = market_api.candle_anomalies(conn, venue, interval, sym)
    for a in rows:
        click.echo(f"{a.symbol:11} {_fmt(a.ts)} {','.join(a.flags):18} o={a.open} h={a.high} l={a.low} c={a.close}"
                   f" v={a.volume}")
    click.echo(f"{len(rows)} flagged bar(s)")


@data.command("hash")
@click.option("--symbols", "symbols", multiple=True, required=True, help="BASE/QUOTE, comma-separated or repeated.")
@click.option("--interval", type=_INTERVAL, default="1h", show_default=True)
@click.option("--from", "start", required=True, help="Open times from (ISO-8601, inclusive).")
@click.option("--to", "end", required=True, help="Open times to (ISO-8601, exclusive).")
@click.option("--venue", default="binance", show_default=True)
@click.option("-v", "--verbose", is_flag=True, help="Also the per-symbol digests.")
def hash_cmd(symbols: tuple[str, ...], interval: str, start: str, end: str, venue: str, verbose: bool) -> None:
    """Deterministic sha256 of a dataset (effective bars; identical after a reload into an empty database).
    A dataset without a bar has no fingerprint: not found (exit 5)."""
    names = _symbols(symbols)
    if not names:
        raise click.BadParameter("names no symbol; give ccxt BASE/QUOTE symbols, e.g. BTC/USDT",
                                 param_hint="'--symbols'")
    first, last = _utc(start), _utc(end)
    _check_range(first, last)
    with default_target().connect("worker") as conn:
        _check_feeds(conn, venue, names, "--symbols")
        h = market_api.dataset_hash(conn, venue, names, interval, first, last)  # type: ignore[arg-type]
    if not h.bars:
        raise NotFoundError(f"no {interval} bars of {', '.join(names)} at {venue} from {_fmt(first)} to {_fmt(last)}: "
                            "nothing to hash; see what is stored with predator data feed --venue " + venue)
    click.echo(h.dataset_hash)
    if verbose:
        click.echo(f"{h.bars} bars, {h.symbols} symbol(s), {_fmt(h.first_ts)} .. {_fmt(h.last_ts)}", err=True)
        for s, d in sorted(h.digests.items()):
            click.echo(f"  {s}: {d['bars']} bars sha256 {d['sha256']}", err=True)


@data.command("backfill")
@click.option("--venue", type=click.Choice(VENUES), required=True)
@click.option("--symbol", required=True, help="ccxt unified symbol, e.g. BTC/USDT.")
@click.option("--interval", default="1h", show_default=True)
@click.option("--since", required=True, help="First open time (ISO-8601).")
@click.option("--until", help="Stop before this open time (default: the clock).")
@click.option("--limit", type=int, help="Bars per page asked of the venue (default: the venue's).")
@click.option("--clock", help="Business time of the loads (default now); bars not closed by then are not sent.")
def backfill_cmd(venue: str, symbol: str, interval: str, since: str, until: str | None, limit: int | None,
                 clock: str | None) -> None:
    """Page through ccxt fetch_ohlcv (rate-limited, bounded retries) and load each page through the gate."""
    exchange = make_exchange(venue)

    def show(p: PageLoad) -> None:
        click.echo(p.accounting_line())

    with default_target().connect("worker") as conn:
        try:
            result = backfill(conn, exchange, symbol.upper(), interval, _utc(since), _utc(until),  # type: ignore[arg-type]
                              clock=_utc(clock), limit=limit, on_page=show)
        except BackfillError as e:
            # The venue failed (6), or the database refused a page (4) or its data (2): the class of the cause.
            failure = exits.classify(e.__cause__) if e.__cause__ is not None else None
            click.echo(f"error: {e}", err=True)
            sys.exit(failure.code if failure is not None and failure.code != exits.INTERNAL else exits.USAGE)
    click.echo(f"{len(result.pages)} page(s): loaded {result.loaded}, read {result.read}, quarantined"
               f" {result.quarantined}, retries {result.retries}")


@data.command("sync")
@click.option("--venue", type=click.Choice(VENUES), default="binance", show_default=True)
@click.option("--symbols", "symbols", multiple=True,
              help="Symbols to sync (comma-separated or repeated); default: every instrument of the venue.")
@click.option("--interval", default="1h", show_default=True)
@click.option("--url", help="Base URL of a host speaking the venue's API (e.g. the emulator: http://127.0.0.1:8765).")
@click.option("--overlap", type=click.IntRange(0, 100), default=sync.OVERLAP_BARS, show_default=True,
              help="Bars re-read before the last stored one (revised bars become corrections).")
@click.option("--initial-bars", type=click.IntRange(1, 1000), default=sync.INITIAL_BARS, show_default=True,
              help="Bars fetched for a feed that has none stored yet.")
@click.option("--attempts", type=click.IntRange(1, 10), default=sync.SYNC_POLICY.attempts, show_default=True,
              help="Tries of each venue call (transient errors only, exponential backoff).")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per symbol.")
def sync_cmd(venue: str, symbols: tuple[str, ...], interval: str, url: str | None, overlap: int, initial_bars: int,
             attempts: int, as_json: bool) -> None:
    """Pull the closed candles since the last stored bar through ccxt fetch_ohlcv and load them through the
    gate (revised bars become corrections; the forming bar is never loaded). Exit 6 when the venue failed for
    every symbol that failed, 2 when a symbol failed otherwise, 1 when a feed is still not ok at the venue's
    clock. Log lines go to the log file (and stderr), never to stdout: --json output is JSON lines only."""
    from predator.logs import configure_logging

    configure_logging()
    exchange = make_exchange(venue, url=url)
    policy = dataclasses.replace(sync.SYNC_POLICY, attempts=attempts)
    with default_target().connect("worker") as conn:
        results = sync.sync_venue(conn, exchange, _symbols(symbols) or None, interval=interval, overlap=overlap,
                                  initial_bars=initial_bars, policy=policy)
    for r in results:
        if as_json:
            click.echo(json.dumps({k: (None if v is None else v if isinstance(v, int | str) else _json_value(v))
                                   for k, v in dataclasses.asdict(r).items()}))
        else:
            click.echo(r.line(), err=not r.ok)
    failed = [r.error or "" for r in results if not r.ok]
    if failed:
        sys.exit(exits.VENUE if all(_venue_failure(e) for e in failed) else exits.USAGE)
    if any(r.feed_state != "ok" for r in results):
        sys.exit(1)


@data.command("markets")
@click.option("--venue", type=click.Choice(VENUES), required=True)
@click.option("--fixture", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A recorded market-structure payload (Binance exchangeInfo, Kraken AssetPairs) instead of the"
                   " network; ccxt parses it as it would a live response.")
def markets_cmd(venue: str, fixture: Path | None) -> None:
    """Store the venue's instrument precision, minimum size and minimum notional (ccxt load_markets)."""
    exchange = make_exchange(venue)
    source = f"ccxt:{venue}:load_markets"
    if fixture is not None:
        try:
            payload = load_json(fixture)
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
            raise ConfigurationError(f"{fixture}: not a readable JSON file ({e}); give a recorded market-structure "
                                     "payload (Binance exchangeInfo, Kraken AssetPairs)") from e
        RecordedTransport().add(MARKETS_ENDPOINT[venue], payload).install(exchange)
        exchange.has = dict(exchange.has, fetchCurrencies=False)  # currencies are not part of the fixture
        source = f"fixture:{fixture.name}"
    with default_target().connect("worker") as conn:
        rows = store_markets(conn, exchange, source)
    counts: dict[str, int] = {}
    for r in rows:
        counts[r.action] = counts.get(r.action, 0) + 1
        if r.action != "unchanged":
            click.echo(f"{r.symbol or '?':14} {r.action}{' (' + r.detail + ')' if r.detail else ''}")
    click.echo(", ".join(f"{n} {a}" for a, n in sorted(counts.items())) or "no spot markets")


@data.command("resample")
@click.option("--venue", default="binance", show_default=True)
@click.option("--symbol", required=True)
@click.option("--from-interval", type=_INTERVAL, default="1m", show_default=True)
@click.option("--to-interval", type=_INTERVAL, default="1h", show_default=True)
@click.option("--from", "start", help="Source open times from (ISO-8601).")
@click.option("--to", "end", help="Source open times to (ISO-8601, exclusive).")
@click.option("--load", "do_load", is_flag=True,
              help="Load the complete buckets through the gated path (source resample:<from>); a bucket equal to"
                   " a stored bar counts as a duplicate, a different one as a correction.")
@click.option("--clock", help="Business time of the load (default now).")
def resample_cmd(venue: str, symbol: str, from_interval: str, to_interval: str, start: str | None, end: str | None,
                 do_load: bool, clock: str | None) -> None:
    """Aggregate bars to a coarser interval in SQL (1m -> 1h by default)."""
    sym = symbol.strip().upper().replace("-", "/")
    _check_range(_utc(start), _utc(end))
    with default_target().connect("worker") as conn:
        _check_feeds(conn, venue, [sym])
        bars = market_api.resample_candles(conn, venue, sym, from_interval, to_interval, _utc(start), _utc(end))
        complete = [b for b in bars if b.complete]
        click.echo(f"{len(bars)} bucket(s), {len(complete)} complete, {len(bars) - len(complete)} partial (not loaded)")
        if do_load:
            if not complete:
                raise ConfigurationError("nothing to load: no complete bucket")
            lines = [loader.format_bar(b.ts, b.open, b.high, b.low, b.close, b.volume) for b in complete]
            r = loader.load_lines(conn, loader.Feed(venue, sym, to_interval), lines, f"resample:{from_interval}",
                                  _utc(clock))
            click.echo(f"load {r.load_id}: {r.accounting()}")
        else:
            for b in complete[:5]:
                click.echo(f"{_fmt(b.ts)} o={b.open} h={b.high} l={b.low} c={b.close} v={b.volume}")
            if len(complete) > 5:
                click.echo(f"... {len(complete) - 5} more")
