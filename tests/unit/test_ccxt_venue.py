"""The live venue adapter against recorded real Binance payloads (ccxt's static test responses), through
ccxt's own request building and parsing; nothing reaches the network."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import ccxt
import pytest

from predator import config, errors
from predator.retry import Retrier, RetryPolicy
from predator.venues.ccxt_venue import CcxtVenue

FIXTURES = config.data_dir() / "exchange_fixtures"
AT = datetime(2025, 1, 23, tzinfo=UTC)


def recorded(method: str, index: int = 0) -> dict[str, Any]:
    data = json.loads((FIXTURES / "ccxt_static_response_binance.json").read_text())
    return data["methods"][method][index]


class Transport:
    """Routes (HTTP method, path) to a payload, a callable or an exception; records every request with its
    parameters (query string and urlencoded body)."""

    def __init__(self) -> None:
        self.routes: dict[tuple[str, str], Any] = {}
        self.requests: list[tuple[str, str, dict[str, str]]] = []

    def add(self, method: str, path: str, payload: Any) -> Transport:
        self.routes[(method, path)] = payload
        return self

    def __call__(self, url: str, method: str = "GET", headers: Any = None, body: Any = None) -> Any:
        parts = urlsplit(url)
        params = dict(parse_qsl(parts.query)) | dict(parse_qsl(body or ""))
        self.requests.append((method, parts.path, params))
        answer = self.routes.get((method, parts.path))
        if answer is None:
            raise ccxt.ExchangeNotAvailable(f"no recorded payload for {method} {parts.path}")
        if isinstance(answer, BaseException):
            raise answer
        return copy.deepcopy(answer)


def exchange_info() -> dict[str, Any]:
    """Binance's recorded spot exchangeInfo (BTCUSDT, ETHUSDT), with the BTCUSDT entry also under the symbols
    the recorded order payloads trade (SOLUSDT, LTCUSDT): markets are scaffolding here, the payloads under test
    are the orders, trades and balances."""
    info = json.loads((FIXTURES / "nautilus_binance_http_spot_market_exchange_info.json").read_text())
    btc = next(s for s in info["symbols"] if s["symbol"] == "BTCUSDT")
    for base in ("SOL", "LTC"):
        entry = copy.deepcopy(btc)
        entry.update(symbol=f"{base}USDT", baseAsset=base)
        info["symbols"].append(entry)
    return info


@pytest.fixture()
def venue() -> tuple[CcxtVenue, Transport]:
    ex = ccxt.binance({"apiKey": "test-key", "secret": "test-secret", "enableRateLimit": False,
                       "options": {"fetchMarkets": {"types": ["spot"]}, "fetchCurrencies": False, "fetchMargins": False,
                                   "adjustForTimeDifference": False}})
    transport = Transport().add("GET", "/api/v3/exchangeInfo", exchange_info())
    ex.fetch = transport  # type: ignore[method-assign]
    ex.load_markets()
    return CcxtVenue(ex, Retrier(RetryPolicy(attempts=3, base_delay=0), sleep=lambda s: None)), transport


def test_an_order_goes_out_once_with_the_client_order_id_and_comes_back_as_decimals(venue: Any) -> None:
    v, t = venue
    rec = recorded("createOrder")
    t.add("POST", "/api/v3/order", rec["httpResponse"])
    order = v.place_order("SOL/USDT", "buy", "limit", Decimal("0.05"), Decimal(241), "PDabc123", AT)
    sent = [r for r in t.requests if r[0] == "POST"]
    assert len(sent) == 1 and sent[0][2]["newClientOrderId"] == "PDabc123"
    assert sent[0][2]["side"] == "BUY" and sent[0][2]["quantity"] == "0.05"
    parsed = rec["parsedResponse"]
    assert order["id"] == parsed["id"] and order["status"] == parsed["status"]
    assert order["amount"] == Decimal(str(parsed["amount"])) and isinstance(order["price"], Decimal)


def test_a_timed_out_submission_is_not_retried_and_its_outcome_is_resolved_by_client_order_id(venue: Any) -> None:
    v, t = venue
    t.add("POST", "/api/v3/order", ccxt.RequestTimeout("binance POST /api/v3/order timed out"))
    with pytest.raises(errors.TransientVenueError):
        v.place_order("LTC/USDT", "sell", "market", Decimal("0.2"), None, "PDtimeout1", AT)
    assert len([r for r in t.requests if r[0] == "POST"]) == 1          # never sent twice
    rec = recorded("fetchOrder")
    t.add("GET", "/api/v3/order", rec["httpResponse"])
    found = v.fetch_order("PDtimeout1")
    lookup = [r for r in t.requests if r[:2] == ("GET", "/api/v3/order")][-1]
    assert lookup[2]["origClientOrderId"] == "PDtimeout1" and lookup[2]["symbol"] == "LTCUSDT"
    assert found is not None and found["status"] == rec["parsedResponse"]["status"] == "closed"
    assert found["filled"] == Decimal(str(rec["parsedResponse"]["filled"]))


def test_an_order_the_venue_never_received_is_none(venue: Any) -> None:
    v, t = venue
    t.add("GET", "/api/v3/order", ccxt.OrderNotFound('binance {"code":-2013,"msg":"Order does not exist."}'))
    assert v.fetch_order("PDnever", "BTC/USDT") is None


def test_balances_open_orders_trades_and_withdrawals_are_parsed_by_ccxt(venue: Any) -> None:
    v, t = venue
    t.add("GET", "/api/v3/account", recorded("fetchBalance")["httpResponse"])
    t.add("GET", "/api/v3/openOrders", recorded("fetchOpenOrders")["httpResponse"])
    t.add("GET", "/api/v3/myTrades", recorded("fetchMyTrades")["httpResponse"])
    t.add("GET", "/sapi/v1/capital/withdraw/history", recorded("fetchWithdrawals")["httpResponse"])
    t.add("GET", "/sapi/v1/capital/deposit/hisrec", recorded("fetchDeposits")["httpResponse"])
    balance = v.fetch_balance()
    expected = {k: Decimal(repr(float(x))) for k, x in recorded("fetchBalance")["parsedResponse"]["total"].items() if x}
    assert balance == expected and all(isinstance(x, Decimal) for x in balance.values())
    opened = v.fetch_open_orders("LTC/USDT")
    assert [o["id"] for o in opened] == [o["id"] for o in recorded("fetchOpenOrders")["parsedResponse"]]
    trades = v.fetch_my_trades("LTC/USDT")
    parsed = recorded("fetchMyTrades")["parsedResponse"][0]
    assert (trades[0]["id"], trades[0]["amount"], trades[0]["price"]) == (
        parsed["id"], Decimal(str(parsed["amount"])), Decimal(str(parsed["price"])))
    assert trades[0]["fee"]["currency"] == parsed["fee"]["currency"]
    transfers = v.fetch_transfers()
    kinds = {tr["kind"] for tr in transfers}
    assert "withdrawal" in kinds and all(isinstance(tr["amount"], Decimal) for tr in transfers)


def test_reads_retry_transient_errors_a_bounded_number_of_times(venue: Any) -> None:
    v, t = venue
    t.add("GET", "/api/v3/account", ccxt.NetworkError("binance GET /api/v3/account: connection reset"))
    with pytest.raises(errors.TransientVenueError, match="3 attempts"):
        v.fetch_balance()
    assert len([r for r in t.requests if r[1] == "/api/v3/account"]) == 3


def test_an_api_key_that_may_withdraw_is_refused(venue: Any) -> None:
    # Binance documents GET /sapi/v1/account/apiRestrictions; this payload follows its documented example
    # (no recorded response of this endpoint is shipped).
    v, t = venue
    doc = {"ipRestrict": False, "createTime": 1698645219000, "enableReading": True, "enableWithdrawals": True,
           "enableInternalTransfer": False, "enableMargin": False, "enableFutures": False,
           "permitsUniversalTransfer": False, "enableVanillaOptions": False, "enableFixApiTrade": False,
           "enableFixReadOnly": False, "enableSpotAndMarginTrading": True, "enablePortfolioMarginTrading": False}
    t.add("GET", "/sapi/v1/account/apiRestrictions", doc)
    with pytest.raises(errors.ConfigurationError, match="may withdraw"):
        v.check_no_withdrawal_rights()
    t.add("GET", "/sapi/v1/account/apiRestrictions", doc | {"enableWithdrawals": False})
    v.check_no_withdrawal_rights()


def test_the_adapter_has_no_way_to_withdraw() -> None:
    assert not any("withdraw" in name and not name.startswith(("check_", "fetch_")) for name in dir(CcxtVenue))


def test_binance_trades_are_asked_per_symbol_and_named_by_client_order_id(venue: Any) -> None:
    # Binance's myTrades needs a symbol and names the order by the venue's id only: the adapter asks for each
    # symbol it trades, and learns an unknown order's client order id from the venue once.
    v, t = venue
    v.symbols = ("LTC/USDT",)
    trades_payload = recorded("fetchMyTrades")["httpResponse"]
    order_payload = dict(recorded("fetchOrder")["httpResponse"], orderId=trades_payload[0]["orderId"],
                         clientOrderId="PDltc1")
    t.add("GET", "/api/v3/myTrades", trades_payload).add("GET", "/api/v3/order", order_payload)
    trades = v.trades_since(None)
    asked = [r[2] for r in t.requests if r[1] == "/api/v3/myTrades"]
    assert [a["symbol"] for a in asked] == ["LTCUSDT"]
    assert [(tr.client_order_id, tr.venue_order_id) for tr in trades] == [("PDltc1", trades_payload[0]["orderId"])]
    lookups = [r[2] for r in t.requests if r[1] == "/api/v3/order"]
    assert [a["orderId"] for a in lookups] == [trades_payload[0]["orderId"]]
    v.trades_since(None)
    assert len([r for r in t.requests if r[1] == "/api/v3/order"]) == 1  # remembered


def test_an_order_placed_here_names_its_trades_without_asking_the_venue(venue: Any) -> None:
    v, t = venue
    rec = recorded("createOrder")
    t.add("POST", "/api/v3/order", rec["httpResponse"])
    placed = v.place_order("SOL/USDT", "buy", "limit", Decimal("0.05"), Decimal(241), "PDsol1", AT)
    trade = dict(recorded("fetchMyTrades")["httpResponse"][0], symbol="SOLUSDT", orderId=placed["id"])
    t.add("GET", "/api/v3/myTrades", [trade])
    trades = v.trades_since(None)
    assert [a[2]["symbol"] for a in t.requests if a[1] == "/api/v3/myTrades"] == ["SOLUSDT"]
    assert [tr.client_order_id for tr in trades] == ["PDsol1"]
    assert not [r for r in t.requests if r[:2] == ("GET", "/api/v3/order")]


# --- issue 11: client order ids, one instance per key, outcome unknown ---------------------------------------
def test_client_order_ids_are_valid_on_both_venues_and_map_back() -> None:
    from predator.venues.ccxt_venue import book_client_id, venue_client_id

    db_id = "PD" + "0123456789abcdef0123456789abcd"
    assert venue_client_id("binance", db_id) == db_id                      # newClientOrderId, 32 of 36 chars
    kraken_id = venue_client_id("kraken", db_id)
    assert kraken_id == "00" + db_id[2:] and len(kraken_id) == 32          # a short UUID: cl_ord_id
    assert book_client_id("kraken", kraken_id) == db_id
    long_form = f"{kraken_id[:8]}-{kraken_id[8:12]}-{kraken_id[12:16]}-{kraken_id[16:20]}-{kraken_id[20:]}".upper()
    assert book_client_id("kraken", long_form) == db_id                    # Kraken may echo the long form
    assert venue_client_id("kraken", "drill-1") == "drill-1"              # free text up to 18 characters
    assert book_client_id("binance", db_id) == db_id and book_client_id("kraken", None) is None
    with pytest.raises(errors.ConfigurationError):
        venue_client_id("kraken", "x" * 19)
    with pytest.raises(errors.ConfigurationError):
        venue_client_id("binance", "has space")


def test_one_ccxt_instance_per_key_with_retries_off_and_a_strictly_increasing_nonce() -> None:
    from predator.venues.ccxt_venue import forget_exchange, trading_exchange

    ex = trading_exchange("kraken", "unit-key", "c2VjcmV0", url="http://127.0.0.1:9")
    try:
        assert trading_exchange("kraken", "unit-key", "c2VjcmV0", url="http://127.0.0.1:9") is ex
        assert ex.options["maxRetriesOnFailure"] == 0 and ex.enableRateLimit
        with pytest.raises(errors.ConfigurationError, match="another secret"):
            trading_exchange("kraken", "unit-key", "b3RoZXI=", url="http://127.0.0.1:9")
        with pytest.raises(errors.ConfigurationError, match="another URL"):
            trading_exchange("kraken", "unit-key", "c2VjcmV0")
        nonces = [ex.nonce() for _ in range(2000)]                          # many within one millisecond
        assert all(b > a for a, b in zip(nonces, nonces[1:], strict=False))
        CcxtVenue(ex)                                                        # the adapter keeps them
        assert ex.options["maxRetriesOnFailure"] == 0
    finally:
        forget_exchange(ex)


def test_a_submission_that_fails_after_sending_is_outcome_unknown_and_sent_once(venue: Any) -> None:
    v, t = venue
    v.exchange.options["maxRetriesOnFailure"] = 3  # even if someone turns ccxt's retries on...
    v = CcxtVenue(v.exchange, v.retrier)           # ...the adapter turns them off again
    t.add("POST", "/api/v3/order", ccxt.ExchangeNotAvailable("binance 503 Service Unavailable"))
    with pytest.raises(errors.OutcomeUnknownError, match="outcome unknown"):
        v.place_order("LTC/USDT", "buy", "market", Decimal("0.2"), None, "PD5xx", AT)
    assert len([r for r in t.requests if r[0] == "POST"]) == 1
    t.add("POST", "/api/v3/order", ccxt.InsufficientFunds('binance {"code":-2010,"msg":"Account has insufficient '
                                                           'balance for requested action."}'))
    with pytest.raises(errors.VenueRefusedError):
        v.place_order("LTC/USDT", "buy", "market", Decimal("0.2"), None, "PDpoor", AT)
    t.add("POST", "/api/v3/order", ccxt.DDoSProtection("binance 429 Too Many Requests"))
    with pytest.raises(errors.TransientVenueError) as e:                    # refused before processing
        v.place_order("LTC/USDT", "buy", "market", Decimal("0.2"), None, "PD429", AT)
    assert type(e.value) is errors.TransientVenueError
    assert len([r for r in t.requests if r[0] == "POST"]) == 3


def test_a_trade_listed_twice_is_relayed_once(venue: Any) -> None:
    v, t = venue
    v.symbols = ("LTC/USDT",)
    trade = recorded("fetchMyTrades")["httpResponse"][0]
    t.add("GET", "/api/v3/myTrades", [trade, trade])
    t.add("GET", "/api/v3/order", dict(recorded("fetchOrder")["httpResponse"], orderId=trade["orderId"],
                                       clientOrderId="PDltc1"))
    assert len(v.trades_since(None)) == 1
