"""The credential gateway: an API key is checked before it is stored and at every start.

1. **Rights** (:func:`check_rights`), read from the venue through the real ccxt client:

   * Binance ``GET /sapi/v1/account/apiRestrictions`` (ccxt ``sapi_get_account_apirestrictions``): refused
     when ``enableWithdrawals``, ``enableInternalTransfer`` or ``permitsUniversalTransfer`` is true or
     missing, or when ``enableReading`` or ``enableSpotAndMarginTrading`` is not true (:func:`binance_rights`);
   * Kraken ``POST /0/private/GetApiKeyInfo`` (ccxt ``private_post_getapikeyinfo``): refused on any
     permission that withdraws or deposits (``withdraw-funds``, ``add-withdraw-address``,
     ``update-withdraw-address``, ``deposit-funds``), on a permission Predator does not know (fail closed),
     when a permission trading needs is missing, or when ``nonceWindow`` is above 0 or unreadable
     (:func:`kraken_rights`).

2. **Smoke test** (:func:`smoke_test`): the balances are fetched, and the order endpoint is reached with an
   order that cannot be placed: Kraken ``AddOrder`` with ``validate=true``, Binance ``POST
   /api/v3/order/test``; a limit buy at half the last closed bar's price, just above the market's minimum
   size. Should a venue ever answer with an order id, the order is canceled at once and the key refused.

:func:`verify` runs both for a :class:`~predator.credentials.Credential` (``predator keys add``, ``predator
keys check``, and a worker's start). A refusal is :class:`~predator.errors.KeyRightsRefused` (every reason
in one message); a key the venue does not accept is :class:`~predator.errors.CredentialError`; a venue that
cannot be reached is :class:`~predator.errors.TransientVenueError`. ccxt's exceptions are scrubbed of secrets
before they are chained (:func:`predator.redaction.scrub_exception`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal
from typing import Any, TypeVar

import ccxt

from predator import redaction, seams
from predator.credentials.model import Credential, check_venue
from predator.errors import CredentialError, KeyRightsRefused, PermanentVenueError, TransientVenueError
from predator.marketdata.venues import api_urls

T = TypeVar("T")

#: The symbol the smoke test validates an order on, per venue, unless one is given.
SMOKE_SYMBOL = {"kraken": "BTC/USD", "binance": "BTC/USDT"}
#: The smoke order's limit price as a share of the last closed bar's close (far from any fill).
SMOKE_PRICE_FACTOR = Decimal("0.5")

# Kraken's permission codes (GetApiKeyInfo ``permissions``), as Kraken documents them.
KRAKEN_REQUIRED = ("query-funds", "query-open-trades", "query-closed-trades", "modify-trades", "close-trades")
KRAKEN_ALLOWED = frozenset({*KRAKEN_REQUIRED, "query-ledger", "export-data", "create-ws-token"})
KRAKEN_WHY = {"query-funds": "balances (reconciliation)", "query-open-trades": "open orders (reconciliation)",
              "query-closed-trades": "closed orders and trades (fills)", "modify-trades": "placing orders",
              "close-trades": "canceling orders (the kill switch)"}
# Binance apiRestrictions fields: refused when true, required true.
BINANCE_FORBIDDEN = ("enableWithdrawals", "enableInternalTransfer", "permitsUniversalTransfer")
BINANCE_REQUIRED = ("enableReading", "enableSpotAndMarginTrading")
BINANCE_UNUSED = ("enableMargin", "enableFutures", "enableVanillaOptions", "enablePortfolioMarginTrading",
                  "enableFixApiTrade")


@dataclass(frozen=True)
class RightsReport:
    """What a venue reports of a key's rights. ``rights``: the rights granted (Kraken permission codes,
    Binance fields that are true); ``nonce_window``: Kraken's (None on Binance); ``refusals``: why Predator
    refuses the key (empty: accepted); ``warnings``: accepted, but worth fixing."""

    venue: str
    rights: tuple[str, ...]
    nonce_window: int | None
    refusals: tuple[str, ...]
    warnings: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.refusals


@dataclass(frozen=True)
class SmokeReport:
    """The smoke test's outcome. ``assets``: currencies with a non-zero balance; ``quote_free``: the free
    balance of the smoke symbol's quote currency; ``order``: the order the venue validated (not placed);
    ``endpoint``: where it was sent; ``elapsed_ms``: wall time of the whole test."""

    venue: str
    symbol: str
    assets: int
    quote_free: Decimal
    order: str
    endpoint: str
    elapsed_ms: int


@dataclass(frozen=True)
class Verification:
    """A key that passed the gateway: its name and fingerprint, its rights, its smoke test (None if skipped)."""

    name: str
    fingerprint: str
    rights: RightsReport
    smoke: SmokeReport | None


# --- ccxt at the boundary ------------------------------------------------------------------------------------------
def exchange_for(credential: Credential, url: str | None = None, timeout_ms: int = 10_000) -> ccxt.Exchange:
    """A ccxt client of ``credential``'s venue signing with it. ``url``: another host speaking the venue's
    API (the emulator, ``http://127.0.0.1:N``), with ccxt's rate limiter off; the real venue keeps it on."""
    config: dict[str, Any] = {"apiKey": credential.api_key, "secret": credential.secret,
                              "enableRateLimit": url is None, "timeout": timeout_ms}
    if credential.venue == "binance":
        config["options"] = {"fetchMarkets": {"types": ["spot"]}}
    exchange: ccxt.Exchange = getattr(ccxt, credential.venue)(config)
    if url is not None:
        exchange.urls["api"] = api_urls(credential.venue, url)
    return exchange


def venue_call(fn: Callable[[], T], what: str) -> T:
    """``fn()`` (one ccxt call, never retried); ccxt errors become Predator errors with secrets masked:
    the venue refusing the key (``AuthenticationError``, ``PermissionDenied``, ``AccountSuspended``) is a
    CredentialError, network failures a TransientVenueError, anything else a PermanentVenueError."""
    try:
        return fn()
    except (ccxt.AuthenticationError, ccxt.PermissionDenied, ccxt.AccountSuspended) as e:
        redaction.scrub_exception(e)
        raise CredentialError(f"{what}: the venue refused the key ({type(e).__name__}: "
                              f"{redaction.redact(str(e))})") from e
    except ccxt.NetworkError as e:
        redaction.scrub_exception(e)
        raise TransientVenueError(f"{what}: {type(e).__name__}: {redaction.redact(str(e))}") from e
    except ccxt.BaseError as e:
        redaction.scrub_exception(e)
        raise PermanentVenueError(f"{what}: {type(e).__name__}: {redaction.redact(str(e))}") from e


# --- rights ----------------------------------------------------------------------------------------------------------
def _flag(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return None


def binance_rights(payload: Mapping[str, Any]) -> RightsReport:
    """Judge a Binance ``apiRestrictions`` answer (pure)."""
    refusals: list[str] = []
    warnings: list[str] = []
    for name in BINANCE_FORBIDDEN:
        value = _flag(payload.get(name))
        if value is None:
            refusals.append(f"{name} is missing or unreadable ({payload.get(name)!r}): the right cannot be "
                            "ruled out")
        elif value:
            refusals.append(f"{name} is true: the key can move money off the account; edit the key on Binance "
                            "and untick it")
    for name in BINANCE_REQUIRED:
        if _flag(payload.get(name)) is not True:
            refusals.append(f"{name} is not true: Predator needs it to "
                            f"{'read balances and orders' if name == 'enableReading' else 'trade spot'}")
    for name in BINANCE_UNUSED:
        if _flag(payload.get(name)) is True:
            warnings.append(f"{name} is true: Predator never uses it; untick it")
    if _flag(payload.get("ipRestrict")) is not True:
        warnings.append("ipRestrict is false: restrict the key to the worker's IP addresses")
    rights = tuple(sorted(k for k, v in payload.items() if k != "ipRestrict" and _flag(v) is True))
    return RightsReport("binance", rights, None, tuple(refusals), tuple(warnings))


def kraken_rights(result: Mapping[str, Any]) -> RightsReport:
    """Judge the ``result`` of a Kraken ``GetApiKeyInfo`` answer (pure)."""
    refusals: list[str] = []
    warnings: list[str] = []
    raw = result.get("permissions")
    if not isinstance(raw, list) or not all(isinstance(p, str) for p in raw):
        refusals.append(f"the permissions are unreadable ({type(raw).__name__}): the key's rights cannot be "
                        "verified")
        permissions: tuple[str, ...] = ()
    else:
        permissions = tuple(sorted(set(raw)))
    for p in permissions:
        if "withdraw" in p or "deposit" in p:
            refusals.append(f"permission {p}: the key can move money in or out of the account; edit the key on "
                            "Kraken and untick it")
        elif p not in KRAKEN_ALLOWED:
            refusals.append(f"permission {p} is unknown to Predator, which refuses rights it cannot classify; "
                            "untick it")
    if permissions:
        for p in KRAKEN_REQUIRED:
            if p not in permissions:
                refusals.append(f"permission {p} is missing: Predator needs it for {KRAKEN_WHY[p]}")
    window: int | None
    try:
        window = int(str(result.get("nonceWindow")))
    except ValueError:
        window = None
        refusals.append(f"nonceWindow is missing or unreadable ({result.get('nonceWindow')!r})")
    if window is not None and window > 0:
        refusals.append(f"nonceWindow is {window}: the key accepts nonces out of order (a replayed request "
                        "could be accepted); set the nonce window to 0")
    if str(result.get("validUntil", "0")) not in ("0", ""):
        warnings.append(f"the key expires (validUntil {result.get('validUntil')}): plan its rotation")
    if str(result.get("queryFrom", "0")) not in ("0", "") or str(result.get("queryTo", "0")) not in ("0", ""):
        warnings.append("the key's query window is restricted (queryFrom/queryTo): reconciliation may miss "
                        "orders and trades")
    if not result.get("ipAllowlist"):
        warnings.append("the key has no IP allow-list: restrict it to the worker's IP addresses")
    return RightsReport("kraken", permissions, window, tuple(refusals), tuple(warnings))


def read_rights(exchange: ccxt.Exchange) -> RightsReport:
    """Ask the venue for the key's rights and judge them (no exception on a refusal: see ``refusals``)."""
    venue = check_venue(exchange.id)
    if venue == "binance":
        payload = venue_call(lambda: exchange.sapi_get_account_apirestrictions(), "binance apiRestrictions")
        if not isinstance(payload, dict):
            raise PermanentVenueError(f"binance apiRestrictions: unexpected answer ({type(payload).__name__})")
        return binance_rights(payload)
    answer = venue_call(lambda: exchange.private_post_getapikeyinfo(), "kraken GetApiKeyInfo")
    result = answer.get("result") if isinstance(answer, dict) else None
    if not isinstance(result, dict):
        raise PermanentVenueError(f"kraken GetApiKeyInfo: unexpected answer ({type(answer).__name__})")
    return kraken_rights(result)


def check_rights(exchange: ccxt.Exchange, name: str | None = None) -> RightsReport:
    """:func:`read_rights`, raising :class:`~predator.errors.KeyRightsRefused` when any right is refused."""
    report = read_rights(exchange)
    if not report.ok:
        who = name or f"this {report.venue} key"
        raise KeyRightsRefused(f"refused: {who}: " + "; ".join(report.refusals), report.refusals)
    return report


# --- smoke test ------------------------------------------------------------------------------------------------------
def _step(exchange: ccxt.Exchange, market: Mapping[str, Any]) -> Decimal:
    precision = (market.get("precision") or {}).get("amount")
    if precision is None:
        return Decimal("0.00000001")
    if exchange.precisionMode == ccxt.TICK_SIZE:
        return Decimal(str(precision))
    return Decimal(1).scaleb(-int(precision))


def smoke_amount(exchange: ccxt.Exchange, market: Mapping[str, Any], price: Decimal) -> Decimal:
    """The smallest amount on the market's step that clears its minimum size and 1.2 × its minimum cost."""
    limits = market.get("limits") or {}
    min_amount = Decimal(str((limits.get("amount") or {}).get("min") or 0))
    min_cost = Decimal(str((limits.get("cost") or {}).get("min") or 0))
    step = _step(exchange, market)
    need = max(min_amount, min_cost * Decimal("1.2") / price, step)
    return (need / step).to_integral_value(rounding=ROUND_CEILING) * step


def _cancel_kraken(exchange: ccxt.Exchange, txid: str) -> None:
    venue_call(lambda: exchange.private_post_cancelorder({"txid": txid}), "kraken CancelOrder")


def smoke_test(exchange: ccxt.Exchange, symbol: str | None = None) -> SmokeReport:
    """Balances and order-endpoint reachability, placing nothing (module docstring). Errors: as
    :func:`venue_call`; CredentialError if the venue placed the validation order (it is canceled first)."""
    venue = check_venue(exchange.id)
    symbol = symbol or SMOKE_SYMBOL[venue]
    started = seams.monotonic()
    venue_call(lambda: exchange.load_markets(), f"{venue} markets")
    if symbol not in exchange.markets:
        raise CredentialError(f"smoke test: {venue} has no market {symbol}; pick one with --smoke-symbol")
    market = exchange.market(symbol)
    balance = venue_call(lambda: exchange.fetch_balance(), f"{venue} balance")
    totals = balance.get("total") or {}
    assets = sum(1 for v in totals.values() if isinstance(v, int | float) and not math.isclose(v, 0.0))
    quote_free = Decimal(str((balance.get("free") or {}).get(market["quote"]) or 0))
    bars = venue_call(lambda: exchange.fetch_ohlcv(symbol, "1h", limit=2), f"{venue} {symbol} bars")
    if not bars:
        raise PermanentVenueError(f"smoke test: {venue} served no closed bar of {symbol}")
    price = Decimal(exchange.price_to_precision(symbol, float(Decimal(str(bars[-1][4])) * SMOKE_PRICE_FACTOR)))
    amount = Decimal(exchange.amount_to_precision(symbol, float(smoke_amount(exchange, market, price))))
    order = f"buy {amount} {symbol} limit {price}"
    if venue == "kraken":
        endpoint = "POST /0/private/AddOrder validate=true"
        answer = venue_call(lambda: exchange.private_post_addorder({
            "pair": market["id"], "type": "buy", "ordertype": "limit", "price": str(price),
            "volume": str(amount), "validate": "true"}), "kraken AddOrder validate")
        placed = (answer.get("result") or {}).get("txid") if isinstance(answer, dict) else None
        if placed:
            for txid in placed if isinstance(placed, list) else [placed]:
                _cancel_kraken(exchange, str(txid))
    else:
        endpoint = "POST /api/v3/order/test"
        answer = venue_call(lambda: exchange.private_post_order_test({
            "symbol": market["id"], "side": "BUY", "type": "LIMIT", "timeInForce": "GTC",
            "quantity": str(amount), "price": str(price)}), "binance order/test")
        placed = answer.get("orderId") if isinstance(answer, dict) else None
        if placed:
            venue_call(lambda: exchange.private_delete_order({"symbol": market["id"], "orderId": placed}),
                       "binance cancel")
    if placed:
        raise CredentialError(f"smoke test: {venue} placed the validation order {order} ({endpoint}) and it was "
                              "canceled; this venue endpoint does not behave as documented, the key is refused")
    return SmokeReport(venue, symbol, assets, quote_free, order, endpoint,
                       int((seams.monotonic() - started) * 1000))


def verify(credential: Credential, url: str | None = None, symbol: str | None = None, smoke: bool = True,
           timeout_ms: int = 10_000, exchange: ccxt.Exchange | None = None) -> Verification:
    """The gateway: rights (:func:`check_rights`), then the smoke test unless ``smoke`` is False. Run on
    ``keys add`` before storing, on ``keys check``, and at every start of a worker that trades with a key.
    ``exchange``: a ccxt client already signing with ``credential`` (default :func:`exchange_for`)."""
    ex = exchange or exchange_for(credential, url, timeout_ms)
    try:
        rights = check_rights(ex, credential.name)
        report = smoke_test(ex, symbol) if smoke else None
    finally:
        if exchange is None:
            ex.close()  # its HTTP session: nothing of the key's connection outlives the check
    return Verification(credential.name, credential.fingerprint, rights, report)
