"""Feed status and admission: a decision for hour H whose bar is missing, quarantined or stale is refused
with data_stale; the feed status names the same condition. And resampling: the shipped 1m files aggregate
exactly to the shipped 1h bars over their overlap."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from decimal import Decimal

import psycopg
import pytest

from predator.db import market_api
from predator.db.connection import Target
from predator.errors import InvalidArgument
from predator.marketdata import loader
from tests.helpers import T0, candle_lines, hour, new_account, shared_file, signal

BTC = loader.Feed("binance", "BTC/USDT", "1h")


@pytest.fixture()
def worker(db: Target) -> Iterator[psycopg.Connection]:
    with db.connect("worker", autocommit=True) as conn:
        yield conn


def _status(conn: psycopg.Connection, clock: datetime, symbol: str) -> market_api.FeedStatus:
    rows = [f for f in market_api.feed_status(conn, clock, "binance", "1h") if f.symbol == symbol]
    assert len(rows) == 1
    return rows[0]


def _bad_bar(n: int) -> str:
    """A bar with open time T0 + n hours whose high is below its low (quarantined)."""
    return f"{(T0 + timedelta(hours=n)).strftime('%Y-%m-%dT%H:%M:%SZ')},100,90,110,100,1"


def test_feed_status_names_ok_stale_quarantined_and_no_data(worker: psycopg.Connection) -> None:
    loader.load_lines(worker, BTC, list(candle_lines("BTC/USDT", T0, 48)), "test")
    ok = _status(worker, hour(48), "BTC/USDT")
    assert (ok.status, ok.last_ts, ok.expected_ts, ok.missing_bars) == ("ok", hour(47), hour(47), 0)
    assert ok.staleness == timedelta(0) and ok.last_load_id is not None
    mid = _status(worker, hour(48) + timedelta(minutes=59), "BTC/USDT")  # the next bar is not due yet
    assert mid.status == "ok" and mid.staleness == timedelta(minutes=59)
    stale = _status(worker, hour(50), "BTC/USDT")
    assert (stale.status, stale.missing_bars, stale.expected_quarantined) == ("stale", 2, False)
    r = loader.load_lines(worker, BTC, [_bad_bar(49)], "test", clock=hour(50))
    assert r.quarantined == 1
    q = _status(worker, hour(50), "BTC/USDT")
    assert (q.status, q.expected_quarantined, q.last_quarantined_ts) == ("quarantined", True, hour(49))
    eth = _status(worker, hour(48), "ETH/USDT")  # an instrument of the venue never loaded
    assert (eth.status, eth.last_ts) == ("no_data", None)
    # judged in the past, bars after the clock do not count
    past = _status(worker, hour(10), "BTC/USDT")
    assert (past.status, past.last_ts) == ("ok", hour(9))


def test_feed_status_refuses_a_bad_clock_or_interval(worker: psycopg.Connection) -> None:
    with pytest.raises(InvalidArgument):
        market_api.feed_status(worker, None, "binance", "1h")  # type: ignore[arg-type]
    with pytest.raises(InvalidArgument, match="unknown interval"):
        market_api.feed_status(worker, hour(1), "binance", "2h")


def test_admission_refuses_missing_quarantined_and_stale_bars_with_data_stale(db: Target,
                                                                               worker: psycopg.Connection) -> None:
    loader.load_lines(worker, BTC, list(candle_lines("BTC/USDT", T0, 48)), "test")
    # ETH stops 8 hours early: a stale feed
    loader.load_lines(worker, loader.Feed("binance", "ETH/USDT", "1h"), list(candle_lines("ETH/USDT", T0, 40)), "test")
    with db.connect("operator", autocommit=True) as op:
        account = new_account(op)
        fresh = signal(op, account, "BTC/USDT", 48, "buy", Decimal("0.001"))
        assert "data_stale" not in fresh.reasons
        assert fresh.decision_price == Decimal(candle_lines("BTC/USDT")[47].split(",")[4])
        stale = signal(op, account, "ETH/USDT", 48, "buy", Decimal("0.01"))
        assert stale.outcome == "refused" and "data_stale" in stale.reasons
        assert _status(worker, hour(48), "ETH/USDT").status == "stale"
        # the bar for hour 49 arrives broken: quarantined, so the decision at its close is refused
        assert loader.load_lines(worker, BTC, [_bad_bar(48)], "test", clock=hour(49)).quarantined == 1
        assert _status(worker, hour(49), "BTC/USDT").status == "quarantined"
        refused = signal(op, account, "BTC/USDT", 49, "buy", Decimal("0.001"))
        assert refused.outcome == "refused" and "data_stale" in refused.reasons
        # a bar that never came: same refusal
        missing = signal(op, account, "BTC/USDT", 51, "buy", Decimal("0.001"))
        assert missing.outcome == "refused" and "data_stale" in missing.reasons


@pytest.mark.parametrize("base", ["BTC", "ETH"])
def test_the_1m_files_aggregate_exactly_to_the_1h_bars(worker: psycopg.Connection, base: str) -> None:
    minute = shared_file("candles", f"binance_{base}-USDT_1m.csv.gz")
    hourly = shared_file("candles", f"binance_{base}-USDT_1h.csv.gz")
    loader.load_file(worker, minute)
    loader.load_file(worker, hourly)
    symbol = f"{base}/USDT"
    bars = market_api.resample_candles(worker, "binance", symbol, "1m", "1h")
    complete = [b for b in bars if b.complete]
    assert len(complete) == 719 and len(bars) == 721 and all(b.bars == 60 for b in complete)
    stored = {r[0]: r[1:] for r in worker.execute(
        "SELECT ts, open, high, low, close, volume FROM api.candles WHERE symbol = %s AND interval = '1h'"
        " AND ts >= %s AND ts <= %s", (symbol, complete[0].ts, complete[-1].ts)).fetchall()}
    assert len(stored) == 719
    for b in complete:
        assert (b.open, b.high, b.low, b.close, b.volume) == stored[b.ts], b.ts
    # through the gate, the aggregates are duplicates of the stored bars, bar for bar
    lines = [loader.format_bar(b.ts, b.open, b.high, b.low, b.close, b.volume) for b in complete]
    r = loader.load_lines(worker, loader.Feed("binance", symbol, "1h"), lines, "resample:1m")
    assert (r.read, r.duplicate, r.loaded, r.corrected, r.quarantined) == (719, 719, 0, 0, 0)


def test_resampling_refuses_incompatible_intervals(worker: psycopg.Connection) -> None:
    with pytest.raises(InvalidArgument, match="resampling refused"):
        market_api.resample_candles(worker, "binance", "BTC/USDT", "1h", "1m")
