"""The emulator refuses what the venues refuse, the way they refuse it (as ccxt reports it): bad keys,
bad signatures, stale or replayed Kraken nonces, Binance timestamps outside recvWindow; and it never moves
funds out. The ``predator emulate`` command serves from a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator

import ccxt
import pytest

from predator.emulator import EmulatorServer
from tests.emulator_support import client, start

pytestmark = pytest.mark.xdist_group("emulator")


@pytest.fixture(scope="module")
def kraken() -> Iterator[EmulatorServer]:
    srv = start("kraken")
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def binance() -> Iterator[EmulatorServer]:
    srv = start("binance")
    yield srv
    srv.stop()


def test_kraken_good_signature_is_served(kraken: EmulatorServer) -> None:
    assert client(kraken).fetch_balance()["total"]["USD"] == 100000


def test_kraken_bad_signature_is_refused_as_kraken_refuses_it(kraken: EmulatorServer) -> None:
    import base64

    ex = client(kraken, secret=base64.b64encode(b"not the secret").decode())
    with pytest.raises(ccxt.ExchangeError, match="EAPI:Invalid signature"):  # ccxt has no finer class for it
        ex.fetch_balance()


def test_kraken_unknown_key_is_an_authentication_error(kraken: EmulatorServer) -> None:
    ex = client(kraken, apiKey="not-a-key")
    with pytest.raises(ccxt.AuthenticationError, match="EAPI:Invalid key"):
        ex.fetch_balance()


def test_kraken_stale_nonce_is_refused_and_a_fresh_one_served(kraken: EmulatorServer) -> None:
    ex = client(kraken)
    ex.fetch_balance()  # spends a nonce of the current millisecond
    stale = client(kraken)
    stale.nonce = lambda: 1_000  # type: ignore[method-assign]  # a restored client, far behind
    with pytest.raises(ccxt.InvalidNonce, match="EAPI:Invalid nonce"):
        stale.fetch_balance()
    ex.fetch_balance()  # the key still works with an increasing nonce


def test_kraken_replayed_request_is_refused(kraken: EmulatorServer) -> None:
    ex = client(kraken)
    seen: list[tuple[str, str, dict[str, str], str]] = []
    real = ex.fetch

    def spy(url: str, method: str = "GET", headers: dict[str, str] | None = None, body: str | None = None) -> object:
        seen.append((url, method, dict(headers or {}), body or ""))
        return real(url, method, headers, body)

    ex.fetch = spy  # type: ignore[method-assign]
    ex.fetch_balance()
    url, method, headers, body = seen[-1]
    ex.fetch = real  # type: ignore[method-assign]
    with pytest.raises(ccxt.InvalidNonce):
        ex.fetch(url, method, headers, body)  # the very same signed bytes again


def test_kraken_never_withdraws(kraken: EmulatorServer) -> None:
    with pytest.raises(ccxt.PermissionDenied):
        client(kraken).withdraw("USDT", 1, "emulated-address", params={"key": "emulated"})
    assert client(kraken).fetch_withdrawals() == []


def test_kraken_api_key_info_reports_no_withdrawal_right(kraken: EmulatorServer) -> None:
    info = client(kraken).private_post_getapikeyinfo()
    assert "withdraw-funds" not in info["result"]["permissions"]
    assert info["result"]["nonceWindow"] == 0


def test_binance_good_signature_is_served(binance: EmulatorServer) -> None:
    assert client(binance).fetch_balance()["total"]["USDT"] == 100000


def test_binance_bad_signature_is_an_authentication_error(binance: EmulatorServer) -> None:
    with pytest.raises(ccxt.AuthenticationError, match="-1022"):
        client(binance, secret="0" * 64).fetch_balance()


def test_binance_unknown_key_is_an_authentication_error(binance: EmulatorServer) -> None:
    with pytest.raises(ccxt.AuthenticationError, match="-2015"):
        client(binance, apiKey="f" * 64).fetch_balance()


def test_binance_timestamp_outside_recv_window_is_an_invalid_nonce(binance: EmulatorServer) -> None:
    late = client(binance)
    late.options["recvWindow"] = 5000
    late.nonce = lambda: int(time.time() * 1000) - 60_000  # type: ignore[method-assign]  # a clock a minute behind
    with pytest.raises(ccxt.InvalidNonce, match="-1021"):
        late.fetch_balance()
    ahead = client(binance)
    ahead.nonce = lambda: int(time.time() * 1000) + 5_000  # type: ignore[method-assign]
    with pytest.raises(ccxt.InvalidNonce, match="-1021"):
        ahead.fetch_balance()


def test_binance_api_restrictions_report_no_withdrawals_and_withdraw_is_refused(binance: EmulatorServer) -> None:
    ex = client(binance)
    assert ex.sapi_get_account_apirestrictions()["enableWithdrawals"] is False
    with pytest.raises(ccxt.AuthenticationError, match="-1002"):
        ex.withdraw("USDT", 1, "emulated-address")


def test_predator_emulate_command_serves_binance_on_loopback(tmp_path: object) -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = dict(os.environ)
    proc = subprocess.Popen(
        [sys.executable, "-m", "predator.cli", "emulate", "--venue", "binance", "--port", str(port),
         "--clock", "warp:3600", "--start", "2024-01-01T00:00:00Z", "--api-key", "k" * 64, "--api-secret", "s" * 64],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v3/ping", timeout=1) as r:
                    assert r.status == 200
                    break
            except OSError:
                assert proc.poll() is None, proc.stdout.read() if proc.stdout else ""
                assert time.monotonic() < deadline, "predator emulate did not start"
                time.sleep(0.2)
        ex = ccxt.binance({"apiKey": "k" * 64, "secret": "s" * 64, "enableRateLimit": False,
                           "options": {"fetchMarkets": {"types": ["spot"]}}})
        from predator.emulator import client_urls

        ex.urls["api"] = client_urls("binance", f"http://127.0.0.1:{port}")
        assert ex.fetch_balance()["total"]["USDT"] == 10000
        assert ex.fetch_time() >= 1704067200000  # the warped clock, not today
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        if proc.stdout:
            proc.stdout.close()
