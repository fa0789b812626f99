"""``predator audit``: the auditor's evidence commands (docs/audit.md).

``predator audit export`` writes a deterministic, self-contained package of one book that ``predator-verify``
re-verifies offline (:mod:`predator.audit_export`, :mod:`predator.tools.predator_verify`).
``predator audit reconstruct`` rebuilds a book's figures from the journal and the fills by SQL alone and
compares them with what is stored (:mod:`predator.reconstruct`).
"""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

import click

from predator import audit_export, reconstruct
from predator.cli import main
from predator.cli.gates import _connect, _UtcTime
from predator.db import audit as db_audit


@main.group()
def audit() -> None:
    """The auditor's evidence: export a book's chained rows for offline verification, rebuild its figures by SQL
    alone (docs/audit.md)."""


@audit.command("export")
@click.option("--dsn", default=None,
              help="The auditor's libpq DSN, used as given (default: the auditor login of the configured database).")
@click.option("--account", required=True, help="The account whose book to export.")
@click.option("--from", "start", type=_UtcTime(), default=None,
              help="Start after the heads of the book's last hour close at or before this time (default: genesis).")
@click.option("--to", "end", type=_UtcTime(), default=None,
              help="End at the heads of the book's last hour close at or before this time (default: the current"
                   " heads).")
@click.option("--out", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Directory to write (created; it must be empty).")
def export(dsn: str | None, account: str, start: datetime | None, end: datetime | None, out: Path) -> None:
    """Write the book's audit package into OUT: one CSV per hash-chained table (journal, orders, order events,
    fills, lots, decisions with reason codes, hourly states, …), the chain heads, the runs' dataset hashes,
    the gate results, the offline verifier and a manifest with the sha256 of every file. Two exports of the
    same range are byte-identical; `predator-verify OUT` re-verifies it without a database."""
    if start is not None and end is not None and start > end:
        raise click.BadParameter(f"--from {start.isoformat()} is after --to {end.isoformat()}", param_hint="--from")
    if out.exists() and any(out.iterdir()):
        raise click.BadParameter(f"{out} is not empty", param_hint="--out")
    with _connect(dsn) as conn:
        try:
            pkg = audit_export.build(conn, account, start, end)
        except audit_export.UnknownAccount:
            raise click.BadParameter(f"no account named {account!r} (the view api.accounts lists them)",
                                     param_hint="--account") from None
    digest = audit_export.write(pkg, out)
    click.echo(f"{out}: {len(pkg.files) + 1} files, {pkg.rows} chained rows in {pkg.chains} chains,"
               f" gates {'PASS' if pkg.manifest['gates_passed'] else 'FAIL'}")
    click.echo(f"manifest sha256 {digest}")
    click.echo(f"AUDIT EXPORT: WRITTEN (verify offline: predator-verify {out})")


@audit.command("reconstruct")
@click.option("--dsn", default=None,
              help="The auditor's libpq DSN, used as given (default: the auditor login of the configured database).")
@click.option("--account", default=None, help="The account whose book to rebuild (default: every book).")
@click.option("--rows", "show_rows", type=int, default=5, show_default=True,
              help="Mismatching rows to print for each rule that fails.")
def reconstruct_cmd(dsn: str | None, account: str | None, show_rows: int) -> None:
    """Rebuild the book's balances, positions, FIFO lots and allocations, realized PnL, fee totals and hourly
    state from the journal, the fills and the candles by SQL alone (validations/reconstruct/) and compare them
    with what is stored, row by row: prints per rule the rows compared and the mismatches; exit 1 on any
    mismatch (docs/audit.md, "Reconstruction")."""
    with _connect(dsn) as conn:
        if account is not None and db_audit.book_id(conn, account) is None:
            raise click.BadParameter(f"no account named {account!r} (the view api.accounts lists them)",
                                     param_hint="--account")
        results, errors = reconstruct.run(conn, account)
    text, passed = reconstruct.report(results, errors, show_rows)
    click.echo(f"scope: {'account ' + account if account else 'every account'}")
    click.echo(text)
    sys.exit(0 if passed else 1)
