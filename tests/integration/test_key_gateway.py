"""The credential gateway against the emulated venues over loopback, through the real ccxt client: a trading
key passes the rights checks and the smoke test (which places nothing); a key that may withdraw, deposit or
transfer, or whose nonce window is open, is refused with every reason in one clear error; a key the venue
does not know is a CredentialError; a venue that echoes the request's headers in an error never gets the
key into Predator's exception."""

from __future__ import annotations

import http.server
import json
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from predator.credentials import Credential, exchange_for, verify
from predator.emulator import ApiKey
from predator.errors import CredentialError, KeyRightsRefused, TransientVenueError
from tests.emulator_support import start

pytestmark = pytest.mark.xdist_group("emulator")


def credential(key: ApiKey, venue: str, label: str = "default") -> Credential:
    return Credential(venue, label, key.key, key.secret)


@pytest.mark.parametrize("venue", ["kraken", "binance"])
def test_a_trading_key_passes_and_the_smoke_test_places_nothing(venue: str) -> None:
    srv = start(venue)
    try:
        before = {b.asset: b.total for b in srv.core.balances()}
        v = verify(credential(srv.key, venue), url=srv.url)
        assert v.rights.ok and v.name == f"{venue}/default"
        assert v.smoke is not None and v.smoke.assets >= 1 and v.smoke.quote_free == 100000
        assert v.smoke.endpoint == {"kraken": "POST /0/private/AddOrder validate=true",
                                    "binance": "POST /api/v3/order/test"}[venue]
        assert v.smoke.order.startswith("buy ") and " limit " in v.smoke.order
        assert srv.core.orders() == []
        assert {b.asset: b.total for b in srv.core.balances()} == before
    finally:
        srv.stop()


REFUSED = [
    ("kraken", {"can_withdraw": True}, ["permission withdraw-funds"]),
    ("kraken", {"can_deposit": True}, ["permission deposit-funds"]),
    ("kraken", {"nonce_window": 10000}, ["nonceWindow is 10000"]),
    ("kraken", {"can_trade": False}, ["modify-trades is missing", "close-trades is missing"]),
    ("binance", {"can_withdraw": True}, ["enableWithdrawals is true"]),
    ("binance", {"can_transfer": True}, ["enableInternalTransfer is true", "permitsUniversalTransfer is true"]),
    ("binance", {"can_trade": False}, ["enableSpotAndMarginTrading is not true"]),
]


@pytest.mark.parametrize("venue,rights,reasons", REFUSED)
def test_a_key_with_forbidden_or_missing_rights_is_refused(venue: str, rights: dict[str, Any],
                                                           reasons: list[str]) -> None:
    key = ApiKey.generate(venue, **rights)
    srv = start(venue, keys=[key])
    try:
        with pytest.raises(KeyRightsRefused) as info:
            verify(credential(key, venue), url=srv.url)
        assert str(info.value).startswith(f"refused: {venue}/default: ")
        assert [r for r in reasons if r in str(info.value)] == reasons
        assert len(info.value.reasons) == len(reasons)
        assert key.secret not in str(info.value) and key.key not in str(info.value)
        assert srv.core.orders() == []
    finally:
        srv.stop()


@pytest.mark.parametrize("venue", ["kraken", "binance"])
def test_a_key_the_venue_does_not_know_is_a_credential_error(venue: str) -> None:
    srv = start(venue)
    try:
        other = ApiKey.generate(venue)  # never given to the emulator
        with pytest.raises(CredentialError, match="the venue refused the key .*AuthenticationError") as info:
            verify(credential(other, venue), url=srv.url)
        assert other.secret not in str(info.value) and other.key not in str(info.value)
    finally:
        srv.stop()


class _Echo(http.server.BaseHTTPRequestHandler):
    """A misbehaving venue: every request gets a 500 whose body echoes the request (headers and body)."""

    def _echo(self) -> None:
        n = int(self.headers.get("content-length") or 0)
        body = self.rfile.read(n).decode() if n else ""
        text = json.dumps({"echo": {"path": self.path, "headers": dict(self.headers), "body": body}}).encode()
        self.send_response(500)
        self.send_header("content-type", "text/plain")
        self.send_header("content-length", str(len(text)))
        self.end_headers()
        self.wfile.write(text)

    do_GET = do_POST = _echo

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture()
def echo_url() -> Iterator[str]:
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Echo)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{srv.server_address[1]}"
    finally:
        srv.shutdown()
        srv.server_close()
        thread.join(timeout=5)


@pytest.mark.parametrize("venue", ["kraken", "binance"])
def test_a_venue_error_echoing_the_api_key_is_redacted_at_the_boundary(venue: str, echo_url: str) -> None:
    key = ApiKey.generate(venue)
    cred = credential(key, venue)
    header = {"kraken": "API-Key", "binance": "X-MBX-APIKEY"}[venue]
    with pytest.raises(TransientVenueError, match="ExchangeNotAvailable") as info:
        verify(cred, url=echo_url)
    text = str(info.value)
    assert f'"{header}": "[REDACTED]"' in text  # the venue did echo it...
    assert key.key not in text and key.key not in str(info.value.__cause__)  # ...and it went no further
    ex = exchange_for(cred, echo_url)
    assert ex.apiKey == key.key  # the client itself still signs with the real key
