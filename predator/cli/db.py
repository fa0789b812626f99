"""``predator db up|down|status|url`` and ``predator migrate``."""

from __future__ import annotations

import json

import click

from predator import config
from predator.cli import main
from predator.db import cluster, migrate
from predator.db.connection import default_target


@main.group()
def db() -> None:
    """The embedded PostgreSQL cluster under PREDATOR_HOME (default ./.predator)."""


@db.command()
@click.option("--tcp-port", type=int, default=None, help="Also listen on 127.0.0.1:PORT (off by default).")
def up(tcp_port: int | None) -> None:
    """Initialise (once) and start the embedded cluster; create the predator database."""
    if config.external_dsn():
        click.echo("PREDATOR_DSN is set: using that server, the embedded cluster is not needed.")
        return
    lay = cluster.up(tcp_port)
    click.echo(f"embedded PostgreSQL running: {lay.dsn()}")


@db.command()
def down() -> None:
    """Stop the embedded cluster."""
    click.echo("stopped" if cluster.down() else "not running")


@db.command()
def status() -> None:
    """Show the embedded cluster's paths, OS user and state."""
    click.echo(json.dumps(cluster.status(), indent=2))


@db.command()
@click.option("--role", type=click.Choice(["admin", "worker", "operator", "auditor"]), default="admin")
def url(role: str) -> None:
    """Print the libpq DSN of the database (PREDATOR_DSN or the embedded cluster)."""
    click.echo(default_target().role_dsn(role))  # type: ignore[arg-type]


@main.command("migrate")
@click.option("--to", "revision", default="head", help="Target revision (head, a revision id, or base).")
def migrate_cmd(revision: str) -> None:
    """Apply the alembic migrations (and the current sql/ definitions at head)."""
    target = default_target()
    current = migrate.current_revision(target)
    if revision == "base":
        migrate.downgrade(target, "base")
    elif current is not None and revision != "head" and revision < current:
        migrate.downgrade(target, revision)
    else:
        migrate.upgrade(target, revision)
    click.echo(f"database {target.dbname} at revision {migrate.current_revision(target) or 'base'}")
