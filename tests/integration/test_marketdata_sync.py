"""The live market-data sync (docs/market_data.md, "Sync"), end to end: the real ccxt client over loopback HTTP
to the staging venue emulator (started in-process by each test, its clock moved by the test), a real
PostgreSQL, the gated load. Kraken BTC/USD and Binance BTC/USDT."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import ccxt
import psycopg
import pytest
from apscheduler.schedulers.background import BackgroundScheduler
from click.testing import CliRunner

from predator import config
from predator.cli import main
from predator.db import sync_api
from predator.db.connection import Target
from predator.emulator import EmulatorServer
from predator.emulator.candles import CandleStore
from predator.marketdata.sync import SymbolSync, SyncJob, sync_symbol, sync_venue, wait_for_bar
from predator.retry import RetryPolicy
from tests.emulator_support import SYMBOL, admin, advance, client, faults, start

HOUR = timedelta(hours=1)
AT = datetime(2024, 1, 1, 10, 30, tzinfo=UTC)  # the emulator's clock when each test starts: mid-bar
FAST = RetryPolicy(attempts=3, base_delay=0.01, max_delay=0.05)


@pytest.fixture(params=["kraken", "binance"])
def srv(request: pytest.FixtureRequest) -> Iterator[EmulatorServer]:
    server = start(request.param, at=AT)
    yield server
    server.stop()


@pytest.fixture()
def conn(db: Target) -> Iterator[psycopg.Connection]:
    with db.connect("worker") as c:
        yield c


def _ex(srv: EmulatorServer) -> ccxt.Exchange:
    """A public ccxt client of the emulator (no key: the sync uses public endpoints only)."""
    ex = client(srv)
    ex.apiKey = ex.secret = ""
    return ex


def _sync(conn: psycopg.Connection, srv: EmulatorServer, **kw: object) -> SymbolSync:
    (result,) = sync_venue(conn, _ex(srv), [SYMBOL[srv.settings.venue]], policy=FAST, **kw)  # type: ignore[arg-type]
    return result


def _bars(conn: psycopg.Connection, srv: EmulatorServer) -> list[tuple[datetime, Decimal, Decimal, int]]:
    rows = conn.execute("SELECT ts, close, volume, revision FROM api.candles WHERE venue = %s AND symbol = %s"
                        " AND interval = '1h' ORDER BY ts", (srv.settings.venue, SYMBOL[srv.settings.venue])).fetchall()
    conn.commit()
    return [(r[0], r[1], r[2], r[3]) for r in rows]


def test_sync_loads_exactly_the_closed_bars_since_the_last_stored_one_and_is_idempotent(
        srv: EmulatorServer, conn: psycopg.Connection) -> None:
    venue, symbol = srv.settings.venue, SYMBOL[srv.settings.venue]
    first = _sync(conn, srv)
    assert first.ok and first.clock == AT
    assert (first.loaded, first.duplicate, first.corrected, first.quarantined) == (48, 0, 0, 0)
    assert first.last_ts == datetime(2024, 1, 1, 9, tzinfo=UTC) and first.feed_state == "ok"
    assert sync_api.stored_bar(conn, venue, symbol, "1h", datetime(2024, 1, 1, 10, tzinfo=UTC)) is None  # forming
    conn.commit()
    stored = _bars(conn, srv)
    assert [b[0] for b in stored] == [AT.replace(minute=0) - HOUR * n for n in range(48, 0, -1)]
    # The values are the venue's (the emulator serves the shipped Binance BTC/USDT series under both venues).
    series = CandleStore(config.data_dir()).series("BTC/USDT", "1h")
    shipped = {c.ts: c for c in series.candles}
    for ts, close, volume, revision in stored:
        bar = shipped[int(ts.timestamp())]
        assert (close, volume, revision) == (Decimal(bar.close), Decimal(bar.volume), 0)

    advance(srv, 3)  # 13:30: bars 10:00, 11:00 and 12:00 have closed, 13:00 is forming
    # Judged by the earlier clock (10:30), 10:00 is the forming bar and 11:00, 12:00 lie in its future:
    # all fetched (07:00-12:00), none sent.
    early = sync_symbol(conn, _ex(srv), symbol, clock=AT, policy=FAST)
    assert early.ok and (early.fetched, early.not_closed, early.loaded, early.duplicate) == (6, 1, 0, 3)
    assert early.last_ts == first.last_ts
    second = _sync(conn, srv)
    assert second.ok and second.clock == AT + 3 * HOUR
    assert second.since == datetime(2024, 1, 1, 7, tzinfo=UTC)  # two bars of overlap before the last stored
    assert (second.loaded, second.duplicate, second.corrected, second.quarantined) == (3, 3, 0, 0)
    assert second.last_ts == datetime(2024, 1, 1, 12, tzinfo=UTC) and second.feed_state == "ok"
    assert len(_bars(conn, srv)) == 51

    again = _sync(conn, srv)
    assert again.ok and (again.loaded, again.duplicate, again.corrected) == (0, 3, 0)
    assert _bars(conn, srv)[-1][0] == datetime(2024, 1, 1, 12, tzinfo=UTC) and len(_bars(conn, srv)) == 51
    loads = conn.execute("SELECT source, count(*) FROM api.candle_loads WHERE venue = %s GROUP BY source",
                         (venue,)).fetchall()
    assert loads == [(f"sync:{venue}", 4)]  # one gated load per sync (each fetched one page)


def test_a_stalled_bar_leaves_the_feed_stale_and_the_hour_gets_data_stale_until_it_arrives(
        srv: EmulatorServer, conn: psycopg.Connection) -> None:
    venue, symbol = srv.settings.venue, SYMBOL[srv.settings.venue]
    assert _sync(conn, srv).last_ts == datetime(2024, 1, 1, 9, tzinfo=UTC)
    faults(srv, {"faults": [{"kind": "stall_candles", "symbol": symbol, "since": "2024-01-01T10:30:00Z"}]})
    advance(srv, 1)  # 11:30: the 10:00 bar has closed at the venue, but the venue does not serve it
    stalled = _sync(conn, srv)
    assert stalled.ok and stalled.loaded == 0 and stalled.feed_state == "stale"
    bar = datetime(2024, 1, 1, 10, tzinfo=UTC)
    pulls: list[SymbolSync] = []

    def pull() -> None:
        pulls.append(_sync(conn, srv))

    waited = wait_for_bar(conn, venue, symbol, bar, timeout=0.6, poll_seconds=0.1, pull=pull)
    assert not waited.arrived and not waited.may_decide and waited.reason == "data_stale"
    assert waited.feed is not None and waited.feed.status == "stale" and waited.feed.missing_bars == 1
    assert 0.6 <= waited.waited_seconds < 5 and waited.polls >= 2 and len(pulls) == waited.polls
    assert all(p.ok and p.loaded == 0 for p in pulls)
    # The database refuses the same way at the decision time: the feed is not ok.
    state = sync_api.feed_state(conn, bar + HOUR, venue, symbol, "1h")
    conn.commit()
    assert state is not None and state.status == "stale"

    admin(srv, "DELETE", "faults")  # the bar arrives
    arrived = wait_for_bar(conn, venue, symbol, bar, timeout=5, poll_seconds=0.1, pull=pull)
    assert arrived.arrived and arrived.may_decide and arrived.reason is None and arrived.polls == 1
    assert pulls[-1].loaded == 1 and pulls[-1].feed_state == "ok"
    recovered = sync_api.feed_state(conn, bar + HOUR, venue, symbol, "1h")
    assert recovered is not None and recovered.status == "ok"


def test_a_revised_bar_becomes_a_correction_with_evidence_never_an_overwrite(
        srv: EmulatorServer, conn: psycopg.Connection) -> None:
    venue, symbol = srv.settings.venue, SYMBOL[srv.settings.venue]
    assert _sync(conn, srv).loaded == 48
    ts = datetime(2024, 1, 1, 8, tzinfo=UTC)
    before = sync_api.stored_bar(conn, venue, symbol, "1h", ts)
    conn.commit()
    assert before is not None and before.revision == 0
    faults(srv, {"faults": [{"kind": "revise_candle", "symbol": symbol, "ts": "2024-01-01T08:00:00Z",
                             "volume": "12345.5"}]})
    advance(srv, 1)
    revised = _sync(conn, srv)
    assert revised.ok and (revised.loaded, revised.corrected, revised.quarantined) == (1, 1, 0)
    after = sync_api.stored_bar(conn, venue, symbol, "1h", ts)
    conn.commit()
    assert after is not None and after.revision == 1 and after.volume == Decimal("12345.5")
    assert (after.open, after.high, after.low, after.close) == (before.open, before.high, before.low, before.close)
    rows = conn.execute("SELECT from_revision, to_revision, old_values->>'volume', new_values->>'volume', source"
                        " FROM api.candle_corrections WHERE venue = %s AND symbol = %s AND ts = %s",
                        (venue, symbol, ts)).fetchall()
    conn.commit()
    assert len(rows) == 1
    assert rows[0][0:2] == (0, 1) and Decimal(rows[0][2]) == before.volume and Decimal(rows[0][3]) == Decimal("12345.5")
    assert rows[0][4] == f"sync:{venue}"
    # Seen again, the revised bar is a duplicate of revision 1: no second correction.
    again = _sync(conn, srv)
    assert again.corrected == 0 and again.duplicate == 3


def test_5xx_and_429_are_retried_boundedly_then_reported(srv: EmulatorServer, conn: psycopg.Connection) -> None:
    venue, symbol = srv.settings.venue, SYMBOL[srv.settings.venue]
    ohlc = "OHLC" if venue == "kraken" else "/api/v3/klines"
    ex = _ex(srv)
    ex.load_markets()
    faults(srv, {"faults": [{"kind": "http_error", "status": 503, "endpoint": ohlc, "times": 2}]})
    slept: list[float] = []
    ok = sync_symbol(conn, ex, symbol, policy=FAST, sleep=slept.append)
    assert ok.ok and ok.retries == 2 and ok.loaded == 48 and slept == [0.01, 0.02]

    advance(srv, 2)
    faults(srv, {"faults": [{"kind": "rate_limit", "status": 429, "retry_after": 1, "endpoint": ohlc}]})
    slept.clear()
    failed = sync_symbol(conn, ex, symbol, policy=FAST, sleep=slept.append)
    assert not failed.ok and failed.retries == 2 and slept == [0.01, 0.02]
    assert failed.error is not None and "DDoSProtection on each of 3 attempts" in failed.error
    assert failed.loaded == 0 and failed.feed_state == "stale" and failed.last_ts == datetime(2024, 1, 1, 9, tzinfo=UTC)
    assert len(_bars(conn, srv)) == 48

    # Down for good (5xx on every call, the clock included): every symbol reports it, nothing raises.
    faults(srv, {"faults": [{"kind": "http_error", "status": 502}]})
    (down,) = sync_venue(conn, ex, [symbol], policy=FAST, sleep=lambda _: None)
    assert not down.ok and down.feed_state == "unknown" and "ExchangeNotAvailable" in (down.error or "")
    admin(srv, "DELETE", "faults")
    assert _sync(conn, srv).loaded == 2


def test_the_scheduled_sync_job_brings_each_bar_to_the_waiting_hour(srv: EmulatorServer, db: Target,
                                                                    conn: psycopg.Connection) -> None:
    venue, symbol = srv.settings.venue, SYMBOL[srv.settings.venue]
    job = SyncJob(db, venue, symbols=[symbol], exchange=_ex(srv), policy=FAST)
    scheduler = BackgroundScheduler(timezone=UTC)
    job.schedule(scheduler, delay_seconds=5, speed=36_000)  # one venue hour per 0.1 wall seconds
    scheduler.start()
    try:
        first = wait_for_bar(conn, venue, symbol, datetime(2024, 1, 1, 9, tzinfo=UTC), timeout=20, poll_seconds=0.05)
        assert first.arrived
        advance(srv, 2)
        for hour in (10, 11):
            w = wait_for_bar(conn, venue, symbol, datetime(2024, 1, 1, hour, tzinfo=UTC), timeout=20,
                             poll_seconds=0.05)
            assert w.arrived, w
        missing = wait_for_bar(conn, venue, symbol, datetime(2024, 1, 1, 12, tzinfo=UTC), timeout=0.5,
                               poll_seconds=0.05)
        assert missing.reason == "data_stale"  # 12:00 is still forming at the venue (12:30)
    finally:
        scheduler.shutdown(wait=True)
    assert job.runs >= 2 and all(r.ok for r in job.last)
    assert len(_bars(conn, srv)) == 50


def test_the_wall_clock_schedule_fires_a_few_seconds_after_each_bar_close(db: Target) -> None:
    job = SyncJob(db, "binance", symbols=["BTC/USDT"], url="http://127.0.0.1:9")
    scheduler = BackgroundScheduler(timezone=UTC)
    now = datetime(2024, 1, 1, 10, 30, 12, tzinfo=UTC)
    added = job.schedule(scheduler, delay_seconds=5, now=now)
    fire = added.trigger.get_next_fire_time(None, now)
    assert fire == datetime(2024, 1, 1, 11, 0, 5, tzinfo=UTC)
    assert added.trigger.get_next_fire_time(fire, fire + timedelta(seconds=1)) == datetime(2024, 1, 1, 12, 0, 5,
                                                                                            tzinfo=UTC)


def test_predator_data_sync_against_the_emulator(srv: EmulatorServer, db: Target,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PREDATOR_DSN", db.dsn)
    venue, symbol = srv.settings.venue, SYMBOL[srv.settings.venue]
    runner = CliRunner()
    result = runner.invoke(main, ["data", "sync", "--venue", venue, "--symbols", symbol, "--url", srv.url])
    assert result.exit_code == 0, result.output
    assert (f"{venue} {symbol} 1h at 2024-01-01T10:30:00Z: ok, last bar 2024-01-01T09:00:00Z; fetched 48"
            in result.output)
    faults(srv, {"faults": [{"kind": "http_error", "status": 503}]})
    down = runner.invoke(main, ["data", "sync", "--venue", venue, "--symbols", symbol, "--url", srv.url,
                                "--attempts", "1"])
    assert down.exit_code == 6 and "ExchangeNotAvailable" in down.output  # the venue failed (docs/cli.md, exit 6)
