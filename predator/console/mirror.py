"""The console's Mirror pages beyond the overview and the admin forms beyond halt, resume, approvals and safe modes
(issue 16 items 2 and 3, docs/operator.md): exposure against the caps, data-feed health, the decision timeline of a
symbol with its price chart, the checks, the incident console with the runbooks, the change log; the kill switch,
strategy pause and resume, and incident acknowledge, comment and resolve forms.

Like the rest of the console it holds no business logic and no SQL: reads are :mod:`predator.db.mirror_reads` and
:mod:`predator.db.console_reads` on the auditor's read-only connection, and every form is one governed ``api.*``
call of :mod:`predator.db.api` as the session's login, after the session's CSRF token. The timeline's chart is an
inline SVG drawn here from the stored closes and the events' own prices: geometry only, no figure of the book.

No ``from __future__ import annotations`` here: FastAPI resolves the routes' annotations at definition time, and the
dependency aliases (``Who``) are local to :func:`add_routes`.
"""


from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Annotated, Any, Literal
from urllib.parse import quote, urlencode

import psycopg
from fastapi import Depends, FastAPI, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, StringConstraints
from starlette.concurrency import run_in_threadpool

from predator.config import PROJECT_ROOT
from predator.console import security
from predator.console.app import (
    Console,
    KillSwitchBody,
    Principal,
    Reason,
    Refused,
    UiForm,
    _Body,
    _form_lists,
)
from predator.console.errors import Problem
from predator.db import api as db_api
from predator.db import console_reads, mirror_reads, notify, ops_reads

#: The runbooks the incident console links to: docs/runbooks/<category>.md (one per incident category).
RUNBOOKS = PROJECT_ROOT / "docs" / "runbooks"
#: The timeline's longest default window (up to 6 hours after its last event) and the longest one asked for.
TIMELINE_HOURS = 48
TIMELINE_MAX = timedelta(days=31)
#: How far back the feeds page lists gaps between stored bars.
GAP_DAYS = 30


class StrategyFormBody(_Body):
    """The strategy form's fields: ``api.pause_strategy`` / ``api.resume_strategy(account, strategy, reason)``."""

    account: Annotated[str, StringConstraints(min_length=1, max_length=100)]
    strategy: Annotated[str, StringConstraints(min_length=1, max_length=100)]
    reason: Reason


class IncidentUpdateBody(_Body):
    """``api.update_incident(incident, action, reason)``."""

    action: Literal["acknowledged", "comment", "resolved"]
    reason: Reason


def add_routes(app: FastAPI, console: Console) -> None:
    """The Mirror pages and admin forms of this module on ``app``."""

    def page_reader(request: Request) -> Principal:
        return console.principal(request)

    Who = Annotated[Principal, Depends(page_reader)]
    Limit = Annotated[int, Query(ge=1, le=1000)]

    # -- Mirror pages --

    @app.get("/exposures", include_in_schema=False)
    def exposures(principal: Who) -> HTMLResponse:
        with console.read() as conn:
            accounts = console_reads.accounts(conn)
            usage = mirror_reads.exposure_usage(conn)
        by_account: dict[str, list[mirror_reads.ExposureUsage]] = {}
        for row in usage:
            by_account.setdefault(row.account, []).append(row)
        return console.page("exposures.html", principal=principal, here="exposures", accounts=accounts,
                            usage=by_account)

    @app.get("/feeds", include_in_schema=False)
    def feeds(principal: Who, at: datetime | None = None) -> HTMLResponse:
        with console.read() as conn:
            clock = mirror_reads.feed_clock(conn, at=_utc(at))
            rows = mirror_reads.feed_health(conn, clock=clock)
            gaps: list[mirror_reads.CandleGap] = []
            for venue, interval in sorted({(f.venue, f.interval) for f in rows}):
                gaps += mirror_reads.candle_gaps(conn, venue=venue, interval=interval,
                                                 start=clock - timedelta(days=GAP_DAYS), end=clock)
            quarantine = mirror_reads.recent_quarantine(conn, limit=20)
        return console.page("feeds.html", principal=principal, here="feeds", clock=clock, given=at is not None,
                            feeds=rows, gaps=gaps, gap_days=GAP_DAYS, quarantine=quarantine)

    @app.get("/timeline", include_in_schema=False)
    def timeline(principal: Who, account: str | None = None, symbol: str | None = None,
                 start: Annotated[datetime | None, Query(alias="from")] = None,
                 end: Annotated[datetime | None, Query(alias="to")] = None) -> HTMLResponse:
        with console.read() as conn:
            symbols = mirror_reads.timeline_symbols(conn)
            if not account or not symbol:
                return console.page("timeline.html", principal=principal, here="timeline", symbols=symbols,
                                    chosen=None)
            venue = mirror_reads.account_venue(conn, account=account)
            if venue is None:
                return _not_found(console, principal, f"no account {account!r}",
                                  "Pick an account and a symbol on /timeline.")
            acted = mirror_reads.activity(conn, account=account, symbol=symbol)
            if acted.first_ts is None or acted.last_ts is None:
                return _not_found(console, principal, f"{account} has no signal, order or fill in {symbol}",
                                  "Pick an account and a symbol on /timeline.")
            # By default: from 6 hours before its first event, or TIMELINE_HOURS before the window's end, to 6 hours
            # after the hour of its last event.
            window_end = _utc(end) or _hour_ceil(acted.last_ts) + timedelta(hours=6)
            window_start = _utc(start) or max(window_end - timedelta(hours=TIMELINE_HOURS),
                                              acted.first_ts.replace(minute=0, second=0, microsecond=0)
                                              - timedelta(hours=6))
            if window_start >= window_end or window_end - window_start > TIMELINE_MAX:
                return console.page("error.html", status=422, principal=principal, problem=Problem(
                    422, "invalid_request", "the timeline's window must start before it ends and span at most "
                    f"{TIMELINE_MAX.days} days", "Pass from and to as ISO-8601 times, e.g. from=2024-03-01T00:00:00Z."))
            events = mirror_reads.timeline_events(conn, account=account, symbol=symbol, start=window_start,
                                                  end=window_end)
            # Bars whose close falls in the window: open times from one interval before its start.
            bars = mirror_reads.closes(conn, venue=venue, symbol=symbol, start=window_start - timedelta(hours=1),
                                       end=window_end - timedelta(hours=1))
        chart = price_chart(bars, events, window_start, window_end)
        earlier = {"account": account, "symbol": symbol, "from": _iso(window_start - (window_end - window_start)),
                   "to": _iso(window_start)}
        later = {"account": account, "symbol": symbol, "from": _iso(window_end),
                 "to": _iso(window_end + (window_end - window_start))}
        return console.page("timeline.html", principal=principal, here="timeline", symbols=symbols,
                            chosen=(account, symbol, venue), start=window_start, end=window_end, events=events,
                            chart=chart, earlier=f"{console.base}/timeline?{urlencode(earlier)}",
                            later=f"{console.base}/timeline?{urlencode(later)}")

    @app.get("/checks", include_in_schema=False)
    def checks(principal: Who) -> HTMLResponse:
        with console.read() as conn:
            context: dict[str, Any] = {
                "runs": mirror_reads.gate_runs(conn, limit=10),
                "replays": mirror_reads.last_replays(conn),
                "anchors": mirror_reads.latest_anchors(conn),
                "campaigns": mirror_reads.recent_campaigns(conn, limit=5),
                "reconciliations": console_reads.last_reconciliations(conn),
                "heartbeats": console_reads.worker_heartbeats(conn),
                "listeners": notify.kill_listeners(conn),
            }
        return console.page("checks.html", principal=principal, here="checks", **context)

    @app.get("/incidents", include_in_schema=False)
    def incidents(principal: Who, show_all: Annotated[bool, Query(alias="all")] = False,
                  done: str | None = None, incident: str | None = None) -> HTMLResponse:
        with console.read() as conn:
            rows = ops_reads.incidents(conn, include_resolved=show_all)
            updates = mirror_reads.incident_updates(conn, incidents=[i.incident for i in rows])
        history: dict[str, list[mirror_reads.IncidentUpdate]] = {}
        for u in updates:
            history.setdefault(u.incident, []).append(u)
        rows = sorted(rows, key=lambda i: (i.status == "resolved", i.opened_at), reverse=False)
        return console.page("incidents.html", principal=principal, here="incidents", incidents=rows,
                            history=history, runbooks=runbook_names(), show_all=show_all,
                            done=done if done in ("acknowledged", "comment", "resolved") else None,
                            done_incident=incident)

    @app.get("/runbooks", include_in_schema=False)
    def runbook_index(principal: Who) -> Response:
        return runbook(principal, "README")

    @app.get("/runbooks/{name}", include_in_schema=False)
    def runbook(principal: Who, name: str) -> Response:
        names = runbook_names()
        if name not in names and name != "README":
            return _not_found(console, principal, f"no runbook {name!r}",
                              f"Runbooks: {', '.join(sorted(names)) or 'none found under ' + str(RUNBOOKS)}.")
        path = RUNBOOKS / f"{name}.md"
        if not path.is_file():
            return _not_found(console, principal, f"no runbook file {path}", "Serve the console from a checkout.")
        return console.page("runbook.html", principal=principal, here="incidents", runbook=name,
                            text=path.read_text(encoding="utf-8"), names=sorted(names))

    @app.get("/changes", include_in_schema=False)
    def changes(principal: Who, action: str | None = None, limit: Limit = 200) -> HTMLResponse:
        with console.read() as conn:
            rows = mirror_reads.audit_log(conn, action=action or None, limit=limit)
            actions = mirror_reads.audit_actions(conn)
        return console.page("changes.html", principal=principal, here="changes", rows=rows, actions=actions,
                            action=action or "", limit=limit)

    # -- admin forms: each one governed call --

    async def governed_form(request: Request, principal: Principal, what: str, build: Callable[[UiForm], BaseModel],
                            call: Callable[[psycopg.Connection[Any], Any], Any], needs: str,
                            done: Callable[[Any], str]) -> Response:
        """The session's CSRF token, the fields checked by a body model, one governed ``api.*`` call as the
        session's login, then a redirect to ``done(result)`` (a path below the base path); a refusal is the
        database's (its code, message and hint on the error page)."""
        form = UiForm(await _form_lists(request))
        console.check_csrf(principal, form.one(security.CSRF_FIELD))
        try:
            body = build(form)
        except ValueError:
            return console.page("error.html", status=422, principal=principal, problem=Problem(
                422, "invalid_request", f"the {what} form is not complete", needs))

        def governed() -> Any:
            with console.write(principal.login) as conn:
                return call(conn, body)

        result = await run_in_threadpool(governed)
        return console.redirect(done(result))

    @app.post("/ui/kill_switch", include_in_schema=False)
    async def ui_kill_switch(request: Request, principal: Who) -> Response:
        return await governed_form(
            request, principal, "kill switch",
            lambda f: KillSwitchBody(reason=f.one("reason"), flatten=f.one("flatten") == "true"),
            lambda conn, b: db_api.kill_switch(conn, b.reason, b.flatten), "Fill in the reason.", _kill_switch_done)

    @app.post("/ui/strategies/{action}", include_in_schema=False)
    async def ui_strategy(action: Literal["pause", "resume"], request: Request, principal: Who) -> Response:
        """Pause or resume the strategy named by the form's ``account`` and ``strategy`` fields: in the body, not
        the path, since a browser rewrites a path segment ``.`` or ``..`` (names the database allows)."""
        def call(conn: psycopg.Connection[Any], b: StrategyFormBody) -> str:
            if action == "pause":
                db_api.pause_strategy(conn, b.account, b.strategy, b.reason)
            else:
                db_api.resume_strategy(conn, b.account, b.strategy, b.reason)
            return f"{b.account}/{b.strategy}"

        return await governed_form(
            request, principal, f"strategy {action}",
            lambda f: StrategyFormBody(account=f.one("account"), strategy=f.one("strategy"), reason=f.one("reason")),
            call, "Fill in the reason.",
            lambda target: f"/admin?done=strategy_{action}&target={quote(target, safe='')}")

    @app.post("/ui/incidents/{incident}", include_in_schema=False)
    async def ui_incident(incident: str, request: Request, principal: Who) -> Response:
        return await governed_form(
            request, principal, "incident",
            lambda f: IncidentUpdateBody(action=f.one("action"), reason=f.one("reason")),  # type: ignore[arg-type]
            lambda conn, b: (b.action, db_api.update_incident(conn, incident, b.action, b.reason)),
            "Fill in the reason and pick acknowledge, comment or resolve.",
            lambda r: "/incidents?" + urlencode({"done": r[0], "incident": incident}))


def _kill_switch_done(result: db_api.KillSwitch) -> str:
    """Where the kill switch form leads: the admin page with its halt event, or, when a global halt was in force
    already (``api.kill_switch`` then records no new halt event), with the orders marked and the exits created."""
    if result.halt_seq is None:
        return "/admin?" + urlencode({"done": "kill_switch_halted", "orders": result.orders_marked,
                                      "exits": result.flatten_orders})
    return f"/admin?done=kill_switch&seq={int(result.halt_seq)}"


def runbook_names() -> frozenset[str]:
    """The runbooks present: the stems of docs/runbooks/*.md but the index (README)."""
    if not RUNBOOKS.is_dir():
        return frozenset()
    return frozenset(p.stem for p in RUNBOOKS.glob("*.md") if p.stem != "README")


def _not_found(console: Console, principal: Principal, message: str, hint: str) -> HTMLResponse:
    return console.page("error.html", status=404, principal=principal,
                        problem=Problem(404, "not_found", message, hint))


def _utc(value: datetime | None) -> datetime | None:
    """A query's time in UTC (a time without a zone is taken as UTC); one beyond the calendar's range in UTC is
    refused (422)."""
    if value is None:
        return None
    try:
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    except OverflowError:
        raise Refused(Problem(422, "invalid_request", f"the time {value.isoformat()} is out of range in UTC",
                              "Pass an ISO-8601 time between the years 1 and 9999 (UTC).")) from None


def _hour_ceil(value: datetime) -> datetime:
    floor = value.replace(minute=0, second=0, microsecond=0)
    return floor if floor == value else floor + timedelta(hours=1)


def _iso(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# --- the timeline's chart -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Marker:
    """A point of the chart: an admitted or refused decision, or a fill, with its tooltip."""

    kind: str  # admitted | refused | hold | fill
    side: str | None
    x: float
    y: float
    title: str


@dataclass(frozen=True)
class Chart:
    """An SVG price chart: the closes as a polyline, the events as markers, the axes' labels."""

    width: int
    height: int
    line: str  # the polyline's points
    markers: list[Marker]
    y_ticks: list[tuple[float, str]]  # (y, price label)
    x_ticks: list[tuple[float, str]]  # (x, time label)
    left: int
    right: int
    top: int
    bottom: int


WIDTH, HEIGHT, LEFT, RIGHT, TOP, BOTTOM = 1100, 300, 70, 20, 15, 40


def price_chart(bars: list[mirror_reads.Bar], events: list[mirror_reads.TimelineEvent], start: datetime,
                end: datetime, interval: timedelta = timedelta(hours=1)) -> Chart:
    """The closes of ``bars`` at their close times over [``start``, ``end``], with a marker for each decision at
    its decision price (the close it was decided on when it has none) and each fill at its price."""
    span = (end - start).total_seconds()
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    points = [(b.ts + interval, b.close) for b in bars]

    def close_at(ts: datetime) -> Decimal | None:
        known = [p for t, p in points if t <= ts]
        return known[-1] if known else None

    marks: list[tuple[str, str | None, datetime, Decimal, str]] = []
    for e in events:
        if e.kind == "decision":
            price = e.price if e.price is not None else close_at(e.ts)
            if price is None:
                continue
            why = f" ({', '.join(e.reasons)})" if e.reasons else ""
            marks.append((e.status or "hold", e.side, e.ts, price,
                          f"{_iso(e.ts)} {e.strategy}: {e.side} {e.status}{why}"))
        elif e.kind == "fill" and e.price is not None:
            marks.append(("fill", e.side, e.ts, e.price, f"{_iso(e.ts)} fill: {e.side} {e.quantity} at {e.price}"))
    prices = [p for _, p in points] + [m[3] for m in marks]
    low, high = (min(prices), max(prices)) if prices else (Decimal(0), Decimal(1))
    if high == low:
        low, high = low - 1, high + 1
    pad = (high - low) * Decimal("0.05")
    low, high = low - pad, high + pad

    def x(ts: datetime) -> float:
        return round(LEFT + (ts - start).total_seconds() / span * plot_w, 1)

    def y(price: Decimal) -> float:
        return round(TOP + float((high - price) / (high - low)) * plot_h, 1)

    line = " ".join(f"{x(t)},{y(p)}" for t, p in points if start <= t <= end)
    markers = [Marker(kind, side, x(ts), y(price), title) for kind, side, ts, price, title in marks
               if start <= ts <= end]
    y_ticks = [(y(low + (high - low) * Decimal(i) / 4), f"{low + (high - low) * Decimal(i) / 4:,.2f}")
               for i in range(5)]
    x_ticks = [(x(start + (end - start) * i / 4), (start + (end - start) * i / 4).strftime("%m-%d %H:%M"))
               for i in range(5)]
    return Chart(WIDTH, HEIGHT, line, markers, y_ticks, x_ticks, LEFT, WIDTH - RIGHT, TOP, HEIGHT - BOTTOM)
