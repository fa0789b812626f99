"""A streaming-replication standby of the embedded cluster, and its promotion (docs/recovery.md, "Standby and
failover").

:func:`create` makes a second local cluster from the running embedded primary: the primary is switched to
``wal_level = replica`` (a restart, once), a physical replication slot is created for the standby, and
``pg_basebackup -R`` copies the primary into the standby's data directory (``PREDATOR_HOME/standby-N``, or
``/var/lib/predator/<hash>`` when the server's OS user cannot reach it, like the primary). The standby listens
on a socket directory of its own and on another port (the primary's + N), streams the WAL through the slot
(``primary_conninfo`` and ``primary_slot_name`` in its ``predator.conf``, with ``standby.signal``), and accepts
read-only connections. Once it streams, the primary's ``synchronous_standby_names`` names it: every commit of a
durable session (``synchronous_commit = on``, the worker's default) returns only after the standby has flushed
its WAL, so a committed fill exists on both servers.

The trade-off: while the standby is down or cut off, those commits wait (the hour close, a fill, a halt too).
:func:`status` shows it (``waiting commits``); the operator restarts the standby (``predator standby create``
starts an existing one) or, when it cannot come back, runs ``predator standby drop``, which turns the
synchronous wait off first: the waiting commits then complete.

:func:`promote` turns the standby into the primary after the primary died: ``pg_ctl promote``, then
``PREDATOR_HOME/cluster.json`` is switched to the promoted cluster (the former record is kept as
``cluster.json.former-<UTC time>``), so every command and worker of this PREDATOR_HOME connects to the new
primary, with the same login passwords (the roles came with the WAL; the passfiles get its address). It
refuses while the primary still runs: two primaries would diverge.

Everything runs as the server's OS user (``runuser``) when Predator runs as root, like
:mod:`predator.db.cluster`. Only this module and :mod:`predator.db.cluster` speak to the standby.
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import signal
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

from predator import config, seams
from predator.db import cluster, logins
from predator.errors import ClusterError

#: The record of the current standby: ``{"name": ..., "home": ...}`` in ``PREDATOR_HOME``.
RECORD = "standby.json"


@dataclass(frozen=True)
class Standby:
    """The standby of this PREDATOR_HOME: its name (the application name the primary waits for, and its
    replication slot), the directory holding its ``cluster.json``, and its layout."""

    name: str
    home: Path
    layout: cluster.Layout


@dataclass(frozen=True)
class StandbyStatus:
    """What ``predator standby status`` shows. ``state`` and ``sync_state`` come from the primary's
    ``pg_stat_replication`` (None when the standby is not connected); ``flush_lag_bytes`` is how far the
    standby's flushed WAL is behind the primary's; ``waiting_commits`` counts sessions of the primary waiting
    for the standby (``wait_event = 'SyncRep'``); ``slot_retained_bytes`` is the WAL the slot keeps on the
    primary's disk."""

    name: str | None
    primary_running: bool
    standby_running: bool
    sync_required: bool
    state: str | None
    sync_state: str | None
    flush_lag_bytes: int | None
    replay_lag_bytes: int | None
    waiting_commits: int | None
    slot_active: bool | None
    slot_retained_bytes: int | None
    standby_in_recovery: bool | None
    standby_dsn: str | None


@dataclass(frozen=True)
class Promoted:
    """A promoted standby: the new primary's layout (now in ``PREDATOR_HOME/cluster.json``), the seconds from
    ``pg_ctl promote`` to a server accepting writes, and where the former primary's record was kept."""

    layout: cluster.Layout
    seconds: float
    former_record: Path | None


def _record_path(home: Path | None = None) -> Path:
    return (home or config.home()) / RECORD


def current(home: Path | None = None) -> Standby | None:
    """The standby recorded in ``PREDATOR_HOME/standby.json``, or None."""
    path = _record_path(home)
    if not path.exists():
        return None
    data = json.loads(path.read_text())
    shome = Path(data["home"])
    return Standby(str(data["name"]), shome, cluster.layout(shome))


def _admin(lay: cluster.Layout, dbname: str = "postgres") -> psycopg.Connection[Any]:
    return psycopg.connect(lay.dsn(dbname), autocommit=True)


def _wait(what: str, check: Any, timeout: float, log: cluster.Layout | None = None) -> None:
    deadline = seams.monotonic() + timeout
    while True:
        try:
            if check():
                return
        except psycopg.OperationalError:
            pass
        if seams.monotonic() > deadline:
            tail = ""
            if log is not None:
                try:
                    tail = ": " + " | ".join(log.logfile.read_text(errors="replace").strip().splitlines()[-5:])
                except OSError:
                    tail = ""
            raise ClusterError(f"{what} did not happen within {timeout:.0f} s{tail}")
        seams.sleep(0.05)


def _streaming(primary: cluster.Layout, name: str, sync: bool = False) -> bool:
    """The standby ``name`` streams from the primary (and, with ``sync``, is its synchronous standby)."""
    with _admin(primary) as conn:
        row = conn.execute("SELECT state, sync_state FROM pg_catalog.pg_stat_replication WHERE application_name = %s",
                           (name,)).fetchone()
    return row is not None and row[0] == "streaming" and (not sync or row[1] == "sync")


def _start(lay: cluster.Layout, timeout: float) -> None:
    bindir = cluster.find_bindir()
    cluster.prepare_dirs(lay)
    cluster.run_as_server(lay, [str(bindir / "pg_ctl"), "start", "-D", str(lay.pgdata), "-w", "-t", str(int(timeout)),
                                "-l", str(lay.logfile)])


def create(timeout: float = 300.0) -> Standby:
    """Create (once) and start the standby of the embedded cluster, and make the primary's commits wait for it.
    Idempotent: an existing standby is started when it is stopped. The primary is started (and switched to
    replication, a restart) when needed. Raises ClusterError when a step fails."""
    existing = current()
    primary = cluster.up(replication=True)
    if existing is not None:
        known = existing.name
        if not cluster.is_running(existing.layout):
            _start(existing.layout, timeout)
        _wait(f"standby {known} streaming from the primary", lambda: _streaming(primary, known), timeout,
              existing.layout)
        if primary.sync_standby != known:
            cluster.set_sync_standby(known)
        _wait(f"standby {known} synchronous", lambda: _streaming(primary, known, sync=True), timeout)
        return existing
    home = config.home()
    n = 1
    while (home / f"standby-{n}").exists():
        n += 1
    name = f"predator_standby_{n}"
    shome = home / f"standby-{n}"
    shome.mkdir(parents=True)
    base = cluster.layout(shome)
    conninfo = f"host={primary.socket_dir} port={primary.port} user=postgres application_name={name}"
    lay = dataclasses.replace(base, port=primary.port + n, replication=True, primary_conninfo=conninfo,
                              primary_slot=name)
    with _admin(primary) as conn:
        conn.execute("SELECT pg_catalog.pg_create_physical_replication_slot(%s) "
                     "WHERE NOT EXISTS (SELECT FROM pg_catalog.pg_replication_slots WHERE slot_name = %s)",
                     (name, name))
    cluster.prepare_dirs(lay)
    if lay.pgdata.exists() and any(lay.pgdata.iterdir()):
        raise ClusterError(f"{lay.pgdata} is not empty: remove it or drop the standby recorded there")
    bindir = cluster.find_bindir()
    proc = subprocess.run(cluster.as_user(lay.run_as, [
        str(bindir / "pg_basebackup"), f"--pgdata={lay.pgdata}", "--format=plain", "--wal-method=stream",
        "--write-recovery-conf", f"--slot={name}", "--checkpoint=fast", "--no-password",
        f"--dbname={primary.dsn('postgres')} application_name={name}"]), capture_output=True, text=True)
    if proc.returncode != 0:
        shutil.rmtree(lay.pgdata, ignore_errors=True)
        with _admin(primary) as conn:
            conn.execute("SELECT pg_catalog.pg_drop_replication_slot(slot_name) FROM pg_catalog.pg_replication_slots"
                         " WHERE slot_name = %s AND NOT active", (name,))
        raise ClusterError(f"pg_basebackup of the standby failed: {proc.stderr.strip() or proc.stdout.strip()}")
    # Its settings are ours, in predator.conf (what -R wrote into postgresql.auto.conf would override them).
    cluster.write_as(lay, lay.pgdata / "postgresql.auto.conf", "")
    cluster.write_as(lay, lay.pgdata / "predator.conf", cluster.server_conf(lay))
    cluster.write_as(lay, lay.pgdata / "pg_hba.conf", cluster.HBA)
    cluster.write_as(lay, lay.pgdata / "pg_ident.conf", cluster.ident_conf(lay.run_as))
    cluster.write_as(lay, lay.pgdata / "standby.signal", "")
    cluster.save_layout(lay)
    _record_path().write_text(json.dumps({"name": name, "home": str(shome)}, indent=2) + "\n")
    _start(lay, timeout)
    _wait(f"standby {name} streaming from the primary", lambda: _streaming(primary, name), timeout, lay)
    cluster.set_sync_standby(name)
    _wait(f"standby {name} synchronous", lambda: _streaming(primary, name, sync=True), timeout)
    return Standby(name, shome, lay)


def status() -> StandbyStatus:
    """The standby's state as both servers see it (read-only; nothing is started)."""
    primary = cluster.layout()
    sb = current()
    p_running = cluster.is_running(primary)
    s_running = sb is not None and cluster.is_running(sb.layout)
    state = sync_state = None
    flush = replay = waiting = retained = None
    slot_active: bool | None = None
    in_recovery: bool | None = None
    if p_running:
        with _admin(primary) as conn:
            waiting = int(conn.execute("SELECT count(*) FROM pg_catalog.pg_stat_activity WHERE wait_event = 'SyncRep'")
                          .fetchone()[0])  # type: ignore[index]
            if sb is not None:
                row = conn.execute(
                    "SELECT state, sync_state, pg_catalog.pg_wal_lsn_diff(pg_catalog.pg_current_wal_lsn(), flush_lsn),"
                    " pg_catalog.pg_wal_lsn_diff(pg_catalog.pg_current_wal_lsn(), replay_lsn)"
                    " FROM pg_catalog.pg_stat_replication WHERE application_name = %s", (sb.name,)).fetchone()
                if row is not None:
                    state, sync_state = row[0], row[1]
                    flush = int(row[2]) if row[2] is not None else None
                    replay = int(row[3]) if row[3] is not None else None
                slot = conn.execute(
                    "SELECT active, pg_catalog.pg_wal_lsn_diff(pg_catalog.pg_current_wal_lsn(), restart_lsn)"
                    " FROM pg_catalog.pg_replication_slots WHERE slot_name = %s", (sb.name,)).fetchone()
                if slot is not None:
                    slot_active = bool(slot[0])
                    retained = int(slot[1]) if slot[1] is not None else None
    if sb is not None and s_running:
        try:
            with _admin(sb.layout) as conn:
                in_recovery = bool(conn.execute("SELECT pg_catalog.pg_is_in_recovery()").fetchone()[0])  # type: ignore[index]
        except psycopg.OperationalError:
            in_recovery = None
    return StandbyStatus(sb.name if sb else None, p_running, s_running, primary.sync_standby is not None, state,
                         sync_state, flush, replay, waiting, slot_active, retained, in_recovery,
                         sb.layout.dsn() if sb else None)


def kill_primary(timeout: float = 30.0) -> int:
    """SIGKILL the embedded primary's postmaster (the failover drill's crash: no shutdown, no checkpoint; its
    backends exit when they see it gone) and wait until it is gone. Returns the postmaster's pid."""
    lay = cluster.layout()
    pidfile = lay.pgdata / "postmaster.pid"
    if not pidfile.exists():
        raise ClusterError(f"the primary is not running (no {pidfile})")
    pid = int(pidfile.read_text().splitlines()[0])
    os.kill(pid, signal.SIGKILL)

    def gone() -> bool:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        return False

    _wait(f"the end of the primary's postmaster {pid}", gone, timeout)
    return pid


def promote(timeout: float = 120.0) -> Promoted:
    """Promote the standby and switch ``PREDATOR_HOME/cluster.json`` to it. Refuses (ClusterError) when there
    is no standby, or while the primary still runs."""
    sb = current()
    if sb is None:
        raise ClusterError("no standby to promote: `predator standby create` makes one")
    home = config.home()
    primary = cluster.layout()
    if cluster.is_running(primary):
        raise ClusterError(f"the primary ({primary.pgdata}) is running: promoting the standby would make two primaries "
                           f"whose histories diverge; stop it first (`predator db down`), then promote")
    if not cluster.is_running(sb.layout):
        raise ClusterError(f"the standby {sb.name} is not running: start it (`predator standby create`), then promote")
    started = seams.monotonic()
    bindir = cluster.find_bindir()
    cluster.run_as_server(sb.layout, [str(bindir / "pg_ctl"), "promote", "-D", str(sb.layout.pgdata), "-w",
                                      "-t", str(int(timeout))])

    def writable() -> bool:
        with _admin(sb.layout) as conn:
            return conn.execute("SELECT pg_catalog.pg_is_in_recovery()").fetchone() == (False,)

    _wait(f"the promotion of standby {sb.name}", writable, timeout, sb.layout)
    seconds = seams.monotonic() - started
    new = dataclasses.replace(sb.layout, home=home, primary_conninfo=None, primary_slot=None, sync_standby=None,
                              replication=True)
    cluster.write_as(new, new.pgdata / "predator.conf", cluster.server_conf(new))
    record = home / "cluster.json"
    former: Path | None = None
    if record.exists():
        stamp = seams.wall_now().strftime("%Y%m%dT%H%M%SZ")
        former = home / f"cluster.json.former-{stamp}"
        record.rename(former)
    cluster.save_layout(new)
    (sb.home / "cluster.json").unlink(missing_ok=True)   # one record of the cluster: PREDATOR_HOME's
    _record_path().unlink(missing_ok=True)
    cluster.reload(new, bindir)
    logins.provision_logins(new.dsn())   # the passwords came with the WAL; the passfiles learn the new address
    return Promoted(new, seconds, former)


@dataclass(frozen=True)
class Dropped:
    """What ``predator standby drop`` did: the standby's name, whether its slot on the primary was dropped
    (False when the primary was not running: rerun drop once it runs) and the directories removed."""

    name: str
    slot_dropped: bool
    removed: tuple[Path, ...]


def drop(timeout: float = 60.0) -> Dropped | None:
    """Remove the standby: the primary's commits stop waiting for it (first, so that waiting commits complete),
    the standby is stopped, its slot dropped and its files removed. None when there is no standby."""
    sb = current()
    if sb is None:
        return None
    primary = cluster.layout()
    if primary.sync_standby is not None:
        primary = cluster.set_sync_standby(None)
    bindir = cluster.find_bindir()
    if cluster.is_running(sb.layout):
        cluster.run_as_server(sb.layout, [str(bindir / "pg_ctl"), "stop", "-D", str(sb.layout.pgdata), "-m", "fast",
                                          "-w", "-t", str(int(timeout))])
    slot_dropped = False
    if cluster.is_running(primary):
        with _admin(primary) as conn:
            conn.execute("SELECT pg_catalog.pg_drop_replication_slot(slot_name) FROM pg_catalog.pg_replication_slots"
                         " WHERE slot_name = %s", (sb.name,))
        slot_dropped = True
    removed = list(cluster.remove_files(sb.layout))
    if sb.home.exists():
        shutil.rmtree(sb.home, ignore_errors=True)
        removed.append(sb.home)
    _record_path().unlink(missing_ok=True)
    return Dropped(sb.name, slot_dropped, tuple(removed))


# --- the failover drill's reads (as the auditor; docs/recovery.md) ---------------------------------------------


@dataclass(frozen=True)
class ChainHead:
    """The head of one hash chain as a client saw it: the chain (``table:book`` or
    ``ledger.posting:book:account:currency``), its last seq and that row's hash (hex)."""

    chain: str
    seq: int
    head_hash: str


def chain_heads(conn: psycopg.Connection[Any]) -> list[ChainHead]:
    """Every chain's head in one snapshot: ``ops.chain_head`` and the journal's per-account chains
    (``ledger.balance``), read as the auditor."""
    rows = conn.execute(
        "SELECT chain, seq, encode(head_hash, 'hex') FROM ops.chain_head"
        " UNION ALL SELECT 'ledger.posting:' || book_id || ':' || account_code || ':' || currency, seq,"
        " encode(head_hash, 'hex') FROM ledger.balance ORDER BY 1").fetchall()
    conn.rollback()
    return [ChainHead(str(r[0]), int(r[1]), str(r[2])) for r in rows]


def missing_rows(conn: psycopg.Connection[Any], heads: list[ChainHead]) -> list[str]:
    """The rows of ``heads`` (and every row before them) that the database of ``conn`` lacks or holds with
    another hash: for each chain, the row at the recorded seq must carry the recorded hash (its hash covers
    the rows before it) — one line per chain that fails, empty when nothing committed was lost."""
    lost: list[str] = []
    for h in heads:
        parts = h.chain.split(":")
        if parts[0] == "ledger.posting":
            row = conn.execute(
                "SELECT encode(row_hash, 'hex') FROM ledger.posting WHERE book_id = %s AND account_code = %s"
                " AND currency = %s AND seq = %s", (int(parts[1]), parts[2], parts[3], h.seq)).fetchone()
        else:
            schema, table = parts[0].split(".")
            row = conn.execute(
                sql.SQL("SELECT encode(row_hash, 'hex') FROM {} WHERE book_id = %s AND seq = %s").format(
                    sql.Identifier(schema, table)), (int(parts[1]), h.seq)).fetchone()
        if row is None:
            lost.append(f"{h.chain}: row {h.seq} is missing")
        elif row[0] != h.head_hash:
            lost.append(f"{h.chain}: row {h.seq} has hash {row[0]}, the client saw {h.head_hash}")
    conn.rollback()
    return lost


def hours_closed(conn: psycopg.Connection[Any], account: str) -> int:
    """How many hours of ``account`` are closed (``api.hourly_states``), read as the auditor; 0 for an account
    that does not exist yet."""
    row = conn.execute("SELECT count(*) FROM api.hourly_states s WHERE s.account = %s", (account,)).fetchone()
    conn.rollback()
    return int(row[0]) if row else 0
