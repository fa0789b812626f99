"""Binance's spot REST API (the subset Predator uses through ccxt), in front of :class:`~predator.emulator.core.Core`.

Public ``GET /api/v3/{ping,time,exchangeInfo,klines}``; SIGNED (see :mod:`predator.emulator.auth`):
``GET /api/v3/account``, ``POST|GET|DELETE /api/v3/order``, ``POST /api/v3/order/test`` (checks an order,
places nothing), ``GET|DELETE /api/v3/openOrders``, ``GET /api/v3/allOrders``, ``GET /api/v3/myTrades``,
``GET /sapi/v1/capital/config/getall``, ``GET /sapi/v1/capital/deposit/hisrec``,
``GET /sapi/v1/capital/withdraw/history``, ``GET /sapi/v1/account/apiRestrictions`` (the calling key's
rights), ``GET /sapi/v1/asset/tradeFee``, ``GET /sapi/v1/margin/allPairs`` and
``GET /sapi/v1/margin/isolated/allPairs`` (empty: no margin). ``POST /sapi/v1/capital/withdraw/apply`` is
always refused. Errors are Binance's: an HTTP 4xx with ``{"code": -1022, "msg": "..."}``.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from predator.emulator.auth import ApiKey, AuthError, KeyRing
from predator.emulator.candles import CandleStore, interval_seconds, price_decimals
from predator.emulator.core import Core, OrderView, Refusal, TradeView, Transfer
from predator.venues.paper import FillGrid

_AUTH_ERRORS = {
    "missing_key": (401, -2014, "API-key format invalid."),
    "invalid_key": (401, -2015, "Invalid API-key, IP, or permissions for action."),
    "invalid_signature": (400, -1022, "Signature for this request is not valid."),
    "bad_timestamp": (400, -1021, "Timestamp for this request is outside of the recvWindow."),
    "bad_recv_window": (400, -1131, "recvWindow must be less than 60000"),
}
_REFUSALS = {
    "unknown_symbol": (400, -1121, "Invalid symbol."),
    "insufficient_balance": (400, -2010, "Account has insufficient balance for requested action."),
    "duplicate_order": (400, -2010, "Duplicate order sent."),
    "unknown_order": (400, -2013, "Order does not exist."),
    "unknown_cancel": (400, -2011, "Unknown order sent."),
    "venue_reject": (400, -2010, "Order was rejected."),
    "bad_request": (400, -1102, "Mandatory parameter was not sent, was empty/null, or malformed."),
    "permission_denied": (401, -1002, "You are not authorized to execute this request."),
    "bad_interval": (400, -1120, "Invalid interval."),
    "bad_client_order_id": (400, -1100, "Illegal characters found in parameter 'newClientOrderId'; legal range is "
                                        "'^[\\.A-Z\\:/a-z0-9_-]{1,36}$'."),
}
#: Fills on 8 decimals of quantity, price and commission, the decimals this API reports them with: the
#: account's balances move by exactly the reported quantity × price and commission.
FILL_GRID = FillGrid(amount=Decimal("1e-8"), price=Decimal("1e-8"), fee=Decimal("1e-8"))
_CLIENT_ORDER_ID = re.compile(r"^[.A-Z:/a-z0-9_-]{1,36}$")
_STATUS = {"open": "NEW", "closed": "FILLED", "canceled": "CANCELED", "expired": "EXPIRED", "rejected": "REJECTED"}


def binance_symbols(store: CandleStore) -> dict[str, str]:
    return {s: s for s in store.symbols()}


def order_id(n: int, key: str) -> str:
    return str(1_000_000 + n)


def trade_id(n: int, key: str) -> str:
    return str(5_000_000 + n)


def _f(value: Decimal | None) -> str:
    return f"{(value or Decimal(0)):.8f}"


def _cost(value: Decimal) -> str:
    """A quote amount (quantity × price, up to 16 decimals on the 8-decimal fill grid) to 8 decimals, or
    exactly when it has more: the balance moved by exactly this."""
    return _f(value) if value == value.quantize(Decimal("1e-8")) else format(value.normalize(), "f")


def _ms(dt: datetime) -> int:
    return int(dt.timestamp() * 1000)


def amount_decimals(price: Decimal) -> int:
    return max(0, min(8, math.floor(math.log10(float(price))) + 1)) if price > 0 else 0


class BinanceApi:
    def __init__(self, core: Core, keys: KeyRing) -> None:
        self.core = core
        self.keys = keys
        self.ids = {s.replace("/", ""): s for s in core.symbols}

    def routes(self) -> list[Route]:
        public = [("/api/v3/ping", "GET", self.ping), ("/api/v3/time", "GET", self.time),
                  ("/api/v3/exchangeInfo", "GET", self.exchange_info), ("/api/v3/klines", "GET", self.klines)]
        signed = [("/api/v3/account", "GET", self.account), ("/api/v3/order", "POST", self.new_order),
                  ("/api/v3/order/test", "POST", self.test_order),
                  ("/api/v3/order", "GET", self.get_order), ("/api/v3/order", "DELETE", self.cancel_order),
                  ("/api/v3/openOrders", "GET", self.open_orders), ("/api/v3/openOrders", "DELETE", self.cancel_all),
                  ("/api/v3/allOrders", "GET", self.all_orders), ("/api/v3/myTrades", "GET", self.my_trades),
                  ("/sapi/v1/capital/config/getall", "GET", self.coins),
                  ("/sapi/v1/capital/deposit/hisrec", "GET", self.deposits),
                  ("/sapi/v1/capital/withdraw/history", "GET", self.withdrawals),
                  ("/sapi/v1/capital/withdraw/apply", "POST", self.withdraw),
                  ("/sapi/v1/asset/tradeFee", "GET", self.trade_fee),
                  ("/sapi/v1/margin/allPairs", "GET", self.no_margin),
                  ("/sapi/v1/margin/isolated/allPairs", "GET", self.no_margin)]
        by_path: dict[str, dict[str, Any]] = {}
        for path, method, fn in public:
            by_path.setdefault(path, {})[method] = self._public(fn)
        for path, method, fn in signed:
            by_path.setdefault(path, {})[method] = self._signed(fn)
        by_path.setdefault("/sapi/v1/account/apiRestrictions", {})["GET"] = self._signed(self.api_restrictions,
                                                                                        with_key=True)
        return [Route(path, self._dispatch(methods), methods=list(methods)) for path, methods in by_path.items()]

    @staticmethod
    def _dispatch(methods: dict[str, Any]) -> Any:
        async def endpoint(request: Request) -> Response:
            return await methods[request.method](request)  # type: ignore[no-any-return]
        return endpoint

    @staticmethod
    def error(status: int, code: int, msg: str) -> Response:
        return JSONResponse({"code": code, "msg": msg}, status_code=status)

    def _public(self, fn: Any) -> Any:
        async def endpoint(request: Request) -> Response:
            try:
                return JSONResponse(fn(dict(request.query_params)))
            except Refusal as e:
                return self.error(*_REFUSALS.get(e.reason, _REFUSALS["bad_request"]))
            except (InvalidOperation, ValueError, KeyError):
                return self.error(*_REFUSALS["bad_request"])
        return endpoint

    def _signed(self, fn: Any, with_key: bool = False) -> Any:
        async def endpoint(request: Request) -> Response:
            body = (await request.body()).decode()
            try:
                key, params = self.keys.binance(request.url.query, body, request.headers.get("X-MBX-APIKEY"))
            except AuthError as e:
                return self.error(*_AUTH_ERRORS[e.code])
            try:
                return JSONResponse(fn(params, key) if with_key else fn(params))
            except Refusal as e:
                return self.error(*_REFUSALS.get(e.reason, _REFUSALS["bad_request"]))
            except (InvalidOperation, ValueError, KeyError):
                return self.error(*_REFUSALS["bad_request"])
        return endpoint

    def _symbol(self, params: dict[str, str]) -> str:
        symbol = self.ids.get(params.get("symbol", ""))
        if symbol is None:
            raise Refusal("unknown_symbol", params.get("symbol", ""))
        return symbol

    # --- public ----------------------------------------------------------------------------------------------------
    def ping(self, params: dict[str, str]) -> Any:
        return {}

    def time(self, params: dict[str, str]) -> Any:
        return {"serverTime": _ms(self.core.clock.now())}

    def exchange_info(self, params: dict[str, str]) -> Any:
        symbols = []
        for symbol in sorted(self.core.symbols):
            base, quote = symbol.split("/")
            last = self.core.store.last_close(self.core.symbols[symbol])
            pd, ad = price_decimals(last), amount_decimals(last)
            tick, step = f"{Decimal(1).scaleb(-pd):.8f}", f"{Decimal(1).scaleb(-ad):.8f}"
            symbols.append({
                "symbol": base + quote, "status": "TRADING", "baseAsset": base, "baseAssetPrecision": 8,
                "quoteAsset": quote, "quotePrecision": 8, "quoteAssetPrecision": 8, "baseCommissionPrecision": 8,
                "quoteCommissionPrecision": 8, "orderTypes": ["LIMIT", "MARKET"], "icebergAllowed": False,
                "ocoAllowed": False, "quoteOrderQtyMarketAllowed": False, "allowTrailingStop": False,
                "cancelReplaceAllowed": False, "isSpotTradingAllowed": True, "isMarginTradingAllowed": False,
                "filters": [
                    {"filterType": "PRICE_FILTER", "minPrice": tick, "maxPrice": "1000000.00000000", "tickSize": tick},
                    {"filterType": "LOT_SIZE", "minQty": step, "maxQty": "9000000.00000000", "stepSize": step},
                    {"filterType": "NOTIONAL", "minNotional": "5.00000000", "applyMinToMarket": True,
                     "maxNotional": "9000000.00000000", "applyMaxToMarket": False, "avgPriceMins": 5},
                ],
                "permissions": [], "permissionSets": [["SPOT"]], "defaultSelfTradePreventionMode": "EXPIRE_MAKER",
                "allowedSelfTradePreventionModes": ["EXPIRE_TAKER", "EXPIRE_MAKER", "EXPIRE_BOTH"],
            })
        return {"timezone": "UTC", "serverTime": _ms(self.core.clock.now()),
                "rateLimits": [{"rateLimitType": "REQUEST_WEIGHT", "interval": "MINUTE", "intervalNum": 1,
                                "limit": 6000}], "exchangeFilters": [], "symbols": symbols}

    def klines(self, params: dict[str, str]) -> Any:
        symbol = self._symbol(params)
        interval = params.get("interval", "")
        if not interval or not self.core.store.has(self.core.symbols[symbol], interval):
            raise Refusal("bad_interval", interval)
        limit = min(int(params.get("limit", "500")), 1000)
        start = int(params["startTime"]) // 1000 if params.get("startTime") else None
        end = int(params["endTime"]) // 1000 if params.get("endTime") else None
        step = interval_seconds(interval)
        rows = self.core.candles(symbol, interval, start=None if start is None else -(-start // step) * step,
                                 end=end, limit=limit, latest=start is None)
        out = []
        for c in rows:
            quote = Decimal(c.volume) * Decimal(c.close)
            out.append([c.ts * 1000, f"{Decimal(c.open):.8f}", f"{Decimal(c.high):.8f}", f"{Decimal(c.low):.8f}",
                        f"{Decimal(c.close):.8f}", f"{Decimal(c.volume):.8f}", (c.ts + step) * 1000 - 1,
                        f"{quote:.8f}", 0, "0.00000000", "0.00000000", "0"])
        return out

    # --- account ----------------------------------------------------------------------------------------------------
    def account(self, params: dict[str, str]) -> Any:
        maker, taker = self.core.fees()
        balances = [{"asset": b.asset, "free": _f(b.total - b.used), "locked": _f(b.used)}
                    for b in self.core.balances()]
        if params.get("omitZeroBalances") == "true":
            balances = [b for b in balances if Decimal(b["free"]) or Decimal(b["locked"])]
        return {"makerCommission": int(maker * 10000), "takerCommission": int(taker * 10000),
                "buyerCommission": 0, "sellerCommission": 0,
                "commissionRates": {"maker": f"{maker:.8f}", "taker": f"{taker:.8f}", "buyer": "0.00000000",
                                    "seller": "0.00000000"},
                "canTrade": True, "canWithdraw": False, "canDeposit": True, "brokered": False,
                "requireSelfTradePrevention": False, "preventSor": False,
                "updateTime": _ms(self.core.clock.now()), "accountType": "SPOT", "balances": balances,
                "permissions": ["SPOT"], "uid": 1}

    def api_restrictions(self, params: dict[str, str], key: ApiKey) -> Any:
        # The fields of Binance's documented example (GET /sapi/v1/account/apiRestrictions), for the key
        # that signed the request.
        return {"ipRestrict": True, "createTime": _ms(self.core.clock.now()), "enableReading": True,
                "enableWithdrawals": key.can_withdraw, "enableInternalTransfer": key.can_transfer,
                "enableMargin": False, "enableFutures": False, "permitsUniversalTransfer": key.can_transfer,
                "enableVanillaOptions": False, "enableFixApiTrade": False, "enableFixReadOnly": False,
                "enableSpotAndMarginTrading": key.can_trade, "enablePortfolioMarginTrading": False}

    def trade_fee(self, params: dict[str, str]) -> Any:
        maker, taker = self.core.fees()
        ids = [params["symbol"]] if params.get("symbol") else sorted(self.ids)
        return [{"symbol": i, "makerCommission": f"{maker}", "takerCommission": f"{taker}"} for i in ids]

    def no_margin(self, params: dict[str, str]) -> Any:
        return []

    def coins(self, params: dict[str, str]) -> Any:
        codes = sorted({c for s in self.core.symbols for c in s.split("/")})
        return [{"coin": c, "name": c, "depositAllEnable": True, "withdrawAllEnable": False, "free": "0",
                 "locked": "0", "freeze": "0", "withdrawing": "0", "ipoing": "0", "ipoable": "0", "storage": "0",
                 "isLegalMoney": False, "trading": True,
                 "networkList": [{"network": c, "coin": c, "withdrawIntegerMultiple": "0.00000001",
                                  "isDefault": True, "depositEnable": True, "withdrawEnable": False,
                                  "depositDesc": "", "withdrawDesc": "", "name": c, "resetAddressStatus": False,
                                  "withdrawFee": "0", "withdrawMin": "0", "withdrawMax": "0",
                                  "minConfirm": 1, "unLockConfirm": 0, "sameAddress": False}]}
                for c in codes]

    # --- orders -----------------------------------------------------------------------------------------------------
    def _order(self, o: OrderView) -> dict[str, Any]:
        status = _STATUS[o.status]
        if status == "NEW" and o.filled > 0:
            status = "PARTIALLY_FILLED"
        base, quote = o.symbol.split("/")
        return {"symbol": base + quote, "orderId": int(o.venue_id), "orderListId": -1,
                "clientOrderId": o.client_order_id or o.key, "price": _f(o.price), "origQty": _f(o.amount),
                "executedQty": _f(o.filled), "cummulativeQuoteQty": _cost(o.cost), "status": status,
                "timeInForce": "GTC", "type": o.type.upper(), "side": o.side.upper(), "stopPrice": _f(None),
                "icebergQty": _f(None), "time": _ms(o.opened_at),
                "updateTime": _ms(o.closed_at or o.opened_at), "isWorking": True, "workingTime": _ms(o.opened_at),
                "origQuoteOrderQty": _f(None), "selfTradePreventionMode": "EXPIRE_MAKER"}

    def _key(self, params: dict[str, str]) -> str:
        key = None
        if params.get("orderId"):
            key = self.core.key_of(venue_id=params["orderId"])
        elif params.get("origClientOrderId"):
            key = self.core.key_of(client_order_id=params["origClientOrderId"])
        else:
            raise Refusal("bad_request", "orderId or origClientOrderId")
        if key is None or self.core.order(key).symbol != self._symbol(params):
            raise Refusal("unknown_order")
        return key

    def new_order(self, params: dict[str, str]) -> Any:
        symbol = self._symbol(params)
        kind = params.get("type", "").lower()
        price = Decimal(params["price"]) if params.get("price") else None
        if "quoteOrderQty" in params:
            raise Refusal("bad_request", "quoteOrderQty is not emulated")
        if params.get("newClientOrderId") and not _CLIENT_ORDER_ID.match(params["newClientOrderId"]):
            raise Refusal("bad_client_order_id", params["newClientOrderId"])
        view = self.core.place(symbol, params.get("side", "").lower(), kind, Decimal(params["quantity"]), price,
                               params.get("newClientOrderId"))
        out = self._order(view)
        out.pop("time")
        out["transactTime"] = _ms(view.opened_at)
        fills = self.core.trades(key=view.key)
        out["fills"] = [{"price": _f(t.price), "qty": _f(t.amount), "commission": _f(t.fee),
                         "commissionAsset": t.fee_currency, "tradeId": int(t.venue_id)} for t in fills]
        return out

    def test_order(self, params: dict[str, str]) -> Any:
        """``POST /api/v3/order/test``: the order is checked as :meth:`new_order` would check its arguments and
        nothing is placed; Binance answers ``{}`` (or the commission rates, ``computeCommissionRates=true``)."""
        symbol = self._symbol(params)
        price = Decimal(params["price"]) if params.get("price") else None
        if "quoteOrderQty" in params:
            raise Refusal("bad_request", "quoteOrderQty is not emulated")
        self.core.check_order(symbol, params.get("side", "").lower(), params.get("type", "").lower(),
                              Decimal(params["quantity"]), price)
        if params.get("computeCommissionRates") != "true":
            return {}
        maker, taker = self.core.fees()
        nil = {"maker": "0.00000000", "taker": "0.00000000"}
        return {"standardCommissionForOrder": {"maker": f"{maker:.8f}", "taker": f"{taker:.8f}"},
                "specialCommissionForOrder": nil, "taxCommissionForOrder": nil,
                "discount": {"enabledForAccount": False, "enabledForSymbol": False, "discountAsset": "BNB",
                             "discount": "0.00000000"}}

    def get_order(self, params: dict[str, str]) -> Any:
        return self._order(self.core.order(self._key(params)))

    def cancel_order(self, params: dict[str, str]) -> Any:
        try:
            key = self._key(params)
            view = self.core.cancel(key)
        except Refusal as e:
            if e.reason == "unknown_order":
                raise Refusal("unknown_cancel") from e
            raise
        out = self._order(view)
        out["origClientOrderId"] = out["clientOrderId"]
        out["transactTime"] = _ms(self.core.clock.now())
        return out

    def cancel_all(self, params: dict[str, str]) -> Any:
        symbol = self._symbol(params)
        return [self._order(self.core.cancel(o.key)) for o in self.core.orders("open", symbol)]

    def open_orders(self, params: dict[str, str]) -> Any:
        symbol = self._symbol(params) if params.get("symbol") else None
        return [self._order(o) for o in self.core.orders("open", symbol)]

    def all_orders(self, params: dict[str, str]) -> Any:
        symbol = self._symbol(params)
        orders = self.core.orders(None, symbol)
        if params.get("startTime"):
            orders = [o for o in orders if _ms(o.opened_at) >= int(params["startTime"])]
        if params.get("endTime"):
            orders = [o for o in orders if _ms(o.opened_at) <= int(params["endTime"])]
        return [self._order(o) for o in orders[: min(int(params.get("limit", "500")), 1000)]]

    def _trade(self, t: TradeView) -> dict[str, Any]:
        base, quote = t.symbol.split("/")
        return {"symbol": base + quote, "id": int(t.venue_id), "orderId": int(t.order_venue_id), "orderListId": -1,
                "price": _f(t.price), "qty": _f(t.amount), "quoteQty": _cost(t.cost), "commission": _f(t.fee),
                "commissionAsset": t.fee_currency, "time": _ms(t.at), "isBuyer": t.side == "buy",
                "isMaker": t.maker, "isBestMatch": True}

    def my_trades(self, params: dict[str, str]) -> Any:
        symbol = self._symbol(params)
        since = datetime.fromtimestamp(int(params["startTime"]) / 1000, tz=UTC) if params.get("startTime") else None
        trades = self.core.trades(symbol, since)
        if params.get("endTime"):
            trades = [t for t in trades if _ms(t.at) <= int(params["endTime"])]
        if params.get("orderId"):
            trades = [t for t in trades if t.order_venue_id == params["orderId"]]
        if params.get("fromId"):
            trades = [t for t in trades if int(t.venue_id) >= int(params["fromId"])]
        return [self._trade(t) for t in trades[: min(int(params.get("limit", "500")), 1000)]]

    # --- funding ------------------------------------------------------------------------------------------------------
    def _transfers(self, kind: str, params: dict[str, str]) -> list[Transfer]:
        rows = self.core.transfers(kind)
        if params.get("coin"):
            rows = [t for t in rows if t.asset == params["coin"]]
        if params.get("startTime"):
            rows = [t for t in rows if _ms(t.at) >= int(params["startTime"])]
        if params.get("endTime"):
            rows = [t for t in rows if _ms(t.at) <= int(params["endTime"])]
        return rows

    def deposits(self, params: dict[str, str]) -> Any:
        return [{"id": t.id, "amount": _f(t.amount), "coin": t.asset, "network": t.asset, "status": 1,
                 "address": f"emulated-{t.asset.lower()}-address", "addressTag": "", "txId": t.txid,
                 "insertTime": _ms(t.at), "completeTime": _ms(t.at), "transferType": 0, "confirmTimes": "1/1",
                 "unlockConfirm": 0, "walletType": 0} for t in self._transfers("deposit", params)]

    def withdrawals(self, params: dict[str, str]) -> Any:
        return [{"id": t.id, "amount": _f(t.amount), "transactionFee": "0", "coin": t.asset, "status": 6,
                 "address": f"emulated-{t.asset.lower()}-address", "txId": t.txid,
                 "applyTime": t.at.strftime("%Y-%m-%d %H:%M:%S"), "network": t.asset, "transferType": 0,
                 "info": "", "confirmNo": 1, "walletType": 0, "txKey": "",
                 "completeTime": t.at.strftime("%Y-%m-%d %H:%M:%S")} for t in self._transfers("withdrawal", params)]

    def withdraw(self, params: dict[str, str]) -> Any:
        raise Refusal("permission_denied")
