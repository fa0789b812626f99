"""The emulator's HTTP server: a Starlette app (the venue's routes, the fault layer, the admin endpoints)
served by uvicorn on a loopback address, in the foreground (``predator emulate``) or in a thread
(:class:`EmulatorServer`, for tests and the chaos campaigns).

Admin endpoints (loopback clients only; never part of a venue's API):

* ``GET /__emulator/state``: clock, faults in force, balances, order count, the dead-man switch (Kraken's
  ``CancelAllOrdersAfter``: its trigger time, every arming call, when it fired);
* ``POST /__emulator/faults`` (a fault plan, YAML or JSON; ``?mode=add`` keeps those in force) and
  ``DELETE /__emulator/faults``;
* ``POST /__emulator/clock`` ``{"advance_seconds": N}`` | ``{"to": ISO}`` | ``{"rate": X}``;
* ``POST /__emulator/transfers`` ``{"kind": "deposit"|"withdrawal", "asset": ..., "amount": ...}``: money
  arriving or leaving outside Predator (shows in the venue's history).
"""

from __future__ import annotations

import asyncio
import errno
import ipaddress
import json
import socket
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import uvicorn
import yaml
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from predator import seams
from predator.config import data_dir
from predator.emulator import binance, kraken
from predator.emulator.auth import ApiKey, KeyRing
from predator.emulator.candles import CandleStore
from predator.emulator.clock import Clock
from predator.emulator.core import Core
from predator.emulator.faults import FaultBook, FaultPlan, FaultPlanError
from predator.errors import ConfigurationError
from predator.venues.paper import PaperConfig

VENUES = ("kraken", "binance")
ADMIN = "/__emulator"
_ORDER_ENTRY = {"kraken": ("POST", "/0/private/AddOrder"), "binance": ("POST", "/api/v3/order")}


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass
class Settings:
    """What one emulator serves. ``balances``: the account's opening deposits."""

    venue: str
    clock: Clock = field(default_factory=Clock)
    faults: FaultPlan = field(default_factory=FaultPlan)
    balances: dict[str, Decimal] = field(default_factory=dict)
    keys: list[ApiKey] = field(default_factory=list)
    data: Path | None = None
    paper: PaperConfig | None = None
    host: str = "127.0.0.1"
    port: int = 0

    def __post_init__(self) -> None:
        if self.venue not in VENUES:
            raise ValueError(f"unknown venue {self.venue!r}: use {' or '.join(VENUES)}")
        if not is_loopback(self.host):
            raise ValueError(f"the emulator listens on loopback only, not {self.host!r}")
        if not self.balances:
            self.balances = {"USDT": Decimal(10000), "USD": Decimal(10000)} if self.venue == "kraken" \
                else {"USDT": Decimal(10000)}
        if not self.keys:
            self.keys = [ApiKey.generate(self.venue)]


class FaultLayer:
    """Pure ASGI middleware: latency, jitter, 5xx, rate limits, dropped connections, answers withheld
    after an order was accepted. Admin paths pass untouched."""

    def __init__(self, app: ASGIApp, book: FaultBook, venue: str) -> None:
        self.app, self.book, self.venue = app, book, venue

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(ADMIN):
            await self.app(scope, receive, send)
            return
        method, path = scope["method"], scope["path"]
        delay = self.book.delay_seconds()
        delay += sum((f.delay_ms or 0) for f in self.book.take(("latency",), method, path)) / 1000
        if delay:
            await asyncio.sleep(delay)
        if self.book.take(("drop",), method, path):
            await send({"type": "http.response.start", "status": 200,
                        "headers": [(b"content-type", b"application/json"), (b"content-length", b"4096")]})
            await send({"type": "http.response.body", "body": b'{"error":[],"res', "more_body": True})
            return  # uvicorn closes a connection whose response was left unfinished
        for fault in self.book.take(("http_error",), method, path):
            status = fault.status or 503
            await PlainTextResponse(f"<html><body><h1>{status} Service Unavailable</h1></body></html>",
                                    status_code=status)(scope, receive, send)
            return
        for fault in self.book.take(("rate_limit",), method, path):
            retry = str(fault.retry_after or 1)
            if self.venue == "binance":
                status = fault.status or 429
                body = {"code": -1003, "msg": "Too many requests; current limit is 6000 request weight per 1 MINUTE."}
                if status == 418:
                    body = {"code": -1003, "msg": "Way too many requests; IP banned until later."}
                await JSONResponse(body, status_code=status, headers={"Retry-After": retry})(scope, receive, send)
            else:
                await JSONResponse({"error": ["EAPI:Rate limit exceeded"]}, headers={"Retry-After": retry})(
                    scope, receive, send)
            return
        withheld = self.book.take(("timeout_after_accept",), method, path, default=_ORDER_ENTRY[self.venue])
        if not withheld:
            await self.app(scope, receive, send)
            return
        held: list[Message] = []

        async def hold(message: Message) -> None:
            held.append(message)

        await self.app(scope, receive, hold)  # the venue acts on the request...
        await asyncio.sleep(max((f.delay_ms or 3000) for f in withheld) / 1000)  # ...the answer comes too late
        for message in held:
            await send(message)


def build(settings: Settings) -> tuple[ASGIApp, Core, KeyRing]:
    """The ASGI app of one emulated venue, its account and its keys."""
    store = CandleStore(settings.data or data_dir())
    book = FaultBook()
    book.load(settings.faults, settings.clock.now())
    keys = KeyRing(settings.keys)
    front = kraken if settings.venue == "kraken" else binance
    symbols = kraken.kraken_symbols(store) if settings.venue == "kraken" else binance.binance_symbols(store)
    core = Core(settings.venue, store, settings.clock, book, symbols, settings.balances,
                settings.paper or PaperConfig(venue=settings.venue), front.order_id, front.trade_id,
                grid=front.FILL_GRID)
    api = kraken.KrakenApi(core, keys) if settings.venue == "kraken" else binance.BinanceApi(core, keys)
    routes = api.routes() + _admin_routes(core, book)
    app = Starlette(routes=routes)
    return FaultLayer(app, book, settings.venue), core, keys


def _admin_routes(core: Core, book: FaultBook) -> list[Route]:
    def guard(request: Request) -> Response | None:
        host = request.client.host if request.client else ""
        return None if is_loopback(host) else JSONResponse({"error": "loopback only"}, status_code=403)

    async def state(request: Request) -> Response:
        if (refused := guard(request)) is not None:
            return refused
        return JSONResponse({
            "venue": core.venue, "clock": core.clock.now().isoformat(), "clock_mode": core.clock.describe(),
            "faults": book.describe(),
            "balances": {b.asset: {"total": str(b.total), "used": str(b.used)} for b in core.balances()},
            "orders": len(core.orders()),
            "open_orders": [{"id": o.venue_id, "client_order_id": o.client_order_id, "symbol": o.symbol,
                             "side": o.side, "type": o.type, "amount": str(o.amount),
                             "price": str(o.price) if o.price is not None else None}
                            for o in core.orders("open")],
            "dead_man": {"trigger": core.dead_man_trigger.isoformat() if core.dead_man_trigger else None,
                         "calls": [{"at": at.isoformat(), "timeout_s": t} for at, t in core.dead_man_calls],
                         "fired": [at.isoformat() for at in core.dead_man_fired]},
        })

    async def faults(request: Request) -> Response:
        if (refused := guard(request)) is not None:
            return refused
        if request.method == "DELETE":
            book.clear()
            return JSONResponse(book.describe())
        try:
            plan = FaultPlan.parse(yaml.safe_load(await request.body()))
        except (FaultPlanError, yaml.YAMLError, ValueError, TypeError) as e:
            return JSONResponse({"error": str(e)}, status_code=400)
        book.load(plan, core.clock.now(), replace=request.query_params.get("mode") != "add")
        core.sync()
        return JSONResponse(book.describe())

    async def clock(request: Request) -> Response:
        if (refused := guard(request)) is not None:
            return refused
        body: dict[str, Any] = json.loads(await request.body() or b"{}")
        try:
            if "advance_seconds" in body:
                core.clock.advance(float(body["advance_seconds"]))
            if "to" in body:
                core.clock.advance_to(datetime.fromisoformat(str(body["to"]).replace("Z", "+00:00")))
            if "rate" in body:
                core.clock.set_rate(float(body["rate"]))
        except ValueError as e:
            return JSONResponse({"error": str(e)}, status_code=400)
        now = core.sync()
        return JSONResponse({"clock": now.isoformat(), "clock_mode": core.clock.describe()})

    async def transfers(request: Request) -> Response:
        if (refused := guard(request)) is not None:
            return refused
        body = json.loads(await request.body() or b"{}")
        kind, asset, amount = body.get("kind"), str(body.get("asset", "")), Decimal(str(body.get("amount", "0")))
        at = datetime.fromisoformat(body["at"].replace("Z", "+00:00")) if body.get("at") else core.clock.now()
        if kind not in ("deposit", "withdrawal") or not asset or amount <= 0:
            return JSONResponse({"error": "kind deposit|withdrawal, asset and a positive amount"}, status_code=400)
        t = core.deposit(asset, amount, at) if kind == "deposit" else core.withdraw(asset, amount, at)
        return JSONResponse({"id": t.id, "kind": t.kind, "asset": t.asset, "amount": str(t.amount),
                             "at": t.at.isoformat()})

    return [
        Route(f"{ADMIN}/state", state, methods=["GET"]),
        Route(f"{ADMIN}/faults", faults, methods=["POST", "DELETE"]),
        Route(f"{ADMIN}/clock", clock, methods=["POST"]),
        Route(f"{ADMIN}/transfers", transfers, methods=["POST"]),
    ]


def _config(app: ASGIApp, host: str, port: int, log_level: str) -> uvicorn.Config:
    return uvicorn.Config(app, host=host, port=port, log_level=log_level, lifespan="off", ws="none", http="h11",
                          loop="asyncio", access_log=False, timeout_graceful_shutdown=1)


class EmulatorServer:
    """One emulated venue served from a background thread on a loopback port (``port=0``: a free one)."""

    def __init__(self, settings: Settings, log_level: str = "critical") -> None:
        self.settings = settings
        self.app, self.core, self.keys = build(settings)
        self._server = uvicorn.Server(_config(self.app, settings.host, settings.port, log_level))
        self._thread = threading.Thread(target=self._server.run, name=f"emulator-{settings.venue}", daemon=True)
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://{self.settings.host}:{self.port}"

    @property
    def key(self) -> ApiKey:
        return self.settings.keys[0]

    def start(self, timeout: float = 10.0) -> EmulatorServer:
        self._thread.start()
        deadline = seams.monotonic() + timeout
        while not self._server.started:
            if not self._thread.is_alive() or seams.monotonic() > deadline:
                raise RuntimeError(f"the {self.settings.venue} emulator did not start")
            time.sleep(0.01)
        self.port = self._server.servers[0].sockets[0].getsockname()[1]
        return self

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)

    def __enter__(self) -> EmulatorServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def listen(settings: Settings) -> socket.socket:
    """The listening socket of ``settings`` (``port`` 0: a free one, ``getsockname()[1]`` the port bound), bound
    before anything is printed, so that ``predator emulate`` prints the URL clients reach. A port that cannot be
    bound is :class:`~predator.errors.ConfigurationError` (exit 2): "port N is in use" for one already taken."""
    host = settings.host.strip("[]")
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, settings.port))
    except OSError as e:
        sock.close()
        what = (f"port {settings.port} is in use" if e.errno == errno.EADDRINUSE
                else f"cannot listen on {settings.host}:{settings.port} ({e.strerror})")
        raise ConfigurationError(f"{what}; choose another --port (0: any free port)") from e
    sock.listen(128)
    return sock


def serve(settings: Settings, log_level: str = "info", sock: socket.socket | None = None) -> None:
    """Serve in the foreground until interrupted (``predator emulate``), on ``sock`` when given (:func:`listen`),
    else on a socket uvicorn binds to ``settings.host``/``port``."""
    app, _, _ = build(settings)
    server = uvicorn.Server(_config(app, settings.host, settings.port, log_level))
    server.run(sockets=[sock] if sock is not None else None)


def client_urls(venue: str, base_url: str) -> dict[str, str]:
    """The ``exchange.urls['api']`` that points a ccxt client at an emulator at ``base_url``."""
    base = base_url.rstrip("/")
    if venue == "kraken":
        return {"public": base, "private": base}
    return {"public": f"{base}/api/v3", "private": f"{base}/api/v3", "v1": f"{base}/api/v1",
            "sapi": f"{base}/sapi/v1", "sapiV2": f"{base}/sapi/v2", "sapiV3": f"{base}/sapi/v3",
            "sapiV4": f"{base}/sapi/v4"}


__all__ = ["EmulatorServer", "Settings", "build", "client_urls", "listen", "serve", "UTC"]
