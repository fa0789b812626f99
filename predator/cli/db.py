"""``predator db up|down|status|url|secrets`` and ``predator migrate``."""

from __future__ import annotations

import json

import click

from predator import config
from predator.cli import main
from predator.db import cluster, logins, migrate
from predator.db.connection import default_target


@main.group()
def db() -> None:
    """The embedded PostgreSQL cluster under PREDATOR_HOME (default ./.predator)."""


@db.command()
@click.option("--tcp-port", type=int, default=None, help="Also listen on 127.0.0.1:PORT (off by default).")
@click.option("--wal-archive/--no-wal-archive", default=None,
              help="Switch WAL archiving on (or off) for point-in-time recovery (docs/recovery.md); kept for later"
                   " starts; a running server is restarted. Default: as it was (off for a new cluster).")
def up(tcp_port: int | None, wal_archive: bool | None) -> None:
    """Initialise (once) and start the embedded cluster; create the predator database."""
    if config.external_dsn():
        click.echo("PREDATOR_DSN is set: using that server, the embedded cluster is not needed.")
        return
    lay = cluster.up(tcp_port, wal_archive)
    click.echo(f"embedded PostgreSQL running: {lay.dsn()}")
    if lay.wal_archive:
        click.echo(f"WAL archiving on: segments go to {lay.archive_dir}")
    tcp = [("127.0.0.1", lay.port)] if tcp_port else []
    done = logins.provision_logins(lay.dsn(), also=tcp)   # the login roles exist once a database was migrated
    if done.roles:
        click.echo(f"login roles ready ({', '.join(done.roles)}); passwords in {done.passfile}")
    else:
        click.echo("no login roles yet: run `predator migrate`")


@db.command()
def down() -> None:
    """Stop the embedded cluster."""
    click.echo("stopped" if cluster.down() else "not running")


@db.command()
def status() -> None:
    """Show the embedded cluster's paths, OS user and state."""
    click.echo(json.dumps(cluster.status(), indent=2))


@db.command()
@click.option("--role", type=click.Choice(["admin", "worker", "operator", "auditor", "notifier"]), default="admin",
              help="Whose DSN: a component's login (worker, operator, auditor, notifier) or the administrator's.")
def url(role: str) -> None:
    """Print the libpq DSN to give a component: it logs in as predator_<role>_login with the passfile
    PREDATOR_HOME/secrets/pgpass (no password in the DSN). ``admin`` prints the administrator's DSN
    (PREDATOR_DSN or the embedded superuser), which only migrate and provisioning use."""
    click.echo(default_target().role_dsn(role))  # type: ignore[arg-type]


@db.command("secrets")
def secrets_cmd() -> None:
    """Generate (once) the containerised server's administrator password for docker-compose.yml:
    PREDATOR_HOME/secrets/postgres_password and admin.pgpass (0600, directory 0700)."""
    pw_file, pgpass = logins.ensure_admin_secrets()
    click.echo(f"administrator password: {pw_file}\nadministrator passfile: {pgpass}")


@main.command("migrate")
@click.option("--to", "revision", default="head", help="Target revision (head, a revision id, or base).")
def migrate_cmd(revision: str) -> None:
    """Apply the alembic migrations (and the current sql/ definitions at head)."""
    known = migrate.revisions()
    if revision not in ("head", "base", *known):
        raise click.BadParameter(f"no migration {revision!r}: give head, base or one of {known[0]}..{known[-1]}",
                                 param_hint="--to")
    target = default_target()
    current = migrate.current_revision(target)
    if revision == "base":
        migrate.downgrade(target, "base")
    elif current in known and revision != "head" and known.index(revision) < known.index(current):
        migrate.downgrade(target, revision)  # by position in the chain, not by comparing ids as strings
    else:
        migrate.upgrade(target, revision)
    click.echo(f"database {target.dbname} at revision {migrate.current_revision(target) or 'base'}")
