"""Helpers for the emulator tests: start an emulated venue on a free loopback port, point a real (sync)
ccxt client at it, call its admin endpoints. No real key, no real host: keys are generated per server."""

from __future__ import annotations

import json
import urllib.request
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import ccxt

from predator.emulator import ApiKey, Clock, EmulatorServer, FaultPlan, Settings, client_urls
from predator.venues.paper import PaperConfig

START = datetime(2024, 1, 1, tzinfo=UTC)
SYMBOL = {"kraken": "BTC/USD", "binance": "BTC/USDT"}
QUOTE = {"kraken": "USD", "binance": "USDT"}


def start(venue: str, plan: dict[str, Any] | None = None, at: datetime = START,
          balances: dict[str, Decimal] | None = None, keys: list[ApiKey] | None = None,
          **paper: Any) -> EmulatorServer:
    """An emulator whose clock stands still at ``at`` (tests move it with :func:`advance`); its account
    opens with ``balances`` (default 100000 of the quote currency and of USDT). ``keys``: the API keys it
    accepts (default one generated key with trading rights only; ``srv.key`` is the first)."""
    settings = Settings(venue=venue, clock=Clock(at, 0.0), faults=FaultPlan.parse(plan),
                        balances=balances or {QUOTE[venue]: Decimal(100000), "USDT": Decimal(100000)},
                        keys=list(keys or []),
                        paper=PaperConfig(venue=venue, latency_ms=100, latency_jitter_ms=0, **paper))
    return EmulatorServer(settings).start()


def client(srv: EmulatorServer, timeout_ms: int = 5000, **config: Any) -> ccxt.Exchange:
    venue = srv.settings.venue
    options: dict[str, Any] = {"fetchMarkets": {"types": ["spot"]}, "warnOnFetchOpenOrdersWithoutSymbol": False}
    ex: ccxt.Exchange = getattr(ccxt, venue)({"apiKey": srv.key.key, "secret": srv.key.secret,
                                              "enableRateLimit": False, "timeout": timeout_ms,
                                              "options": options, **config})
    ex.urls["api"] = client_urls(venue, srv.url)
    return ex


def admin(srv: EmulatorServer, method: str, path: str, body: Any = None) -> Any:
    data = None if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
    req = urllib.request.Request(f"{srv.url}/__emulator/{path}", data=data, method=method)
    with urllib.request.urlopen(req, timeout=10) as resp:
        return json.loads(resp.read())


def advance(srv: EmulatorServer, hours: float) -> None:
    admin(srv, "POST", "clock", {"advance_seconds": hours * 3600})


def faults(srv: EmulatorServer, plan: dict[str, Any], mode: str = "replace") -> Any:
    return admin(srv, "POST", f"faults?mode={mode}", plan)
