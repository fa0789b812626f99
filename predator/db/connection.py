"""Connections to the Predator database.

:class:`Target` names one database: its administrator's DSN (a superuser: ``PREDATOR_DSN``, or the embedded
cluster's ``postgres`` by peer authentication), used only to migrate, to provision the login roles and to set
up tests, and how to connect to it as one of the components: the worker, the operator or the auditor. Each
component logs in as its own login role (``predator_worker_login``, ``predator_operator_login``,
``predator_auditor_login``, members of the group roles that hold the privileges) with the password kept in
``PREDATOR_HOME/secrets/pgpass`` (:mod:`predator.db.logins`), on the embedded cluster and on an existing
server alike, unless ``PREDATOR_<ROLE>_DSN`` gives a DSN of its own. No component ever connects with the
administrator's credentials.
"""

from __future__ import annotations

import fcntl
import os
from dataclasses import dataclass
from typing import Literal

import psycopg
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from predator import config, correlation
from predator.db import cluster, logins

Role = Literal["worker", "operator", "auditor", "notifier", "approver", "admin"]


@dataclass(frozen=True)
class Target:
    """One database. ``dsn`` is the administrator's libpq DSN; ``embedded`` tells whether it is the embedded
    cluster."""

    dsn: str
    embedded: bool

    @property
    def dbname(self) -> str:
        return str(conninfo_to_dict(self.dsn).get("dbname", ""))

    def with_dbname(self, dbname: str) -> Target:
        return Target(make_conninfo(self.dsn, dbname=dbname), self.embedded)

    def role_dsn(self, role: Role) -> str:
        """The DSN a component uses: ``PREDATOR_<ROLE>_DSN`` when set (its database replaced by this one's),
        else the administrator's DSN with the user replaced by the role's login role, any password removed
        and ``passfile=PREDATOR_HOME/secrets/<login>.pgpass`` (``admin``: the administrator's DSN itself)."""
        if role == "admin":
            return self.dsn
        override = os.environ.get(f"PREDATOR_{role.upper()}_DSN")
        if override:
            return make_conninfo(override, dbname=self.dbname)
        return login_dsn(self.dsn, logins.LOGINS[role])

    def connect(self, role: Role = "worker", autocommit: bool = False, **kwargs: object) -> psycopg.Connection:
        """Open a connection as the ``role``'s login (UTC session time zone)."""
        return connect_dsn(self.role_dsn(role), autocommit=autocommit, **kwargs)


def login_dsn(admin_dsn: str, login: str) -> str:
    """``admin_dsn`` with ``user=<login>``, no password and the login's own passfile
    (``PREDATOR_HOME/secrets/<login>.pgpass``, which holds that login's password alone)."""
    params = {k: v for k, v in conninfo_to_dict(admin_dsn).items() if k != "password"}
    params["user"] = login
    params["passfile"] = str(logins.role_passfile_path(login))
    return make_conninfo("", **params)


def connect_dsn(dsn: str, autocommit: bool = False, **kwargs: object) -> psycopg.Connection:
    """Open a connection with ``dsn`` as given (UTC session time zone), with the correlation id bound in this
    context (:mod:`predator.correlation`) set on the session."""
    conn = psycopg.connect(dsn, autocommit=autocommit, **kwargs)  # type: ignore[arg-type]
    conn.execute("SET TIME ZONE 'UTC'")
    cid = correlation.current()
    if cid is not None:
        set_correlation_id(conn, cid)
    if not autocommit:
        conn.commit()
    return conn


def set_correlation_id(conn: psycopg.Connection, value: str, *, join: bool = False) -> None:
    """Set the session's ``predator.correlation_id`` (read by ``ops._audit`` into the audit row) in a transaction
    of its own, or a savepoint of the caller's open transaction (its rollback then undoes it). ``join``: in the
    connection's current transaction, opening one when none is (a batch of hours, :attr:`HourRunner.batching`):
    one statement, and the transaction stays open for what follows. Advisory: the database never decides on it,
    and stores NULL for a malformed value."""
    if join:
        conn.execute("SELECT set_config('predator.correlation_id', %s, false)", (value,))
        return
    with conn.transaction():
        conn.execute("SELECT set_config('predator.correlation_id', %s, false)", (value,))


def set_commit_durability(conn: psycopg.Connection, *, fast: bool) -> None:
    """Set the session's ``synchronous_commit``, inside the caller's transaction (commit it to keep the
    setting for the session; a rollback undoes it).

    ``fast``: ``off``, a commit returns before its WAL is flushed to disk (a server crash can lose the last
    commits, never half of one; for backtests over stored history, which rerun identically). Otherwise
    durable: ``on`` when the session's value (the server's default) is ``off``, else left as it is (``on``,
    ``remote_write``, ``remote_apply`` and ``local`` all wait for the local WAL flush)."""
    if fast:
        conn.execute("SET synchronous_commit = off")
    elif conn.execute("SHOW synchronous_commit").fetchone() == ("off",):
        conn.execute("SET synchronous_commit = on")


def default_target(start: bool = True) -> Target:
    """The configured database: ``PREDATOR_DSN`` when set, else the embedded cluster (started when asked).

    The embedded cluster is Predator's own: when started here, its database is migrated to head and the
    login roles provisioned if that was never done (a first ``predator paper`` on a new machine), so every
    command finds the roles and passfiles it connects with. A ``PREDATOR_DSN`` server is migrated only by
    its administrator (``predator migrate``)."""
    dsn = config.external_dsn()
    if dsn:
        return Target(dsn, embedded=False)
    lay = cluster.up() if start else cluster.layout()   # idempotent: starts it and creates the database if needed
    target = Target(lay.dsn(), embedded=True)
    if start:
        from predator.db import migrate  # migrate imports this module

        def ready() -> bool:
            return migrate.current_revision(target) == migrate.head_revision() and all(
                logins.role_passfile_path(login).exists() for login in logins.LOGINS.values())

        if not ready():
            with open(config.home() / "migrate.lock", "w") as lock:  # one migration at a time (the test fixture's lock)
                fcntl.flock(lock, fcntl.LOCK_EX)
                if not ready():
                    migrate.upgrade(target)
    return target
