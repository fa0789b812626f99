"""Lanes and live sessions (docs/operator.md, "Lanes and sessions"): ``lanes list``, ``lanes set``;
``sessions list``, ``sessions show``, ``sessions schedule``, ``sessions start``, ``sessions suspend``,
``sessions resume``, ``sessions complete``, ``sessions roll-back``, ``sessions promote``, ``sessions demote``.

Every write is one governed ``api.*`` call as the operator's login (the database checks the status machine, the
lane's budget and the promotion rules, and audits it); every read goes through ``api`` views as the auditor."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import click

from predator.cli import main
from predator.db import api, lanes_reads, reads
from predator.db.connection import default_target
from predator.errors import NotFoundError

_LANES = click.Choice(["paper", "live_canary", "live_promoted"])


class SessionId(click.ParamType[int]):
    """A session id as the commands print it (``SES-3``) or as its number (``3``); anything else is a usage error
    (exit 2). Whether the session exists is the database's answer (PD011, exit 5)."""

    name = "SES-N"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        if isinstance(value, int):
            return value
        text = str(value).strip()
        digits = text[4:] if text[:4].upper() == "SES-" else text
        if digits.isascii() and digits.isdigit() and 0 < int(digits) < 2**63:
            return int(digits)
        self.fail(f"{value!r} is not a session id: give SES-N or N, e.g. SES-3 (predator sessions list)", param, ctx)


_SESSION = SessionId()


def _amount(value: Decimal | None, places: int = 2) -> str:
    return "-" if value is None else f"{value:,.{places}f}"


def _pct(value: Decimal | None) -> str:
    return "-" if value is None else f"{value * 100:.2f}%"


@main.group()
def lanes() -> None:
    """Lanes (paper, live_canary, live_promoted): each one's capital budget and risk envelope, and what its
    sessions hold of the budget."""


@lanes.command("list")
def list_lanes() -> None:
    """Every lane in force: budget, allocated, available, envelope, sessions."""
    with default_target().connect("auditor") as conn:
        rows = lanes_reads.lanes(conn)
    click.echo(f"{'lane':<14} {'budget':>14} {'allocated':>14} {'available':>14} {'ccy':<5} {'max dd':>7} "
               f"{'max day':>7} {'min days':>8}  sessions (sched/run/susp/ended)")
    for r in rows:
        click.echo(f"{r.lane:<14} {_amount(r.capital_budget):>14} {_amount(r.allocated):>14} "
                   f"{_amount(r.available):>14} {r.currency:<5} {r.max_drawdown_pct:>6}% "
                   f"{r.max_daily_loss_pct:>6}% {r.min_days:>8}  "
                   f"{r.scheduled}/{r.running}/{r.suspended}/{r.ended}")


@lanes.command("set")
@click.argument("lane", type=_LANES)
@click.option("--budget", type=Decimal, required=True, help="The capital budget, in --currency.")
@click.option("--currency", default=None, help="The budget's currency (default: the lane's current one).")
@click.option("--max-drawdown-pct", type=Decimal, default=None,
              help="Max drawdown of a session from its own peak, percent (default: unchanged).")
@click.option("--max-daily-loss-pct", type=Decimal, default=None,
              help="Max loss since 00:00 UTC, percent of the day-start equity (default: unchanged).")
@click.option("--min-days", type=click.IntRange(0, 3650), default=None,
              help="Days a session runs before promotion out of the lane (default: unchanged).")
@click.option("--reason", required=True)
def set_lane(lane: str, budget: Decimal, currency: str | None, max_drawdown_pct: Decimal | None,
             max_daily_loss_pct: Decimal | None, min_days: int | None, reason: str) -> None:
    """Set LANE's budget and envelope (a new revision, audited). Raising a live lane's budget needs a second
    operator's approval first: predator approval request set_lane LANE/CURRENCY --value BUDGET."""
    target = default_target()
    with target.connect("auditor") as conn:
        current = next((r for r in lanes_reads.lanes(conn) if r.lane == lane), None)
    if current is None:
        raise click.UsageError(f"lane {lane} has no registry entry")
    with target.connect("operator") as conn, conn.transaction():
        revision = api.set_lane(
            conn, lane, budget, currency or current.currency,
            max_drawdown_pct if max_drawdown_pct is not None else current.max_drawdown_pct,
            max_daily_loss_pct if max_daily_loss_pct is not None else current.max_daily_loss_pct,
            min_days if min_days is not None else current.min_days, reason)
    click.echo(f"lane {lane}: revision {revision}, budget {_amount(budget)} {currency or current.currency}")


@main.group()
def sessions() -> None:
    """Live sessions: an account (and optionally one strategy) running in a lane with a capital allocation,
    scheduled -> running -> suspended -> completed | rolled_back; promotion live_canary -> live_promoted (rules
    in SQL and a second operator's approval) and demotion."""


@sessions.command("list")
@click.option("--account", default=None)
@click.option("--lane", type=_LANES, default=None)
@click.option("--active", is_flag=True, help="Only scheduled, running and suspended sessions.")
def list_sessions(account: str | None, lane: str | None, active: bool) -> None:
    """Sessions, newest first, with status, allocation, utilisation, evidence and envelope."""
    with default_target().connect("auditor") as conn:
        if account is not None:
            reads.require_account(conn, account)
        rows = lanes_reads.sessions(conn, account=account, lane=lane, include_ended=not active)
    if not rows:
        click.echo("no sessions")
    for s in rows:
        flags: list[str] = []
        if s.status in ("running", "suspended"):  # what an operator must look at, for sessions that hold capital
            flags += ["ENVELOPE BREACHED"] if s.envelope_breached else []
            flags += [", ".join(s.halted_by)] if s.halted_by else []
            flags += [f"{s.open_incidents} open incident(s)"] if s.open_incidents else []
        click.echo(f"{s.session:<8} {s.status:<11} {s.account}{'/' + s.strategy if s.strategy else ''} in {s.lane}: "
                   f"allocation {_amount(s.allocation)} {s.currency}, utilisation {_pct(s.utilisation)}, "
                   f"{s.hours} h over {s.days:.1f} d, drawdown {_pct(s.drawdown)} (worst {_pct(s.max_drawdown)}), "
                   f"daily loss {_pct(s.daily_loss)}" + (f"  [{'; '.join(flags)}]" if flags else ""))


@sessions.command("show")
@click.argument("session_id", type=_SESSION)
def show(session_id: int) -> None:
    """One session: its figures, its events and its incidents."""
    with default_target().connect("auditor") as conn:
        s = lanes_reads.session(conn, session_id)
        if s is None:
            raise NotFoundError(f"unknown session SES-{session_id} (predator sessions list shows them)")
        events = lanes_reads.session_events(conn, session_id)
        incidents = lanes_reads.session_incidents(conn, session_id)
    click.echo(f"{s.session} {s.status}: {s.account}{'/' + s.strategy if s.strategy else ''} in {s.lane} "
               f"(account in {s.account_lane}), allocation {_amount(s.allocation)} {s.currency}"
               + (f", promoted from {s.promoted_from}" if s.promoted_from else ""))
    click.echo(f"  equity {_amount(s.equity)}, exposure {_amount(s.exposure)}, utilisation {_pct(s.utilisation)}")
    click.echo(f"  evidence: {s.hours} closed hours, {s.days:.2f} days; drawdown {_pct(s.drawdown)} "
               f"(worst {_pct(s.max_drawdown)}, envelope {s.max_drawdown_pct}%), daily loss {_pct(s.daily_loss)} "
               f"(envelope {s.max_daily_loss_pct}%), min days {s.min_days}")
    for e in events:
        click.echo(f"  {e.recorded_at:%Y-%m-%d %H:%M:%S} {e.from_status or '-'} -> {e.to_status} ({e.cause}, "
                   f"{e.actor}): {e.reason}")
    for i in incidents:
        click.echo(f"  {i.incident} severity {i.severity} {i.status}: {i.title}")


@sessions.command("schedule")
@click.option("--account", required=True)
@click.option("--allocation", type=Decimal, required=True, help="Capital allocated, in the lane's currency.")
@click.option("--strategy", default=None, help="Only this strategy of the account (default: the whole account).")
@click.option("--planned-end", type=click.DateTime(["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M"]),
              default=None, help="Planned review or end (UTC).")
@click.option("--reason", required=True)
def schedule(account: str, allocation: Decimal, strategy: str | None, planned_end: datetime | None,
             reason: str) -> None:
    """Register a scheduled session of ACCOUNT in its lane."""
    end = planned_end.replace(tzinfo=UTC) if planned_end and planned_end.tzinfo is None else planned_end
    with default_target().connect("operator") as conn, conn.transaction():
        session_id = api.schedule_session(conn, account, allocation, reason, strategy, end)
    click.echo(f"SES-{session_id} scheduled: predator sessions start {session_id} --reason ...")


def _move(name: str, call: Callable[[Any, int, str], str], help_text: str) -> None:
    @sessions.command(name, help=help_text)
    @click.argument("session_id", type=_SESSION)
    @click.option("--reason", required=True)
    def command(session_id: int, reason: str) -> None:
        with default_target().connect("operator") as conn, conn.transaction():
            status = call(conn, session_id, reason)
        click.echo(f"SES-{session_id}: {status}")


_move("start", api.start_session, "Start a scheduled session (within its lane's budget; lifts its account's halt).")
_move("suspend", api.suspend_session, "Suspend a running session (halts its account).")
_move("resume", api.resume_session, "Resume a suspended session (lifts its account's halt).")
_move("complete", api.complete_session, "End a running or suspended session (halts its account).")
_move("roll-back", api.roll_back_session, "Abandon a session (one that ran leaves its account halted).")
_move("demote", api.demote_session,
      "Demote a live_promoted session (running, or suspended by an envelope breach): rolled back, its account back "
      "to live_canary and halted. A second operator approves first: predator approval request demote_session SES-N, "
      "then predator approval approve.")


@sessions.command("promote")
@click.argument("session_id", type=_SESSION)
@click.option("--allocation", type=Decimal, required=True, help="The promoted session's allocation.")
@click.option("--reason", required=True)
def promote(session_id: int, allocation: Decimal, reason: str) -> None:
    """Promote a running live_canary session to live_promoted. A second operator approves first:
    predator approval request promote_session SES-N --value ALLOCATION, then predator approval approve."""
    with default_target().connect("operator") as conn, conn.transaction():
        new = api.promote_session(conn, session_id, allocation, reason)
    click.echo(f"SES-{session_id} promoted: SES-{new} runs in live_promoted with {_amount(allocation)}")
