"""Request signatures, checked the way each venue checks them.

* **Kraken**: headers ``API-Key`` and ``API-Sign``; ``API-Sign`` = base64(HMAC-SHA512(key = base64-decoded
  secret, message = URI path + SHA256(nonce + POST body))); the ``nonce`` in the body must be greater than
  every nonce this key used before (a replay or a stale nonce is ``EAPI:Invalid nonce``).
* **Binance**: header ``X-MBX-APIKEY``; ``signature`` = hex HMAC-SHA256(secret, the query string followed
  by the request body, without the signature itself); ``timestamp`` (ms) must not be more than 1000 ms ahead
  of the server and not older than ``recvWindow`` (default 5000 ms, at most 60000).

Timestamps and nonces are compared with the host's wall clock (the client signs with its own), never
with the emulator's simulated clock.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
import threading
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from predator import seams


@dataclass(frozen=True)
class ApiKey:
    """A throwaway key: ``secret`` is base64 for Kraken and plain text for Binance.

    The rights the venue reports for it (Kraken ``GetApiKeyInfo``, Binance ``apiRestrictions``): trading,
    ``can_withdraw`` (Kraken ``withdraw-funds``, Binance ``enableWithdrawals``), ``can_deposit`` (Kraken
    ``deposit-funds``), ``can_transfer`` (Binance ``enableInternalTransfer`` and
    ``permitsUniversalTransfer``) and Kraken's ``nonce_window`` (reported only: the emulator's nonce check
    stays strict). They change what is reported, never what the emulator allows: it refuses every
    withdrawal."""

    key: str
    secret: str
    can_trade: bool = True
    can_withdraw: bool = False
    label: str = "predator-emulator"
    can_deposit: bool = False
    can_transfer: bool = False
    nonce_window: int = 0

    @classmethod
    def generate(cls, venue: str, can_withdraw: bool = False, **rights: Any) -> ApiKey:
        if venue == "kraken":
            return cls(secrets.token_urlsafe(42), base64.b64encode(secrets.token_bytes(64)).decode(),
                       can_withdraw=can_withdraw, **rights)
        return cls(secrets.token_hex(32), secrets.token_hex(32), can_withdraw=can_withdraw, **rights)


class AuthError(Exception):
    """``code``: ``invalid_key``, ``invalid_signature``, ``invalid_nonce``, ``bad_timestamp``,
    ``bad_recv_window``, ``missing_key``."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code


class KeyRing:
    def __init__(self, keys: list[ApiKey]) -> None:
        self.keys = {k.key: k for k in keys}
        self._nonces: dict[str, int] = {}
        self._lock = threading.Lock()

    def add(self, key: ApiKey) -> None:
        self.keys[key.key] = key

    def last_nonce(self, key: ApiKey) -> int:
        """The last Kraken nonce ``key`` used (0 before its first private request)."""
        with self._lock:
            return self._nonces.get(key.key, 0)

    def _key(self, api_key: str | None) -> ApiKey:
        if not api_key:
            raise AuthError("missing_key")
        found = self.keys.get(api_key)
        if found is None:
            raise AuthError("invalid_key")
        return found

    def kraken(self, path: str, body: bytes, api_key: str | None, api_sign: str | None, nonce: str | None) -> ApiKey:
        """Verify a Kraken private request; the nonce is spent only when the signature is good."""
        key = self._key(api_key)
        if not api_sign or nonce is None:
            raise AuthError("invalid_signature", "API-Sign or nonce missing")
        try:
            secret = base64.b64decode(key.secret)
            given = base64.b64decode(api_sign, validate=True)
        except (binascii.Error, ValueError) as e:
            raise AuthError("invalid_signature", "not base64") from e
        message = path.encode() + hashlib.sha256(nonce.encode() + body).digest()
        expected = hmac.new(secret, message, hashlib.sha512).digest()
        if not hmac.compare_digest(expected, given):
            raise AuthError("invalid_signature")
        try:
            value = int(nonce)
        except ValueError as e:
            raise AuthError("invalid_nonce", nonce) from e
        with self._lock:
            last = self._nonces.get(key.key, 0)
            if value <= last:
                raise AuthError("invalid_nonce", f"{value} <= {last}")
            self._nonces[key.key] = value
        return key

    def binance(self, query: str, body: str, api_key: str | None) -> tuple[ApiKey, dict[str, str]]:
        """Verify a Binance SIGNED request; returns the key and the request's parameters."""
        key = self._key(api_key)
        total = query + body  # Binance signs the query string followed by the body
        pos = total.rfind("signature=")
        if pos < 0:
            raise AuthError("invalid_signature", "no signature")
        payload = total[:pos].rstrip("&")
        given = total[pos + len("signature="):].split("&", 1)[0]
        params = dict(parse_qsl(payload, keep_blank_values=True))
        recv_window = int(params.get("recvWindow", "5000"))
        if recv_window > 60000 or recv_window <= 0:
            raise AuthError("bad_recv_window", str(recv_window))
        try:
            stamp = int(params["timestamp"])
        except (KeyError, ValueError) as e:
            raise AuthError("bad_timestamp", "timestamp missing") from e
        now = int(seams.epoch_seconds() * 1000)
        if stamp >= now + 1000:
            raise AuthError("bad_timestamp", "ahead")
        if now - stamp > recv_window:
            raise AuthError("bad_timestamp", "outside recvWindow")
        expected = hmac.new(key.secret.encode(), payload.encode(), hashlib.sha256).hexdigest()
        if not hmac.compare_digest(expected, given.lower()):
            raise AuthError("invalid_signature")
        return key, params
