"""Instruments from the venue: recorded Binance exchange info and Kraken asset pairs through ccxt's
load_markets into market.instrument per venue, audited; what cannot be stored is reported, not stored."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import psycopg
import pytest

from predator import config
from predator.db import market_api, migrate
from predator.db.connection import Target
from predator.errors import InvalidArgument, UnknownReference
from predator.marketdata.markets import store_markets
from predator.marketdata.recorded import RecordedTransport, load_json
from predator.marketdata.venues import make_exchange
from tests.helpers import shared_file

FIXTURES = config.data_dir() / "exchange_fixtures"


def _fixture(name: str) -> Any:
    return load_json(shared_file("exchange_fixtures", name))


def _binance() -> Any:
    exchange = make_exchange("binance", rate_limit=False)
    RecordedTransport().add("/api/v3/exchangeInfo", _fixture("nautilus_binance_http_spot_market_exchange_info.json")) \
        .install(exchange)
    return exchange


def _kraken() -> Any:
    exchange = make_exchange("kraken", rate_limit=False)
    RecordedTransport().add("/0/public/AssetPairs", _fixture("nautilus_kraken_http_asset_pairs.json")).install(exchange)
    exchange.has = dict(exchange.has, fetchCurrencies=False)
    return exchange


@pytest.fixture()
def worker(db: Target) -> Iterator[psycopg.Connection]:
    with db.connect("worker", autocommit=True) as conn:
        yield conn


def _instrument(conn: psycopg.Connection, venue: str, symbol: str) -> tuple[Any, ...]:
    row = conn.execute("SELECT tick_size, step_size, min_qty, min_notional, source FROM api.instruments"
                       " WHERE venue = %s AND symbol = %s", (venue, symbol)).fetchone()
    assert row is not None
    return tuple(row)


def test_binance_and_kraken_structures_are_stored_per_venue(db: Target, worker: psycopg.Connection) -> None:
    done = store_markets(worker, _binance())
    assert [(r.symbol, r.action) for r in done] == [("BTC/USDT", "updated"), ("ETH/USDT", "updated")]
    done = store_markets(worker, _kraken())
    assert [(r.symbol, r.action) for r in done] == [("BTC/USDT", "updated")]
    src = "ccxt:{}:load_markets"
    assert _instrument(worker, "binance", "BTC/USDT") == (Decimal("0.01"), Decimal("0.00001"), Decimal("0.00001"),
                                                          Decimal("10"), src.format("binance"))
    assert _instrument(worker, "binance", "ETH/USDT") == (Decimal("0.01"), Decimal("0.0001"), Decimal("0.0001"),
                                                          Decimal("10"), src.format("binance"))
    assert _instrument(worker, "kraken", "BTC/USDT") == (Decimal("0.1"), Decimal("0.00000001"), Decimal("0.00005"),
                                                         Decimal("0.5"), src.format("kraken"))
    # a venue's structure does not touch another venue's instruments
    assert _instrument(worker, "kraken", "ETH/USDT")[4] == "seed"
    # the same structure again changes nothing and audits nothing
    assert {r.action for r in store_markets(worker, _binance())} == {"unchanged"}
    with db.connect("auditor") as auditor:
        audits = auditor.execute("SELECT target, args -> 'changes' FROM ops.audit_log"
                                 " WHERE action = 'upsert_instruments' ORDER BY seq").fetchall()
    assert [a[0] for a in audits] == ["binance", "kraken"]
    first = audits[0][1][0]
    assert first["symbol"] == "BTC/USDT" and first["old"]["source"] == "seed"
    assert Decimal(str(first["new"]["min_notional"])) == 10


def test_what_cannot_be_stored_is_reported_not_stored(worker: psycopg.Connection) -> None:
    rows = market_api.upsert_instruments(worker, "binance", [
        {"symbol": "DOGE/USDT", "base": "DOGE", "quote": "USDT", "tick_size": "0.00001"},
        {"symbol": "BTCUSDT", "base": "BTC", "quote": "USDT"},
        {"symbol": "SOL/USDT", "base": "SOL", "quote": "USDT", "tick_size": "0", "step_size": "0.01"},
        {"symbol": "XRP/USDT", "base": "XRP", "quote": "USDT", "min_notional": "five"},
        {"symbol": "ADA/USDT", "base": "ADA", "quote": "USDT", "tick_size": 0.0001, "step_size": "0.1", "min_qty": 1,
         "min_notional": None},
        {"symbol": "ADA/USDT", "base": "ADA", "quote": "USDT", "tick_size": "1"},
        {"symbol": "ETH/BTC", "base": "ETH", "quote": "BTC", "tick_size": "0.00001", "step_size": "0.0001",
         "min_qty": "0.0001", "min_notional": "0.0001"},
    ], "test")
    assert sorted((r.symbol, r.action, r.detail) for r in rows) == sorted([
        ("DOGE/USDT", "skipped", "unknown_asset"), ("BTCUSDT", "skipped", "malformed"),
        ("SOL/USDT", "skipped", "invalid_values"), ("XRP/USDT", "skipped", "invalid_values"),
        ("ADA/USDT", "updated", None), ("ADA/USDT", "skipped", "duplicate"), ("ETH/BTC", "inserted", None)])
    assert _instrument(worker, "binance", "ADA/USDT") == (Decimal("0.0001"), Decimal("0.1"), Decimal(1), Decimal(0),
                                                          "test")
    assert _instrument(worker, "binance", "ETH/BTC")[3] == Decimal("0.0001")
    assert worker.execute("SELECT count(*) FROM api.instruments WHERE symbol = 'DOGE/USDT'").fetchone() == (0,)


@pytest.mark.parametrize("value", ["NaN", "Infinity", "-Infinity", "inf", "-inf", "nan"])
@pytest.mark.parametrize("field", ["tick_size", "step_size", "min_qty", "min_notional"])
def test_a_non_finite_number_refuses_the_whole_call(worker: psycopg.Connection, field: str, value: str) -> None:
    before = worker.execute("SELECT count(*), max(updated_at) FROM api.instruments").fetchone()
    with pytest.raises(InvalidArgument, match="not a finite number") as info:
        market_api.upsert_instruments(worker, "binance", [
            {"symbol": "ETH/BTC", "base": "ETH", "quote": "BTC", "tick_size": "0.00001"},
            {"symbol": "ADA/USDT", "base": "ADA", "quote": "USDT", field: value},
        ], "test")
    assert info.value.sqlstate == "PD012"
    assert info.value.hint and "finite" in info.value.hint
    assert f"field={field}" in (info.value.detail or "") and "symbol=ADA/USDT" in (info.value.detail or "")
    assert worker.execute("SELECT count(*), max(updated_at) FROM api.instruments").fetchone() == before
    assert worker.execute("SELECT count(*) FROM api.instruments WHERE symbol = 'ETH/BTC'").fetchone() == (0,)


def test_bad_calls_are_refused(worker: psycopg.Connection) -> None:
    with pytest.raises(UnknownReference, match="unknown venue"):
        market_api.upsert_instruments(worker, "nowhere", [], "test")
    with pytest.raises(InvalidArgument, match="JSON array"):
        market_api.upsert_instruments(worker, "binance", [], "")


def test_the_auditor_cannot_write_instruments(db: Target) -> None:
    with db.connect("auditor") as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        market_api.upsert_instruments(conn, "binance", [], "test")


def test_migrating_below_0003_puts_the_seed_instruments_back(empty_db: Target) -> None:
    migrate.upgrade(empty_db)
    with empty_db.connect("worker", autocommit=True) as conn:
        store_markets(conn, _binance())
        market_api.upsert_instruments(conn, "binance", [{"symbol": "ETH/BTC", "base": "ETH", "quote": "BTC"}], "test")
    # The api views are current definitions, re-created whenever the database reaches head; dropping them
    # first lets every down migration alter its tables (the later migrations are not this test's subject).
    with psycopg.connect(empty_db.dsn, autocommit=True) as conn:
        conn.execute("DROP SCHEMA api CASCADE")
    migrate.downgrade(empty_db, "0002")
    with psycopg.connect(empty_db.dsn) as conn:
        rows = conn.execute("SELECT symbol, tick_size, min_notional, source FROM market.instrument"
                            " WHERE venue = 'binance' AND symbol IN ('BTC/USDT', 'ETH/USDT', 'ETH/BTC')"
                            " ORDER BY 1").fetchall()
    assert rows == [("BTC/USDT", None, Decimal(5), "seed"), ("ETH/USDT", None, Decimal(5), "seed")]
    migrate.downgrade(empty_db, "base")
    migrate.upgrade(empty_db)
