"""Instruments from the venue: precision and minimums as ccxt's ``load_markets`` parses them.

For every spot market ccxt returns: tick size (price precision), step size (amount precision), minimum
order quantity (``limits.amount.min``, base units) and minimum notional (``limits.cost.min``, quote units).
ccxt states precision either as a tick size (``TICK_SIZE`` mode: Binance, Kraken) or as a number of
decimal places (``DECIMAL_PLACES``: 10^-n); significant-digit precision has no tick size and is stored as
unknown. Numbers pass as exact decimal strings. ``api.upsert_instruments`` stores them per venue and
audits every change; instruments whose base or quote is not a known asset are reported, not stored.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import ccxt
import psycopg

from predator.db import market_api
from predator.marketdata.venues import Retrier


def _number(exchange: ccxt.Exchange, value: Any) -> str | None:
    if value is None:
        return None
    return str(exchange.number_to_string(value))


def _precision(exchange: ccxt.Exchange, value: Any) -> str | None:
    """A ccxt precision as a tick/step size string (None when unknown or in significant digits)."""
    if value is None:
        return None
    if exchange.precisionMode == ccxt.TICK_SIZE:
        return _number(exchange, value)
    if exchange.precisionMode == ccxt.DECIMAL_PLACES:
        return format(Decimal(1).scaleb(-int(value)), "f")
    return None


def instruments_from_markets(exchange: ccxt.Exchange, markets: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """The spot markets of a ccxt ``markets`` dict as ``api.upsert_instruments`` elements, sorted by symbol."""
    out = []
    for m in markets.values():
        if not m.get("spot") or m.get("type") not in (None, "spot"):
            continue
        precision = m.get("precision") or {}
        limits = m.get("limits") or {}
        out.append(
            {
                "symbol": m["symbol"],
                "base": m["base"],
                "quote": m["quote"],
                "tick_size": _precision(exchange, precision.get("price")),
                "step_size": _precision(exchange, precision.get("amount")),
                "min_qty": _number(exchange, (limits.get("amount") or {}).get("min")),
                "min_notional": _number(exchange, (limits.get("cost") or {}).get("min")),
            }
        )
    return sorted(out, key=lambda i: i["symbol"])


def store_markets(
    conn: psycopg.Connection, exchange: ccxt.Exchange, source: str | None = None, retrier: Retrier | None = None
) -> list[market_api.InstrumentUpsert]:
    """Load the venue's markets through ccxt and store its spot instruments (one transaction)."""
    retry = retrier or Retrier()
    markets = retry.call(lambda: exchange.load_markets(reload=True), f"{exchange.id} load_markets")
    instruments = instruments_from_markets(exchange, markets)
    with conn.transaction():
        return market_api.upsert_instruments(
            conn, exchange.id, instruments, source or f"ccxt:{exchange.id}:load_markets"
        )
