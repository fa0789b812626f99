"""Connections to the Predator database.

:class:`Target` names one database: its superuser DSN (for migrations and test set-up) and how to
connect to it as one of the governed roles: ``predator_worker``, ``predator_operator`` or
``predator_auditor``. On the embedded cluster the roles log in themselves (trust over the private socket);
on an existing server (``PREDATOR_DSN``) the DSN's user connects with ``-c role=<role>``, unless
``PREDATOR_<ROLE>_DSN`` gives a DSN of its own.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Literal

import psycopg
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from predator import config
from predator.db import cluster

Role = Literal["worker", "operator", "auditor", "admin"]


@dataclass(frozen=True)
class Target:
    """One database. ``dsn`` is a superuser libpq DSN; ``embedded`` tells whether roles may log in directly."""

    dsn: str
    embedded: bool

    @property
    def dbname(self) -> str:
        return str(conninfo_to_dict(self.dsn).get("dbname", ""))

    def with_dbname(self, dbname: str) -> Target:
        return Target(make_conninfo(self.dsn, dbname=dbname), self.embedded)

    def role_dsn(self, role: Role) -> str:
        """The DSN to connect as ``predator_<role>`` (``admin``: the superuser DSN itself)."""
        if role == "admin":
            return self.dsn
        override = os.environ.get(f"PREDATOR_{role.upper()}_DSN")
        if override:
            return make_conninfo(override, dbname=self.dbname)
        if self.embedded:
            return make_conninfo(self.dsn, user=f"predator_{role}")
        return make_conninfo(self.dsn, options=f"-c role=predator_{role}")

    def connect(self, role: Role = "worker", autocommit: bool = False, **kwargs: object) -> psycopg.Connection:
        """Open a connection as ``predator_<role>`` (UTC session time zone)."""
        conn = psycopg.connect(self.role_dsn(role), autocommit=autocommit, **kwargs)  # type: ignore[arg-type]
        conn.execute("SET TIME ZONE 'UTC'")
        if not autocommit:
            conn.commit()
        return conn


def default_target(start: bool = True) -> Target:
    """The configured database: ``PREDATOR_DSN`` when set, else the embedded cluster (started when asked)."""
    dsn = config.external_dsn()
    if dsn:
        return Target(dsn, embedded=False)
    lay = cluster.up() if start else cluster.layout()   # idempotent: starts it and creates the database if needed
    return Target(lay.dsn(), embedded=True)
