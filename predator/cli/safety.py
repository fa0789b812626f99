"""Operator safety commands: ``halt``, ``resume``, ``kill``, ``incidents``, ``incident``, ``breaker``,
``pair-shadow``."""

from __future__ import annotations

import sys
from decimal import Decimal

import click

from predator.cli import main
from predator.db import api, notify, ops_reads, reads
from predator.db.connection import default_target

_TARGETS = {"account": "an account name", "lane": "paper, live_canary or live_promoted",
            "strategy": "account/strategy, e.g. paper1/trend"}


def _check_scope(scope: str, target: str | None) -> str | None:
    """``--scope`` and ``--target`` of ``halt``/``resume`` that make sense together, else a usage error (exit 2)
    before the database is touched: a ``--target`` without ``--scope account|lane|strategy`` would otherwise act
    globally, and a scoped halt without its target names nothing. Returns the target, stripped."""
    target = target.strip() if target is not None else None
    if scope == "global":
        if target:
            raise click.UsageError(f"--target {target} needs --scope account|lane|strategy (the scope is global: "
                                   f"it would act on every book); e.g. --scope account --target {target}")
        if target is not None:
            raise click.UsageError("--target is empty; leave it out for a global halt, or give --scope "
                                   "account|lane|strategy with its target")
        return None
    if not target:
        raise click.UsageError(f"--scope {scope} needs --target ({_TARGETS[scope]})")
    return target


@main.command()
@click.option("--reason", required=True, help="Why (kept in the audit log).")
@click.option(
    "--scope", type=click.Choice(["global", "account", "lane", "strategy"]), default="global", show_default=True
)
@click.option("--target", default=None, help="Account name, lane, or account/strategy for scoped halts.")
def halt(reason: str, scope: str, target: str | None) -> None:
    """Halt trading: SELECT api.halt(reason[, scope, target]). No order is admitted at that scope afterwards.
    --target (an account, a lane, or account/strategy) goes with --scope account|lane|strategy."""
    target = _check_scope(scope, target)
    with default_target().connect("operator") as conn, conn.transaction():
        seq = api.halt(conn, reason, scope, target)
    click.echo(f"halted {scope} {target or ''} (halt event {seq})".replace("  ", " "))


@main.command()
@click.option("--reason", required=True)
@click.option(
    "--scope", type=click.Choice(["global", "account", "lane", "strategy"]), default="global", show_default=True
)
@click.option("--target", default=None, help="Account name, lane, or account/strategy for scoped resumes.")
@click.option("--incident", "incidents", multiple=True, metavar="INC-<book>-<seq>",
              help="An incident the resume answers (repeatable): resolved by it, kept in its audit row.")
def resume(reason: str, scope: str, target: str | None, incidents: tuple[str, ...]) -> None:
    """Lift a halt explicitly. Refused while reconciliation is dirty or a severity-1 incident is open. A global
    resume needs a second operator's approval while the two-person rule holds (predator approval request resume
    global, then predator approval approve ID --as approver)."""
    target = _check_scope(scope, target)
    with default_target().connect("operator") as conn, conn.transaction():
        seq = api.resume(conn, reason, scope, target, incidents)
    click.echo(f"resumed {scope} {target or ''} (halt event {seq})".replace("  ", " ")
               + (f"; answered {', '.join(incidents)}" if incidents else ""))


@main.command()
@click.option("--reason", required=True)
@click.option("--flatten", is_flag=True, help="Also sell every position to cash (reduce-only market exits).")
def kill(reason: str, flatten: bool) -> None:
    """The kill switch: global halt, every open order marked for cancellation, optionally flatten.

    The database decides and records all of it at once; the venue hears of it only through a worker. A running
    worker (predator run) listens on channel predator_kill and carries out its account's cancels and exits at
    once; without one they go out when a worker for the account runs next (predator run, or predator paper at
    its next hour). The command says which workers are listening."""
    target = default_target()
    with target.connect("operator") as conn, conn.transaction():
        result = api.kill_switch(conn, reason, flatten)
    with target.connect("operator") as conn:
        listeners = notify.kill_listeners(conn)
    click.echo(
        f"kill switch: halted globally{' (already halted)' if result.halt_seq is None else ''}; "
        f"{result.orders_marked} open orders marked for cancellation; {result.flatten_orders} exit orders created"
    )
    pending = result.orders_marked + result.flatten_orders
    if listeners:
        accounts = sorted({w.account or "?" for w in listeners})
        click.echo(f"{len(listeners)} worker(s) listening (account {', '.join(accounts)}; pid "
                   f"{', '.join(str(w.pid) for w in listeners)}): they carry out their accounts' cancels and exits "
                   f"now; any other account's go out when its worker runs.")
    else:
        click.echo(f"no worker is listening: the database has recorded the halt, but the {pending} cancel(s) and "
                   f"exit order(s) reach the venue only when a worker runs for their account (predator run "
                   f"--account …; predator paper carries them out at its next hour). Nothing was sent to a "
                   f"venue by this command.")


@main.command()
@click.option("--all", "show_all", is_flag=True, help="Include resolved incidents.")
@click.option("--account", default=None)
def incidents(show_all: bool, account: str | None) -> None:
    """List incidents (open and acknowledged by default)."""
    with default_target().connect("auditor") as conn:
        if account is not None:
            reads.require_account(conn, account)
        rows = ops_reads.incidents(conn, include_resolved=show_all, account=account)
    if not rows:
        click.echo("no incidents")
        return
    for i in rows:
        when = i.ts.strftime("%Y-%m-%d %H:%M") if i.ts else i.opened_at.strftime("%Y-%m-%d %H:%M (wall)")
        click.echo(
            f"{i.incident:<14} sev {i.severity}  {i.category:<14} {i.status:<12} {i.account or '*':<12} {when}"
            f"  {i.title}: {i.description}" + (f"  — {i.resolution}" if i.resolution else "")
        )


@main.command()
@click.argument("incident_id")
@click.argument("action", type=click.Choice(["acknowledge", "resolve", "comment"]))
@click.option("--reason", required=True)
def incident(incident_id: str, action: str, reason: str) -> None:
    """Acknowledge, resolve or comment on an incident (INC-<book>-<seq>)."""
    kind = {"acknowledge": "acknowledged", "resolve": "resolved", "comment": "comment"}[action]
    with default_target().connect("operator") as conn, conn.transaction():
        status = api.update_incident(conn, incident_id, kind, reason)
    click.echo(f"{incident_id}: {status}")


@main.command()
@click.option("--lane", required=True, type=click.Choice(["paper", "live_canary", "live_promoted"]))
@click.option("--breaker", required=True)
@click.option("--threshold", type=Decimal, default=None, help="Omit to disable the breaker.")
@click.option("--account", default="*", show_default=True)
@click.option("--window-hours", type=int, default=None)
@click.option("--min-events", type=int, default=None)
@click.option("--trip-scope", type=click.Choice(["global", "lane", "account"]), default=None)
@click.option("--reason", required=True)
def breaker(
    lane: str,
    breaker: str,
    threshold: Decimal | None,
    account: str,
    window_hours: int | None,
    min_events: int | None,
    trip_scope: str | None,
    reason: str,
) -> None:
    """Set a circuit-breaker threshold for a lane (or one account of it)."""
    with default_target().connect("operator") as conn, conn.transaction():
        rev = api.set_breaker(conn, lane, breaker, threshold, reason, account, window_hours, min_events, trip_scope)
    click.echo(f"breaker {breaker} for {lane}/{account}: revision {rev}")
    sys.exit(0)


@main.command("pair-shadow")
@click.option("--shadow", required=True, help="The shadow account (predator run --mode shadow).")
@click.option("--reference", required=True, help="The paper or live account on the same venue and data.")
@click.option("--reason", required=True, help="Why (kept in the audit log).")
def pair_shadow(shadow: str, reference: str, reason: str) -> None:
    """Pair a shadow account with its reference: SELECT api.pair_shadow(shadow, reference, reason). From then on
    the shadow worker compares every hour both closed; a divergence above the shadow_divergence breaker's
    threshold (predator breaker) halts."""
    with default_target().connect("operator") as conn, conn.transaction():
        api.pair_shadow(conn, shadow=shadow, reference=reference, reason=reason)
    click.echo(f"shadow {shadow} paired with {reference}")
