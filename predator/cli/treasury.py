"""``predator treasury status``: the self-financing status of an account's last closed UTC day and of its rolling
window (docs/treasury.md), read as the auditor from the api views."""

from __future__ import annotations

import json
import re
from datetime import date

import click

from predator.cli import main
from predator.db import treasury_reads
from predator.db.connection import default_target


@main.group()
def treasury() -> None:
    """Treasury and self-financing (docs/treasury.md)."""


def _window(value: str | None) -> int | None:
    if value is None:
        return None
    m = re.fullmatch(r"\s*(\d+)\s*d?\s*", value)
    if not m or int(m.group(1)) < 1 or int(m.group(1)) > 3660:
        raise click.BadParameter(f"{value!r} is not a window in days, e.g. 30d or 7")
    return int(m.group(1))


def _day(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a UTC day, e.g. 2023-02-14") from None


@treasury.command("status")
@click.option("--account", default=None, help="One account (default: every account with a status).")
@click.option("--window", "window", default=None,
              help="Rolling window in days, e.g. 30d (default: the account's treasury_window_days, 30 when unset).")
@click.option("--day", "day", default=None, help="The UTC day (default: the last one with a status).")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per account.")
def status_cmd(account: str | None, window: str | None, day: str | None, as_json: bool) -> None:
    """The day's and the rolling window's status: realized PnL, fees, operating costs, reserve accrual, net
    operating surplus, equity, principal, principal protected, policy actions, ledgers, transfers, costs.

    Exit 5 for an unknown account or one without a status (none is stored before its first 00:00 UTC close)."""
    from predator.reports.treasury import as_json as view_json
    from predator.reports.treasury import collect, text

    days, on = _window(window), _day(day)
    with default_target().connect("auditor") as conn:
        accounts = [account] if account else treasury_reads.status_accounts(conn)
        views = [collect(conn, a, days, on) for a in accounts]
    if not views:
        click.echo("no account has a treasury status yet (one is stored at each 00:00 UTC close)", err=True)
    for i, v in enumerate(views):
        if as_json:
            click.echo(json.dumps(view_json(v), sort_keys=True))
        else:
            if i:
                click.echo("")
            for line in text(v):
                click.echo(line)
