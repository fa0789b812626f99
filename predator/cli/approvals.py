"""The two-person rule and safe modes (docs/operator.md, "Two-person rule", "Safe modes"): ``approval request``,
``approval approve``, ``approval list``, ``safe-mode apply``, ``safe-mode revert``, ``safe-mode list``."""

from __future__ import annotations

from decimal import Decimal

import click

from predator.cli import main
from predator.db import api, approvals_reads
from predator.db.connection import default_target

_LOGIN = click.Choice(["operator", "approver"])


@main.group()
def approval() -> None:
    """High-risk actions need a second operator's approval (two-person rule): one login asks, another approves,
    the asker then does the action, which uses the approval once."""


@approval.command("request")
@click.argument("action", type=click.Choice(["resume", "set_limit", "set_limit_policy", "set_setting", "set_lane",
                                             "promote_session", "demote_session"]))
@click.argument("target")
@click.option("--reason", required=True)
@click.option("--mode", default=None, help="set_limit, set_limit_policy: pct, abs, bps or count.")
@click.option("--value", type=Decimal, default=None,
              help="set_limit: the value (omit: disabled); set_limit_policy: the ceiling; set_setting: 0 "
                   "(two_person_rule), the raised value (reconcile_tolerance, max_clock_skew_seconds) or the "
                   "lowered one (live_burn_in_days); "
                   "set_lane: the budget; promote_session: the promoted allocation; demote_session: none.")
@click.option("--as", "login", type=_LOGIN, default="operator", show_default=True, help="The login that asks.")
def request(action: str, target: str, reason: str, mode: str | None, value: Decimal | None, login: str) -> None:
    """Ask for an approval: resume global; set_limit PROFILE/LIMIT[/SCOPE] --mode --value; set_limit_policy
    PROFILE/LIMIT --mode --value; set_setting two_person_rule --value 0; set_setting reconcile_tolerance|
    max_clock_skew_seconds --value NEW (raising it); set_setting live_burn_in_days --value NEW (lowering it);
    set_lane LANE/CURRENCY --value BUDGET;
    promote_session SES-N --value ALLOCATION; demote_session SES-N."""
    with default_target().connect(login) as conn, conn.transaction():  # type: ignore[arg-type]
        request_id = api.request_approval(conn, action, target, reason, mode, value)
    click.echo(f"approval request {request_id}: {action} {target}; another operator login approves it with "
               f"predator approval approve {request_id} --reason ...")


@approval.command("approve")
@click.argument("request_id", type=int)
@click.option("--reason", required=True)
@click.option("--as", "login", type=_LOGIN, default="approver", show_default=True,
              help="The approving login (not the one that asked).")
def approve(request_id: int, reason: str, login: str) -> None:
    """Approve another operator's request."""
    with default_target().connect(login) as conn, conn.transaction():  # type: ignore[arg-type]
        api.approve(conn, request_id, reason)
    click.echo(f"approval request {request_id}: approved")


@approval.command("list")
@click.option("--limit", type=click.IntRange(1, 1000), default=20, show_default=True)
def list_requests(limit: int) -> None:
    """The latest approval requests with their status (pending, approved, used, expired)."""
    with default_target().connect("auditor") as conn:
        rows = approvals_reads.approval_requests(conn, limit=limit)
    if not rows:
        click.echo("no approval requests")
    for r in rows:
        click.echo(f"{r.request_id:>6} {r.status:<9} {r.action} {r.target} {r.params}  asked by {r.requested_by}"
                   + (f", approved by {r.approved_by}" if r.approved_by else "") + f": {r.reason}")


@main.group("safe-mode")
def safe_mode() -> None:
    """Predefined reduced-risk limit sets applied to a risk profile in one audited call, and reverted."""


@safe_mode.command("apply")
@click.argument("profile")
@click.argument("template")
@click.option("--reason", required=True)
def apply(profile: str, template: str, reason: str) -> None:
    """Apply TEMPLATE (reduced, minimal) to the risk PROFILE."""
    with default_target().connect("operator") as conn, conn.transaction():
        application = api.apply_safe_mode(conn, profile, template, reason)
    click.echo(f"safe mode {template} applied to {profile} (application {application})")


@safe_mode.command("revert")
@click.argument("profile")
@click.option("--reason", required=True)
def revert(profile: str, reason: str) -> None:
    """Revert the safe mode in force on PROFILE (the limits it replaced are written back)."""
    with default_target().connect("operator") as conn, conn.transaction():
        application = api.revert_safe_mode(conn, profile, reason)
    click.echo(f"safe mode reverted on {profile} (application {application})")


@safe_mode.command("list")
def list_templates() -> None:
    """The templates and their limits."""
    with default_target().connect("auditor") as conn:
        rows = approvals_reads.safe_mode_templates(conn)
    for t in rows:
        click.echo(f"{t.template:<10} {t.limit_name:<26} {t.mode:<6} {t.value}")
