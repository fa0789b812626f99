"""Developer tools that generate committed files from a freshly migrated database.

* ``python -m predator.tools.schema_snapshot --write|--check`` — ``migrations/schema.sql``
* ``python -m predator.tools.sql_api_doc --write|--check`` — ``docs/sql-api.md``

Both build a scratch database on the configured server (``PREDATOR_DSN`` or the embedded cluster), migrate it
to head, read it, and drop it; ``--check`` exits 1 when the committed file differs.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import click
import psycopg
from psycopg import sql

from predator.db import migrate
from predator.db.connection import Target, default_target


@contextmanager
def scratch_database(server: Target | None = None, prefix: str = "predator_scratch") -> Iterator[Target]:
    """A freshly migrated database on ``server`` (default: the configured one), dropped afterwards."""
    server = server or default_target()
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = server.with_dbname("postgres").dsn
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    target = server.with_dbname(name)
    try:
        migrate.upgrade(target)
        yield target
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def write_or_check(path: Path, render: Callable[[Target], str], write: bool, check: bool) -> int:
    """Render from a scratch database, then write ``path`` or compare with it. Returns the exit code."""
    with scratch_database() as target:
        text = render(target)
    if write:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        click.echo(f"wrote {path}")
        return 0
    current = path.read_text() if path.exists() else ""
    if current == text:
        click.echo(f"{path} is up to date")
        return 0
    click.echo(f"{path} is out of date: regenerate it with --write", err=True)
    return 1 if check else 0
