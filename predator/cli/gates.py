"""``predator validate`` and ``predator verify``: the auditor's checks (exit 0 pass, 1 fail)."""

from __future__ import annotations

import sys
from pathlib import Path

import click
import psycopg

from predator import gates
from predator.cli import main
from predator.db.connection import connect_dsn, default_target


def _connect(dsn: str | None) -> psycopg.Connection:
    # --dsn is the auditor's own DSN (`predator db url --role auditor`), used as given; without it, the
    # configured database's auditor login.
    return connect_dsn(dsn) if dsn else default_target().connect("auditor")


@main.command()
@click.option("--dsn", default=None,
              help="The auditor's libpq DSN, used as given (default: the auditor login of the configured database).")
@click.option("--dir", "directory", type=click.Path(exists=True, file_okay=False, path_type=Path),
              default=gates.VALIDATIONS_DIR, show_default=True, help="Directory of the NN_name.sql gates.")
@click.option("--rows", "show_rows", type=int, default=5, show_default=True,
              help="Violating rows to print for each failed gate.")
def validate(dsn: str | None, directory: Path, show_rows: int) -> None:
    """Run every validation gate as predator_auditor; exit 1 when any gate returns violations."""
    files = gates.gate_files(directory)
    if not files:
        raise click.UsageError(f"no gates (*.sql) in {directory}")
    with _connect(dsn) as conn:
        results = gates.run_gates(conn, files)
    text, passed = gates.report(results, show_rows)
    click.echo(text)
    sys.exit(0 if passed else 1)


@main.command()
@click.option("--dsn", default=None,
              help="The auditor's libpq DSN, used as given (default: the auditor login of the configured database).")
def verify(dsn: str | None) -> None:
    """Recompute every hash chain as predator_auditor and name the first broken row of each broken chain."""
    with _connect(dsn) as conn:
        result = gates.verify(conn)
    click.echo(gates.verify_report(result))
    sys.exit(0 if result.ok else 1)
