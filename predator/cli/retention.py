"""``predator retention show|apply``: retention of log files, reports and chaos work directories (docs/recovery.md,
"Retention"). Never a row of the database."""

from __future__ import annotations

import click

from predator import retention, seams
from predator.cli import main
from predator.db.connection import default_target
from predator.db.retention_reads import RetentionSetting, retention_settings

_NEVER = ("the database is not subject to retention: the journal and every chained or append-only table are never "
          "deleted (the database refuses it)")


def _settings() -> list[RetentionSetting]:
    with default_target().connect("operator") as conn:
        return retention_settings(conn)


def _policy_lines(settings: list[RetentionSetting]) -> list[str]:
    return [f"{s.kind}: kept {'for ever' if s.days == 0 else f'{s.days} days'} ({s.name}"
            + (f", revision {s.revision}: {s.reason})" if s.revision is not None else ", shipped default)")
            for s in settings]


@main.group("retention")
def retention_group() -> None:
    """Retention of Predator's files: logs, reports, chaos work directories (settings retention_log_days,
    retention_report_days, retention_chaos_days, set with `api.set_setting` as the operator)."""


@retention_group.command("show")
def show_cmd() -> None:
    """What `retention apply` would delete or rotate now, and why. Deletes nothing."""
    settings = _settings()
    for line in _policy_lines(settings):
        click.echo(line)
    todo = retention.plan(settings, seams.wall_now())
    for c in todo:
        click.echo("would " + c.describe())
    click.echo(f"{len(todo)} to delete or rotate, {sum(c.size for c in todo)} bytes" if todo else "nothing to delete")
    click.echo(_NEVER)


@retention_group.command("apply")
def apply_cmd() -> None:
    """Delete (or rotate) what retention says is due, and print each one."""
    settings = _settings()
    done = retention.apply(retention.plan(settings, seams.wall_now()))
    for c in done:
        click.echo(("rotated " if c.action == "rotate" else "deleted ") + c.describe().split(" ", 1)[1])
    click.echo(f"{len(done)} deleted or rotated, {sum(c.size for c in done)} bytes" if done else "nothing to delete")
    click.echo(_NEVER)


@retention_group.command("set")
@click.argument("kind", type=click.Choice(["logs", "reports", "chaos"]))
@click.argument("days", type=click.IntRange(0, 3650))
@click.option("--reason", required=True, help="Why (kept in the setting's revision and the audit log).")
def set_cmd(kind: str, days: int, reason: str) -> None:
    """Keep KIND (logs, reports, chaos) DAYS days (0 = for ever): `api.set_setting` as the operator, audited."""
    from decimal import Decimal

    from predator.db import api
    from predator.db.retention_reads import SETTINGS

    name = next(n for n, (k, _d) in SETTINGS.items() if k == kind)
    with default_target().connect("operator") as conn:
        revision = api.set_setting(conn, name, Decimal(days), reason)
        conn.commit()
    click.echo(f"{name} = {days} (revision {revision})")
