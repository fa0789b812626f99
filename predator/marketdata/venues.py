"""ccxt exchanges for market data: construction, error translation and bounded retries.

Only public endpoints are used here (OHLCV, market structure); no API key is ever configured. Errors of
ccxt are translated into :mod:`predator.errors` with ``raise ... from e``: network-level failures
(``ccxt.NetworkError``: timeouts, connection errors, rate limiting, exchange unavailable or in maintenance)
are :class:`~predator.errors.TransientVenueError` and retried with bounded exponential backoff; every
other ccxt error (bad symbol, bad request, not supported, ...) is a
:class:`~predator.errors.PermanentVenueError` and never retried.
"""

from __future__ import annotations

from typing import TypeVar

import ccxt

from predator.errors import ConfigurationError

T = TypeVar("T")

#: Venues supported for market data (ccxt exchange ids, as in market.venue).
VENUES = ("binance", "kraken")


def api_urls(venue: str, base_url: str) -> dict[str, str]:
    """ccxt's ``urls['api']`` for ``venue`` with every REST root moved under ``base_url`` (the staging venue
    emulator, ``predator emulate``, serves the same paths as the venue: docs/emulator.md)."""
    base = base_url.rstrip("/")
    if venue == "kraken":
        return {"public": base, "private": base}
    return {"public": f"{base}/api/v3", "private": f"{base}/api/v3", "v1": f"{base}/api/v1",
            "sapi": f"{base}/sapi/v1", "sapiV2": f"{base}/sapi/v2", "sapiV3": f"{base}/sapi/v3",
            "sapiV4": f"{base}/sapi/v4"}


def make_exchange(venue: str, *, rate_limit: bool = True, timeout_ms: int = 30_000,
                  url: str | None = None) -> ccxt.Exchange:
    """A public (keyless) ccxt exchange for ``venue`` with ccxt's rate limiter on.

    Binance is restricted to its spot markets (``load_markets`` then calls only ``/api/v3/exchangeInfo``).
    ``url`` points the client at another host speaking the venue's API (e.g. ``http://127.0.0.1:8765``,
    the emulator); ccxt still builds, signs and parses every request itself.
    """
    if venue not in VENUES:
        raise ConfigurationError(f"unsupported venue {venue!r} for market data; use one of {', '.join(VENUES)}")
    config: dict[str, object] = {"enableRateLimit": rate_limit, "timeout": timeout_ms}
    if venue == "binance":
        config["options"] = {"fetchMarkets": {"types": ["spot"]}}
    exchange: ccxt.Exchange = getattr(ccxt, venue)(config)
    if url is not None:
        exchange.urls["api"] = api_urls(venue, url)
    return exchange


# Error translation and bounded retries are shared with the live venue adapter (predator.venues.ccxt_venue).
from predator.retry import Retrier as Retrier  # noqa: E402
from predator.retry import RetryPolicy as RetryPolicy  # noqa: E402
from predator.retry import translate as translate  # noqa: E402
