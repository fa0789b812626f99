"""Kraken's spot REST API (the subset Predator uses through ccxt), in front of :class:`~predator.emulator.core.Core`.

Public ``GET /0/public/{Time,SystemStatus,Assets,AssetPairs,OHLC}``; private ``POST /0/private/...``
(signed, see :mod:`predator.emulator.auth`): ``Balance``, ``BalanceEx``, ``TradeVolume``, ``AddOrder``,
``CancelOrder``, ``CancelAll``, ``OpenOrders``, ``ClosedOrders``, ``QueryOrders``, ``TradesHistory``,
``DepositStatus``, ``WithdrawStatus``, ``GetApiKeyInfo`` (the calling key's permissions and nonce window),
``CancelAllOrdersAfter`` (the dead-man switch, on the emulator's clock); ``AddOrder`` with ``validate=true``
checks the order and places nothing; ``Withdraw`` is always refused
(``EGeneral:Permission denied``). Errors are Kraken's: HTTP 200 with ``{"error": ["EAPI:Invalid key"], ...}``.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from email.utils import format_datetime
from typing import Any
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from predator.emulator.auth import ApiKey, AuthError, KeyRing
from predator.emulator.candles import CandleStore, price_decimals
from predator.emulator.core import Core, OrderView, Refusal, TradeView, Transfer
from predator.venues.paper import FillGrid

#: Kraken's legacy asset ids (X… for crypto, Z… for fiat) and alternative names.
_LEGACY = {"BTC": "XXBT", "ETH": "XETH", "LTC": "XLTC", "XRP": "XXRP", "XLM": "XXLM", "XMR": "XXMR",
           "ETC": "XETC", "DOGE": "XXDG", "ZEC": "XZEC", "USD": "ZUSD", "EUR": "ZEUR"}
_ALT = {"BTC": "XBT", "DOGE": "XDG"}
_FIAT = ("USD", "EUR")
_INTERVALS = {1: "1m", 5: "5m", 15: "15m", 30: "30m", 60: "1h", 240: "4h", 1440: "1d", 10080: "1w"}
#: Fills on 8 decimals of volume and price and 6 of fee (in the quote: ``oflags=fciq``), the decimals this API
#: reports them with: the account's balances move by exactly the reported volume × price and fee.
FILL_GRID = FillGrid(amount=Decimal("1e-8"), price=Decimal("1e-8"), fee=Decimal("1e-6"))
_OHLC_MAX = 720
_TRADES_PAGE = 50
#: Kraken's cl_ord_id: a long UUID, a short UUID (32 hex digits) or free ASCII text of at most 18 characters.
_CL_ORD_ID = re.compile(r"^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
                        r"|[0-9a-fA-F]{32}|[ -~]{1,18})$")

_AUTH_ERRORS = {
    "missing_key": "EAPI:Invalid key",
    "invalid_key": "EAPI:Invalid key",
    "invalid_signature": "EAPI:Invalid signature",
    "invalid_nonce": "EAPI:Invalid nonce",
}
#: Private endpoints answered for the key that signed the request.
_KEYED = frozenset({"GetApiKeyInfo"})
_REFUSALS = {
    "unknown_symbol": "EQuery:Unknown asset pair",
    "insufficient_balance": "EOrder:Insufficient funds",
    "duplicate_order": "EOrder:Duplicate order",
    "unknown_order": "EOrder:Unknown order",
    "venue_reject": "EOrder:Rejected",
    "bad_request": "EGeneral:Invalid arguments",
    "bad_cl_ord_id": "EGeneral:Invalid arguments:cl_ord_id",
    "permission_denied": "EGeneral:Permission denied",
}


def asset_id(code: str) -> str:
    """Kraken's asset id: ``BTC`` → ``XXBT``; a reward sub-balance ``BTC.F`` → ``XBT.F`` (Kraken's auto-earn
    balances are named by the alternative name and a suffix)."""
    asset, dot, suffix = code.partition(".")
    if dot:
        return f"{asset_alt(asset)}.{suffix}"
    return _LEGACY.get(code, code)


def asset_alt(code: str) -> str:
    return _ALT.get(code, code)


def pair_names(symbol: str) -> tuple[str, str]:
    """(pair id, altname): BTC/USD → (XXBTZUSD, XBTUSD); BTC/USDT → (XBTUSDT, XBTUSDT)."""
    base, quote = symbol.split("/")
    alt = asset_alt(base) + asset_alt(quote)
    if base in _LEGACY and quote in _FIAT:
        return asset_id(base) + asset_id(quote), alt
    return alt, alt


def kraken_symbols(store: CandleStore) -> dict[str, str]:
    """Every stored BASE/USDT series, served as BASE/USDT and as BASE/USD."""
    out: dict[str, str] = {}
    for stored in store.symbols():
        base, quote = stored.split("/")
        if quote == "USDT":
            out[stored] = stored
            out[f"{base}/USD"] = stored
    return out


def order_id(n: int, key: str) -> str:
    """Kraken-style order txid (``OXXXXX-XXXXX-XXXXXX``), unique per order."""
    d = base64.b32encode(hashlib.sha256(f"{n}|{key}".encode()).digest()).decode()
    return f"O{d[:5]}-{d[5:10]}-{d[10:16]}"


def trade_id(n: int, key: str) -> str:
    d = base64.b32encode(hashlib.sha256(f"{n}|{key}".encode()).digest()).decode()
    return f"T{d[:5]}-{d[5:10]}-{d[10:16]}"


def _f(value: Decimal | None, places: int = 8) -> str:
    return f"{(value or Decimal(0)):.{places}f}"


def _s(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _cost(value: Decimal) -> str:
    """A quote amount (volume × price, up to 16 decimals on the fill grid) to 6 decimals, or exactly when it
    has more: the balance moved by exactly this."""
    return _f(value, 6) if value == value.quantize(Decimal("1e-6")) else _s(value)


def _secs(dt: datetime) -> float:
    return round(dt.timestamp(), 4)


class KrakenApi:
    def __init__(self, core: Core, keys: KeyRing) -> None:
        self.core = core
        self.keys = keys
        self.pairs = {pair_names(s)[0]: s for s in core.symbols}
        self.alt = {pair_names(s)[1]: s for s in core.symbols}

    # --- plumbing --------------------------------------------------------------------------------------------
    def routes(self) -> list[Route]:
        public = {"Time": self.time, "SystemStatus": self.system_status, "Assets": self.assets,
                  "AssetPairs": self.asset_pairs, "OHLC": self.ohlc}
        private = {"Balance": self.balance, "BalanceEx": self.balance_ex, "TradeVolume": self.trade_volume,
                   "AddOrder": self.add_order, "CancelOrder": self.cancel_order, "CancelAll": self.cancel_all,
                   "OpenOrders": self.open_orders, "ClosedOrders": self.closed_orders,
                   "QueryOrders": self.query_orders, "TradesHistory": self.trades_history,
                   "DepositStatus": self.deposit_status, "WithdrawStatus": self.withdraw_status,
                   "GetApiKeyInfo": self.api_key_info, "Withdraw": self.withdraw,
                   "CancelAllOrdersAfter": self.cancel_all_orders_after}
        routes = [Route(f"/0/public/{name}", self._public(fn), methods=["GET", "POST"]) for name, fn in public.items()]
        routes += [Route(f"/0/private/{name}", self._private(fn, with_key=name in _KEYED), methods=["POST"])
                   for name, fn in private.items()]
        return routes

    @staticmethod
    def ok(result: Any) -> Response:
        return JSONResponse({"error": [], "result": result})

    @staticmethod
    def error(*messages: str) -> Response:
        return JSONResponse({"error": list(messages)})

    def _public(self, fn: Any) -> Any:
        async def endpoint(request: Request) -> Response:
            params = dict(request.query_params)
            try:
                return self.ok(fn(params))
            except Refusal as e:
                return self.error(_REFUSALS.get(e.reason, "EGeneral:Invalid arguments"))
        return endpoint

    def _private(self, fn: Any, with_key: bool = False) -> Any:
        async def endpoint(request: Request) -> Response:
            body = await request.body()
            if request.headers.get("content-type", "").startswith("application/json"):
                params = {k: str(v) for k, v in json.loads(body or b"{}").items()}
            else:
                params = dict(parse_qsl(body.decode(), keep_blank_values=True))
            try:
                key = self.keys.kraken(request.url.path, body, request.headers.get("API-Key"),
                                       request.headers.get("API-Sign"), params.get("nonce"))
            except AuthError as e:
                return self.error(_AUTH_ERRORS[e.code])
            try:
                return self.ok(fn(params, key) if with_key else fn(params))
            except Refusal as e:
                return self.error(_REFUSALS.get(e.reason, "EGeneral:Invalid arguments"))
            except (InvalidOperation, ValueError, KeyError):
                return self.error("EGeneral:Invalid arguments")
        return endpoint

    def _symbol(self, pair: str | None) -> str:
        symbol = self.pairs.get(pair or "") or self.alt.get(pair or "")
        if symbol is None:
            raise Refusal("unknown_symbol", str(pair))
        return symbol

    # --- public ------------------------------------------------------------------------------------------------
    def time(self, params: dict[str, str]) -> Any:
        now = self.core.clock.now()
        return {"unixtime": int(now.timestamp()), "rfc1123": format_datetime(now, usegmt=True)}

    def system_status(self, params: dict[str, str]) -> Any:
        return {"status": "online", "timestamp": self.core.clock.now().strftime("%Y-%m-%dT%H:%M:%SZ")}

    def assets(self, params: dict[str, str]) -> Any:
        codes = sorted({c for s in self.core.symbols for c in s.split("/")})
        return {
            asset_id(c): {"aclass": "currency", "altname": asset_alt(c), "decimals": 4 if c in _FIAT else 10,
                          "display_decimals": 2 if c in _FIAT else 5, "status": "enabled"}
            for c in codes
        }

    def asset_pairs(self, params: dict[str, str]) -> Any:
        maker, taker = self.core.fees()
        out: dict[str, Any] = {}
        for symbol in sorted(self.core.symbols):
            pid, alt = pair_names(symbol)
            base, quote = symbol.split("/")
            decimals = price_decimals(self.core.store.last_close(self.core.symbols[symbol]))
            out[pid] = {
                "altname": alt, "wsname": f"{asset_alt(base)}/{asset_alt(quote)}",
                "aclass_base": "currency", "base": asset_id(base), "aclass_quote": "currency",
                "quote": asset_id(quote), "lot": "unit", "cost_decimals": 5, "pair_decimals": decimals,
                "lot_decimals": 8, "lot_multiplier": 1, "leverage_buy": [], "leverage_sell": [],
                "fees": [[0, float(taker * 100)]], "fees_maker": [[0, float(maker * 100)]],
                "fee_volume_currency": "ZUSD", "margin_call": 80, "margin_stop": 40,
                "ordermin": "0.00001", "costmin": "0.5", "tick_size": f"{Decimal(1).scaleb(-decimals)}",
                "status": "online",
            }
        return out

    def ohlc(self, params: dict[str, str]) -> Any:
        symbol = self._symbol(params.get("pair"))
        interval = _INTERVALS.get(int(params.get("interval", "1")))
        stored = self.core.symbols[symbol]
        if interval is None or not self.core.store.has(stored, interval):
            raise Refusal("bad_request", "interval")
        since = params.get("since")
        rows = self.core.candles(symbol, interval, start=int(float(since)) + 1 if since else None,
                                 limit=_OHLC_MAX, latest=True)
        pid = pair_names(symbol)[0]
        data = [[c.ts, c.open, c.high, c.low, c.close, c.close, c.volume, 0] for c in rows]
        return {pid: data, "last": rows[-1].ts if rows else int(since or 0)}

    # --- private: account ---------------------------------------------------------------------------------------
    def balance(self, params: dict[str, str]) -> Any:
        return {asset_id(b.asset): _f(b.total, 10) for b in self.core.balances()}

    def balance_ex(self, params: dict[str, str]) -> Any:
        return {asset_id(b.asset): {"balance": _f(b.total, 10), "hold_trade": _f(b.used, 10)}
                for b in self.core.balances()}

    def trade_volume(self, params: dict[str, str]) -> Any:
        maker, taker = self.core.fees()
        pairs = [p for p in params.get("pair", "").split(",") if p]
        fee = {"minfee": "0.1000", "maxfee": f"{taker * 100:.4f}", "nextfee": None, "nextvolume": None,
               "tiervolume": "0.0000"}
        return {
            "currency": "ZUSD", "volume": "0.0000",
            "fees": {p: {**fee, "fee": f"{taker * 100:.4f}"} for p in pairs},
            "fees_maker": {p: {**fee, "fee": f"{maker * 100:.4f}", "maxfee": f"{maker * 100:.4f}"} for p in pairs},
        }

    def api_key_info(self, params: dict[str, str], key: ApiKey) -> Any:
        # The shape of Kraken's documented example (docs.kraken.com, Account Data, Get API Key Info); the
        # permission codes are Kraken's (query-funds, modify-trades, withdraw-funds, ...), not pinned by a
        # recorded payload.
        permissions = ["query-funds", "query-open-trades", "query-closed-trades", "query-ledger"]
        if key.can_trade:
            permissions += ["modify-trades", "close-trades"]
        if key.can_deposit:
            permissions.append("deposit-funds")
        if key.can_withdraw:
            permissions.append("withdraw-funds")
        now = str(int(self.core.clock.now().timestamp()))
        return {"apiKeyName": key.label, "apiKey": key.key, "nonce": str(self.keys.last_nonce(key)),
                "nonceWindow": key.nonce_window, "permissions": permissions, "iban": "EMUL ATED0 IBAN",
                "validUntil": "0", "queryFrom": "0", "queryTo": "0", "createdTime": now, "modifiedTime": now,
                "ipAllowlist": ["127.0.0.1"], "lastUsed": now}

    def withdraw(self, params: dict[str, str]) -> Any:
        raise Refusal("permission_denied")

    # --- private: orders ------------------------------------------------------------------------------------------
    def add_order(self, params: dict[str, str]) -> Any:
        symbol = self._symbol(params.get("pair"))
        side, ordertype = params.get("type", ""), params.get("ordertype", "")
        amount = Decimal(params["volume"])
        price = Decimal(params["price"]) if params.get("price") else None
        if "viqc" in params.get("oflags", ""):
            raise Refusal("bad_request", "volume in quote currency is not emulated")
        userref = int(params["userref"]) if params.get("userref") else None
        cl_ord_id = params.get("cl_ord_id") or None
        if cl_ord_id is not None and not _CL_ORD_ID.match(cl_ord_id):
            raise Refusal("bad_cl_ord_id", cl_ord_id)
        if cl_ord_id is not None and userref is not None:
            raise Refusal("bad_request", "cl_ord_id and userref are mutually exclusive")
        descr = self._descr(side, amount, pair_names(symbol)[1], ordertype, price)
        if params.get("validate") in ("true", "True", "1"):  # checked as an order would be, never placed
            self.core.check_order(symbol, side, ordertype, amount, price)
            return {"descr": {"order": descr}}
        view = self.core.place(symbol, side, ordertype, amount, price, cl_ord_id, userref)
        return {"descr": {"order": descr}, "txid": [view.venue_id]}

    @staticmethod
    def _descr(side: str, amount: Decimal, alt: str, ordertype: str, price: Decimal | None) -> str:
        tail = "market" if ordertype == "market" else f"limit {_s(price or Decimal(0))}"
        return f"{side} {_f(amount)} {alt} @ {tail}"

    def _key(self, params: dict[str, str], name: str = "txid") -> str:
        key = None
        if params.get("cl_ord_id"):
            key = self.core.key_of(client_order_id=params["cl_ord_id"])
        elif params.get(name):
            key = self.core.key_of(venue_id=params[name])
            if key is None and params[name].isdigit():
                key = self.core.key_of(userref=int(params[name]))
        if key is None:
            raise Refusal("unknown_order", str(params.get(name)))
        return key

    def cancel_order(self, params: dict[str, str]) -> Any:
        self.core.cancel(self._key(params))
        return {"count": 1}

    def cancel_all_orders_after(self, params: dict[str, str]) -> Any:
        now, trigger = self.core.arm_dead_man(int(params["timeout"]))
        iso = "%Y-%m-%dT%H:%M:%SZ"
        return {"currentTime": now.strftime(iso), "triggerTime": trigger.strftime(iso) if trigger else "0"}

    def cancel_all(self, params: dict[str, str]) -> Any:
        n = 0
        for o in self.core.orders("open"):
            self.core.cancel(o.key)
            n += 1
        return {"count": n}

    def _info(self, o: OrderView, trades: bool) -> dict[str, Any]:
        alt = pair_names(o.symbol)[1]
        info: dict[str, Any] = {
            "refid": None, "userref": o.userref if o.userref is not None else 0,
            "status": o.status if o.status != "rejected" else "canceled",
            "opentm": _secs(o.opened_at), "starttm": 0, "expiretm": 0,
            "descr": {"pair": alt, "type": o.side, "ordertype": o.type,
                      "price": _s(o.price) if o.price is not None else "0", "price2": "0", "leverage": "none",
                      "order": self._descr(o.side, o.amount, alt, o.type, o.price), "close": ""},
            "vol": _f(o.amount), "vol_exec": _f(o.filled), "cost": _cost(o.cost), "fee": _f(o.fee, 6),
            "price": _f(o.average, 6), "stopprice": "0.000000", "limitprice": "0.000000", "misc": "",
            "oflags": "fciq", "reason": "User requested" if o.status == "canceled" else None,
        }
        if o.client_order_id is not None:
            info["cl_ord_id"] = o.client_order_id
        if o.closed_at is not None and o.status != "open":
            info["closetm"] = _secs(o.closed_at)
        if trades and o.trade_ids:
            info["trades"] = list(o.trade_ids)
        return info

    def _filter(self, orders: list[OrderView], params: dict[str, str]) -> list[OrderView]:
        if params.get("userref"):
            orders = [o for o in orders if o.userref == int(params["userref"])]
        if params.get("cl_ord_id"):
            orders = [o for o in orders if o.client_order_id == params["cl_ord_id"]]
        if params.get("start"):
            orders = [o for o in orders if o.opened_at.timestamp() > float(params["start"])]
        if params.get("end"):
            orders = [o for o in orders if o.opened_at.timestamp() <= float(params["end"])]
        return orders

    def open_orders(self, params: dict[str, str]) -> Any:
        trades = params.get("trades") in ("true", "True")
        return {"open": {o.venue_id: self._info(o, trades) for o in self._filter(self.core.orders("open"), params)}}

    def closed_orders(self, params: dict[str, str]) -> Any:
        trades = params.get("trades") in ("true", "True")
        closed = list(reversed(self._filter(self.core.orders("closed"), params)))  # newest first, as Kraken
        return {"closed": {o.venue_id: self._info(o, trades) for o in closed}, "count": len(closed)}

    def query_orders(self, params: dict[str, str]) -> Any:
        trades = params.get("trades") in ("true", "True")
        everything = self.core.orders()
        ids = [t for t in params.get("txid", "").split(",") if t and t != "None"]
        chosen = [o for o in everything if o.venue_id in ids] if ids else everything
        if params.get("cl_ord_id") or params.get("userref"):
            chosen = self._filter(chosen, params)
        elif not ids:
            raise Refusal("bad_request", "txid")
        return {o.venue_id: self._info(o, trades) for o in chosen}

    def _trade(self, t: TradeView, suffix: str = "") -> tuple[str, dict[str, Any]]:
        return t.venue_id + suffix, {
            "ordertxid": t.order_venue_id, "postxid": "TKH2SE-M7IF5-CFI7LT",
            "pair": pair_names(t.symbol)[0], "time": _secs(t.at), "type": t.side, "ordertype": t.order_type,
            "price": _s(t.price), "cost": _cost(t.cost), "fee": _f(t.fee, 6), "vol": _f(t.amount),
            "margin": "0.000000", "leverage": "0", "misc": "", "trade_id": t.seq, "maker": t.maker,
        }

    def trades_history(self, params: dict[str, str]) -> Any:
        since = datetime.fromtimestamp(float(params["start"]), tz=UTC) if params.get("start") else None
        trades = self.core.trades(since=since)
        if params.get("end"):
            trades = [t for t in trades if t.at.timestamp() <= float(params["end"])]
        listed: dict[str, Any] = {}
        for t in reversed(trades):  # newest first, as Kraken
            tid, body = self._trade(t)
            if tid in listed:  # the same fill reported twice (duplicate_trades): Kraken keys trades by id
                tid, body = self._trade(t, "-DUP")
            listed[tid] = body
        offset = int(params.get("ofs") or 0)  # pages of 50, as Kraken
        page = dict(list(listed.items())[offset:offset + _TRADES_PAGE])
        return {"trades": page, "count": len(listed)}

    # --- private: funding ---------------------------------------------------------------------------------------
    def _transfers(self, kind: str, params: dict[str, str]) -> list[dict[str, Any]]:
        rows: list[Transfer] = self.core.transfers(kind)
        if params.get("asset"):
            rows = [t for t in rows if asset_id(t.asset) == params["asset"] or t.asset == params["asset"]]
        if params.get("start"):
            rows = [t for t in rows if t.at.timestamp() >= float(params["start"])]
        if params.get("end"):
            rows = [t for t in rows if t.at.timestamp() < float(params["end"])]
        return [
            {"method": f"{t.asset} (emulated)", "aclass": "currency", "asset": asset_id(t.asset), "refid": t.id,
             "txid": t.txid, "info": f"emulated-{t.asset.lower()}-address", "amount": _f(t.amount),
             "fee": _f(Decimal(0)), "time": int(t.at.timestamp()), "status": "Success",
             **({"key": "emulated", "network": "Emulated"} if kind == "withdrawal" else {})}
            for t in rows
        ]

    def deposit_status(self, params: dict[str, str]) -> Any:
        return self._transfers("deposit", params)

    def withdraw_status(self, params: dict[str, str]) -> Any:
        return self._transfers("withdrawal", params)

