"""ccxt without a network or database: recorded payloads through ccxt's own parsing, market structure as
instruments, bounded retries of transient errors only."""

from __future__ import annotations

from pathlib import Path

import ccxt
import pytest

from predator import config
from predator.errors import ConfigurationError, PermanentVenueError, TransientVenueError
from predator.marketdata.markets import instruments_from_markets
from predator.marketdata.recorded import RecordedTransport, kraken_ohlc_server, load_json
from predator.marketdata.venues import Retrier, RetryPolicy, make_exchange
from tests.helpers import shared_file

FIXTURES = config.data_dir() / "exchange_fixtures"


def _fixture(name: str) -> Path:
    return shared_file("exchange_fixtures", name)


def test_binance_exchange_info_parses_to_instruments() -> None:
    exchange = make_exchange("binance", rate_limit=False)
    transport = RecordedTransport().add("/api/v3/exchangeInfo",
                                        load_json(_fixture("nautilus_binance_http_spot_market_exchange_info.json")))
    transport.install(exchange)
    instruments = instruments_from_markets(exchange, exchange.load_markets())
    assert [m for _, m in transport.requests] == ["https://api.binance.com/api/v3/exchangeInfo"]
    assert instruments == [
        {"symbol": "BTC/USDT", "base": "BTC", "quote": "USDT", "tick_size": "0.01", "step_size": "0.00001",
         "min_qty": "0.00001", "min_notional": "10"},
        {"symbol": "ETH/USDT", "base": "ETH", "quote": "USDT", "tick_size": "0.01", "step_size": "0.0001",
         "min_qty": "0.0001", "min_notional": "10"}]


def test_kraken_asset_pairs_parse_to_instruments_with_unified_codes() -> None:
    exchange = make_exchange("kraken", rate_limit=False)
    RecordedTransport().add("/0/public/AssetPairs", load_json(_fixture("nautilus_kraken_http_asset_pairs.json"))) \
        .install(exchange)
    exchange.has = dict(exchange.has, fetchCurrencies=False)
    assert instruments_from_markets(exchange, exchange.load_markets()) == [
        {"symbol": "BTC/USDT", "base": "BTC", "quote": "USDT", "tick_size": "0.1", "step_size": "0.00000001",
         "min_qty": "0.00005", "min_notional": "0.5"}]


def test_kraken_ohlc_goes_through_ccxt_parse_ohlcv() -> None:
    exchange = make_exchange("kraken", rate_limit=False)
    payload = load_json(_fixture("nautilus_kraken_http_ohlc.json"))
    pairs = load_json(_fixture("nautilus_kraken_http_asset_pairs.json"))
    transport = RecordedTransport().add("/0/public/AssetPairs", pairs)
    transport.add("/0/public/OHLC", kraken_ohlc_server(payload)).install(exchange)
    exchange.has = dict(exchange.has, fetchCurrencies=False)
    rows = exchange.fetch_ohlcv("BTC/USDT", "1m", since=1762777020000)
    first = payload["result"]["XBTUSDT"][0]
    assert len(rows) == 721
    assert rows[0] == [first[0] * 1000, float(first[1]), float(first[2]), float(first[3]), float(first[4]),
                       float(first[6])]  # volume is the 7th field; the 6th is the vwap
    assert "pair=XBTUSDT" in transport.requests[-1][1] and "interval=1" in transport.requests[-1][1]


def test_an_unrecorded_url_never_reaches_the_network() -> None:
    exchange = make_exchange("binance", rate_limit=False)
    RecordedTransport().install(exchange)
    with pytest.raises(ccxt.ExchangeNotAvailable, match="no recorded payload"):
        exchange.load_markets()


def test_unsupported_venue_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError):
        make_exchange("bitmex")


def test_backoff_is_exponential_and_bounded() -> None:
    policy = RetryPolicy(attempts=6, base_delay=1.0, max_delay=5.0)
    assert [policy.delay(n) for n in range(1, 6)] == [1.0, 2.0, 4.0, 5.0, 5.0]


def test_transient_errors_are_retried_then_succeed() -> None:
    slept: list[float] = []
    outcomes: list[Exception | str] = [ccxt.RequestTimeout("slow"), ccxt.NetworkError("reset"), "ok"]

    def call() -> str:
        o = outcomes.pop(0)
        if isinstance(o, Exception):
            raise o
        return o

    retrier = Retrier(RetryPolicy(attempts=5, base_delay=0.5), sleep=slept.append)
    assert retrier.call(call, "fetch") == "ok"
    assert slept == [0.5, 1.0] and retrier.retries == 2


def test_retries_are_bounded_and_translated() -> None:
    slept: list[float] = []
    calls = 0

    def call() -> None:
        nonlocal calls
        calls += 1
        raise ccxt.RequestTimeout("timed out")

    with pytest.raises(TransientVenueError, match="RequestTimeout on each of 3 attempts") as info:
        Retrier(RetryPolicy(attempts=3), sleep=slept.append).call(call, "binance fetch_ohlcv")
    assert calls == 3 and slept == [1.0, 2.0]
    assert isinstance(info.value.__cause__, ccxt.RequestTimeout)


def test_permanent_errors_are_not_retried() -> None:
    slept: list[float] = []
    calls = 0

    def call() -> None:
        nonlocal calls
        calls += 1
        raise ccxt.BadSymbol("binance does not have market symbol FOO/BAR")

    with pytest.raises(PermanentVenueError, match="BadSymbol"):
        Retrier(sleep=slept.append).call(call, "fetch")
    assert calls == 1 and slept == []
