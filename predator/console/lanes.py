"""The console's lanes and sessions (docs/operator.md, "Lanes and sessions"): the read-only ``/lanes`` page and the
control API's routes under ``/api/v1/lanes`` and ``/api/v1/sessions``.

Like the rest of the console it holds no business logic and no SQL: reads call :mod:`predator.db.lanes_reads` as
the auditor, and every write is one governed ``api.*`` call (``api.set_lane``, ``api.schedule_session``, a
session move, ``api.promote_session``) as the session's operator login, whose refusal (the status machine PD021,
the rules PD022/PD023 with their reason codes, the two-person rule PD017) comes back with the database's HINT.
:func:`register` is called by :func:`predator.console.app.create_app`.
"""

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

import psycopg
from fastapi import APIRouter, Depends, FastAPI
from fastapi.responses import HTMLResponse, JSONResponse
from pydantic import Field, StringConstraints

from predator.console.app import API_PREFIX, SECURITY_HEADERS, Console, Principal, Reason, ReasonBody, _Body, _jsonable
from predator.db import api as db_api
from predator.db import lanes_reads

Lane = Literal["paper", "live_canary", "live_promoted"]
Amount = Annotated[Decimal, Field(gt=0, allow_inf_nan=False, description="An amount of the lane's currency.")]
Percent = Annotated[Decimal, Field(gt=0, le=100, allow_inf_nan=False)]
Name = Annotated[str, StringConstraints(min_length=1, max_length=200)]


class LaneBody(_Body):
    """``api.set_lane(lane, capital_budget, currency, max_drawdown_pct, max_daily_loss_pct, min_days, reason)``:
    raising a live lane's budget needs a second operator's approval (``set_lane`` ``<lane>/<currency>``)."""

    capital_budget: Annotated[Decimal, Field(ge=0, allow_inf_nan=False)]
    currency: Annotated[str, StringConstraints(min_length=1, max_length=20)]
    max_drawdown_pct: Percent
    max_daily_loss_pct: Percent
    min_days: Annotated[int, Field(ge=0, le=3650)]
    reason: Reason


class ScheduleBody(_Body):
    """``api.schedule_session(account, allocation, reason, strategy, planned_end)``."""

    account: Name
    allocation: Amount
    reason: Reason
    strategy: Name | None = None
    planned_end: datetime | None = None


class PromoteBody(_Body):
    """``api.promote_session(session, allocation, reason)``: a second operator approved ``promote_session``
    ``SES-<n>`` with this allocation first (``POST /api/v1/approvals``)."""

    allocation: Amount
    reason: Reason


#: The session moves of the control API: path segment -> (gateway function, what it does).
MOVES: dict[str, tuple[Callable[[psycopg.Connection[Any], int, str], str], str]] = {
    "start": (db_api.start_session, "api.start_session(session, reason): scheduled -> running within the lane's "
                                    "budget (409 PD022 naming each failed rule), lifting the account's halt"),
    "suspend": (db_api.suspend_session, "api.suspend_session(session, reason): running -> suspended, the account "
                                        "halted"),
    "resume": (db_api.resume_session, "api.resume_session(session, reason): suspended -> running (409 PD022 naming "
                                      "each failed rule), lifting the account's halt"),
    "complete": (db_api.complete_session, "api.complete_session(session, reason): -> completed, the account halted"),
    "roll_back": (db_api.roll_back_session, "api.roll_back_session(session, reason): -> rolled_back"),
    "demote": (db_api.demote_session, "api.demote_session(session, reason): a live_promoted session rolled back, "
                                      "its account back to live_canary and halted; a second operator approved "
                                      "demote_session SES-<n> first (POST /api/v1/approvals; 409 PD017 without)"),
}


def register(app: FastAPI, console: Console, reader: Callable[..., Principal], writer: Callable[..., Principal],
             page_reader: Callable[..., Principal]) -> None:
    """Add the lanes and sessions routes to the console's application: JSON under ``/api/v1`` (every route behind
    ``reader``; writes behind ``writer``, which checks a browser session's CSRF token) and the ``/lanes`` page."""
    Writer = Annotated[Principal, Depends(writer)]
    Visitor = Annotated[Principal, Depends(page_reader)]
    router = APIRouter(prefix=API_PREFIX, dependencies=[Depends(reader)])

    def answer(body: Any) -> JSONResponse:
        return JSONResponse(_jsonable(body), headers=SECURITY_HEADERS)

    @router.get("/lanes", summary="The lanes in force: capital budget, allocated, available, risk envelope, sessions")
    def lanes() -> JSONResponse:
        with console.read() as conn:
            return answer(lanes_reads.lanes(conn))

    @router.post("/lanes/{lane}", summary="api.set_lane(lane, capital_budget, currency, max_drawdown_pct, "
                                          "max_daily_loss_pct, min_days, reason): raising a live lane's budget needs "
                                          "a second operator's approval (409 PD017)")
    def set_lane(lane: Lane, body: LaneBody, who: Writer) -> JSONResponse:
        with console.write(who.login) as conn:
            revision = db_api.set_lane(conn, lane, body.capital_budget, body.currency, body.max_drawdown_pct,
                                       body.max_daily_loss_pct, body.min_days, body.reason)
        return answer({"lane": lane, "revision": revision})

    @router.get("/sessions", summary="Sessions, newest first, with status, allocation, utilisation, evidence and "
                                     "envelope (active=true: not ended)")
    def sessions(account: str | None = None, lane: Lane | None = None, active: bool = False) -> JSONResponse:
        with console.read() as conn:
            return answer(lanes_reads.sessions(conn, account=account, lane=lane, include_ended=not active))

    @router.get("/sessions/{session_id}", summary="One session with its events and its incidents")
    def session(session_id: int) -> JSONResponse:
        with console.read() as conn:
            found = lanes_reads.session(conn, session_id)
            if found is None:
                return JSONResponse({"code": "PD011", "message": f"unknown session SES-{session_id}",
                                     "hint": "See GET /api/v1/sessions.", "detail": None},
                                    status_code=404, headers=SECURITY_HEADERS)
            return answer({"session": found, "events": lanes_reads.session_events(conn, session_id),
                           "incidents": lanes_reads.session_incidents(conn, session_id)})

    @router.post("/sessions", summary="api.schedule_session(account, allocation, reason, strategy, planned_end)")
    def schedule(body: ScheduleBody, who: Writer) -> JSONResponse:
        with console.write(who.login) as conn:
            session_id = db_api.schedule_session(conn, body.account, body.allocation, body.reason, body.strategy,
                                                 body.planned_end)
        return answer({"session_id": session_id, "session": f"SES-{session_id}", "status": "scheduled"})

    def move_route(segment: str, call: Callable[[psycopg.Connection[Any], int, str], str], summary: str) -> None:
        @router.post(f"/sessions/{{session_id}}/{segment}", summary=summary, name=f"session_{segment}")
        def move(session_id: int, body: ReasonBody, who: Writer) -> JSONResponse:
            with console.write(who.login) as conn:
                status = call(conn, session_id, body.reason)
            return answer({"session_id": session_id, "session": f"SES-{session_id}",
                           ("lane" if segment == "demote" else "status"): status})

    for segment, (call, summary) in MOVES.items():
        move_route(segment, call, summary)

    @router.post("/sessions/{session_id}/promote",
                 summary="api.promote_session(session, allocation, reason): live_canary -> live_promoted when the "
                         "rules hold (409 PD023 naming each failed one) and a second operator approved (409 PD017)")
    def promote(session_id: int, body: PromoteBody, who: Writer) -> JSONResponse:
        with console.write(who.login) as conn:
            new = db_api.promote_session(conn, session_id, body.allocation, body.reason)
        return answer({"session_id": session_id, "promoted_to": new, "session": f"SES-{new}", "lane": "live_promoted"})

    app.include_router(router)

    @app.get("/lanes", include_in_schema=False)
    def lanes_page(principal: Visitor) -> HTMLResponse:
        with console.read() as conn:
            context: dict[str, Any] = {
                "lanes": lanes_reads.lanes(conn),
                "sessions": lanes_reads.sessions(conn, limit=100),
                "incidents": lanes_reads.session_incidents(conn),
                "lane_changes": lanes_reads.account_lanes(conn),
            }
        return console.page("lanes.html", principal=principal, **context)
