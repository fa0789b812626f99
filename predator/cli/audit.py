"""``predator audit``: the auditor's toolkit. ``audit anchor`` manages the anchored chains (docs/audit.md,
"Anchors"): ``export`` (auditor) writes every anchor to a file of the operator's choosing; ``now`` anchors
every chain on demand, ``key-set`` sets or rotates the signing key, ``key-revoke`` revokes one, ``keys`` lists
them (operator). ``predator verify --anchors FILE`` checks an export."""

from __future__ import annotations

from pathlib import Path

import click

from predator import anchors
from predator.cli import main
from predator.cli.gates import _connect
from predator.db import anchors as anchors_db
from predator.db.connection import default_target


@main.group()
def audit() -> None:
    """The auditor's toolkit: anchored chains (predator audit anchor …)."""


@audit.group()
def anchor() -> None:
    """Signed checkpoints of every chain head: export them, anchor now, set, rotate and revoke the signing key."""


@anchor.command("export")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="The file to write (JSON lines, one anchor a line; replaced atomically). Keep it where the"
                   " database's administrator cannot reach: another machine, write-once storage.")
@click.option("--dsn", default=None,
              help="The auditor's libpq DSN, used as given (default: the auditor login of the configured database).")
def export(out: Path, dsn: str | None) -> None:
    """Write every anchor (api.chain_anchors), ordered by book and seq, keys sorted: two exports of the same
    database are byte-identical. As predator_auditor."""
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
