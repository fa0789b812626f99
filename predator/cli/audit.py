"""``predator audit``: the auditor's evidence commands (docs/audit.md).

``predator audit export`` writes a deterministic, self-contained package of one book that ``predator-verify``
re-verifies offline (:mod:`predator.audit_export`, :mod:`predator.tools.predator_verify`). ``audit anchor`` manages
the anchored chains ("Anchors"): ``export`` (auditor) writes every anchor to a file of the operator's choosing;
``now`` anchors every chain on demand, ``key-set`` sets or rotates the signing key, ``key-revoke`` revokes one,
``keys`` lists them (operator). ``predator verify --anchors FILE`` checks an export.
``predator audit reconstruct`` rebuilds a book's figures from the journal and the fills by SQL alone and
compares them with what is stored (:mod:`predator.reconstruct`).
"""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

import click

from predator import anchors, audit_export, reconstruct
from predator.cli import main
from predator.cli.gates import _connect, _UtcTime
from predator.cli.params import writable_dir, writable_file
from predator.db import anchors as anchors_db
from predator.db import audit as db_audit
from predator.db import reads
from predator.db.connection import default_target


@main.group()
def audit() -> None:
    """The auditor's evidence: a book's chained rows for offline verification, its figures rebuilt by SQL alone,
    anchored chains (docs/audit.md)."""


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
    writable_dir(out)
    with _connect(dsn) as conn:
        try:
            pkg = audit_export.build(conn, account, start, end)
        except audit_export.UnknownAccount:
            raise reads.unknown_account(conn, account) from None
    digest = audit_export.write(pkg, out)
    click.echo(f"{out}: {len(pkg.files) + 1} files, {pkg.rows} chained rows in {pkg.chains} chains,"
               f" gates {'PASS' if pkg.manifest['gates_passed'] else 'FAIL'}")
    click.echo(f"manifest sha256 {digest}")
    click.echo(f"AUDIT EXPORT: WRITTEN (verify offline: predator-verify {out})")


@audit.group()
def anchor() -> None:
    """Signed checkpoints of every chain head: export them, anchor now, set, rotate and revoke the signing key."""


@anchor.command("export")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="The file to write (JSON lines, one anchor a line; replaced atomically). Keep it where the"
                   " database's administrator cannot reach: another machine, write-once storage.")
@click.option("--dsn", default=None,
              help="The auditor's libpq DSN, used as given (default: the auditor login of the configured database).")
def anchor_export(out: Path, dsn: str | None) -> None:
    """Write every anchor (api.chain_anchors), ordered by book and seq, keys sorted: two exports of the same
    database are byte-identical. As predator_auditor."""
    writable_file(out)
    with _connect(dsn) as conn:
        rows = anchors_db.exported(conn)
    anchors.write(out, rows)
    click.echo(f"exported {len(rows)} anchor{'s' if len(rows) != 1 else ''} of {anchors.chains_covered(rows)} chains"
               f" to {out}")


@anchor.command("now")
@click.option("--reason", required=True, help="Why (kept in the audit log).")
def now(reason: str) -> None:
    """Anchor every chain of every book now (api.anchor_chains), under the active key. As the operator."""
    with default_target().connect("operator") as conn, conn.transaction():
        a = anchors_db.anchor_now(conn, reason)
    click.echo(f"anchored {a.chains} chains (anchor {a.book_id}/{a.seq})")


@anchor.command("key-set")
@click.option("--reason", required=True, help="Why (kept in the audit log).")
@click.option("--secret-file", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="Use these bytes (32 to 128) as the secret, for an operator who keeps a copy to verify offline;"
                   " by default the database generates a secret nobody sees.")
def key_set(reason: str, secret_file: Path | None) -> None:
    """Set a new signing key, active at once: the first starts anchoring, a later one rotates (api.set_anchor_key).
    As the operator."""
    secret = secret_file.read_bytes() if secret_file is not None else None
    with default_target().connect("operator") as conn, conn.transaction():
        key = anchors_db.set_key(conn, reason, secret)
    click.echo(f"anchor key {key.key_id} is active (fingerprint {key.fingerprint})")


@anchor.command("key-revoke")
@click.argument("key_id", type=int)
@click.option("--reason", required=True, help="Why (kept in the audit log).")
def key_revoke(key_id: int, reason: str) -> None:
    """Revoke a signing key (api.revoke_anchor_key): its anchors are no longer trusted. Not the active key: run
    key-set first; afterwards, `predator audit anchor now` and export again. As the operator."""
    with default_target().connect("operator") as conn, conn.transaction():
        anchors_db.revoke_key(conn, key_id, reason)
    click.echo(f"anchor key {key_id} revoked; anchor the current heads (predator audit anchor now) and export again")


@anchor.command("keys")
@click.option("--dsn", default=None, help="The auditor's libpq DSN (default: the configured database's auditor).")
def keys(dsn: str | None) -> None:
    """List the signing keys (api.anchor_keys: ids and fingerprints, never secrets)."""
    with _connect(dsn) as conn:
        rows = anchors_db.keys(conn)
    for k in rows:
        state = ("active" if k.active
                 else f"revoked {k.revoked_at:%Y-%m-%dT%H:%M:%SZ} by {k.revoked_by}: {k.revoke_reason}" if k.revoked_at
                 else "retired (its anchors still verify)")
        click.echo(f"{k.key_id}\t{k.fingerprint}\t{k.created_at:%Y-%m-%dT%H:%M:%SZ}\t{k.actor}\t{state}")
    if not rows:
        click.echo("no anchor key: nothing is anchored (predator audit anchor key-set --reason …)")


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
            raise reads.unknown_account(conn, account)
        results, errors = reconstruct.run(conn, account)
    text, passed = reconstruct.report(results, errors, show_rows)
    click.echo(f"scope: {'account ' + account if account else 'every account'}")
    click.echo(text)
    sys.exit(0 if passed else 1)
