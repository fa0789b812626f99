"""The console's web application (``predator serve``, docs/operator.md): the control API under ``/api/v1`` and
the Mirror pages, on FastAPI.

It holds no business logic and no SQL: reads call :mod:`predator.db.console_reads` (and
:mod:`predator.db.ops_reads`, :mod:`predator.db.notify`) on a read-only connection of the auditor's login;
every write is one governed ``api.*`` call of :mod:`predator.db.api` on a connection of the operator's login,
in its own transaction, with the caller's reason (audited by the database). A refusal is the database's: its
SQLSTATE picks the HTTP status (:mod:`predator.console.errors`) and its HINT is in the answer.
"""

import dataclasses
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal
from urllib.parse import parse_qs

import psycopg
import structlog
from fastapi import APIRouter, Depends, FastAPI, Query, Request, Security
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from jinja2 import Environment, PackageLoader, select_autoescape
from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from predator import correlation, errors, redaction
from predator.console import security
from predator.console.errors import Problem, from_database
from predator.db import api as db_api
from predator.db import approvals_reads, console_reads, mirror_reads, notify, ops_reads
from predator.db.connection import Target

API_PREFIX = "/api/v1"
#: The largest request body the console takes (bytes): a reason is at most 2000 characters and a resume names at
#: most 100 incidents. A longer one is refused (413) by :class:`Gate` before it is read, whoever sends it.
MAX_BODY_BYTES = 64 * 1024

#: Headers of every answer: nothing cached, no framing, no referrer to another site; pages load nothing from
#: elsewhere (the stylesheet is inline, there is no script). ``same-origin``, not ``no-referrer``: under
#: ``no-referrer`` a browser sends ``Origin: null`` with the pages' own form POSTs, which HostGuard refuses as
#: cross-site (tests/browser/test_console_browser.py found it in Chromium).
SECURITY_HEADERS = {
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
                               "frame-ancestors 'none'; base-uri 'none'",
}


@dataclass(frozen=True)
class ConsoleSettings:
    """What one console serves: the database (``target``), the bearer ``token``, the address it listens on
    and the overview's auto-refresh period (seconds)."""

    target: Target
    token: str
    host: str
    port: int
    refresh_s: int = 15
    #: The second operator's token (``predator serve --approver-token-file``): a client or session authenticated
    #: with it writes as the approver's login, the second operator of the two-person rule (docs/operator.md).
    approver_token: str | None = None
    #: The random base path every page, form and API route is served under (``/c/<128 bits>``, new at each start;
    #: :func:`predator.console.security.new_base_path`); the session cookie is scoped to it.
    base_path: str = field(default_factory=security.new_base_path)


# --- request bodies -------------------------------------------------------------------------------------

Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000),
                   Field(description="Why (kept in the audit log with the operator's login).")]
Scope_ = Literal["global", "account", "lane", "strategy"]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class HaltBody(_Body):
    """``api.halt(reason, scope, target)``: target is the account, the lane (paper, live_canary,
    live_promoted) or ``account/strategy``; none for global."""

    reason: Reason
    scope: Scope_ = "global"
    target: str | None = None


class ResumeBody(HaltBody):
    """``api.resume(reason, scope, target, incidents)``: ``incidents`` the incidents (INC-<book>-<seq>) the resume
    answers, resolved by it."""

    incidents: list[Annotated[str, StringConstraints(max_length=100)]] | None = Field(default=None, max_length=100)


class ApprovalRequestBody(_Body):
    """``api.request_approval(action, target, reason, mode, value)``: resume ``global``; set_limit
    ``profile/limit[/scope]`` with mode and value; set_limit_policy ``profile/limit`` with mode and ceiling;
    set_setting ``two_person_rule`` with value 0, or ``reconcile_tolerance`` / ``max_clock_skew_seconds`` with the
    raised value; set_lane ``<live lane>/<currency>`` with the budget as value;
    promote_session ``SES-<n>`` with the promoted allocation as value; demote_session ``SES-<n>``."""

    action: Literal["resume", "set_limit", "set_limit_policy", "set_setting", "set_lane", "promote_session",
                    "demote_session"]
    target: Annotated[str, StringConstraints(min_length=1, max_length=300)]
    reason: Reason
    mode: Literal["pct", "abs", "bps", "count"] | None = None
    value: Decimal | None = None


class SafeModeBody(_Body):
    """``api.apply_safe_mode(profile, template, reason)``."""

    profile: Annotated[str, StringConstraints(min_length=1, max_length=100)]
    template: Annotated[str, StringConstraints(min_length=1, max_length=100)]
    reason: Reason


class SafeModeRevertBody(_Body):
    """``api.revert_safe_mode(profile, reason)``."""

    profile: Annotated[str, StringConstraints(min_length=1, max_length=100)]
    reason: Reason


class KillSwitchBody(_Body):
    """``api.kill_switch(reason, flatten)``: a global halt, every open order marked for cancellation, and with
    ``flatten`` every position sold to cash by reduce-only exits."""

    reason: Reason
    flatten: bool = False


class ReasonBody(_Body):
    reason: Reason


# --- failures -------------------------------------------------------------------------------------------


class NotAuthenticated(Exception):
    """No valid bearer token and no live session."""


class Refused(Exception):
    """A request refused by the console itself (not the database): a missing or wrong CSRF token."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


@dataclass(frozen=True)
class Principal:
    """Who made a request: a bearer-token client, or a browser session (``sid``, ``session``)."""

    kind: Literal["bearer", "session"]
    sid: str | None = None
    session: security.Session | None = None
    login: Literal["operator", "approver"] = "operator"  # the operator login its writes use

    @property
    def csrf(self) -> str:
        return self.session.csrf if self.session else ""


def _jsonable(value: Any) -> Any:
    """Dataclasses, lists and dicts with decimals as strings (exact) and times as ISO-8601."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    return value

_log = structlog.get_logger("predator.console")


# --- the Host allow-list and the cross-site guard -------------------------------------------------------


class HostGuard:
    """Pure ASGI middleware in front of everything: refuses (421) a request whose ``Host`` is not this
    console's own (DNS rebinding), and (403) a state-changing request from another origin (``Origin`` not this
    console's, ``Sec-Fetch-Site`` not ``same-origin``/``none``)."""

    def __init__(self, app: ASGIApp, hosts: frozenset[str]) -> None:
        self.app, self.hosts = app, hosts
        self.origins = frozenset(f"http://{h}" for h in hosts)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        host = headers.get("host", "")
        problem: Problem | None = None
        if host.lower() not in self.hosts:
            problem = Problem(421, "misdirected_request", f"this console does not answer for Host {host!r}",
                              "Use the URL predator serve printed (on "
                              f"{' or '.join(sorted('http://' + h for h in self.hosts))}).")
        elif scope["method"] not in security.SAFE_METHODS:
            origin = headers.get("origin")
            site = headers.get("sec-fetch-site")
            if (origin is not None and origin.lower() not in self.origins) or (
                    site is not None and site.lower() not in ("same-origin", "none")):
                problem = Problem(403, "cross_site_request",
                                  f"a state-changing request from another site is refused (Origin {origin!r}, "
                                  f"Sec-Fetch-Site {site!r})", "Use the console's own pages or the API with the token.")
        if problem is None:
            await self.app(scope, receive, send)
            return
        response = JSONResponse(problem.body(), status_code=problem.status, headers=SECURITY_HEADERS)
        await response(scope, receive, send)


class BodyTooLarge(StarletteHTTPException):
    """A request body beyond :data:`MAX_BODY_BYTES`, found while it is read (no ``Content-Length``): raised by
    :class:`Gate`'s ``receive``, answered 413 by the application's handler of HTTP exceptions."""

    def __init__(self) -> None:
        super().__init__(413, f"a request body is at most {MAX_BODY_BYTES} bytes")


def _too_large() -> Problem:
    return Problem(413, "request_too_large", f"a request body is at most {MAX_BODY_BYTES} bytes",
                   "Shorten the reason (2000 characters at most) or the list of incidents (100 at most).")


class Gate:
    """Pure ASGI middleware behind :class:`HostGuard`, in front of the application, before any body is read:

    * **the base path**: a request outside the console's random base path (``ConsoleSettings.base_path``) is
      answered 404 (the base path itself is redirected to ``<base>/``); inside it, the application sees the
      base path as its ``root_path`` and routes the rest;
    * **the body's size**: a ``Content-Length`` above :data:`MAX_BODY_BYTES` is refused (413) before anything is
      read; a body without one (chunked) is counted as the application reads it and refused at the cap;
    * **authentication first**: a state-changing request (other than the login form's) without a valid bearer
      token or session is answered (401 on the API, 303 to the login page) without its body being read or
      parsed."""

    def __init__(self, app: ASGIApp, console: "Console") -> None:
        self.app, self.console = app, console

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        base, path = self.console.base, scope["path"]
        if not security.under_base(path, base):
            await _answer(Problem(404, "not_found", "no such page on this console",
                                  "Open the URL predator serve printed when it started (it changes at each start)."),
                          scope, receive, send)
            return
        if path == base:
            await RedirectResponse(base + "/", status_code=303, headers=SECURITY_HEADERS)(scope, receive, send)
            return
        scope = {**scope, "root_path": base}
        length = next((v for k, v in scope["headers"] if k.lower() == b"content-length"), None)
        if length is not None and (not length.strip().isdigit() or int(length) > MAX_BODY_BYTES):
            await _answer(_too_large(), scope, receive, send)
            return
        if scope["method"] not in security.SAFE_METHODS and path[len(base):] != "/login":
            try:
                self.console.principal(Request(scope))
            except NotAuthenticated:
                await self.console.unauthenticated(path[len(base):])(scope, receive, send)
                return
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > MAX_BODY_BYTES:
                    raise BodyTooLarge
            return message

        await self.app(scope, counted, send)


async def _answer(problem: Problem, scope: Scope, receive: Receive, send: Send) -> None:
    """``problem`` as a JSON answer with the security headers (from a middleware, before the application)."""
    await JSONResponse(problem.body(), status_code=problem.status, headers=SECURITY_HEADERS)(scope, receive, send)


class CorrelationId:
    """Pure ASGI middleware outermost: one correlation id per HTTP request (:mod:`predator.correlation`), the
    client's ``X-Correlation-ID`` when well-formed, else a new one; bound to the request's log lines and database
    sessions (so its audit rows carry it) and returned in the response's ``X-Correlation-ID``. A state-changing
    request also writes one log line, ``console_request`` (method, path below the base path, status), carrying
    the id. Every answer leaves with :data:`SECURITY_HEADERS`, those the application's own answers (FastAPI's
    404 and 405, an unhandled error's 500) lack included."""

    def __init__(self, app: ASGIApp, base: str) -> None:
        self.app, self.base = app, base

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        supplied = next((v.decode("latin-1") for k, v in scope["headers"]
                         if k.decode("latin-1").lower() == correlation.HEADER.lower()), None)
        cid = correlation.accept(supplied)
        status: list[int] = []

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                status.append(int(message["status"]))
                headers = list(message.get("headers", []))
                present = {k.lower() for k, _ in headers}
                headers += [(k.lower().encode(), v.encode()) for k, v in SECURITY_HEADERS.items()
                            if k.lower().encode() not in present]
                message = {**message, "headers": [*headers, (correlation.HEADER.lower().encode(), cid.encode())]}
            await send(message)

        with correlation.scope(cid):
            await self.app(scope, receive, send_with_id)
            if scope["method"] not in security.SAFE_METHODS:
                # The path below the base path: the base path is a secret, kept out of the log.
                path = scope["path"]
                shown = path[len(self.base):] if security.under_base(path, self.base) else "(outside the base path)"
                _log.info("console_request", method=scope["method"], path=shown,
                          status=status[0] if status else None)


# --- the application ------------------------------------------------------------------------------------


class Console:
    """The connections, sessions and templates behind the routes."""

    def __init__(self, settings: ConsoleSettings) -> None:
        self.settings = settings
        self.base = settings.base_path
        self.sessions = security.Sessions()
        self.templates = Environment(loader=PackageLoader("predator.console", "templates"),
                                     autoescape=select_autoescape(["html"]), trim_blocks=True, lstrip_blocks=True)
        self.templates.filters.update(num=_num, pct=_pct, when=_when, age=_age, used=_used)

    @contextmanager
    def read(self) -> Iterator[psycopg.Connection[Any]]:
        """A read-only transaction of the auditor's login."""
        with self.settings.target.connect("auditor") as conn:
            conn.read_only = True
            with conn.transaction():
                yield conn

    @contextmanager
    def write(self, login: Literal["operator", "approver"] = "operator") -> Iterator[psycopg.Connection[Any]]:
        """A transaction of the operator's login, or of the approver's (one governed call per request)."""
        with self.settings.target.connect(login) as conn, conn.transaction():
            yield conn

    def login_of(self, supplied: str) -> Literal["operator", "approver"] | None:
        """Which operator login a supplied token stands for (constant-time comparisons), or None."""
        operator = security.token_matches(supplied, self.settings.token)
        approver = self.settings.approver_token is not None and security.token_matches(
            supplied, self.settings.approver_token)
        return "operator" if operator else "approver" if approver else None

    def principal(self, request: Request) -> Principal:
        """Who is asking: a valid ``Authorization: Bearer`` token (a header with another one is refused even
        when a session cookie comes along) or a live session cookie; else :class:`NotAuthenticated`."""
        auth = request.headers.get("authorization")
        if auth is not None:
            scheme, _, supplied = auth.partition(" ")
            login = self.login_of(supplied.strip()) if scheme.lower() == "bearer" else None
            if login is not None:
                return Principal("bearer", login=login)
            raise NotAuthenticated
        sid = request.cookies.get(security.COOKIE)
        session = self.sessions.get(sid)
        if session is None:
            raise NotAuthenticated
        return Principal("session", sid, session, "approver" if session.login == "approver" else "operator")

    @staticmethod
    def check_csrf(principal: Principal, supplied: str | None) -> None:
        """A session's state-changing request must carry the session's CSRF token (a bearer client needs none:
        a browser never adds the header by itself)."""
        if principal.kind == "session" and not (
                supplied and security.token_matches(supplied, principal.csrf)):
            raise Refused(Problem(403, "csrf_token_missing_or_wrong",
                                  "a state-changing request of a browser session must carry its CSRF token",
                                  f"Send the form field {security.CSRF_FIELD} or the header X-CSRF-Token "
                                  "(the console's pages do), or authenticate with the bearer token."))

    def page(self, name: str, status: int = 200, **context: Any) -> HTMLResponse:
        """The template ``name`` rendered; every link and form of it starts with ``base`` (the base path)."""
        html = self.templates.get_template(name).render(refresh_s=self.settings.refresh_s, base=self.base, **context)
        return HTMLResponse(html, status_code=status, headers=SECURITY_HEADERS)

    def redirect(self, to: str) -> RedirectResponse:
        """A 303 to ``to``, a path below the base path (``/admin?...``)."""
        return RedirectResponse(self.base + to, status_code=303, headers=SECURITY_HEADERS)

    @staticmethod
    def is_api(route: str) -> bool:
        """Whether ``route`` (a path below the base path) is one of the control API's."""
        return route == API_PREFIX or route.startswith(API_PREFIX + "/")

    def route(self, request: Request) -> str:
        """The request's path below the base path."""
        path = request.url.path
        return path[len(self.base):] if security.under_base(path, self.base) else path

    def unauthenticated(self, route: str) -> Response:
        """The answer to a request without a valid token or session: 401 on the API, else 303 to the login page."""
        if self.is_api(route):
            problem = Problem(401, "unauthorized", "a valid bearer token or session is required",
                              "Send Authorization: Bearer <the token of the console's token file>.")
            return JSONResponse(problem.body(), status_code=401,
                                headers={**SECURITY_HEADERS, "WWW-Authenticate": "Bearer"})
        return self.redirect("/login")


def _num(value: Any, places: int = 2) -> str:
    if value is None:
        return "—"
    return f"{Decimal(value):,.{places}f}"


def _pct(value: Any, places: int = 1) -> str:
    return "—" if value is None else f"{Decimal(value) * 100:.{places}f} %"


def _used(value: Any, cap: Any) -> str:
    """``value`` as a share of ``cap`` (both fractions): ``"12 % used"``; a dash without either."""
    if value is None or cap is None or Decimal(cap) == 0:
        return "—"
    return f"{Decimal(value) / Decimal(cap) * 100:.0f} % used"


def _when(value: datetime | None) -> str:
    return "—" if value is None else value.strftime("%Y-%m-%d %H:%M:%SZ")


def _age(seconds: Any) -> str:
    if seconds is None:
        return "—"
    s = int(Decimal(seconds))
    days, rest = divmod(s, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{days}d {hours}h"
    if hours:
        return f"{hours}h {minutes}m"
    return f"{minutes}m {secs}s"


async def _form(request: Request) -> dict[str, str]:
    """An ``application/x-www-form-urlencoded`` body (the console's forms), last value of each field."""
    return {k: v[-1] for k, v in (await _form_lists(request)).items()}


async def _form_lists(request: Request) -> dict[str, list[str]]:
    """An ``application/x-www-form-urlencoded`` body with every value of each field (checkboxes repeat theirs)."""
    body = (await request.body()).decode("utf-8", errors="replace")
    return parse_qs(body, keep_blank_values=True)


@dataclass(frozen=True)
class UiForm:
    """A form's fields: :meth:`one` the last value of a field (empty when absent), :meth:`many` all of them."""

    fields: dict[str, list[str]]

    def one(self, name: str) -> str:
        values = self.fields.get(name)
        return values[-1].strip() if values else ""

    def many(self, name: str) -> list[str]:
        return [v.strip() for v in self.fields.get(name, []) if v.strip()]


#: What the admin page's banner says after each form's governed call (``/admin?done=<key>&seq=<n>``).
UI_DONE = ("halt", "resume", "request", "approve", "safe_mode", "safe_mode_revert",
           "kill_switch", "kill_switch_halted", "strategy_pause", "strategy_resume")  # the last four: .mirror


def create_app(settings: ConsoleSettings) -> ASGIApp:
    """The console's ASGI application under its base path, behind its Host guard and :class:`Gate`."""
    console = Console(settings)
    app = FastAPI(title="Predator control API", version="1",
                  description="The operator plane of Predator (docs/operator.md). Reads as predator_auditor_login, "
                              "writes as predator_operator_login through governed api.* calls; errors carry the "
                              "database's SQLSTATE and HINT.",
                  openapi_url=None, docs_url=None, redoc_url=None)
    bearer = HTTPBearer(auto_error=False, description="The token of the console's token file.")

    # -- failures --
    def _problem(request: Request, problem: Problem, headers: dict[str, str] | None = None) -> Response:
        if console.is_api(console.route(request)):
            return JSONResponse(problem.body(), status_code=problem.status,
                                headers={**SECURITY_HEADERS, **(headers or {})})
        page = console.page("error.html", status=problem.status, problem=problem)
        page.headers.update(headers or {})
        return page

    async def on_not_authenticated(request: Request, exc: Exception) -> Response:
        return console.unauthenticated(console.route(request))

    async def on_http(request: Request, exc: Exception) -> Response:
        """FastAPI's own answers (no such route 404, a method not allowed 405, a body too large 413, a body it
        cannot parse 400) as problems, with the security headers."""
        assert isinstance(exc, StarletteHTTPException)
        if isinstance(exc, BodyTooLarge):
            problem = _too_large()
        else:
            code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "invalid_request")
            problem = Problem(exc.status_code, code, str(exc.detail), "See /api/v1/openapi.json for the routes.")
        return _problem(request, problem, dict(exc.headers or {}))

    async def on_unexpected(request: Request, exc: Exception) -> Response:
        """An error nothing else handles: 500, a fixed message (the traceback goes to the console's stderr)."""
        return _problem(request, Problem(500, "internal_error", "the console failed on this request",
                                         "See the console's error output; the request may or may not have been "
                                         "carried out: check the overview and the change log."))

    async def on_refused(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, Refused)
        return _problem(request, exc.problem)

    async def on_database(request: Request, exc: Exception) -> Response:
        return _problem(request, from_database(exc))

    async def on_invalid(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        details = "; ".join(f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg', '')}" for e in exc.errors())
        return _problem(request, Problem(422, "invalid_request", "the request is not valid", "Every write needs a "
                                         "non-empty reason; see /api/v1/openapi.json for each route's body.", details))

    app.add_exception_handler(NotAuthenticated, on_not_authenticated)
    app.add_exception_handler(Refused, on_refused)
    app.add_exception_handler(errors.DatabaseRefusal, on_database)
    app.add_exception_handler(psycopg.Error, on_database)
    app.add_exception_handler(RequestValidationError, on_invalid)
    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(Exception, on_unexpected)

    # -- authentication --
    Bearer = Annotated[HTTPAuthorizationCredentials | None, Security(bearer)]
    Limit = Annotated[int, Query(ge=1, le=1000)]

    def reader(request: Request, _: Bearer) -> Principal:
        return console.principal(request)

    def writer(request: Request, _: Bearer) -> Principal:
        principal = console.principal(request)
        console.check_csrf(principal, request.headers.get(security.CSRF_HEADER))
        return principal

    Writer = Annotated[Principal, Depends(writer)]

    # -- the control API --
    api = APIRouter(prefix=API_PREFIX, dependencies=[Depends(reader)])

    @api.get("/openapi.json", include_in_schema=False)
    def openapi() -> JSONResponse:
        return JSONResponse(app.openapi(), headers=SECURITY_HEADERS)

    @api.get("/status", summary="Halts in force (who, why, when), breakers tripped, risk states, workers, "
                                "reconciliations, last validation run")
    def status() -> JSONResponse:
        with console.read() as conn:
            body = {
                "halts": console_reads.halts_in_force(conn),
                "breaker_trips": console_reads.breaker_trips(conn, limit=20),
                "risk_states": console_reads.risk_states_not_normal(conn),
                "worker_heartbeats": console_reads.worker_heartbeats(conn),
                "kill_listeners": notify.kill_listeners(conn),
                "reconciliations": console_reads.last_reconciliations(conn),
                "last_validation_run": console_reads.last_validation_run(conn),
            }
        return JSONResponse(_jsonable(body), headers=SECURITY_HEADERS)

    @api.get("/accounts", summary="Accounts with the figures of their last closed hour")
    def accounts() -> JSONResponse:
        with console.read() as conn:
            return JSONResponse(_jsonable(console_reads.accounts(conn)), headers=SECURITY_HEADERS)

    @api.get("/positions", summary="Open positions with their exposure at the last closed hour")
    def positions(account: str | None = None) -> JSONResponse:
        with console.read() as conn:
            return JSONResponse(_jsonable(console_reads.positions(conn, account=account)), headers=SECURITY_HEADERS)

    @api.get("/orders/open", summary="Orders not final (new, open, partially filled) with state, age, client id")
    def orders_open(account: str | None = None) -> JSONResponse:
        with console.read() as conn:
            return JSONResponse(_jsonable(console_reads.open_orders(conn, account=account)), headers=SECURITY_HEADERS)

    @api.get("/fills", summary="Recent fills with slippage against the decision price (bps)")
    def fills(account: str | None = None, limit: Limit = 50) -> JSONResponse:
        with console.read() as conn:
            rows = console_reads.recent_fills(conn, account=account, limit=limit)
        return JSONResponse(_jsonable(rows), headers=SECURITY_HEADERS)

    @api.get("/incidents", summary="Incidents: open and acknowledged ones (all=true: resolved ones too)")
    def incidents(account: str | None = None,
                  include_resolved: Annotated[bool, Query(alias="all")] = False) -> JSONResponse:
        with console.read() as conn:
            rows = ops_reads.incidents(conn, include_resolved=include_resolved, account=account)
        return JSONResponse(_jsonable(rows), headers=SECURITY_HEADERS)

    @api.get("/decisions", summary="Recent decisions of the admission gate (outcome admitted, refused or hold)")
    def decisions(account: str | None = None, outcome: Literal["admitted", "refused", "hold"] | None = None,
                  limit: Limit = 50) -> JSONResponse:
        with console.read() as conn:
            rows = console_reads.recent_decisions(conn, account=account, outcome=outcome, limit=limit)
        return JSONResponse(_jsonable(rows), headers=SECURITY_HEADERS)

    @api.get("/refusals", summary="Refused signals by reason code")
    def refusals(account: str | None = None) -> JSONResponse:
        with console.read() as conn:
            return JSONResponse(_jsonable(console_reads.refusals_by_reason(conn, account=account)),
                                headers=SECURITY_HEADERS)

    @api.post("/halt", summary="api.halt(reason, scope, target)")
    def halt(body: HaltBody, who: Writer) -> JSONResponse:
        with console.write(who.login) as conn:
            seq = db_api.halt(conn, body.reason, body.scope, body.target)
        return JSONResponse({"halt_event": seq, "scope": body.scope, "target": body.target}, headers=SECURITY_HEADERS)

    @api.post("/resume",
              summary="api.resume(reason, scope, target, incidents): refused (409, PD014) while a reconciliation it "
                      "covers is dirty or a severity-1 incident is open; a global resume (409, PD017) without a "
                      "second operator's approval while the two-person rule holds")
    def resume(body: ResumeBody, who: Writer) -> JSONResponse:
        with console.write(who.login) as conn:
            seq = db_api.resume(conn, body.reason, body.scope, body.target, body.incidents)
        return JSONResponse({"halt_event": seq, "scope": body.scope, "target": body.target,
                             "incidents": body.incidents or []}, headers=SECURITY_HEADERS)

    @api.get("/approvals", summary="The latest approval requests (two-person rule) with their status")
    def approvals(limit: Limit = 50) -> JSONResponse:
        with console.read() as conn:
            rows = approvals_reads.approval_requests(conn, limit=limit)
        return JSONResponse(_jsonable(rows), headers=SECURITY_HEADERS)

    @api.post("/approvals", summary="api.request_approval(action, target, reason, mode, value): ask a second "
                                    "operator to approve a high-risk action")
    def request_approval(body: ApprovalRequestBody, who: Writer) -> JSONResponse:
        with console.write(who.login) as conn:
            request_id = db_api.request_approval(conn, body.action, body.target, body.reason, body.mode, body.value)
        return JSONResponse({"request": request_id, "action": body.action, "target": body.target,
                             "requested_as": who.login}, headers=SECURITY_HEADERS)

    @api.post("/approvals/{request_id}/approve",
              summary="api.approve(request, reason): the second operator approves (409, PD018: its own request, "
                      "already approved or expired)")
    def approve(request_id: int, body: ReasonBody, who: Writer) -> JSONResponse:
        with console.write(who.login) as conn:
            db_api.approve(conn, request_id, body.reason)
        return JSONResponse({"request": request_id, "status": "approved", "approved_as": who.login},
                            headers=SECURITY_HEADERS)

    @api.post("/safe_mode", summary="api.apply_safe_mode(profile, template, reason): a reduced-risk limit set")
    def apply_safe_mode(body: SafeModeBody, who: Writer) -> JSONResponse:
        with console.write(who.login) as conn:
            application = db_api.apply_safe_mode(conn, body.profile, body.template, body.reason)
        return JSONResponse({"application": application, "profile": body.profile, "template": body.template},
                            headers=SECURITY_HEADERS)

    @api.post("/safe_mode/revert", summary="api.revert_safe_mode(profile, reason)")
    def revert_safe_mode(body: SafeModeRevertBody, who: Writer) -> JSONResponse:
        with console.write(who.login) as conn:
            application = db_api.revert_safe_mode(conn, body.profile, body.reason)
        return JSONResponse({"application": application, "profile": body.profile, "reverted": True},
                            headers=SECURITY_HEADERS)

    @api.post("/kill_switch", summary="api.kill_switch(reason, flatten)")
    def kill_switch(body: KillSwitchBody, who: Writer) -> JSONResponse:
        with console.write(who.login) as conn:
            result = db_api.kill_switch(conn, body.reason, body.flatten)
        with console.read() as conn:
            listeners = notify.kill_listeners(conn)
        return JSONResponse(_jsonable({**dataclasses.asdict(result), "listening_workers": listeners}),
                            headers=SECURITY_HEADERS)

    @api.post("/strategies/{account}/{strategy}/pause",
              summary="api.pause_strategy(account, strategy, reason)")
    def pause_strategy(account: str, strategy: str, body: ReasonBody, who: Writer) -> JSONResponse:
        with console.write(who.login) as conn:
            db_api.pause_strategy(conn, account, strategy, body.reason)
        return JSONResponse({"account": account, "strategy": strategy, "status": "paused"}, headers=SECURITY_HEADERS)

    @api.post("/strategies/{account}/{strategy}/resume",
              summary="api.resume_strategy(account, strategy, reason)")
    def resume_strategy(account: str, strategy: str, body: ReasonBody, who: Writer) -> JSONResponse:
        with console.write(who.login) as conn:
            db_api.resume_strategy(conn, account, strategy, body.reason)
        return JSONResponse({"account": account, "strategy": strategy, "status": "active"}, headers=SECURITY_HEADERS)

    @api.post("/incidents/{incident}/acknowledge",
              summary="api.update_incident(incident, 'acknowledged', reason)")
    def acknowledge_incident(incident: str, body: ReasonBody, who: Writer) -> JSONResponse:
        with console.write(who.login) as conn:
            status = db_api.update_incident(conn, incident, "acknowledged", body.reason)
        return JSONResponse({"incident": incident, "status": status}, headers=SECURITY_HEADERS)

    @api.post("/incidents/{incident}/resolve",
              summary="api.update_incident(incident, 'resolved', reason)")
    def resolve_incident(incident: str, body: ReasonBody, who: Writer) -> JSONResponse:
        with console.write(who.login) as conn:
            status = db_api.update_incident(conn, incident, "resolved", body.reason)
        return JSONResponse({"incident": incident, "status": status}, headers=SECURITY_HEADERS)

    app.include_router(api)

    # -- the Mirror pages --
    def page_reader(request: Request) -> Principal:
        return console.principal(request)

    Visitor = Annotated[Principal, Depends(page_reader)]

    @app.get("/login", include_in_schema=False)
    def login_page() -> HTMLResponse:
        return console.page("login.html")

    @app.post("/login", include_in_schema=False)
    async def login(request: Request) -> Response:
        supplied = (await _form(request)).get("token", "").strip()
        login_as = console.login_of(supplied)
        if login_as is None:
            return console.page("login.html", status=401, failed=True)
        sid, _ = console.sessions.create(login_as)
        response = console.redirect("/")
        # Scoped to the base path: a browser sends it to no URL outside it, on this port or any other.
        response.set_cookie(security.COOKIE, sid, max_age=security.SESSION_TTL_S, path=console.base, httponly=True,
                            samesite="strict")
        return response

    @app.post("/logout", include_in_schema=False)
    async def logout(request: Request, principal: Visitor) -> Response:
        console.check_csrf(principal, (await _form(request)).get(security.CSRF_FIELD))
        console.sessions.drop(principal.sid)
        response = console.redirect("/login")
        response.delete_cookie(security.COOKIE, path=console.base, httponly=True, samesite="strict")
        return response

    @app.get("/", include_in_schema=False)
    def overview(principal: Visitor) -> HTMLResponse:
        with console.read() as conn:
            context: dict[str, Any] = {
                "halts": console_reads.halts_in_force(conn),
                "breaker_trips": console_reads.breaker_trips(conn, limit=10),
                "risk_states": console_reads.risk_states_not_normal(conn),
                "heartbeats": console_reads.worker_heartbeats(conn),
                "listeners": notify.kill_listeners(conn),
                "reconciliations": console_reads.last_reconciliations(conn),
                "validation": console_reads.last_validation_run(conn),
                "accounts": console_reads.accounts(conn),
                "positions": console_reads.positions(conn),
                "orders": console_reads.open_orders(conn),
                "fills": console_reads.recent_fills(conn, limit=20),
                "incidents": ops_reads.incidents(conn),
                "refusals": console_reads.refusals_by_reason(conn),
            }
        return console.page("overview.html", principal=principal, **context)

    @app.get("/admin", include_in_schema=False)
    def admin(principal: Visitor, done: str | None = None, seq: int | None = None, target: str | None = None,
              orders: int | None = None, exits: int | None = None) -> HTMLResponse:
        with console.read() as conn:
            context: dict[str, Any] = {
                "halts": console_reads.halts_in_force(conn),
                "accounts": console_reads.accounts(conn),
                "incidents": ops_reads.incidents(conn),
                "approvals": approvals_reads.approval_requests(conn, limit=20),
                "templates": approvals_reads.safe_mode_templates(conn),
                "safe_modes": approvals_reads.safe_modes_in_force(conn),
                "strategies": mirror_reads.strategies(conn),
            }
        if done == "kill_switch_halted" and (orders is None or exits is None):
            done = None
        return console.page("admin.html", principal=principal, done=done if done in UI_DONE else None, seq=seq,
                            target=target, orders=orders, exits=exits, **context)

    async def _ui_write(request: Request, principal: Principal, action: str, build: Callable[[UiForm], BaseModel],
                        call: Callable[[psycopg.Connection[Any], Any], int], needs: str) -> Response:
        """One form of the admin page: the session's CSRF token, the fields checked by the control API's own
        body model, then one governed ``api.*`` call as the session's login; back to /admin with its result, or
        the database's refusal (code, message, hint) on the error page."""
        form = UiForm(await _form_lists(request))
        console.check_csrf(principal, form.one(security.CSRF_FIELD))
        try:
            body = build(form)
        except ValueError:
            return console.page("error.html", status=422, principal=principal, problem=Problem(
                422, "invalid_request", f"the {action.replace('_', ' ')} form is not complete", needs))

        def governed() -> int:
            with console.write(principal.login) as conn:
                return int(call(conn, body))

        seq = await run_in_threadpool(governed)
        return console.redirect(f"/admin?done={action}&seq={seq}")

    scope_needs = "Fill in the reason; an account, lane or account/strategy as target for a scoped one."

    @app.post("/ui/halt", include_in_schema=False)
    async def ui_halt(request: Request, principal: Visitor) -> Response:
        return await _ui_write(
            request, principal, "halt",
            lambda f: HaltBody(reason=f.one("reason"), scope=f.one("scope") or "global",  # type: ignore[arg-type]
                               target=f.one("target") or None),
            lambda conn, b: db_api.halt(conn, b.reason, b.scope, b.target), scope_needs)

    @app.post("/ui/resume", include_in_schema=False)
    async def ui_resume(request: Request, principal: Visitor) -> Response:
        return await _ui_write(
            request, principal, "resume",
            lambda f: ResumeBody(reason=f.one("reason"), scope=f.one("scope") or "global",  # type: ignore[arg-type]
                                 target=f.one("target") or None, incidents=f.many("incidents") or None),
            lambda conn, b: db_api.resume(conn, b.reason, b.scope, b.target, b.incidents), scope_needs)

    @app.post("/ui/approvals", include_in_schema=False)
    async def ui_request_approval(request: Request, principal: Visitor) -> Response:
        return await _ui_write(
            request, principal, "request",
            lambda f: ApprovalRequestBody(action=f.one("action"), target=f.one("target"),  # type: ignore[arg-type]
                                          reason=f.one("reason"), mode=f.one("mode") or None,  # type: ignore[arg-type]
                                          value=f.one("value") or None),  # type: ignore[arg-type]
            lambda conn, b: db_api.request_approval(conn, b.action, b.target, b.reason, b.mode, b.value),
            "Fill in the action, its target (global for a resume) and the reason; a mode and a value for a limit.")

    @app.post("/ui/approvals/{request_id}/approve", include_in_schema=False)
    async def ui_approve(request_id: int, request: Request, principal: Visitor) -> Response:
        return await _ui_write(
            request, principal, "approve", lambda f: ReasonBody(reason=f.one("reason")),
            lambda conn, b: db_api.approve(conn, request_id, b.reason), "Fill in why you approve it.")

    @app.post("/ui/safe_mode", include_in_schema=False)
    async def ui_apply_safe_mode(request: Request, principal: Visitor) -> Response:
        return await _ui_write(
            request, principal, "safe_mode",
            lambda f: SafeModeBody(profile=f.one("profile"), template=f.one("template"), reason=f.one("reason")),
            lambda conn, b: db_api.apply_safe_mode(conn, b.profile, b.template, b.reason),
            "Fill in the risk profile, the template and the reason.")

    @app.post("/ui/safe_mode/revert", include_in_schema=False)
    async def ui_revert_safe_mode(request: Request, principal: Visitor) -> Response:
        return await _ui_write(
            request, principal, "safe_mode_revert",
            lambda f: SafeModeRevertBody(profile=f.one("profile"), reason=f.one("reason")),
            lambda conn, b: db_api.revert_safe_mode(conn, b.profile, b.reason),
            "Fill in the risk profile and the reason.")

    from predator.console import lanes  # the lanes and sessions routes and page (imports this module)

    lanes.register(app, console, reader, writer, page_reader)
    # The Mirror pages and admin forms of predator.console.mirror (exposures, feeds, timeline, checks, incidents,
    # runbooks, change log; kill switch, strategies, incident updates). Imported here: it builds on this module.
    from predator.console import mirror

    mirror.add_routes(app, console)

    redaction.register(settings.base_path.rsplit("/", 1)[-1])  # a secret: masked in every log line and traceback
    guarded = HostGuard(Gate(app, console), security.allowed_hosts(settings.host, settings.port))
    return CorrelationId(guarded, settings.base_path)
