"""Orders through the real ccxt client fill by the paper engine as the emulator's clock advances, show in
my trades and balances; cancel works; an order is found by its client order id; candles are served only
once closed; refusals come back as the venue's errors."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import ccxt
import pytest

from predator.emulator import EmulatorServer
from tests.emulator_support import QUOTE, START, SYMBOL, admin, advance, client, start

pytestmark = pytest.mark.xdist_group("emulator")


@pytest.fixture(scope="module", params=["kraken", "binance"])
def srv(request: pytest.FixtureRequest) -> Iterator[EmulatorServer]:
    server = start(request.param)
    yield server
    server.stop()


def _by_client_id(ex: ccxt.Exchange, venue: str, symbol: str, coid: str) -> dict[str, object]:
    """Kraken looks an order up by cl_ord_id in its open and closed lists; Binance by origClientOrderId."""
    if venue == "binance":
        return ex.fetch_order(None, symbol, {"clientOrderId": coid})  # type: ignore[no-any-return]
    found = ex.fetch_open_orders(symbol, None, None, {"clientOrderId": coid}) or \
        ex.fetch_closed_orders(symbol, None, None, {"clientOrderId": coid})
    assert len(found) == 1
    return found[0]  # type: ignore[no-any-return]


def test_market_order_fills_when_its_bar_closes_and_shows_in_trades_and_balances(srv: EmulatorServer) -> None:
    venue = srv.settings.venue
    symbol, quote = SYMBOL[venue], QUOTE[venue]
    ex = client(srv)
    before = ex.fetch_balance()["total"]
    placed = ex.create_order(symbol, "market", "buy", 0.5, None, {"clientOrderId": f"mkt-{venue}"})
    assert _by_client_id(ex, venue, symbol, f"mkt-{venue}")["status"] == "open"  # its bar has not closed
    assert ex.fetch_my_trades(symbol) == []
    advance(srv, 1)
    order = _by_client_id(ex, venue, symbol, f"mkt-{venue}")
    assert order["id"] == placed["id"] and order["status"] == "closed" and order["filled"] == 0.5
    trades = [t for t in ex.fetch_my_trades(symbol) if t["order"] == placed["id"]]
    assert len(trades) == 1 and trades[0]["amount"] == 0.5 and trades[0]["side"] == "buy"
    after = ex.fetch_balance()["total"]
    assert after["BTC"] == pytest.approx(before.get("BTC", 0) + 0.5)
    spent = trades[0]["cost"] + trades[0]["fee"]["cost"]
    assert after[quote] == pytest.approx(before[quote] - spent)
    bar = ex.fetch_ohlcv(symbol, "1h", int(START.timestamp() * 1000), 1)[0]
    assert trades[0]["price"] > bar[1]  # the bar's open plus slippage, against the buyer


def test_limit_order_rests_then_cancel_works(srv: EmulatorServer) -> None:
    venue = srv.settings.venue
    symbol = SYMBOL[venue]
    ex = client(srv)
    order = ex.create_order(symbol, "limit", "buy", 0.1, 1000, {"clientOrderId": f"lim-{venue}"})
    advance(srv, 2)
    assert [o["id"] for o in ex.fetch_open_orders(symbol)] == [order["id"]]
    assert ex.fetch_balance()["used"][QUOTE[venue]] > 0  # funds held for the resting order
    ex.cancel_order(order["id"], symbol)
    assert ex.fetch_open_orders(symbol) == []
    assert _by_client_id(ex, venue, symbol, f"lim-{venue}")["status"] == "canceled"
    with pytest.raises(ccxt.OrderNotFound):
        ex.cancel_order(order["id"], symbol)  # already canceled: the venue no longer knows it as open


def test_unknown_order_and_insufficient_funds_are_the_venues_errors(srv: EmulatorServer) -> None:
    venue = srv.settings.venue
    symbol = SYMBOL[venue]
    ex = client(srv)
    with pytest.raises(ccxt.InsufficientFunds):
        ex.create_order(symbol, "market", "buy", 1000, None, {"clientOrderId": f"big-{venue}"})
    if venue == "binance":
        with pytest.raises(ccxt.OrderNotFound):
            ex.fetch_order(None, symbol, {"clientOrderId": "never-sent"})
        ex.create_order(symbol, "limit", "buy", 0.01, 1000, {"clientOrderId": f"dup-{venue}"})
        with pytest.raises(ccxt.InvalidOrder, match="Duplicate"):
            ex.create_order(symbol, "limit", "buy", 0.01, 1000, {"clientOrderId": f"dup-{venue}"})
    else:
        assert ex.fetch_open_orders(symbol, None, None, {"clientOrderId": "never-sent"}) == []
        with pytest.raises(ccxt.OrderNotFound):
            ex.cancel_order("OAAAAA-BBBBB-CCCCCC", symbol)


def test_candles_are_served_only_once_closed(srv: EmulatorServer) -> None:
    ex = client(srv)
    now = srv.core.clock.now()
    bars = ex.fetch_ohlcv(SYMBOL[srv.settings.venue], "1h", None, 5)
    assert bars and bars[-1][0] / 1000 + 3600 <= now.timestamp()
    assert bars[-1][0] / 1000 + 3600 > now.timestamp() - 3600  # and the last closed bar is there


def test_kraken_dead_man_switch_counts_wall_seconds_on_a_warped_clock() -> None:
    """On a clock warped X times (``warp:X``), ``CancelAllOrdersAfter`` with 60 s fires 60 × X simulated seconds
    after the call (60 wall seconds without a refresh), not a fraction of a second later: a worker refreshing
    it every 15-30 wall seconds keeps its resting orders."""
    srv = start("kraken")
    try:
        ex = client(srv)
        symbol = SYMBOL["kraken"]
        order = ex.create_order(symbol, "limit", "buy", 0.1, 1000, {"clientOrderId": "dms-warp"})
        srv.core.clock.set_rate(1800.0)
        ex.cancel_all_orders_after(60_000)
        srv.core.clock.set_rate(0.0)
        armed_at, timeout = srv.core.dead_man_calls[-1]
        assert timeout == 60 and srv.core.dead_man_trigger == armed_at + timedelta(seconds=60 * 1800)
        admin(srv, "POST", "clock", {"to": (armed_at + timedelta(seconds=59 * 1800)).isoformat()})
        assert [o["id"] for o in ex.fetch_open_orders(symbol)] == [order["id"]]
        admin(srv, "POST", "clock", {"to": (armed_at + timedelta(seconds=61 * 1800)).isoformat()})
        assert ex.fetch_open_orders(symbol) == [] and srv.core.dead_man_fired
    finally:
        srv.stop()
