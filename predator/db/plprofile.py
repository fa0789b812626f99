"""plpgsql_check's profiler for a scratch database (bench/plprofile.py; docs/performance.md, "Per statement").

The profiler of plpgsql_check (the extension the definer-isolation test already uses) times every statement of every
PL/pgSQL routine a session runs. Without ``shared_preload_libraries`` (which would take a restart of the server) it
keeps the figures in the session's own memory, so they are read on the profiled connection itself, before it
closes. Nothing here touches a database that holds real books: the profiler is turned on only in a scratch database
that :func:`scratch_database` creates itself, and its settings go with it when it is dropped.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import psycopg
from psycopg import sql

from predator.db import logins, migrate
from predator.db.connection import Target

#: The schema the extension goes into in the profiled database (granted to the worker's login).
SCHEMA = "plprofile"


@dataclass(frozen=True)
class RoutineTime:
    """One routine's figures in one session: its signature, calls, total milliseconds (with what it calls)."""

    routine: str
    calls: int
    ms: float


@dataclass(frozen=True)
class StatementTime:
    """One statement's figures in one session: its routine's signature, its line in the routine's body, how often
    it ran, total milliseconds (with the routines it calls) and its source line, whitespace collapsed."""

    routine: str
    line: int
    executions: int
    ms: float
    source: str


@dataclass(frozen=True)
class SessionProfile:
    """What the profiler measured in one session."""

    routines: tuple[RoutineTime, ...]
    statements: tuple[StatementTime, ...]


@contextmanager
def scratch_database(server: Target, keep: bool = False) -> Iterator[Target]:
    """A new database ``predator_plprofile_<hex>`` on ``server`` (:func:`predator.db.migrate.scratch_database`:
    migrated to head, dropped when the block ends unless ``keep``) in which every session of the worker's login
    runs with plpgsql_check's profiler on: the extension in schema :data:`SCHEMA`, and ``ALTER ROLE … IN DATABASE
    … SET`` ``session_preload_libraries`` and ``plpgsql_check.profiler`` (settings of that database only, dropped
    with it). The worker's login name is :data:`WORKER_LOGIN`. Needs the administrator's DSN and the extension's
    package on the server (scripts/bootstrap.sh); raises psycopg errors as the server reports them (e.g. the
    extension missing)."""
    with migrate.scratch_database(server, "predator_plprofile", keep=keep) as target:
        _enable_worker_profiler(target)
        yield target


#: The login whose sessions are profiled.
WORKER_LOGIN = logins.LOGINS["worker"]


def _enable_worker_profiler(target: Target) -> None:
    login = WORKER_LOGIN
    schema = sql.Identifier(SCHEMA)
    with psycopg.connect(target.dsn, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE SCHEMA {}").format(schema))
        admin.execute(sql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(schema, sql.Identifier(login)))
        admin.execute(sql.SQL("CREATE EXTENSION plpgsql_check SCHEMA {}").format(schema))
        for setting, value in (("session_preload_libraries", "plpgsql_check"), ("plpgsql_check.profiler", "on")):
            admin.execute(sql.SQL("ALTER ROLE {} IN DATABASE {} SET {} = {}").format(
                sql.Identifier(login), sql.Identifier(target.dbname), sql.Identifier(setting), sql.Literal(value)))


def read_session_profile(conn: psycopg.Connection) -> SessionProfile:
    """The profile of ``conn``'s own session: every PL/pgSQL routine it ran and each of their statements that took
    any time (the profiler's ``plpgsql_profiler_functions_all`` and ``plpgsql_profiler_function_tb``)."""
    schema = sql.Identifier(SCHEMA)
    routines: list[RoutineTime] = []
    statements: list[StatementTime] = []
    rows = conn.execute(sql.SQL("SELECT f.funcoid::oid, f.funcoid::regprocedure::text, f.exec_count, f.total_time"
                                " FROM {}.plpgsql_profiler_functions_all() f WHERE f.total_time > 0"
                                " ORDER BY 2").format(schema)).fetchall()
    for oid, name, calls, ms in rows:
        routines.append(RoutineTime(name, int(calls), float(ms)))
        lines = conn.execute(sql.SQL("SELECT t.lineno, t.exec_stmts, t.total_time, t.source"
                                     " FROM {}.plpgsql_profiler_function_tb(%s::oid::regprocedure) t"
                                     " WHERE t.total_time > 0 ORDER BY t.lineno").format(schema), (oid,)).fetchall()
        statements += [StatementTime(name, int(line), int(execs), float(line_ms), " ".join((source or "").split()))
                       for line, execs, line_ms, source in lines]
    return SessionProfile(tuple(routines), tuple(statements))
