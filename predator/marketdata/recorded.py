"""Recorded exchange payloads in place of the network, with ccxt's own parsing on top.

:class:`RecordedTransport` replaces an exchange instance's ``fetch`` (ccxt's HTTP layer: every public
call ends there with the URL it built) by a router from URL paths to recorded JSON payloads. Everything
above it (ccxt's rate limiter, request building, ``parse_ohlcv``, ``parse_market``) runs unchanged, so a
test or ``predator data markets --fixture FILE`` exercises exactly the parsing a live call would.

Routes answer with a payload, a callable ``(url, query) -> payload`` (to emulate server-side paging), or
an exception instance (raised: simulates timeouts and network errors). An unrouted URL raises
``ccxt.ExchangeNotAvailable`` naming it, so nothing ever reaches the network.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import ccxt

Responder = Any  # a JSON payload, a callable (url, query) -> payload, or an exception instance


@dataclass
class RecordedTransport:
    """A stand-in for ``exchange.fetch``: routes by URL path fragment, records every request made."""

    routes: dict[str, Responder] = field(default_factory=dict)
    requests: list[tuple[str, str]] = field(default_factory=list)

    def add(self, path_fragment: str, responder: Responder) -> RecordedTransport:
        self.routes[path_fragment] = responder
        return self

    def install(self, exchange: ccxt.Exchange) -> ccxt.Exchange:
        exchange.fetch = self
        return exchange

    def __call__(self, url: str, method: str = "GET", headers: Any = None, body: Any = None) -> Any:
        self.requests.append((method, url))
        parts = urlsplit(url)
        query = dict(parse_qsl(parts.query))
        for fragment, responder in self.routes.items():
            if fragment in parts.path:
                if isinstance(responder, BaseException):
                    raise responder
                if callable(responder):
                    result = responder(url, query)
                    if isinstance(result, BaseException):
                        raise result
                    return copy.deepcopy(result)
                return copy.deepcopy(responder)
        raise ccxt.ExchangeNotAvailable(f"recorded transport: no recorded payload for {method} {url}")


def load_json(path: str | Path) -> Any:
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def binance_klines_server(rows: list[list[Any]]) -> Callable[[str, dict[str, str]], Any]:
    """Serve recorded Binance klines the way /api/v3/klines does: rows from startTime, at most limit."""

    def respond(url: str, query: dict[str, str]) -> Any:
        start = int(query.get("startTime", "0"))
        end = int(query["endTime"]) if "endTime" in query else None
        limit = int(query.get("limit", "500"))
        out = [r for r in rows if r[0] >= start and (end is None or r[0] <= end)]
        return out[:limit]

    return respond


def kraken_ohlc_server(payload: dict[str, Any]) -> Callable[[str, dict[str, str]], Any]:
    """Serve a recorded Kraken OHLC payload the way /0/public/OHLC does: frames after ``since`` (exclusive)."""

    def respond(url: str, query: dict[str, str]) -> Any:
        since = int(query.get("since", "0"))
        result = {}
        for key, value in payload["result"].items():
            result[key] = [r for r in value if int(r[0]) > since] if isinstance(value, list) else value
        return {"error": payload.get("error", []), "result": result}

    return respond


#: Which endpoint a market-structure fixture answers, per venue (used by ``predator data markets --fixture``).
MARKETS_ENDPOINT = {"binance": "/api/v3/exchangeInfo", "kraken": "/0/public/AssetPairs"}
