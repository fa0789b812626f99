"""The emulator's key-rights and order-validation endpoints through the real ccxt client, in the style of
test_emulator_contract.py: no recorded payload of these endpoints is shipped, so the answers are pinned by
the venues' documented examples (same keys, same kinds) and the requests by what ccxt sends to the real
venue (the same path and parameters as a real order, plus the test/validate flag).

* Kraken ``POST /0/private/GetApiKeyInfo`` (ccxt ``private_post_getapikeyinfo``): the calling key's
  permissions and nonce window; ``AddOrder`` with ``validate=true`` checks and places nothing.
* Binance ``GET /sapi/v1/account/apiRestrictions`` (the calling key's rights) and ``POST /api/v3/order/test``
  (ccxt ``create_order(..., {"test": True})`` or ``private_post_order_test``): checks and places nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import ccxt
import pytest

from predator.emulator import ApiKey, EmulatorServer
from tests.emulator_support import client, start
from tests.fixtures.key_rights import BINANCE_DOC, KRAKEN_DOC
from tests.integration.test_emulator_contract import shape

pytestmark = pytest.mark.xdist_group("emulator")


@pytest.fixture(scope="module")
def kraken() -> Iterator[EmulatorServer]:
    keys = [ApiKey.generate("kraken"), ApiKey.generate("kraken", can_withdraw=True, can_deposit=True,
                                                        nonce_window=5000)]
    srv = start("kraken", keys=keys)
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def binance() -> Iterator[EmulatorServer]:
    keys = [ApiKey.generate("binance"), ApiKey.generate("binance", can_withdraw=True, can_transfer=True)]
    srv = start("binance", keys=keys)
    yield srv
    srv.stop()


def _spy(ex: ccxt.Exchange) -> list[tuple[str, str, str]]:
    sent: list[tuple[str, str, str]] = []
    real = ex.fetch

    def spy(url: str, method: str = "GET", headers: Any = None, body: Any = None) -> Any:
        sent.append((method, url, body or ""))
        return real(url, method, headers, body)

    ex.fetch = spy  # type: ignore[method-assign]
    return sent


def _params(url: str, body: str) -> dict[str, str]:
    params = dict(parse_qsl(urlsplit(url).query)) | dict(parse_qsl(body))
    for volatile in ("nonce", "timestamp", "signature", "recvWindow"):
        params.pop(volatile, None)
    return params


def test_kraken_api_key_info_has_the_documented_shape_for_each_key(kraken: EmulatorServer) -> None:
    plain = client(kraken).private_post_getapikeyinfo()["result"]
    wide = client(kraken, apiKey=kraken.settings.keys[1].key,
                  secret=kraken.settings.keys[1].secret).private_post_getapikeyinfo()["result"]
    assert shape(plain) == shape(KRAKEN_DOC) | {"iban": "str", "ipAllowlist": ["list", "str"]}
    assert plain["apiKey"] == kraken.key.key and plain["nonceWindow"] == 0
    assert set(plain["permissions"]) >= {"query-funds", "modify-trades", "close-trades"}
    assert not {"withdraw-funds", "deposit-funds"} & set(plain["permissions"])
    assert {"withdraw-funds", "deposit-funds"} <= set(wide["permissions"]) and wide["nonceWindow"] == 5000
    assert int(plain["nonce"]) > 0  # the key's last nonce: this very request's


def test_binance_api_restrictions_have_the_documented_fields_for_each_key(binance: EmulatorServer) -> None:
    plain = client(binance).sapi_get_account_apirestrictions()
    wide = client(binance, apiKey=binance.settings.keys[1].key,
                  secret=binance.settings.keys[1].secret).sapi_get_account_apirestrictions()
    assert shape(plain) == shape(BINANCE_DOC)
    assert not any(plain[k] for k in ("enableWithdrawals", "enableInternalTransfer", "permitsUniversalTransfer"))
    assert all(wide[k] for k in ("enableWithdrawals", "enableInternalTransfer", "permitsUniversalTransfer"))


def test_kraken_validate_sends_the_order_and_places_nothing(kraken: EmulatorServer) -> None:
    ex = client(kraken)
    ex.load_markets()
    sent = _spy(ex)
    ex.create_order("BTC/USD", "limit", "buy", 0.001, 20000, {"validate": True})
    ex.create_order("BTC/USD", "limit", "buy", 0.001, 20000, {"clientOrderId": "real-one"})
    (_, url_v, body_v), (_, url_r, body_r) = [s for s in sent if "AddOrder" in s[1]]
    assert urlsplit(url_v).path == urlsplit(url_r).path == "/0/private/AddOrder"
    validated, real = _params(url_v, body_v), _params(url_r, body_r)
    # ccxt (Python) form-encodes the bool as "True"; the gateway's smoke test sends "true" itself.
    assert validated.pop("validate") == "True"
    real.pop("cl_ord_id")
    assert validated == real
    assert [o.client_order_id for o in kraken.core.orders()] == ["real-one"]
    answer = ex.private_post_addorder({"pair": "XXBTZUSD", "type": "buy", "ordertype": "limit", "price": "20000",
                                       "volume": "0.001", "validate": "true"})
    assert answer["result"] == {"descr": {"order": "buy 0.00100000 XBTUSD @ limit 20000"}}
    assert len(kraken.core.orders()) == 1
    with pytest.raises(ccxt.ExchangeError, match="Unknown asset pair"):
        ex.private_post_addorder({"pair": "NOPEUSD", "type": "buy", "ordertype": "limit", "price": "1",
                                  "volume": "1", "validate": "true"})
    with pytest.raises(ccxt.ExchangeError, match="Invalid arguments"):
        ex.private_post_addorder({"pair": "XXBTZUSD", "type": "buy", "ordertype": "limit", "price": "-1",
                                  "volume": "1", "validate": "true"})


def test_binance_order_test_sends_the_order_and_places_nothing(binance: EmulatorServer) -> None:
    ex = client(binance)
    ex.load_markets()
    before = {b.asset: b.total for b in binance.core.balances()}
    sent = _spy(ex)
    ex.create_order("BTC/USDT", "limit", "buy", 0.001, 20000, {"test": True, "clientOrderId": "t-1"})
    ex.create_order("BTC/USDT", "limit", "buy", 0.001, 20000, {"clientOrderId": "t-1"})
    (m_t, url_t, body_t), (m_r, url_r, body_r) = [s for s in sent if "/api/v3/order" in s[1]]
    assert (m_t, urlsplit(url_t).path) == ("POST", "/api/v3/order/test")
    assert (m_r, urlsplit(url_r).path) == ("POST", "/api/v3/order")
    assert _params(url_t, body_t) == _params(url_r, body_r)  # the same order, to the test endpoint
    assert [o.client_order_id for o in binance.core.orders()] == ["t-1"]
    binance.core.cancel("t-1")
    assert {b.asset: b.total for b in binance.core.balances()} == before
    params = {"symbol": "BTCUSDT", "side": "BUY", "type": "LIMIT", "timeInForce": "GTC", "quantity": "0.001",
              "price": "20000"}
    assert ex.private_post_order_test(params) == {}
    rates = ex.private_post_order_test(params | {"computeCommissionRates": "true"})
    assert Decimal(rates["standardCommissionForOrder"]["taker"]) == Decimal("0.001")
    assert len(binance.core.orders()) == 1
    with pytest.raises(ccxt.BadSymbol, match="-1121"):
        ex.private_post_order_test(params | {"symbol": "NOPEUSDT"})
    with pytest.raises(ccxt.BadRequest, match="-1102"):
        ex.private_post_order_test(params | {"quantity": "-1"})
