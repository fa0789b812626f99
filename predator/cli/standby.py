"""``predator standby create|status|promote|drop`` and ``predator drill failover`` (docs/recovery.md, "Standby
and failover")."""

from __future__ import annotations

import os
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import click

from predator import config, seams
from predator.cli import main
from predator.db import cluster
from predator.db import standby as standby_db
from predator.logs import configure_logging


def _embedded_only(what: str) -> None:
    if config.external_dsn():
        raise click.UsageError(f"PREDATOR_DSN is set: {what} is for the embedded cluster (give that server a standby "
                               "with its own tools)")


@main.group()
def standby() -> None:
    """A synchronous streaming standby of the embedded cluster, and its promotion (docs/recovery.md)."""


@standby.command("create")
def create_cmd() -> None:
    """Create (once) and start the standby: a second local cluster made with pg_basebackup -R from the embedded
    primary, streaming through a replication slot; then every durable commit of the primary waits until the
    standby has flushed it. Starts an existing standby that is stopped. The primary is switched to
    wal_level = replica first (a restart, once)."""
    _embedded_only("a standby")
    sb = standby_db.create()
    click.echo(f"standby {sb.name} streaming from the primary: {sb.layout.dsn()} (data {sb.layout.pgdata})")
    click.echo("synchronous: every durable commit of the primary now waits for it; while it is down, those commits "
               "wait (`predator standby status`; `predator standby drop` ends the wait)")


@standby.command("status")
def status_cmd() -> None:
    """The standby as both servers see it: streaming or not, synchronous or not, lag, commits waiting for it.
    Exit 1 when a standby is recorded but not streaming (commits of the primary wait while it is away)."""
    _embedded_only("a standby")
    st = standby_db.status()
    if st.name is None:
        click.echo("no standby (`predator standby create` makes one)")
        click.echo(f"primary: {'running' if st.primary_running else 'stopped'}; synchronous commit waits for a "
                   f"standby: {'yes' if st.sync_required else 'no'}")
        sys.exit(1 if st.sync_required else 0)
    click.echo(f"standby {st.name}: {'running' if st.standby_running else 'STOPPED'}"
               + ("" if st.standby_in_recovery is None else
                  f", {'in recovery (a standby)' if st.standby_in_recovery else 'NOT in recovery (promoted?)'}")
               + f"; {st.standby_dsn}")
    click.echo(f"primary: {'running' if st.primary_running else 'STOPPED'}; replication "
               f"{st.state or 'not connected'}, sync state {st.sync_state or '-'}; commits wait for the standby: "
               f"{'yes' if st.sync_required else 'no'}")
    if st.flush_lag_bytes is not None:
        click.echo(f"lag: flushed {st.flush_lag_bytes} bytes behind, replayed {st.replay_lag_bytes} bytes behind")
    if st.slot_active is not None:
        click.echo(f"slot {st.name}: {'active' if st.slot_active else 'inactive'}, retains "
                   f"{st.slot_retained_bytes} bytes of WAL on the primary")
    if st.waiting_commits:
        click.echo(f"WAITING: {st.waiting_commits} commit(s) of the primary wait for the standby: start it "
                   f"(`predator standby create`) or end the wait (`predator standby drop`)")
    sys.exit(0 if st.state == "streaming" else 1)


@standby.command("promote")
def promote_cmd() -> None:
    """Promote the standby after the primary died: it accepts writes, and PREDATOR_HOME/cluster.json names it,
    so every command and worker of this PREDATOR_HOME connects to it. Refused while the primary still runs.
    It has no standby of its own: `predator standby create` makes a new one."""
    _embedded_only("a standby")
    if standby_db.current() is None:
        raise click.UsageError("no standby to promote (`predator standby create` makes one)")
    primary = cluster.layout()
    if cluster.is_running(primary):
        raise click.UsageError(f"the primary ({primary.pgdata}) is running: promoting the standby would make two "
                               f"primaries whose histories diverge; stop it first (`predator db down`), then promote")
    done = standby_db.promote()
    click.echo(f"promoted in {done.seconds:.1f} s: the primary is now {done.layout.dsn()} (data {done.layout.pgdata})")
    if done.former_record is not None:
        click.echo(f"the former primary's record: {done.former_record}; never start that data directory again as it "
                   f"is (its history diverged): remove it, or keep it for forensics")
    click.echo("next: restart the workers (they follow PREDATOR_HOME), `predator verify`, `predator validate`, "
               "`predator standby create` for a new standby")


@standby.command("drop")
def drop_cmd() -> None:
    """Remove the standby: the primary stops waiting for it (first: waiting commits then complete), the standby
    is stopped, its replication slot dropped and its files removed."""
    _embedded_only("a standby")
    done = standby_db.drop()
    if done is None:
        if cluster.layout().sync_standby is not None:
            cluster.set_sync_standby(None)
            click.echo("no standby recorded; the primary no longer waits for one")
            return
        click.echo("no standby")
        return
    click.echo(f"standby {done.name} dropped; the primary's commits no longer wait for a standby")
    if not done.slot_dropped:
        click.echo(f"the primary is not running: its replication slot {done.name} remains; drop it once it runs "
                   f"(SELECT pg_drop_replication_slot('{done.name}')) or it keeps WAL forever")
    for d in done.removed:
        click.echo(f"removed {d}")


@main.group()
def drill() -> None:
    """Recovery drills (docs/recovery.md)."""


@drill.command("failover")
@click.option("--home", "home", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="A new PREDATOR_HOME to drill in (default: a temporary one). It must hold no cluster: the drill"
                   " kills its primary. Without --keep its clusters are stopped and it is removed afterwards.")
@click.option("--keep", is_flag=True, help="Leave the promoted cluster running and the home in place.")
@click.option("--days", type=click.IntRange(1, 3650), default=10, show_default=True,
              help="Days of paper trading (from 2023-03-01), >= 1.")
@click.option("--kill-after", type=click.IntRange(1), default=None,
              help="Closed hours the client sees before the kill, 1 .. 24 * days - 2 (default: a third of the run).")
@click.option("--symbols", default="BTC/USDT", show_default=True)
@click.option("--no-replay", is_flag=True, help="Skip the replay parity check.")
def failover_cmd(home: Path | None, keep: bool, days: int, kill_after: int | None, symbols: str,
                 no_replay: bool) -> None:
    """Kill the primary mid-run and fail over to a synchronous standby: a paper run against the primary, its
    postmaster SIGKILLed once the client has seen some hours closed, the standby promoted, the same run resumed
    against it to its end; then the rows the client saw are checked on the new primary (RPO), the seconds from
    the kill to the first resumed hour measured (RTO), and the chains, gates and replay checked. Exit 1 when a
    check fails."""
    from predator.failover import DrillConfig, run_drill, stop_home

    hours = days * 24
    if kill_after is not None and kill_after > hours - 2:
        raise click.BadParameter(f"{kill_after} leaves too few hours after the kill: a {days}-day run has {hours} "
                                 f"hours; give 1 .. {hours - 2}, or more --days", param_hint="'--kill-after'")
    _embedded_only("the failover drill")
    where = Path(tempfile.mkdtemp(prefix="predator-failover-")) if home is None else home.resolve()
    if (where / "cluster.json").exists():
        raise click.UsageError(f"{where} holds a cluster: the drill kills its primary; give it a new --home")
    previous = os.environ.get("PREDATOR_HOME")
    os.environ["PREDATOR_HOME"] = str(where)
    configure_logging()
    start = datetime(2023, 3, 1, tzinfo=UTC)
    end = start + timedelta(days=days) - timedelta(hours=1)
    stamp = seams.wall_now().strftime("%Y%m%dt%H%M%S")
    cfg = DrillConfig(account=f"failover_{stamp}", start=start, end=end,
                      kill_after=kill_after if kill_after is not None else hours // 3,
                      symbols=tuple(s.strip() for s in symbols.split(",") if s.strip()), replay=not no_replay)
    click.echo(f"failover drill in PREDATOR_HOME={where}: {cfg.hours} hours of {cfg.strategy} on "
               f"{','.join(cfg.symbols)}, kill after {cfg.kill_after}")
    try:
        result = run_drill(cfg, say=click.echo)
        for line in result.lines():
            click.echo(line)
        if keep:
            click.echo(f"kept: PREDATOR_HOME={where} (the promoted cluster runs; `predator db down` stops it)")
    finally:
        if not keep:
            stop_home(where)
        if previous is None:
            os.environ.pop("PREDATOR_HOME", None)
        else:
            os.environ["PREDATOR_HOME"] = previous
    sys.exit(0 if result.passed else 1)
