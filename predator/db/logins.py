"""The login roles' credentials: one generated password per login role, kept in a libpq passfile.

Migration 0008 creates ``predator_worker_login``, ``predator_operator_login`` and ``predator_auditor_login``
(members of the group roles ``predator_worker``, ``predator_operator``, ``predator_auditor``; see
docs/security.md). Passwords are never in a migration: :func:`provision_logins` runs after migrate, with the
administrator's connection, and

* generates a random password per login role the first time it meets a server (host and port) and keeps it
  in ``PREDATOR_HOME/secrets/pgpass`` (directory 0700, file 0600; the libpq passfile format, one line
  ``host:port:*:role:password`` per server and role), reusing an existing entry rather than rotating it;
* sets that password on the server as a SCRAM-SHA-256 verifier computed on the client
  (``ALTER ROLE ... PASSWORD 'SCRAM-SHA-256$...'``, so the plain password never travels or reaches a server
  log), and only when the server's verifier does not already match it.

Several processes may provision at once (pytest-xdist workers, a demo and a CLI): an exclusive lock on
``PREDATOR_HOME/secrets/pgpass.lock`` serialises them.
"""

from __future__ import annotations

import base64
import fcntl
import hashlib
import hmac
import os
import secrets
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import psycopg
from psycopg import sql

from predator import config

GroupRole = Literal["worker", "operator", "auditor", "notifier", "approver"]

#: The login role of each group role (created by migration 0008; the notifier's by 0030). ``approver`` is not a
#: group of its own: a second login of ``predator_operator`` (0035), the second operator of the two-person rule.
LOGINS: dict[GroupRole, str] = {
    "worker": "predator_worker_login",
    "operator": "predator_operator_login",
    "auditor": "predator_auditor_login",
    "notifier": "predator_notifier_login",  # migration 0030: the alerts notifier
    "approver": "predator_approver_login",  # migration 0035: the second operator login (two-person rule)
}

#: Socket directories libpq may have been built with as its default: for those it looks up ``localhost``
#: in the passfile instead of the directory, so both are written.
_DEFAULT_SOCKET_DIRS = ("/tmp", "/var/run/postgresql", "/run/postgresql")


def secrets_dir() -> Path:
    """``PREDATOR_HOME/secrets``: the generated credentials (mode 0700)."""
    return config.home() / "secrets"


def passfile_path() -> Path:
    """``PREDATOR_HOME/secrets/pgpass``: the libpq passfile of every login role (mode 0600), the
    administrator's record of the generated passwords."""
    return secrets_dir() / "pgpass"


def role_passfile_path(login: str) -> Path:
    """``PREDATOR_HOME/secrets/<login>.pgpass``: a passfile holding ``login``'s entries alone (mode 0600).
    Each component is given the file of its own login, so a compromised worker holds the worker's password
    and not the operator's (docs/security.md)."""
    return secrets_dir() / f"{login}.pgpass"


@dataclass(frozen=True)
class PassEntry:
    """One passfile line: ``host:port:database:user:password`` (``*`` matches anything)."""

    host: str
    port: str
    database: str
    user: str
    password: str

    def line(self) -> str:
        return ":".join(_escape(f) for f in (self.host, self.port, self.database, self.user, self.password))


@dataclass(frozen=True)
class Provisioned:
    """What :func:`provision_logins` did: the passfile, the login roles it found on the server, the ones whose
    password it generated (new passfile entries) and the ones whose password it set on the server."""

    passfile: Path
    roles: tuple[str, ...]
    generated: tuple[str, ...]
    set_on_server: tuple[str, ...]


def _escape(field: str) -> str:
    return field.replace("\\", "\\\\").replace(":", "\\:")


def _split(line: str) -> list[str]:
    fields: list[str] = []
    cur: list[str] = []
    chars = iter(line)
    for ch in chars:
        if ch == "\\":
            cur.append(next(chars, ""))
        elif ch == ":" and len(fields) < 4:
            fields.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    fields.append("".join(cur))
    return fields


def read_passfile(path: Path | None = None) -> list[PassEntry]:
    """The entries of a libpq passfile (comments and malformed lines skipped; none when it does not exist)."""
    path = path or passfile_path()
    if not path.exists():
        return []
    entries = []
    for raw in path.read_text().splitlines():
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        fields = _split(raw)
        if len(fields) == 5:
            entries.append(PassEntry(*fields))
    return entries


def _write_private(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically, mode 0600 from the start."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(text)
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)


def ensure_secrets_dir() -> Path:
    """Create ``PREDATOR_HOME/secrets`` (0700) when missing and tighten its mode; returns it."""
    d = secrets_dir()
    d.mkdir(parents=True, exist_ok=True)
    os.chmod(d, 0o700)
    return d


@contextmanager
def _locked() -> Iterator[None]:
    ensure_secrets_dir()
    fd = os.open(secrets_dir() / "pgpass.lock", os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def scram_matches(verifier: str | None, password: str) -> bool:
    """True when ``verifier`` (a ``pg_authid.rolpassword`` value) is the SCRAM-SHA-256 verifier of
    ``password`` (RFC 5802/7677: StoredKey and ServerKey recomputed from the verifier's salt and iterations)."""
    if not verifier or not verifier.startswith("SCRAM-SHA-256$"):
        return False
    try:
        iter_salt, keys = verifier[len("SCRAM-SHA-256$"):].split("$", 1)
        iterations, salt = iter_salt.split(":", 1)
        stored_key, server_key = keys.split(":", 1)
        salted = hashlib.pbkdf2_hmac("sha256", password.encode(), base64.b64decode(salt), int(iterations))
    except ValueError:
        return False
    client_key = hmac.new(salted, b"Client Key", hashlib.sha256).digest()
    stored = base64.b64encode(hashlib.sha256(client_key).digest()).decode()
    server = base64.b64encode(hmac.new(salted, b"Server Key", hashlib.sha256).digest()).decode()
    return hmac.compare_digest(stored, stored_key) and hmac.compare_digest(server, server_key)


def _host_fields(host: str) -> list[str]:
    """The passfile host fields libpq will look up for a connection to ``host`` (``conn.info.host``)."""
    fields = [host or "localhost"]
    if host.startswith("/") and host.rstrip("/") in _DEFAULT_SOCKET_DIRS:
        fields.append("localhost")
    return fields


def _verifiers(conn: psycopg.Connection, roles: list[str]) -> dict[str, str | None]:
    """The login roles that exist on the server, with their stored verifier (None when it cannot be read:
    an administrator that is not a superuser cannot read pg_authid, and the password is then always set)."""
    try:
        with conn.transaction():
            rows = conn.execute("SELECT rolname::text, rolpassword FROM pg_catalog.pg_authid"
                                " WHERE rolname = ANY (%s)", (roles,)).fetchall()
        return {r[0]: r[1] for r in rows}
    except psycopg.errors.InsufficientPrivilege:
        rows = conn.execute("SELECT rolname::text FROM pg_catalog.pg_roles WHERE rolname = ANY (%s)",
                            (roles,)).fetchall()
        return {r[0]: None for r in rows}


def _set_password(conn: psycopg.Connection, role: str, password: str) -> None:
    conn.execute("SET password_encryption = 'scram-sha-256'")
    verifier = conn.pgconn.encrypt_password(password.encode(), role.encode(), b"scram-sha-256").decode()
    stmt = sql.SQL("ALTER ROLE {} PASSWORD {}").format(sql.Identifier(role), sql.Literal(verifier))
    for attempt in range(5):
        try:
            conn.execute(stmt)
            return
        except psycopg.errors.InternalError_:   # "tuple concurrently updated": another home provisioned it
            if attempt == 4:
                raise


def provision_logins(admin_dsn: str, also: Sequence[tuple[str, int]] = ()) -> Provisioned:
    """Give every login role that exists on the server of ``admin_dsn`` its password from the passfile
    (generated on first use). ``admin_dsn`` is the administrator's connection (a superuser, or a role with
    CREATEROLE); ``also`` names further (host, port) addresses of the same server that get passfile entries
    with the same passwords (the embedded cluster's TCP address). Idempotent; safe to call from several
    processes at once. Login roles that do not exist yet (a database not migrated to 0008) are skipped.

    A role with no entry for this server's address reuses another entry of the passfile that the server
    already accepts (the same server reached at another address or port) before a new password is made."""
    wanted = list(LOGINS.values())
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        hosts = _host_fields(conn.info.host)
        port = str(conn.info.port)
        addresses = [(h, port) for h in hosts] + [(h, str(p)) for h, p in also]
        existing = _verifiers(conn, wanted)
        roles = [r for r in wanted if r in existing]
        generated: list[str] = []
        changed: list[str] = []
        added = False
        with _locked():
            path = passfile_path()
            entries = read_passfile(path)
            for role in roles:
                current = next((e.password for e in entries if e.host == hosts[0] and e.port == port
                                and e.user == role), None)
                if current is None:
                    current = next((e.password for e in entries
                                    if e.user == role and scram_matches(existing[role], e.password)), None)
                if current is None:
                    current = secrets.token_urlsafe(32)
                    generated.append(role)
                for h, p in addresses:
                    mine = [e for e in entries if e.host == h and e.port == p and e.user == role]
                    if [e.password for e in mine] != [current]:
                        entries = [e for e in entries if e not in mine] + [PassEntry(h, p, "*", role, current)]
                        added = True
                if not scram_matches(existing[role], current):
                    _set_password(conn, role, current)
                    changed.append(role)
            if added or not path.exists():
                _write_private(path, "# Written by predator (predator.db.logins): the login roles' passwords.\n"
                               + "".join(e.line() + "\n" for e in entries))
            else:
                os.chmod(path, 0o600)
            for role in wanted:
                own = role_passfile_path(role)
                text = (f"# Written by predator (predator.db.logins): {role}'s password alone.\n"
                        + "".join(e.line() + "\n" for e in entries if e.user == role))
                if not own.exists() or own.read_text() != text:
                    _write_private(own, text)
                else:
                    os.chmod(own, 0o600)
    return Provisioned(path, tuple(roles), tuple(generated), tuple(changed))


def admin_password_file() -> Path:
    """``PREDATOR_HOME/secrets/postgres_password``: the administrator's password of a containerised server
    (docker-compose.yml's ``POSTGRES_PASSWORD_FILE``)."""
    return secrets_dir() / "postgres_password"


def ensure_admin_secrets() -> tuple[Path, Path]:
    """Generate (once) the containerised server's administrator password: ``secrets/postgres_password`` (the
    password alone, for ``POSTGRES_PASSWORD_FILE``) and ``secrets/admin.pgpass`` (a passfile
    ``*:*:*:postgres:<password>`` for the migrate step). Both 0600; returns their paths."""
    with _locked():
        pw_file = admin_password_file()
        pgpass = secrets_dir() / "admin.pgpass"
        if pw_file.exists():
            password = pw_file.read_text().strip()
        else:
            password = secrets.token_urlsafe(32)
            _write_private(pw_file, password + "\n")
        _write_private(pgpass, PassEntry("*", "*", "*", "postgres", password).line() + "\n")
    return pw_file, pgpass
