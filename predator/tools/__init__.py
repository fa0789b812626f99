"""Developer tools that generate committed files from a freshly migrated database.

* ``python -m predator.tools.schema_snapshot --write|--check`` — ``migrations/schema.sql``
* ``python -m predator.tools.sql_api_doc --write|--check`` — ``docs/sql-api.md``

Both build a scratch database on the configured server (``PREDATOR_DSN`` or the embedded cluster), migrate it
to head, read it, and drop it; ``--check`` exits 1 when the committed file differs.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import click

from predator.db import migrate
from predator.db.connection import Target, default_target


def scratch_database(server: Target | None = None, prefix: str = "predator_scratch"):  # type: ignore[no-untyped-def]
    """A freshly migrated database on ``server`` (default: the configured one), dropped afterwards."""
    return migrate.scratch_database(server or default_target(), prefix)


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
