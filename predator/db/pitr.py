"""Physical backup of the embedded cluster and point-in-time recovery into a fresh cluster (docs/recovery.md).

:func:`base_backup` runs ``pg_basebackup`` (plain format, the WAL it needs streamed in) of the embedded cluster,
which must archive its WAL (``predator db up --wal-archive``): the base backup alone restores the moment it
was taken; with the archived WAL after it, any later moment.

:func:`restore_pitr` makes a new cluster under another ``PREDATOR_HOME`` from a base backup: the files are
copied into its data directory (owned by the server's OS user), its ``predator.conf`` carries the
``restore_command`` (the archive, then any further directories of WAL segments: the ``pg_wal`` of a crashed
cluster whose disk survived), ``recovery_target_time`` and ``recovery_target_action = 'promote'``, with
``recovery.signal``; the server replays the WAL up to the last commit at or before the target and opens for
writes. Without a target it replays all the WAL it can find (the archive, then those directories) and opens at
its end: after the loss of the server's disk, the archive alone, whose last segment ends at most
``archive_timeout`` before the crash. A target beyond the WAL available is refused by the server
(``recovery ended before configured recovery target was reached``); every failed restore removes what it made
(the data directory, ``cluster.json``; the server log stays) so the same ``into`` can be used again.
WAL archiving is off in the restored cluster (it must not write into the archive of the original).
The seconds from the start of the restore to a promoted server accepting connections (the RTO of the run)
and the commit time of the last transaction replayed (against the target or the crash: the RPO) are returned.
The tables are then ANALYZEd (:func:`predator.db.cluster.analyze_after_recovery`: recovery starts without
statistics).
"""

from __future__ import annotations

import dataclasses
import json
import os
import pwd
import re
import shutil
import subprocess
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import psycopg

from predator import seams
from predator.db import cluster
from predator.errors import BackupError

#: The file ``predator backup base`` writes into the backup directory (not copied into a restored cluster).
MANIFEST = "predator_backup.json"


@dataclass(frozen=True)
class BaseBackup:
    """A base backup written to ``path``; ``archive`` is the WAL archive that rolls it forward."""

    path: Path
    archive: Path
    size: int
    seconds: float


@dataclass(frozen=True)
class Recovered:
    """A cluster restored to ``target`` (None: to the end of the WAL available): its layout, the wall seconds
    from the start of the restore to a promoted server accepting connections (RTO), and the commit time of the
    last transaction replayed."""

    layout: cluster.Layout
    target: datetime | None
    seconds: float
    last_replayed: datetime | None


def _size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def base_backup(lay: cluster.Layout, out: Path) -> BaseBackup:
    """``pg_basebackup`` of the running embedded cluster ``lay`` into the new directory ``out``. Raises
    BackupError when WAL archiving is off, ``out`` is not empty, or pg_basebackup fails."""
    started = seams.monotonic()
    if not lay.wal_archive:
        raise BackupError("WAL archiving is off for this cluster: a base backup could not be rolled forward; switch "
                          "it on with `predator db up --wal-archive` (restarts the server), then take the base backup")
    out = out.resolve()
    if out.exists() and any(out.iterdir()):
        raise BackupError(f"{out} is not empty: a base backup goes into a new directory")
    proc = subprocess.run([str(cluster.find_bindir() / "pg_basebackup"), f"--pgdata={out}", "--format=plain",
                           "--wal-method=stream", "--checkpoint=fast", "--no-password", f"--dbname={lay.dsn()}"],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        shutil.rmtree(out, ignore_errors=True)
        raise BackupError(f"pg_basebackup failed: {proc.stderr.strip() or proc.stdout.strip()}")
    (out / MANIFEST).write_text(json.dumps({"archive": str(lay.archive_dir), "source_pgdata": str(lay.pgdata)},
                                           indent=2) + "\n")
    return BaseBackup(out, lay.archive_dir, _size(out), seams.monotonic() - started)


def _chown_tree(path: Path, user: str | None) -> None:
    if user is None:
        return
    pw = pwd.getpwnam(user)
    os.chown(path, pw.pw_uid, pw.pw_gid)
    for root, dirs, files in os.walk(path):
        for name in dirs + files:
            os.chown(os.path.join(root, name), pw.pw_uid, pw.pw_gid, follow_symlinks=False)


def _recovery_conf(archive: Path, wal_dirs: list[Path], target: datetime | None) -> str:
    sources = [archive, *wal_dirs]
    command = " || ".join(f'cp "{d}/%f" "%p"' for d in sources)
    conf = (f"# Point-in-time recovery (predator restore pitr); removed once the server is promoted.\n"
            f"restore_command = '{command}'\n")
    if target is None:   # no target: replay to the end of the WAL restore_command finds, then open (promote)
        return conf
    return conf + (f"recovery_target_time = '{target.isoformat()}'\n"
                   f"recovery_target_action = 'promote'\n")


def _log_lines(lay: cluster.Layout, offset: int) -> list[str]:
    """The lines the server logged from byte ``offset`` of its log on (this restore's)."""
    try:
        with open(lay.logfile, "rb") as f:
            f.seek(offset)
            return f.read().decode(errors="replace").strip().splitlines()
    except OSError:
        return []


def _log_tail(lay: cluster.Layout, offset: int = 0, lines: int = 5) -> str:
    text = _log_lines(lay, offset)
    return " | ".join(text[-lines:]) if text else "no server log"


#: What PostgreSQL logs when the WAL ran out before the recovery target, and the last commit it replayed.
_TARGET_NOT_REACHED = "recovery ended before configured recovery target was reached"
_LAST_COMPLETED = re.compile(r"last completed transaction was at log time (.+)$")


def _failure(lay: cluster.Layout, offset: int, target: datetime | None, what: str) -> BackupError:
    """The error of a failed recovery: the WAL that ended before the target said plainly, else the log's tail."""
    lines = _log_lines(lay, offset)
    if target is not None and any(_TARGET_NOT_REACHED in line for line in lines):
        last = next((m.group(1).strip() for line in reversed(lines) if (m := _LAST_COMPLETED.search(line))), None)
        replayed = f"its last transaction committed at {last}" if last else "no transaction after the base backup"
        return BackupError(f"the WAL available ends before the target {target.isoformat()} ({replayed}): restore "
                           f"to a time before that, or to the end of the WAL (--to-end); nothing was kept under "
                           f"{lay.home} but the server log {lay.logfile}")
    return BackupError(f"{what}: {_log_tail(lay, offset)}; nothing was kept under {lay.home} but the server log")


def _discard(lay: cluster.Layout) -> None:
    """Undo a failed restore: stop its server, remove its data directory and ``cluster.json`` (the log stays)."""
    if cluster.is_running(lay):
        cluster.run_as_server(lay, [str(cluster.find_bindir() / "pg_ctl"), "stop", "-D", str(lay.pgdata),
                                    "-m", "immediate", "-w"], check=False)
    shutil.rmtree(lay.pgdata, ignore_errors=True)
    (lay.home / "cluster.json").unlink(missing_ok=True)


def restore_pitr(base: Path, target: datetime | None, into: Path, archive: Path | None = None,
                 wal_dirs: list[Path] | None = None, timeout: float = 3600.0) -> Recovered:
    """Restore the base backup ``base`` into a new cluster under ``into`` (a PREDATOR_HOME without a cluster)
    and roll it forward to ``target`` (timezone-aware; None: to the end of the WAL available) with the WAL of
    ``archive`` (default: the one recorded in the backup) and then of ``wal_dirs``. Returns when the server is
    promoted and accepts connections; raises BackupError when recovery fails (a target beyond the WAL
    available said so, with the last commit replayed; else the server log's last lines), after removing the
    data directory and ``cluster.json`` it made."""
    started = seams.monotonic()
    if target is not None and target.tzinfo is None:
        raise BackupError("the recovery target time needs a time zone (UTC: …Z)")
    base = base.resolve()
    if not (base / "PG_VERSION").exists():
        raise BackupError(f"{base} is not a base backup (no PG_VERSION)")
    if archive is None:
        manifest = base / MANIFEST
        if not manifest.exists():
            raise BackupError(f"{base} has no {MANIFEST}: name the WAL archive (--archive)")
        archive = Path(json.loads(manifest.read_text())["archive"])
    into = into.resolve()
    if (into / "cluster.json").exists():
        raise BackupError(f"{into} already holds a cluster (cluster.json): restore into a new PREDATOR_HOME")
    into.mkdir(parents=True, exist_ok=True)
    lay = dataclasses.replace(cluster.layout(into), wal_archive=False)
    if lay.pgdata.exists():
        raise BackupError(f"{lay.pgdata} exists: restore into a new PREDATOR_HOME")
    cluster.prepare_dirs(lay)
    offset = lay.logfile.stat().st_size if lay.logfile.exists() else 0   # a failed attempt's log stays
    try:
        shutil.copytree(base, lay.pgdata, ignore=shutil.ignore_patterns(MANIFEST, "postmaster.pid"))
        os.chmod(lay.pgdata, 0o700)
        (lay.pgdata / "postgresql.auto.conf").write_text("")
        (lay.pgdata / "recovery.signal").write_text("")
        (lay.pgdata / "predator.conf").write_text(
            cluster.server_conf(lay, replica=True) + _recovery_conf(archive, list(wal_dirs or []), target))
        (lay.pgdata / "pg_ident.conf").write_text(cluster.ident_conf(lay.run_as))
        (lay.pgdata / "pg_hba.conf").write_text(cluster.HBA)
        _chown_tree(lay.pgdata, lay.run_as)
        cluster.save_layout(lay)
        bindir = cluster.find_bindir()
        proc = subprocess.run(cluster.as_user(lay.run_as, [str(bindir / "pg_ctl"), "start", "-D", str(lay.pgdata),
                                                           "-w", "-t", str(int(timeout)), "-l", str(lay.logfile)]),
                              capture_output=True, text=True)
        if proc.returncode != 0:
            raise _failure(lay, offset, target, "the restored server did not start")
        last = _wait_promoted(lay, started + timeout, offset, target)
    except BaseException:
        _discard(lay)
        raise
    seconds = seams.monotonic() - started
    (lay.pgdata / "predator.conf").write_text(cluster.server_conf(lay, replica=True))   # recovery settings spent
    _chown_tree(lay.pgdata / "predator.conf", lay.run_as)
    cluster.analyze_after_recovery(lay)   # archive recovery, like a crash, starts with no statistics
    return Recovered(lay, target, seconds, last)


def _wait_promoted(lay: cluster.Layout, deadline: float, offset: int, target: datetime | None) -> datetime | None:
    """Wait until the server left recovery; the commit time of the last transaction it replayed."""
    while True:
        try:
            with psycopg.connect(lay.dsn("postgres"), autocommit=True) as conn:
                row = conn.execute("SELECT pg_is_in_recovery(), pg_last_xact_replay_timestamp()").fetchone()
            if row is not None and not row[0]:
                return row[1]  # type: ignore[no-any-return]
        except psycopg.OperationalError as e:
            if not cluster.is_running(lay):
                raise _failure(lay, offset, target, "recovery failed, the server stopped") from e
        if seams.monotonic() > deadline:
            raise _failure(lay, offset, target, "recovery did not finish in time")
        seams.sleep(0.1)
