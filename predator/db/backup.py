"""Logical backup and restore of a Predator database (docs/recovery.md).

:func:`dump` runs ``pg_dump --format=custom`` (the binaries of the PostgreSQL the embedded cluster uses,
:func:`predator.db.cluster.find_bindir`) into ``FILE`` and writes ``FILE.sha256`` beside it (the format of
``sha256sum``, so ``sha256sum -c FILE.sha256`` checks it by hand too).

:func:`restore` restores such a file into a new database of the same or another server: it checks the
checksum first (a dump whose bytes changed is refused before anything is created), creates the database,
runs ``pg_restore --single-transaction --exit-on-error`` (any error undoes the whole restore, and the new
database is dropped), then gives the new database the database-level state a dump does not carry
(``pg_dump`` without ``--create`` leaves out database privileges and settings): CREATE for
``predator_owner`` only, no TEMPORARY for anyone (:func:`predator.db.migrate.revoke_temporary`), CONNECT for
the login roles, ``jit = off`` (migration 0029). The roles are cluster-wide and not in a dump: on a server that
has none yet, a scratch database is migrated first to create them. Finally the login roles get their
passwords (:func:`predator.db.logins.provision_logins`) and the restored schema revision is compared with the
code's head, after an ANALYZE of the new database (a restored table has no statistics yet).
"""

from __future__ import annotations

import hashlib
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from predator import seams
from predator.db import cluster, logins, migrate
from predator.db.connection import Target
from predator.errors import BackupError

__all__ = ["BackupError", "Dumped", "Restored", "check_checksum", "checksum_path", "dump", "restore", "sha256_of"]


@dataclass(frozen=True)
class Dumped:
    """A dump written: the file, its size in bytes, its SHA-256, the database's schema revision, wall seconds."""

    path: Path
    size: int
    sha256: str
    revision: str | None
    seconds: float


@dataclass(frozen=True)
class Restored:
    """A dump restored into ``target``: its schema ``revision`` against the code's ``head``, whether a checksum
    file was checked, wall seconds."""

    target: Target
    revision: str | None
    head: str
    checksum_checked: bool
    seconds: float

    @property
    def at_head(self) -> bool:
        return self.revision == self.head


def checksum_path(path: Path) -> Path:
    """Where the SHA-256 of dump ``path`` is kept: ``path`` + ``.sha256``."""
    return path.with_name(path.name + ".sha256")


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _client(dsn: str) -> tuple[str, dict[str, str]]:
    """The DSN without its password, and the environment that carries the password instead (PGPASSWORD: a
    password on the command line would show in the process list)."""
    params = conninfo_to_dict(dsn)
    env = dict(os.environ)
    password = params.pop("password", None)
    if password:
        env["PGPASSWORD"] = str(password)
    return make_conninfo("", **params), env


def _tool(name: str) -> str:
    path = cluster.find_bindir() / name
    if not path.exists():
        raise BackupError(f"{name} not found in {path.parent} (the PostgreSQL binaries of the cluster)")
    return str(path)


def _error_lines(stderr: str, limit: int = 3) -> str:
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    return "; ".join(lines[:limit]) or "no message"


def dump(target: Target, out: Path) -> Dumped:
    """``pg_dump --format=custom`` of ``target`` into ``out`` (written to ``out.partial``, renamed when complete)
    and its checksum into ``out.sha256``. The dump is 0600 (it holds the anchor signing secrets). Raises BackupError
    when pg_dump fails (nothing is left at ``out``)."""
    started = seams.monotonic()
    revision = migrate.current_revision(target)
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    # The dump holds what no login reads (the anchor signing secrets, ops.anchor_key): 0600 whatever the umask.
    # pg_dump truncates a file that exists and keeps its mode; it is made here first, and its mode set again after.
    partial.unlink(missing_ok=True)
    os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    dsn, env = _client(target.dsn)
    proc = subprocess.run([_tool("pg_dump"), "--format=custom", "--no-password", f"--file={partial}",
                           f"--dbname={dsn}"], capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        partial.unlink(missing_ok=True)
        raise BackupError(f"pg_dump of database {target.dbname} failed: {_error_lines(proc.stderr)}")
    os.chmod(partial, 0o600)
    digest = sha256_of(partial)
    os.replace(partial, out)
    checksum_path(out).write_text(f"{digest}  {out.name}\n")
    return Dumped(out, out.stat().st_size, digest, revision, seams.monotonic() - started)


def check_checksum(path: Path) -> bool:
    """Compare ``path`` with its ``.sha256`` file: True when it matches, False when there is no such file.
    Raises BackupError when it differs (the dump was altered or cut short after it was taken)."""
    side = checksum_path(path)
    if not side.exists():
        return False
    expected = side.read_text().split()[0] if side.read_text().split() else ""
    actual = sha256_of(path)
    if actual != expected:
        raise BackupError(f"dump {path} does not match its checksum ({side.name}: {expected[:16]}…, file: "
                          f"{actual[:16]}…): it was altered or truncated after it was taken; refusing to restore it")
    return True


def _exists(admin: psycopg.Connection, dbname: str) -> bool:
    return admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (dbname,)).fetchone() is not None


def _ensure_roles(server: Target) -> None:
    """Create Predator's cluster-wide roles on a server that has none (a fresh cluster): migrate a scratch
    database to head, which creates them, and drop it."""
    with psycopg.connect(server.with_dbname("postgres").dsn, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_roles WHERE rolname = 'predator_owner'").fetchone():
            return
    with migrate.scratch_database(server, prefix="predator_roles"):
        pass


_DATABASE_STATE = """
GRANT CREATE ON DATABASE {db} TO predator_owner;
REVOKE CREATE ON DATABASE {db} FROM PUBLIC;
ALTER DATABASE {db} SET jit = off;
"""


def _database_state(admin: psycopg.Connection, dbname: str) -> None:
    """The database-level privileges and settings the migrations gave the original (a dump has none)."""
    db = sql.Identifier(dbname)
    admin.execute(sql.SQL(_DATABASE_STATE).format(db=db))
    migrate.revoke_temporary(admin, dbname)
    present = {r[0] for r in admin.execute("SELECT rolname FROM pg_roles WHERE rolname = ANY(%s)",
                                           (list(logins.LOGINS.values()),)).fetchall()}
    for login in sorted(present):
        admin.execute(sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(db, sql.Identifier(login)))


def restore(server: Target, path: Path, dbname: str) -> Restored:
    """Restore dump ``path`` into the new database ``dbname`` of ``server`` (see the module's docstring).
    Raises BackupError when the checksum differs, the database exists, or pg_restore fails (the new
    database is then dropped: nothing is left half restored)."""
    started = seams.monotonic()
    if not path.is_file():
        raise BackupError(f"no dump file at {path}")
    checked = check_checksum(path)
    listing = subprocess.run([_tool("pg_restore"), "--list", str(path)], capture_output=True, text=True)
    if listing.returncode != 0:
        raise BackupError(f"pg_restore cannot read {path}: {_error_lines(listing.stderr)}")
    admin_dsn = server.with_dbname("postgres").dsn
    with psycopg.connect(admin_dsn, autocommit=True) as admin:
        if _exists(admin, dbname):
            raise BackupError(f"database {dbname} already exists: restore into a new database name")
    _ensure_roles(server)
    target = server.with_dbname(dbname)
    with psycopg.connect(admin_dsn, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(dbname)))
        migrate.revoke_temporary(admin, dbname)
    dsn, env = _client(target.dsn)
    proc = subprocess.run([_tool("pg_restore"), "--single-transaction", "--exit-on-error", "--no-password",
                           f"--dbname={dsn}", str(path)], capture_output=True, text=True, env=env)
    with psycopg.connect(admin_dsn, autocommit=True) as admin:
        if proc.returncode != 0:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(dbname)))
            raise BackupError(f"pg_restore of {path} into {dbname} failed (nothing restored, database dropped): "
                              f"{_error_lines(proc.stderr)}")
        _database_state(admin, dbname)
    with psycopg.connect(target.dsn, autocommit=True) as conn:
        conn.execute("ANALYZE")   # pg_restore leaves the planner without statistics (docs/operations.md)
    logins.provision_logins(target.dsn)
    return Restored(target, migrate.current_revision(target), migrate.head_revision(), checked,
                    seams.monotonic() - started)
