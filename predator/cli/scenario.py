"""``predator scenario list`` and ``predator scenario run NAME|FILE``: seed 001's chaos scenarios over real
candles, each judged by the gates, the chains, replay parity and its own SQL expectations (docs/chaos.md)."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import click

from predator.cli import exits, main
from predator.db.connection import Target, default_target


@main.group()
def scenario() -> None:
    """Chaos scenarios (seed 001 A1-F2): list them, run one and judge it (docs/chaos.md)."""


@scenario.command("list")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per scenario.")
def list_cmd(as_json: bool) -> None:
    """The shipped scenarios: name, seed 001 id, window, hours, faults, expectations."""
    from predator.chaos.scenario import library
    from predator.chaos.scenario_run import describe

    found = library()
    for s in found:
        d = describe(s)
        if as_json:
            click.echo(json.dumps(d))
        else:
            flags = " [long]" if s.long else ""
            click.echo(f"{s.name:32} {s.seed_id}  {d['window']:22} {d['hours']:5} h  {d['faults']} fault(s)  "
                       f"{d['expectations']} expectation(s){flags}  {s.title}")
    if not as_json:
        click.echo(f"{len(found)} scenario(s)")


@contextmanager
def _database(in_place: bool, keep: bool) -> Iterator[Target]:
    from predator.db import migrate

    target = default_target()
    if in_place:  # the configured database, migrated as for predator paper (predator migrate)
        yield target
        return
    with migrate.scratch_database(target, prefix="predator_scenario", keep=keep) as db:
        if keep:
            click.echo(f"database: {db.dbname} (kept)", err=True)
        yield db


@scenario.command("run")
@click.argument("name_or_file")
@click.option("--seed", type=int, default=7, show_default=True,
              help="The seed: the paper venue's draws and the session seed (docs/chaos.md, Seeds).")
@click.option("--account", default=None, help="Account name (default scn_<name>_s<seed>; a suffix when it exists).")
@click.option("--in-place", is_flag=True,
              help="Run in the configured database instead of a fresh scratch database. Refused for a scenario "
                   "that sets limits: they would change its risk profile for every account there.")
@click.option("--keep", is_flag=True, help="Keep the scratch database (its name is printed) to look at the run.")
@click.option("--no-replay", is_flag=True, help="Skip the replay parity check.")
@click.option("--long", "allow_long", is_flag=True, help="Allow a long scenario (the whole 2022 bear year, say).")
@click.option("--progress/--no-progress", default=None, help="Progress bar (default: on a terminal).")
def run_cmd(name_or_file: str, seed: int, account: str | None, in_place: bool, keep: bool, no_replay: bool,
            allow_long: bool, progress: bool | None) -> None:
    """Run a scenario (a name from ``predator scenario list`` or a .toml file) in a fresh account and judge
    it: every gate, every chain, replay parity (unless it injects venue faults), then each expectation,
    PASS/FAIL with the failing rows. Exit code 1 when anything fails, 0 when everything passes."""
    from predator.chaos.scenario import ScenarioError, find
    from predator.chaos.scenario_run import report_lines, run_scenario
    from predator.logs import configure_logging

    s = find(name_or_file)
    if s.long and not allow_long:
        raise ScenarioError(f"scenario {s.name} is long ({s.window.hours} hours): pass --long to run it")
    if in_place and s.limits:
        raise ScenarioError(f"scenario {s.name} sets {len(s.limits)} limit(s) on risk profile {s.risk_profile}, "
                            "which would apply to every account of the database: run it without --in-place "
                            "(in a scratch database)")
    configure_logging()
    show = sys.stderr.isatty() if progress is None else progress
    with _database(in_place, keep) as target:
        result = run_scenario(target, s, seed, account, replay=not no_replay, progress=show)
    for line in report_lines(result):
        click.echo(line)
    if not result.passed:
        click.echo(f"reproduce: predator scenario run {name_or_file} --seed {seed}", err=True)
        sys.exit(exits.CHECK_FAILED)
