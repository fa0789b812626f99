"""``python -m predator.tools.schema_snapshot --write|--check``: the schema snapshot CI compares.

``migrations/schema.sql`` is ``pg_dump --schema-only`` of a freshly migrated database, with the lines that
vary between runs or machines removed: pg_dump 15.14+ brackets its output with ``\\restrict <random key>`` /
``\\unrestrict <key>``, and the header names the server and pg_dump versions.
"""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import sys

import click

from predator.config import PROJECT_ROOT
from predator.db import cluster
from predator.db.connection import Target
from predator.errors import ClusterError, ConfigurationError
from predator.tools import write_or_check

SNAPSHOT = PROJECT_ROOT / "migrations" / "schema.sql"
_VARYING = ("\\restrict ", "\\unrestrict ", "-- Dumped from database version", "-- Dumped by pg_dump version")


def pg_dump_binary() -> str:
    """pg_dump of the embedded cluster's installation when there is one, else the one on PATH."""
    with contextlib.suppress(ClusterError):  # no server binaries: fall back to PATH
        candidate = cluster.find_bindir() / "pg_dump"
        if candidate.exists():
            return str(candidate)
    found = shutil.which("pg_dump")
    if not found:
        raise ConfigurationError("pg_dump not found: install postgresql-client-15 (make bootstrap does)")
    return found


def normalise(dump: str) -> str:
    """Drop the lines that vary between runs (restrict keys) and machines (version banners)."""
    lines = [line for line in dump.splitlines() if not line.startswith(_VARYING)]
    return "\n".join(lines).strip("\n") + "\n"


def dump_schema(target: Target) -> str:
    """``pg_dump --schema-only`` of a database (superuser DSN), normalised."""
    proc = subprocess.run([pg_dump_binary(), "--schema-only", f"--dbname={target.dsn}"],
                          capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise ConfigurationError(f"pg_dump failed: {proc.stderr.strip()}")
    return normalise(proc.stdout)


@click.command()
@click.option("--write", is_flag=True, help="Write migrations/schema.sql.")
@click.option("--check", is_flag=True, help="Exit 1 when migrations/schema.sql differs from a fresh migrate.")
def cli(write: bool, check: bool) -> None:
    """Write or check migrations/schema.sql (pg_dump --schema-only of a freshly migrated database)."""
    if write == check:
        raise click.UsageError("pass exactly one of --write and --check")
    sys.exit(write_or_check(SNAPSHOT, dump_schema, write, check))


if __name__ == "__main__":
    cli()
