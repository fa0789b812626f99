"""LISTEN/NOTIFY: waiting for the database's notifications (only :mod:`predator.db` speaks SQL).

The database notifies when something must reach the venue at once: ``api.kill_switch`` sends
``pg_notify('predator_kill', {"reason": …, "flatten": …})`` on commit (:data:`KILL_CHANNEL`). A listener
holds its own autocommit connection (a notification is delivered between transactions only), so it never
shares the connection a runner writes through.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import psycopg
from psycopg import sql
from psycopg.rows import class_row

from predator.db.connection import Role, Target, connect_dsn

#: The channel ``api.kill_switch`` notifies after it commits (payload: JSON with ``reason`` and ``flatten``).
KILL_CHANNEL = "predator_kill"


@dataclass(frozen=True)
class Notification:
    """One notification: its channel, payload (text, as the sender gave it) and the sending backend's pid."""

    channel: str
    payload: str
    pid: int


class Listener:
    """A connection listening on one or more channels; :meth:`wait` hands out what arrived."""

    def __init__(self, conn: psycopg.Connection) -> None:
        self._conn = conn

    def wait(self, *, timeout_s: float, stop_after: int | None = 1) -> list[Notification]:
        """The notifications that arrive within ``timeout_s`` seconds, returning as soon as ``stop_after``
        of them arrived (None: wait the whole timeout); empty when none came."""
        return [
            Notification(n.channel, n.payload, n.pid)
            for n in self._conn.notifies(timeout=timeout_s, stop_after=stop_after)
        ]


#: The application_name prefix of a session listening on :data:`KILL_CHANNEL` (``api.kill_listeners``).
KILL_LISTENER_PREFIX = "predator-killwatch:"


@contextmanager
def listen(target: Target, *, channels: tuple[str, ...] = (KILL_CHANNEL,), role: Role = "worker",
           label: str | None = None) -> Iterator[Listener]:
    """A :class:`Listener` on ``channels`` of ``target``'s database, connected as ``role``'s login (its own
    autocommit connection, closed when the block ends). ``LISTEN`` has taken effect when the block starts:
    every notification committed after that is delivered. A listener on :data:`KILL_CHANNEL` then names its
    session ``predator-killwatch:<label>`` (application_name; ``label``: the account it acts for, empty when
    None), so that ``api.kill_listeners()`` (:func:`kill_listeners`) shows it to the operator."""
    with connect_dsn(target.role_dsn(role), autocommit=True) as conn:
        for channel in channels:
            conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(channel)))
        if KILL_CHANNEL in channels:
            conn.execute("SELECT set_config('application_name', %s, false)",
                         (f"{KILL_LISTENER_PREFIX}{label or ''}"[:63],))
        yield Listener(conn)


@dataclass(frozen=True)
class KillListener:
    """A session listening for the kill switch: its server ``pid``, ``login`` role and the ``account`` its
    worker acts for (None when it did not say)."""

    pid: int
    login: str
    account: str | None
    application_name: str


def kill_listeners(conn: psycopg.Connection) -> list[KillListener]:
    """The sessions of the connection's database listening on :data:`KILL_CHANNEL` (``api.kill_listeners()``;
    operator or auditor), by pid."""
    with conn.cursor(row_factory=class_row(KillListener)) as cur:
        cur.execute("SELECT pid, login, account, application_name FROM api.kill_listeners()")
        return cur.fetchall()
