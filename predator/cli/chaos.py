"""``predator chaos``: chaos campaigns (issue 14, docs/chaos.md "Campaigns")."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

from predator import seams
from predator.cli import main
from predator.cli.trading import _utc, database_lost_exits
from predator.db.connection import default_target
from predator.logs import configure_logging


@main.group()
def chaos() -> None:
    """Chaos campaigns: a seeded schedule of faults (venue, worker SIGKILLs, PostgreSQL immediate stops,
    decisions, the data feed, a memory leak, the kill switch) over a paper run, checked after every segment
    (docs/chaos.md)."""


@chaos.command("run")
@click.option("--campaign", type=click.IntRange(1, 4), required=True,
              help="1 light (30 days), 2 medium (90), 3 heavy (180), 4 extreme (365).")
@click.option("--seed", type=int, default=None, help="The campaign's seed (default: a fresh one, printed).")
@click.option("--days", type=click.IntRange(1, 3650), default=None, help="Simulated days (default: the campaign's).")
@click.option("--symbols", default="BTC/USDT,ETH/USDT,SOL/USDT", show_default=True)
@click.option("--from", "start", default="2023-03-01", show_default=True, help="First decision time (UTC).")
@click.option("--workdir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Where the plan file goes (default: PREDATOR_HOME/chaos).")
@click.option("--no-replay", is_flag=True, help="Skip the replay parity at the end.")
@click.option("--check-hours", type=click.IntRange(1, 24 * 365), default=24, show_default=True,
              help="Check (gates over the new hours, chains, the operator's runbook) every N simulated hours "
                   "while faults may occur; every 6 hours in the liveness phase.")
@click.option("--serial-checks", is_flag=True,
              help="Check every segment with the worker waiting at its barrier (default: a segment with no halt in "
                   "force is checked while the worker runs the next one).")
@click.option("--save-failing-seed", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="On failure, write the seed to this directory (tests/chaos/seeds) as a regression.")
def run_cmd(campaign: int, seed: int | None, days: int | None, symbols: str, start: str, workdir: Path | None,
            no_replay: bool, check_hours: int, serial_checks: bool, save_failing_seed: Path | None) -> None:
    """Run a campaign: exit 0 when every check passed, 1 when one failed (the seed is printed first)."""
    from predator import config
    from predator.chaos.campaign import Campaign, summary_lines
    from predator.chaos.metrics import store

    begin = _utc(start)  # a usage error (2) before the seed is drawn or anything runs
    if begin.minute or begin.second or begin.microsecond:
        raise click.BadParameter(f"{start!r} is not on the hour: a run decides on whole UTC hours (e.g. "
                                 f"{begin:%Y-%m-%dT%H}:00Z)", param_hint="'--from'")
    configure_logging()
    if seed is None:
        seed = seams.session_seed()
    click.echo(f"chaos seed: {seed}")
    target = default_target()
    run = Campaign(target, campaign, seed, days, tuple(s.strip() for s in symbols.split(",") if s.strip()), begin,
                   workdir or config.home() / "chaos", say=click.echo,
                   replay=not no_replay, check_hours=check_hours, overlap_checks=not serial_checks)
    res = run.run()
    res.campaign_id = store(run.target, res, begin)
    for line in summary_lines(res):
        click.echo(line)
    if not res.passed:
        if save_failing_seed is not None:
            save_failing_seed.mkdir(parents=True, exist_ok=True)
            path = save_failing_seed / f"campaign{campaign}_seed{seed}.json"
            path.write_text(json.dumps({"campaign": campaign, "seed": seed, "days": res.days,
                                        "symbols": list(run.symbols), "from": start,
                                        "failures": res.failures}, indent=1) + "\n")
            click.echo(f"failing seed saved: {path}")
        sys.exit(1)


@chaos.command("worker", hidden=True)
@click.option("--plan", type=click.Path(exists=True, dir_okay=False, path_type=Path), required=True)
def worker_cmd(plan: Path) -> None:
    """The campaign's worker service: loads the plan's market data once and forks a worker per start, which
    closes hours on the supervisor's ``run <hour>`` commands (predator.chaos.worker, line protocol)."""
    from predator.chaos.worker import serve
    from predator.runner.config import RunConfig

    configure_logging()
    found = json.loads(plan.read_text())
    config = RunConfig.from_dict(found["config"])
    with database_lost_exits("chaos worker"):
        code = serve(default_target(start=False), config, plan=found)
    os.environ.pop("PREDATOR_CHAOS_KILL", None)
    sys.exit(code)


@chaos.command("report")
@click.option("--campaign-id", type=int, required=True)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option("--database", default=None,
              help="The campaign's database (a sync-fed campaign runs in one of its own; its run prints it).")
def report_cmd(campaign_id: int, out: Path, database: str | None) -> None:
    """Write a campaign's HTML report: metrics, equity and drawdown with the fault timeline, halts and
    recoveries, a post-mortem per halt from the incident log."""
    from predator.chaos.report import write

    target = default_target()
    path = write(target.with_dbname(database) if database else target, campaign_id, out)
    click.echo(f"report: {path}")
