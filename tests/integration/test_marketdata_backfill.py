"""Backfill offline: recorded Kraken OHLC and Binance klines payloads through ccxt's own parsing into the
gated path; timeouts and network errors retried within bounds; a failed page leaves nothing half-loaded."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import ccxt
import psycopg
import pytest

from predator import config
from predator.db import market_api
from predator.db.connection import Target
from predator.marketdata import loader
from predator.marketdata.backfill import BackfillError, backfill
from predator.marketdata.recorded import RecordedTransport, binance_klines_server, kraken_ohlc_server, load_json
from predator.marketdata.venues import Retrier, RetryPolicy, make_exchange
from tests.helpers import shared_file

FIXTURES = config.data_dir() / "exchange_fixtures"


def _fixture(name: str) -> Any:
    return load_json(shared_file("exchange_fixtures", name))


def _ms(ts: datetime) -> int:
    return int(ts.timestamp() * 1000)


@pytest.fixture()
def worker(db: Target) -> Iterator[psycopg.Connection]:
    with db.connect("worker", autocommit=True) as conn:
        yield conn


def _kraken(ohlc: Any) -> tuple[ccxt.Exchange, RecordedTransport]:
    exchange = make_exchange("kraken")
    exchange.rateLimit = 1  # ccxt's limiter stays on, at 1 ms
    transport = RecordedTransport().add("/0/public/AssetPairs", _fixture("nautilus_kraken_http_asset_pairs.json"))
    transport.add("/0/public/OHLC", kraken_ohlc_server(ohlc)).install(exchange)
    exchange.has = dict(exchange.has, fetchCurrencies=False)  # the Assets endpoint is not recorded
    return exchange, transport


def _binance(klines: Any) -> tuple[ccxt.Exchange, RecordedTransport]:
    exchange = make_exchange("binance")
    exchange.rateLimit = 1
    transport = RecordedTransport().add("/api/v3/exchangeInfo",
                                        _fixture("nautilus_binance_http_spot_market_exchange_info.json"))
    transport.add("/api/v3/klines", binance_klines_server(klines)).install(exchange)
    return exchange, transport


def test_kraken_ohlc_backfill_loads_the_committed_minutes(worker: psycopg.Connection) -> None:
    ohlc = _fixture("nautilus_kraken_http_ohlc.json")
    server_time = _fixture("nautilus_kraken_http_server_time.json")["result"]["unixtime"]
    exchange, transport = _kraken(ohlc)
    frames = ohlc["result"]["XBTUSDT"]
    clock = datetime.fromtimestamp(server_time, UTC)  # 00:17:04: the 00:17 frame is still open
    result = backfill(worker, exchange, "BTC/USDT", "1m", datetime.fromtimestamp(frames[0][0], UTC), clock=clock)
    assert len(result.pages) == 1
    page = result.pages[0]
    assert (page.fetched, page.not_closed) == (721, 1)
    assert (page.result.read, page.result.loaded, page.result.quarantined) == (720, 720, 0)
    assert any("/0/public/OHLC" in url and "since=" in url for _, url in transport.requests)
    stored = worker.execute("SELECT ts, open, high, low, close, volume FROM api.candles WHERE venue = 'kraken'"
                            " AND symbol = 'BTC/USDT' AND interval = '1m' ORDER BY ts").fetchall()
    assert len(stored) == 720
    for row, frame in zip(stored, frames, strict=False):  # exact values: the volume is Kraken's 7th field
        assert row == (datetime.fromtimestamp(frame[0], UTC), Decimal(frame[1]), Decimal(frame[2]), Decimal(frame[3]),
                       Decimal(frame[4]), Decimal(frame[6]))
    # Kraken's many no-trade minutes are flagged, not refused; their missing minutes would be gaps
    flat = [a for a in market_api.candle_anomalies(worker, "kraken", "1m", "BTC/USDT") if "zero_volume_flat" in a.flags]
    assert len(flat) == sum(1 for f in frames[:720] if Decimal(f[6]) == 0 and len({f[1], f[2], f[3], f[4]}) == 1)
    again = backfill(worker, exchange, "BTC/USDT", "1m", datetime.fromtimestamp(frames[0][0], UTC), clock=clock)
    assert (again.loaded, again.read) == (0, 720)  # idempotent: all duplicates


def test_kraken_hourly_payload_matches_ccxts_own_expected_parse(worker: psycopg.Connection) -> None:
    case = _fixture("ccxt_static_response_kraken.json")["methods"]["fetchOHLCV"][0]
    exchange, _ = _kraken(case["httpResponse"])
    since = datetime.fromtimestamp(case["input"][2] / 1000, UTC)
    clock = datetime.fromtimestamp(1706799600 + 1800, UTC)  # the last frame (after "last") is still open
    result = backfill(worker, exchange, "BTC/USDT", "1h", since, clock=clock, limit=case["input"][3])
    expected = case["parsedResponse"]
    rows = worker.execute("SELECT ts, open, high, low, close, volume FROM api.candles WHERE venue = 'kraken'"
                          " AND interval = '1h' ORDER BY ts").fetchall()
    assert [[_ms(r[0]), *[float(x) for x in r[1:]]] for r in rows[:3]] == expected
    assert result.loaded == 4 and [p.result.read for p in result.pages] == [3, 1]
    gaps = market_api.candle_gaps(worker, "kraken", "1h", "BTC/USDT")
    assert gaps == []  # the frame after the gap in the payload had not closed: nothing after it was stored


def test_binance_klines_backfill_pages_through_the_recorded_rows(worker: psycopg.Connection) -> None:
    klines = _fixture("nautilus_binance_http_spot_market_klines.json")
    exchange, transport = _binance(klines)
    clock = datetime.fromtimestamp((klines[-1][6] + 1) / 1000, UTC)  # close time of the last recorded minute
    seen: list[int] = []
    result = backfill(worker, exchange, "BTC/USDT", "1m", datetime.fromtimestamp(klines[0][0] / 1000, UTC),
                      clock=clock, limit=4, on_page=lambda p: seen.append(p.result.read))
    assert seen == [4, 4, 2] and result.loaded == 10 and result.quarantined == 0
    urls = [u for _, u in transport.requests if "klines" in u]
    assert len(urls) == 3 and all("limit=4" in u and "symbol=BTCUSDT" in u for u in urls)
    assert f"startTime={klines[4][0]}" in urls[1]
    rows = worker.execute("SELECT ts, open, volume FROM api.candles WHERE venue = 'binance' AND interval = '1m'"
                          " ORDER BY ts").fetchall()
    assert [(_ms(r[0]), r[1], r[2]) for r in rows] == [(k[0], Decimal(k[1]), Decimal(k[5])) for k in klines]
    loads = worker.execute("SELECT source, read FROM api.candle_loads ORDER BY load_id").fetchall()
    assert loads == [("ccxt:binance", 4), ("ccxt:binance", 4), ("ccxt:binance", 2)]


def test_timeouts_and_network_errors_are_retried_within_bounds(worker: psycopg.Connection) -> None:
    klines = _fixture("nautilus_binance_http_spot_market_klines.json")
    serve = binance_klines_server(klines)
    failures = [ccxt.RequestTimeout("read timed out"), ccxt.NetworkError("connection reset")]

    def flaky(url: str, query: dict[str, str]) -> Any:
        return failures.pop(0) if failures else serve(url, query)

    exchange, _ = _binance(klines)
    RecordedTransport().add("/api/v3/exchangeInfo", _fixture("nautilus_binance_http_spot_market_exchange_info.json")) \
        .add("/api/v3/klines", flaky).install(exchange)
    slept: list[float] = []
    clock = datetime.fromtimestamp((klines[-1][6] + 1) / 1000, UTC)
    result = backfill(worker, exchange, "BTC/USDT", "1m", datetime.fromtimestamp(klines[0][0] / 1000, UTC),
                      clock=clock, retrier=Retrier(RetryPolicy(attempts=4, base_delay=0.5), sleep=slept.append))
    assert result.loaded == 10 and result.retries == 2 and slept == [0.5, 1.0]


def test_a_page_that_keeps_failing_stops_the_backfill_and_leaves_nothing_half_loaded(
        worker: psycopg.Connection) -> None:
    klines = _fixture("nautilus_binance_http_spot_market_klines.json")
    serve = binance_klines_server(klines)

    def second_page_down(url: str, query: dict[str, str]) -> Any:
        if int(query["startTime"]) > klines[0][0]:
            return ccxt.RequestTimeout("binance GET https://api.binance.com/api/v3/klines timed out")
        return serve(url, query)

    exchange, _ = _binance(klines)
    RecordedTransport().add("/api/v3/exchangeInfo", _fixture("nautilus_binance_http_spot_market_exchange_info.json")) \
        .add("/api/v3/klines", second_page_down).install(exchange)
    slept: list[float] = []
    clock = datetime.fromtimestamp((klines[-1][6] + 1) / 1000, UTC)
    with pytest.raises(BackfillError) as info:
        backfill(worker, exchange, "BTC/USDT", "1m", datetime.fromtimestamp(klines[0][0] / 1000, UTC), clock=clock,
                 limit=4, retrier=Retrier(RetryPolicy(attempts=3), sleep=slept.append))
    e = info.value
    assert e.transient and len(e.result.pages) == 1 and e.result.retries == 2 and slept == [1.0, 2.0]
    message = str(e)
    assert "page 2 (since 2021-10-22T23:07:00Z)" in message and "RequestTimeout on each of 3 attempts" in message
    assert "pages 1-1 loaded (4 new bars) and committed" in message and "nothing of page 2 was stored" in message
    assert worker.execute("SELECT count(*) FROM api.candles WHERE interval = '1m'").fetchone() == (4,)


def test_a_page_whose_load_fails_is_rolled_back_whole(worker: psycopg.Connection,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    klines = _fixture("nautilus_binance_http_spot_market_klines.json")
    exchange, _ = _binance(klines)
    real_gate = loader.gate
    calls = 0

    def gate_then_lose_the_connection(*args: Any, **kwargs: Any) -> Any:
        nonlocal calls
        calls += 1
        result = real_gate(*args, **kwargs)  # the page is gated and stored in the open transaction ...
        if calls == 2:
            raise psycopg.OperationalError("server closed the connection unexpectedly")  # ... then lost
        return result

    monkeypatch.setattr(loader, "gate", gate_then_lose_the_connection)
    clock = datetime.fromtimestamp((klines[-1][6] + 1) / 1000, UTC)
    with pytest.raises(BackfillError, match="page 2 .* failed while loading: server closed the connection"):
        backfill(worker, exchange, "BTC/USDT", "1m", datetime.fromtimestamp(klines[0][0] / 1000, UTC), clock=clock,
                 limit=4)
    assert worker.execute("SELECT count(*) FROM api.candles WHERE interval = '1m'").fetchone() == (4,)
    assert worker.execute("SELECT count(*) FROM api.candle_loads").fetchone() == (1,)


def test_a_permanent_error_is_not_retried(worker: psycopg.Connection) -> None:
    exchange, _ = _binance(_fixture("nautilus_binance_http_spot_market_klines.json"))
    slept: list[float] = []
    with pytest.raises(BackfillError, match="BadSymbol") as info:
        backfill(worker, exchange, "DOGE/USDT", "1m", datetime(2021, 10, 22, tzinfo=UTC),
                 clock=datetime(2021, 10, 23, tzinfo=UTC), retrier=Retrier(sleep=slept.append))
    assert not info.value.transient and slept == [] and info.value.result.pages == []


def test_backfill_only_sends_bars_closed_by_the_clock(worker: psycopg.Connection) -> None:
    klines = _fixture("nautilus_binance_http_spot_market_klines.json")
    exchange, _ = _binance(klines)
    clock = datetime.fromtimestamp(klines[5][0] / 1000, UTC) + timedelta(seconds=30)  # minute 5 is running
    result = backfill(worker, exchange, "BTC/USDT", "1m", datetime.fromtimestamp(klines[0][0] / 1000, UTC),
                      clock=clock)
    assert result.loaded == 5 and result.pages[0].not_closed == 1  # the running minute 5 is not sent
    assert worker.execute("SELECT count(*) FROM api.candle_quarantine").fetchone() == (0,)
