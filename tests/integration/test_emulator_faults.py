"""Every declared fault kind, seen through the real ccxt client (docs/emulator.md lists them)."""

from __future__ import annotations

import time
import urllib.error
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import ccxt
import pytest

from predator.emulator import EmulatorServer, FaultPlan
from predator.emulator.faults import FaultPlanError
from tests.emulator_support import QUOTE, SYMBOL, admin, advance, client, faults, start

pytestmark = pytest.mark.xdist_group("emulator")


@pytest.fixture(scope="module", params=["kraken", "binance"])
def srv(request: pytest.FixtureRequest) -> Iterator[EmulatorServer]:
    server = start(request.param)
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def _clear(srv: EmulatorServer) -> Iterator[None]:
    yield
    admin(srv, "DELETE", "faults")


def _entry(srv: EmulatorServer) -> str:
    return "AddOrder" if srv.settings.venue == "kraken" else "/api/v3/order"


def test_http_error_is_exchange_not_available_then_recovers(srv: EmulatorServer) -> None:
    ex = client(srv)
    faults(srv, {"faults": [{"kind": "http_error", "status": 503, "times": 1}]})
    with pytest.raises(ccxt.ExchangeNotAvailable):
        ex.fetch_time()
    assert ex.fetch_time() > 0


def test_rate_limit_is_ddos_protection_with_retry_after(srv: EmulatorServer) -> None:
    ex = client(srv)
    faults(srv, {"faults": [{"kind": "rate_limit", "retry_after": 7, "times": 1}]})
    with pytest.raises(ccxt.DDoSProtection):
        ex.fetch_balance()
    if srv.settings.venue == "binance":
        assert ex.last_response_headers["Retry-After"] == "7"
        faults(srv, {"faults": [{"kind": "rate_limit", "status": 418, "times": 1}]})
        with pytest.raises(ccxt.DDoSProtection, match="418"):
            ex.fetch_balance()
    assert ex.fetch_balance()["total"]


def test_dropped_connection_is_a_network_error(srv: EmulatorServer) -> None:
    ex = client(srv)
    faults(srv, {"faults": [{"kind": "drop", "times": 1}]})
    with pytest.raises(ccxt.NetworkError):
        ex.fetch_time()
    assert ex.fetch_time() > 0


def test_latency_and_jitter_delay_answers(srv: EmulatorServer) -> None:
    ex = client(srv)
    faults(srv, {"latency_ms": 150, "jitter_ms": 50, "seed": 3,
                 "faults": [{"kind": "latency", "delay_ms": 200, "endpoint": "ime"}]})
    t0 = time.monotonic()
    ex.fetch_time()
    assert time.monotonic() - t0 >= 0.3  # 150 ± 50 everywhere, + 200 on the time endpoint


def test_timeout_after_accept_leaves_an_order_the_client_must_look_up(srv: EmulatorServer) -> None:
    venue = srv.settings.venue
    ex = client(srv)
    ex.load_markets()  # with a normal timeout: only the order entry below is meant to time out
    ex.timeout = 400
    faults(srv, {"faults": [{"kind": "timeout_after_accept", "delay_ms": 1200, "times": 1}]})
    with pytest.raises(ccxt.RequestTimeout):
        ex.create_order(SYMBOL[venue], "limit", "buy", 0.01, 1000, {"clientOrderId": f"tmo-{venue}"})
    time.sleep(1.0)  # the answer the client gave up on
    ex = client(srv)  # the lookup itself gets a normal timeout (the first order of a symbol loads its bars)
    if venue == "binance":
        found = ex.fetch_order(None, SYMBOL[venue], {"clientOrderId": f"tmo-{venue}"})
    else:
        found = ex.fetch_open_orders(SYMBOL[venue], None, None, {"clientOrderId": f"tmo-{venue}"})[0]
    assert found["status"] == "open" and found["amount"] == 0.01
    ex.cancel_order(found["id"], SYMBOL[venue])


def test_partial_fills_leave_a_limit_order_partly_filled(srv: EmulatorServer) -> None:
    venue = srv.settings.venue
    ex = client(srv)
    faults(srv, {"faults": [{"kind": "partial_fills", "participation": "0.0001"}]})
    order = ex.create_order(SYMBOL[venue], "limit", "buy", 1, 50_000, {"clientOrderId": f"part-{venue}"})
    advance(srv, 2)
    open_orders = [o for o in ex.fetch_open_orders(SYMBOL[venue]) if o["id"] == order["id"]]
    assert len(open_orders) == 1 and 0 < open_orders[0]["filled"] < 1
    ex.cancel_order(order["id"], SYMBOL[venue])


def test_ghost_fill_reports_a_trade_the_venue_never_made(srv: EmulatorServer) -> None:
    venue = srv.settings.venue
    ex = client(srv)
    order = ex.create_order(SYMBOL[venue], "limit", "buy", 0.01, 1000, {"clientOrderId": f"ghost-{venue}"})
    before = ex.fetch_balance()["total"]
    faults(srv, {"faults": [{"kind": "ghost_fill", "client_order_id": f"ghost-{venue}"}]})
    advance(srv, 1)
    ghosts = [t for t in ex.fetch_my_trades(SYMBOL[venue]) if t["order"] == order["id"]]
    assert len(ghosts) == 1 and ghosts[0]["amount"] == 0.01
    assert [o["filled"] for o in ex.fetch_open_orders(SYMBOL[venue]) if o["id"] == order["id"]] == [0]
    assert ex.fetch_balance()["total"].get("BTC", 0) == before.get("BTC", 0)
    ex.cancel_order(order["id"], SYMBOL[venue])


def test_duplicate_trades_report_a_fill_twice(srv: EmulatorServer) -> None:
    venue = srv.settings.venue
    ex = client(srv)
    order = ex.create_order(SYMBOL[venue], "market", "buy", 0.01, None, {"clientOrderId": f"dup-{venue}"})
    advance(srv, 1)
    assert len([t for t in ex.fetch_my_trades(SYMBOL[venue]) if t["order"] == order["id"]]) == 1
    faults(srv, {"faults": [{"kind": "duplicate_trades"}]})
    twice = [t for t in ex.fetch_my_trades(SYMBOL[venue]) if t["order"] == order["id"]]
    assert len(twice) == 2
    assert len({(t["amount"], t["price"], t["timestamp"]) for t in twice}) == 1  # the same fill


def test_out_of_order_trades_arrive_after_later_ones(srv: EmulatorServer) -> None:
    venue = srv.settings.venue
    ex = client(srv)
    faults(srv, {"faults": [{"kind": "out_of_order_trades", "client_order_id": f"late-{venue}",
                             "delay_ms": 2 * 3600 * 1000}]})
    late = ex.create_order(SYMBOL[venue], "market", "buy", 0.01, None, {"clientOrderId": f"late-{venue}"})
    advance(srv, 1)
    early = ex.create_order(SYMBOL[venue], "market", "buy", 0.01, None, {"clientOrderId": f"early-{venue}"})
    advance(srv, 1)
    seen = {t["order"] for t in ex.fetch_my_trades(SYMBOL[venue])}
    assert early["id"] in seen and late["id"] not in seen  # the later fill is reported, the earlier not yet
    advance(srv, 2)
    trades = {t["order"]: t for t in ex.fetch_my_trades(SYMBOL[venue])}
    assert trades[late["id"]]["timestamp"] < trades[early["id"]]["timestamp"]


def test_withdrawal_appears_in_history_when_the_clock_passes_it(srv: EmulatorServer) -> None:
    venue = srv.settings.venue
    ex = client(srv)
    quote = QUOTE[venue]
    before = ex.fetch_balance()["total"][quote]
    at = srv.core.clock.now() + timedelta(minutes=30)
    faults(srv, {"faults": [{"kind": "withdrawal", "asset": quote, "amount": 25, "at": at.isoformat()}]})
    assert ex.fetch_withdrawals() == []
    advance(srv, 1)
    withdrawals = ex.fetch_withdrawals()
    assert [(w["currency"], w["amount"], w["type"]) for w in withdrawals] == [(quote, 25, "withdrawal")]
    assert ex.fetch_balance()["total"][quote] == pytest.approx(before - 25)


def test_stalled_then_revised_candles(srv: EmulatorServer) -> None:
    venue = srv.settings.venue
    ex = client(srv)
    symbol = SYMBOL[venue]
    last = ex.fetch_ohlcv(symbol, "1h", None, 3)[-1]
    faults(srv, {"faults": [{"kind": "stall_candles", "symbol": symbol}]})
    advance(srv, 2)
    assert ex.fetch_ohlcv(symbol, "1h", None, 3)[-1][0] == last[0]  # no new bar while stalled
    admin(srv, "DELETE", "faults")
    assert ex.fetch_ohlcv(symbol, "1h", None, 3)[-1][0] == last[0] + 2 * 3600 * 1000  # the feed recovers
    ts = srv.core.clock.now().replace(minute=0, second=0, microsecond=0) - timedelta(hours=2)
    original = [b for b in ex.fetch_ohlcv(symbol, "1h", None, 5) if b[0] == int(ts.timestamp() * 1000)][0]
    faults(srv, {"faults": [{"kind": "revise_candle", "symbol": symbol, "ts": ts.isoformat(),
                             "close": str(original[4] + 1), "volume": "1"}]})
    revised = [b for b in ex.fetch_ohlcv(symbol, "1h", None, 5) if b[0] == original[0]][0]
    assert revised[4] == original[4] + 1 and revised[5] == 1 and revised[1] == original[1]


def test_a_fault_file_loads_and_a_bad_plan_is_refused(srv: EmulatorServer, tmp_path: Path) -> None:
    path = tmp_path / "faults.yaml"
    path.write_text("latency_ms: 5\nfaults:\n  - kind: http_error\n    endpoint: Time\n    times: 2\n")
    plan = FaultPlan.load(path)
    assert plan.latency_ms == 5 and plan.faults[0].times == 2
    with pytest.raises(FaultPlanError, match="unknown keys"):
        FaultPlan.parse({"faults": [{"kind": "http_error", "statuss": 500}]})
    with pytest.raises(FaultPlanError, match="unknown kind"):
        FaultPlan.parse({"faults": [{"kind": "meteor"}]})
    with pytest.raises(urllib.error.HTTPError) as refused:
        admin(srv, "POST", "faults", b"faults: [{kind: ghost_fill}]")
    assert refused.value.code == 400
    refused.value.close()


def test_fee_asset_charges_fees_in_bnb_while_the_account_holds_it(srv: EmulatorServer) -> None:
    venue = srv.settings.venue
    ex = client(srv)
    admin(srv, "POST", "transfers", {"kind": "deposit", "asset": "BNB", "amount": "1"})
    faults(srv, {"faults": [{"kind": "fee_asset", "asset": "BNB"}]})
    before = {k: v for k, v in ex.fetch_balance()["total"].items() if v}
    order = ex.create_order(SYMBOL[venue], "market", "buy", 0.01, None, {"clientOrderId": f"bnb-{venue}"})
    advance(srv, 1)
    trade = next(t for t in ex.fetch_my_trades(SYMBOL[venue]) if t["order"] == order["id"])
    after = {k: v for k, v in ex.fetch_balance()["total"].items() if v}
    if venue == "binance":  # BNB/USDT is stored: the fee is taken in BNB, the quote pays the notional only
        assert trade["fee"]["currency"] == "BNB" and 0 < trade["fee"]["cost"] < 0.01
        assert after["BNB"] == pytest.approx(before["BNB"] - trade["fee"]["cost"], abs=1e-12)
        assert after[QUOTE[venue]] == pytest.approx(before[QUOTE[venue]] - trade["cost"], abs=1e-6)
    else:  # no BNB/USD series: the fee stays in the quote
        assert trade["fee"]["currency"] == QUOTE[venue] and after["BNB"] == before["BNB"]
    with pytest.raises(urllib.error.HTTPError):
        faults(srv, {"faults": [{"kind": "fee_asset"}]})  # the asset is required
