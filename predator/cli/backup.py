"""``predator backup dump`` and ``predator restore dump``: a logical backup of the configured database and its
restore into a new database (docs/recovery.md)."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

import click

from predator import config
from predator.cli import main
from predator.cli.gates import _UtcTime
from predator.cli.params import writable_file
from predator.db import backup as backup_db
from predator.db import cluster, pitr
from predator.db.connection import Target, default_target


@main.group()
def backup() -> None:
    """Back up the configured database (docs/recovery.md)."""


@backup.command("dump")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="The dump file to write (pg_dump custom format); its SHA-256 goes to FILE.sha256.")
@click.option("--database", default=None, help="Dump this database of the server instead of the configured one.")
def dump_cmd(out: Path, database: str | None) -> None:
    """pg_dump --format=custom of the configured database (PREDATOR_DSN or the embedded cluster's), with
    the binaries of the PostgreSQL the embedded cluster uses."""
    writable_file(out)
    target = default_target()
    if database:
        target = target.with_dbname(database)
    done = backup_db.dump(target, out)
    click.echo(f"dumped database {target.dbname} (revision {done.revision or 'base'}) to {done.path}: "
               f"{done.size} bytes, sha256 {done.sha256} in {backup_db.checksum_path(done.path).name}, "
               f"{done.seconds:.1f} s")


@backup.command("base")
@click.option("--out", "out", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="A new (or empty) directory for the base backup (pg_basebackup, plain format).")
def base_cmd(out: Path) -> None:
    """A base backup of the running embedded cluster for point-in-time recovery: the cluster must archive its
    WAL (`predator db up --wal-archive`)."""
    if config.external_dsn():
        raise click.UsageError("PREDATOR_DSN is set: base backups are of the embedded cluster (back up that server"
                               " with its own tools, or use `predator backup dump`)")
    lay = cluster.layout()
    if not cluster.is_running(lay):
        raise click.UsageError("the embedded cluster is not running: `predator db up --wal-archive` first")
    done = pitr.base_backup(lay, out)
    click.echo(f"base backup in {done.path}: {done.size} bytes, {done.seconds:.1f} s; WAL archive {done.archive}")


@main.group()
def restore() -> None:
    """Restore a backup into a new database (docs/recovery.md)."""


@restore.command("dump")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--database", required=True, help="The new database to create and restore into (must not exist).")
@click.option("--server", "server_dsn", default=None,
              help="The administrator's DSN of the server to restore on (default: the configured one: PREDATOR_DSN"
                   " or the embedded cluster).")
def restore_dump_cmd(file: Path, database: str, server_dsn: str | None) -> None:
    """Restore a dump of `predator backup dump` into a new database: the checksum is checked first, pg_restore
    runs in one transaction (an error leaves nothing), then the database-level privileges and the login roles'
    passwords are set, and the schema revision is compared with this code's head. Exit 1 when the revision
    differs from head (run `predator migrate` against it when it is behind)."""
    server = Target(server_dsn, embedded=False) if server_dsn else default_target()
    done = backup_db.restore(server, file, database)
    checked = "checksum verified" if done.checksum_checked else "no checksum file: not verified"
    click.echo(f"restored {file} into database {database} ({checked}), {done.seconds:.1f} s")
    if done.at_head:
        click.echo(f"schema revision {done.revision} = head: ready (PREDATOR_DSN=... with dbname={database})")
        return
    click.echo(f"schema revision {done.revision or 'base'} differs from this code's head {done.head}: run "
               f"`predator migrate` against database {database} (PREDATOR_DSN) before using it")
    sys.exit(1)


@restore.command("pitr")
@click.option("--base", "base", type=click.Path(exists=True, file_okay=False, path_type=Path), required=True,
              help="A base backup directory of `predator backup base`.")
@click.option("--target-time", "target", type=_UtcTime(), default=None,
              help="Recover every transaction committed at or before this time (ISO-8601; naive is UTC). The WAL"
                   " available must hold a commit after it. Give this or --to-end.")
@click.option("--to-end", is_flag=True, default=False,
              help="Recover every transaction the WAL available holds (the archive, then --wal-from): after the"
                   " loss of the server's disk, all the archive has. Give this or --target-time.")
@click.option("--into", "into", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="The PREDATOR_HOME of the new cluster (must not hold one).")
@click.option("--archive", type=click.Path(exists=True, file_okay=False, path_type=Path), default=None,
              help="The WAL archive (default: the one the base backup records).")
@click.option("--wal-from", "wal_dirs", multiple=True, type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Further WAL segments, read after the archive: the pg_wal of the crashed cluster when its disk"
                   " survived (the segments not archived yet). Repeatable.")
def restore_pitr_cmd(base: Path, target: datetime | None, to_end: bool, into: Path, archive: Path | None,
                     wal_dirs: tuple[Path, ...]) -> None:
    """Point-in-time recovery into a fresh cluster under another PREDATOR_HOME: the base backup rolled forward
    with the archived WAL to the target time, or to the end of the WAL available, then promoted
    (docs/recovery.md). A failed restore leaves no cluster under --into (the server log stays)."""
    if (target is None) == (not to_end):
        raise click.UsageError("give exactly one of --target-time (a point in time) and --to-end (all the WAL "
                               "available: the archive, then --wal-from)")
    done = pitr.restore_pitr(base, target, into, archive, list(wal_dirs))
    last = done.last_replayed.isoformat() if done.last_replayed else "none (nothing after the base backup)"
    point = done.target.isoformat() if done.target else "the end of the WAL available"
    click.echo(f"restored to {point} in {done.seconds:.1f} s (RTO of this run); last transaction replayed "
               f"committed at {last}")
    click.echo(f"cluster running: {done.layout.dsn()}; next: PREDATOR_HOME={done.layout.home} predator db up"
               f" (logins), predator verify, predator validate")
