"""The embedded PostgreSQL cluster: a private server under ``PREDATOR_HOME`` (default ``./.predator``).

It listens on a unix socket in a directory only its OS user can enter (mode 0700). Authentication
(``pg_hba.conf``, rewritten on every ``db up`` and reloaded): the superuser ``postgres`` only by ``peer`` over
the socket, through the ident map ``predator`` that names the OS user running Predator and the server's own
OS user; every other role by ``scram-sha-256`` (the login roles' passwords live in
``PREDATOR_HOME/secrets/pgpass``, see :mod:`predator.db.logins`). TCP is off unless asked
(``predator db up --tcp-port N``, bound to 127.0.0.1), and then ``scram-sha-256`` too, never ``trust``; the
superuser cannot log in over TCP at all.

As root, ``initdb`` refuses to run, so the server runs as an unprivileged OS user (``postgres`` when it
exists, else ``nobody``) through ``runuser``; Python stays as it is and connects over the socket. When that
user cannot reach ``PREDATOR_HOME`` (for example a checkout under ``/root``), the data directory lives under
``/var/lib/predator/<hash>`` instead and ``PREDATOR_HOME/cluster.json`` records where.

Replication (``Layout.replication``, ``sync_standby``, ``primary_conninfo``; :mod:`predator.db.standby`): a primary
that feeds a synchronous streaming standby, or the standby itself, kept in ``cluster.json`` like the rest; after a
promotion ``cluster.json`` names the promoted cluster (docs/recovery.md, "Standby and failover").

Server binaries: ``PREDATOR_PG_BIN``, else ``pg_config --bindir``, else the newest
``/usr/lib/postgresql/*/bin``, else the optional ``pgserver`` wheel.
"""

from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import glob
import hashlib
import json
import os
import pwd
import shutil
import stat
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from predator import config, seams
from predator.errors import ClusterError

_CONF = """
# Written by predator db up.
listen_addresses = '{listen}'
port = {port}
unix_socket_directories = '{socket_dir}'
unix_socket_permissions = 0700
max_connections = 100
shared_buffers = 256MB
work_mem = 16MB
maintenance_work_mem = 128MB
wal_level = {wal_level}
max_wal_senders = {max_wal_senders}
max_wal_size = 4GB
checkpoint_timeout = 15min
fsync = on
synchronous_commit = on
timezone = 'UTC'
log_timezone = 'UTC'
datestyle = 'iso, ymd'
lc_messages = 'C'
max_locks_per_transaction = 256
# No JIT: Predator's queries are short, and the planner's cost of a query over set-returning functions
# (estimated at 1000 rows each) passes jit_above_cost, so LLVM compiled it on every call: portfolio.valuation
# took 7.8 s with JIT and 2 ms without (docs/operations.md "JIT").
jit = off
# Statistics early: a backtest fills a fresh book's tables within seconds, and until autovacuum first analyzes
# them the planner has no row estimates and picks nested loops that rescan the book for every row (the peer
# year's hour cycle grew from 7 to 109 ms in its first simulated six weeks, then fell to 15 ms once they were
# analyzed; docs/operations.md "Statistics early"). The default naptime (1 min) is most of such a run.
autovacuum_naptime = 5s
"""

#: Appended to ``_CONF`` when the cluster archives its WAL (``predator db up --wal-archive``; docs/recovery.md):
#: every completed WAL segment is copied into ``wal_archive`` beside the data directory (written under a
#: temporary name, then renamed; an existing file is never overwritten), and a segment is closed at least
#: every ``archive_timeout`` so the archive is never more than that behind.
_ARCHIVE_CONF = """archive_mode = on
archive_command = 'test ! -f "{archive}/%f" && cp "%p" "{archive}/%f.part" && mv "{archive}/%f.part" "{archive}/%f"'
archive_timeout = 60
"""

_HBA = """
# Written by predator db up (rewritten on every start; edits are lost). The socket directory is mode 0700.
# The superuser only by peer authentication, for the OS users of pg_ident.conf's map "predator"; every
# other role by SCRAM over the socket; TCP (127.0.0.1 only, and only with --tcp-port) by SCRAM, never
# for the superuser.
# TYPE  DATABASE  USER      ADDRESS        METHOD
local   all       postgres                 peer map=predator
local   replication postgres               peer map=predator
local   all       all                      scram-sha-256
host    all       postgres  127.0.0.1/32   reject
host    all       all       127.0.0.1/32   scram-sha-256
"""

_IDENT_HEADER = """
# Written by predator db up: the OS users that may connect as the superuser postgres (peer authentication).
# MAPNAME   SYSTEM-USERNAME   PG-USERNAME
"""


def superuser_os_users(run_as: str | None) -> list[str]:
    """The OS users mapped to ``postgres``: the one running Predator (the effective uid, which is what peer
    authentication sees) and the server's own OS user when it differs."""
    users = [pwd.getpwuid(os.geteuid()).pw_name]
    if run_as is not None and run_as not in users:
        users.append(run_as)
    return users


def ident_conf(run_as: str | None) -> str:
    """The text of ``pg_ident.conf``."""
    return _IDENT_HEADER + "".join(f"predator   {u}   postgres\n" for u in superuser_os_users(run_as))


def find_bindir() -> Path:
    """Directory holding ``initdb``, ``pg_ctl`` and ``postgres``. Raises ClusterError when none is found."""
    candidates: list[Path] = []
    env = os.environ.get("PREDATOR_PG_BIN")
    if env:
        candidates.append(Path(env))
    pg_config = shutil.which("pg_config")
    if pg_config:
        with contextlib.suppress(subprocess.CalledProcessError, OSError):  # a broken pg_config: try the others
            out = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True, check=True).stdout.strip()
            candidates.append(Path(out))
    candidates.extend(
        Path(p)
        for p in sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name), reverse=True)
    )
    with contextlib.suppress(ImportError):  # optional extra: the pgserver wheel ships PostgreSQL binaries
        import pgserver

        candidates.append(Path(pgserver.__file__).parent / "pginstall" / "bin")
    for c in candidates:
        if (c / "initdb").exists() and (c / "pg_ctl").exists():
            return c
    raise ClusterError(
        "no PostgreSQL server binaries found: install postgresql-15 (make bootstrap does as root), "
        "pip install 'predator[pgserver]', set PREDATOR_PG_BIN, or point PREDATOR_DSN at a running server"
    )


@dataclass(frozen=True)
class Layout:
    """Where the embedded cluster keeps its files."""

    home: Path
    pgdata: Path
    socket_dir: Path
    logfile: Path
    run_as: str | None  # OS user that runs the server when we are root, else None
    port: int = 5432
    wal_archive: bool = False  # archive_mode on, segments copied to archive_dir (docs/recovery.md)
    #: WAL level and senders for streaming replication (a primary that feeds a standby, or a standby that
    #: may become a primary): ``predator standby create`` switches it on (docs/recovery.md, "Standby").
    replication: bool = False
    #: The application name of the synchronous standby a commit waits for (``synchronous_standby_names``),
    #: None: commits do not wait for any standby.
    sync_standby: str | None = None
    #: A standby's connection to its primary (``primary_conninfo``) and replication slot; None on a primary.
    primary_conninfo: str | None = None
    primary_slot: str | None = None

    @property
    def archive_dir(self) -> Path:
        """Where the archived WAL segments go: ``wal_archive`` beside the data directory."""
        return self.pgdata.parent / "wal_archive"

    def dsn(self, dbname: str = config.DATABASE_NAME, user: str = "postgres") -> str:
        return f"host={self.socket_dir} port={self.port} dbname={dbname} user={user}"


def _server_user() -> str | None:
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            pwd.getpwnam(name)
            return name
        except KeyError:
            continue
    raise ClusterError("running as root but neither the postgres nor the nobody OS user exists to run the server")


def _as_user(user: str | None, argv: list[str]) -> list[str]:
    if user is None:
        return argv
    runuser = shutil.which("runuser") or "/sbin/runuser"
    return [runuser, "-u", user, "--", *argv]


def _user_can_write(user: str, path: Path) -> bool:
    probe = subprocess.run(_as_user(user, ["test", "-w", str(path), "-a", "-x", str(path)]), capture_output=True)
    return probe.returncode == 0


#: The longest unix socket path the kernel takes (Linux: ``sun_path`` is 108 bytes with its terminating NUL), and the
#: longest name PostgreSQL gives its socket in that directory (``.s.PGSQL.<port>``, any port).
SOCKET_PATH_MAX = 107
_SOCKET_NAME_MAX = len("/.s.PGSQL.65535")


def socket_dir_for(base: Path) -> Path:
    """The server's socket directory for a cluster whose files are under ``base``: ``base/run`` when the socket
    there fits in a unix socket address (:data:`SOCKET_PATH_MAX`), else ``/tmp/predator-<16 hex of sha256(base)>``.
    A deep ``PREDATOR_HOME`` (a long user name under pytest's temporary directories, a deep checkout) would otherwise
    keep the server from starting ("Unix-domain socket path ... is too long"). The short directory is checked before
    use (:func:`_prepare_dirs`: a directory of the server's OS user or ours, not a link) and removed with the cluster's
    files by the drills and tests that remove theirs."""
    run = base / "run"
    if len(os.fsencode(run)) + _SOCKET_NAME_MAX <= SOCKET_PATH_MAX:
        return run
    return Path("/tmp") / f"predator-{hashlib.sha256(os.fsencode(base)).hexdigest()[:16]}"


def detached_socket_dir(lay: Layout) -> Path | None:
    """The socket directory when it lies outside the cluster's own directory (:func:`socket_dir_for`), else None:
    what removing the cluster's files must remove besides them."""
    return None if lay.socket_dir.is_relative_to(lay.pgdata.parent) else lay.socket_dir


def remove_files(lay: Layout, keep_under: Path | None = None) -> tuple[Path, ...]:
    """Remove a stopped cluster's files: the directory that holds its data directory and, when its socket lies
    outside it (:func:`detached_socket_dir`), the socket directory in /tmp. A directory under ``keep_under`` (a
    home its caller removes whole) is left. Returns the directories removed (those that existed), in that order.
    The one way the drills, the standby and the tests remove a cluster; the caller stops the server first."""
    removed = []
    for d in (lay.pgdata.parent, detached_socket_dir(lay)):
        if d is None or (keep_under is not None and d.is_relative_to(keep_under)) or not d.exists():
            continue
        shutil.rmtree(d, ignore_errors=True)
        removed.append(d)
    return tuple(removed)


def layout(home: Path | None = None) -> Layout:
    """Resolve (and remember in ``cluster.json``) the embedded cluster's layout; ``home`` defaults to
    ``PREDATOR_HOME`` (another one: a cluster restored by :mod:`predator.db.pitr`)."""
    home = home or config.home()
    record = home / "cluster.json"
    if record.exists():
        data = json.loads(record.read_text())
        return Layout(
            home,
            Path(data["pgdata"]),
            Path(data["socket_dir"]),
            Path(data["logfile"]),
            data.get("run_as"),
            int(data.get("port", 5432)),
            bool(data.get("wal_archive", False)),
            bool(data.get("replication", False)),
            data.get("sync_standby"),
            data.get("primary_conninfo"),
            data.get("primary_slot"),
        )
    run_as = _server_user()
    base = home / "pg"
    if run_as is not None:
        base.mkdir(parents=True, exist_ok=True)
        pw = pwd.getpwnam(run_as)
        os.chown(base, pw.pw_uid, pw.pw_gid)
        if not _user_can_write(run_as, base):
            digest = hashlib.sha256(str(home).encode()).hexdigest()[:12]
            base = Path("/var/lib/predator") / digest
    return Layout(home, base / "pgdata", socket_dir_for(base), base / "postgres.log", run_as)


def _save(lay: Layout) -> None:
    lay.home.mkdir(parents=True, exist_ok=True)
    (lay.home / "cluster.json").write_text(
        json.dumps(
            {
                "pgdata": str(lay.pgdata),
                "socket_dir": str(lay.socket_dir),
                "logfile": str(lay.logfile),
                "run_as": lay.run_as,
                "port": lay.port,
                "wal_archive": lay.wal_archive,
                "replication": lay.replication,
                "sync_standby": lay.sync_standby,
                "primary_conninfo": lay.primary_conninfo,
                "primary_slot": lay.primary_slot,
            },
            indent=2,
        )
        + "\n"
    )


def _run(lay: Layout, argv: list[str], check: bool = True) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(_as_user(lay.run_as, argv), capture_output=True, text=True)
    if check and proc.returncode != 0:
        raise ClusterError(
            f"{Path(argv[0]).name} failed ({proc.returncode}): {proc.stderr.strip() or proc.stdout.strip()}"
        )
    return proc


def _prepare_dirs(lay: Layout) -> None:
    dirs = [lay.pgdata.parent, lay.socket_dir] + ([lay.archive_dir] if lay.wal_archive else [])
    for d in dirs:
        d.mkdir(mode=0o700, parents=True, exist_ok=True)
    detached = detached_socket_dir(lay)
    if detached is not None:
        # In /tmp, where anyone may have made it first: it must be a directory (not a link, which the chown and chmod
        # below would follow) of ours or of the server's OS user. The sticky /tmp keeps others from replacing it.
        st = os.lstat(detached)
        owners = {os.geteuid()} | ({pwd.getpwnam(lay.run_as).pw_uid} if lay.run_as is not None else set())
        if not stat.S_ISDIR(st.st_mode) or st.st_uid not in owners:
            raise ClusterError(
                f"socket directory {detached} refused: it is not a directory of this user's or of the server's OS "
                "user (a link, a file or another user's); remove it, or set PREDATOR_HOME to a shorter path"
            )
    os.chmod(lay.pgdata.parent, 0o700)
    if lay.run_as is not None:
        pw = pwd.getpwnam(lay.run_as)
        for d in dirs:
            os.chown(d, pw.pw_uid, pw.pw_gid)
    os.chmod(lay.socket_dir, 0o700)


def is_running(lay: Layout | None = None) -> bool:
    """True when the embedded server answers on its socket."""
    lay = lay or layout()
    if not (lay.pgdata / "PG_VERSION").exists():
        return False
    proc = _run(lay, [str(find_bindir() / "pg_ctl"), "status", "-D", str(lay.pgdata)], check=False)
    return proc.returncode == 0


def up(tcp_port: int | None = None, wal_archive: bool | None = None, replication: bool | None = None) -> Layout:
    """Initialise (once) and start the embedded cluster, create the ``predator`` database; idempotent and
    safe to call from several processes at once (an exclusive lock on ``PREDATOR_HOME/cluster.lock``).

    ``wal_archive`` True switches WAL archiving on (kept in ``cluster.json``: later starts keep it), False
    off, None leaves it as it was (off for a new cluster). A running server whose setting changes is
    restarted (``wal_level`` and ``archive_mode`` take effect only at server start). ``replication`` likewise
    switches the WAL level and senders a streaming standby needs (:mod:`predator.db.standby`)."""
    home = config.home()
    home.mkdir(parents=True, exist_ok=True)
    with open(home / "cluster.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        return _up(tcp_port, wal_archive, replication)


def server_conf(lay: Layout, listen: str = "", replica: bool = False) -> str:
    """The text of ``predator.conf`` for ``lay`` (WAL archiving when ``lay.wal_archive``). ``replica``: the WAL
    level and senders of an archiving cluster without the archiving (a cluster in archive recovery needs at least
    the settings of the one that wrote the WAL)."""
    replica = replica or lay.wal_archive or lay.replication
    conf = _CONF.format(listen=listen, port=lay.port, socket_dir=lay.socket_dir,
                        wal_level="replica" if replica else "minimal", max_wal_senders=4 if replica else 0)
    conf += _ARCHIVE_CONF.format(archive=lay.archive_dir) if lay.wal_archive else ""
    if lay.replication:
        conf += "max_replication_slots = 4\nhot_standby = on\nwal_receiver_status_interval = 1s\n"
    if lay.sync_standby:
        # Every commit with synchronous_commit on (every durable session) waits until this standby has flushed
        # its WAL: a committed transaction exists on both servers (docs/recovery.md, "Standby and failover").
        conf += f"synchronous_standby_names = '\"{lay.sync_standby}\"'\n"
    if lay.primary_conninfo:
        conf += f"primary_conninfo = '{_conf_quote(lay.primary_conninfo)}'\n"
    if lay.primary_slot:
        conf += f"primary_slot_name = '{lay.primary_slot}'\n"
    return conf


def _conf_quote(value: str) -> str:
    """A value for a single-quoted string of postgresql.conf (quotes doubled, backslashes escaped)."""
    return value.replace("\\", "\\\\").replace("'", "''")


def _up(tcp_port: int | None, wal_archive: bool | None = None, replication: bool | None = None) -> Layout:
    lay = layout()
    bindir = find_bindir()
    restart = False
    if replication is not None and replication != lay.replication:
        lay = dataclasses.replace(lay, replication=replication)
        restart = True
    if tcp_port is not None:
        lay = dataclasses.replace(lay, port=tcp_port)
        restart = True
    if wal_archive is not None and wal_archive != lay.wal_archive:
        lay = dataclasses.replace(lay, wal_archive=wal_archive)
        restart = True
    _prepare_dirs(lay)
    if not (lay.pgdata / "PG_VERSION").exists():
        _run(
            lay,
            [
                str(bindir / "initdb"),
                "-D",
                str(lay.pgdata),
                "-U",
                "postgres",
                "--auth-local=peer",
                "--auth-host=reject",
                "--encoding=UTF8",
                "--locale=C",
                "--no-instructions",
            ],
        )
    (lay.pgdata / "postgresql.auto.conf").write_text("")
    conf = server_conf(lay, listen="127.0.0.1" if tcp_port else "")
    _write_as(lay, lay.pgdata / "predator.conf", conf)
    _write_as(lay, lay.pgdata / "pg_ident.conf", ident_conf(lay.run_as))
    _write_as(lay, lay.pgdata / "pg_hba.conf", _HBA)
    main_conf = lay.pgdata / "postgresql.conf"
    text = main_conf.read_text()
    if "include_if_exists = 'predator.conf'" not in text:
        _write_as(lay, main_conf, text + "\ninclude_if_exists = 'predator.conf'\n")
    _save(lay)
    recovering = False
    if is_running(lay):
        if restart:
            _run(lay, [str(bindir / "pg_ctl"), "restart", "-D", str(lay.pgdata), "-w", "-l", str(lay.logfile)])
        else:
            _reload(lay, bindir)   # a cluster started with older rules (trust) gets the ones just written
    else:
        recovering = _crashed(lay, bindir)
        _run(lay, [str(bindir / "pg_ctl"), "start", "-D", str(lay.pgdata), "-w", "-t", "60", "-l", str(lay.logfile)])
    _ensure_database(lay)
    if recovering and lay.primary_conninfo is None:   # a standby is read-only: statistics come with the WAL
        analyze_after_recovery(lay)
    return lay


def _crashed(lay: Layout, bindir: Path) -> bool:
    """True when the stopped cluster was not shut down cleanly (a crash or an immediate stop: its next start
    replays the WAL). Read from ``pg_controldata``'s "Database cluster state" (C locale)."""
    if not (lay.pgdata / "global" / "pg_control").exists():
        return False
    proc = _run(lay, ["env", "LC_ALL=C", str(bindir / "pg_controldata"), "-D", str(lay.pgdata)], check=False)
    for line in proc.stdout.splitlines():
        if line.startswith("Database cluster state:"):
            return line.split(":", 1)[1].strip() not in ("shut down", "shut down in recovery")
    return False


#: The statistics query of :func:`analyze_after_recovery`: every table of the database outside the system
#: schemas, but the partitions of ``market.candle`` already analyzed (closed months of candles, written once
#: at load; ANALYZE of every partition costs seconds where the books cost a fraction of one) and a
#: partitioned table that already has its statistics of the whole (``pg_statistic.stainherit``): ANALYZE of
#: a partitioned table in PostgreSQL 15 also analyzes every one of its partitions (PostgreSQL docs, ANALYZE:
#: "both the inheritance statistics of the partitioned table as a whole and statistics of the individual
#: partitions are updated"), which undid the first exclusion and cost about two seconds at every restart of a
#: chaos campaign's cluster. Column statistics survive a crash, so those of the whole stay valid; a partition
#: never analyzed is still analyzed on its own. A table is analyzed only when it was never analyzed or has grown
#: since (its size on disk more than 10 % and 8 pages above the ``relpages`` its last ANALYZE or VACUUM recorded):
#: autovacuum (every 5 s here) keeps the others' statistics fresh up to the crash, and a restart of a chaos
#: campaign's cluster analyzed every table of every database (about 2 s on a cluster holding a few books).
_TO_ANALYZE = """
SELECT format('%I.%I', n.nspname, c.relname)
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
   AND n.nspname NOT LIKE 'pg\\_%'
   AND NOT (c.relispartition AND c.reltuples >= 0
            AND EXISTS (SELECT FROM pg_inherits i WHERE i.inhrelid = c.oid
                           AND i.inhparent = to_regclass('market.candle')))
   AND NOT (c.relkind = 'p' AND EXISTS (SELECT FROM pg_statistic s WHERE s.starelid = c.oid AND s.stainherit))
   AND (c.relkind = 'p' OR c.reltuples < 0
        OR pg_catalog.pg_relation_size(c.oid) > (c.relpages * 1.1 + 8) * current_setting('block_size')::bigint)
 ORDER BY 1
"""


def analyze_after_recovery(lay: Layout) -> list[str]:
    """ANALYZE the tables of every database of the cluster after crash recovery; returns them ("db.table").

    Why: after a crash or an immediate stop PostgreSQL resets its cumulative statistics (the counters of rows
    changed since the last ANALYZE that autovacuum compares with its thresholds; PostgreSQL docs, "The
    Cumulative Statistics System"), so tables written between two crashes may never be analyzed. A book never
    analyzed has no row estimates, and the planner then picks nested loops that rescan it for every row: the
    hour close of a chaos campaign's book got three times slower within four months (docs/chaos.md). Column
    statistics themselves survive the crash; only tables never analyzed or grown since need this."""
    import psycopg

    done: list[str] = []
    with psycopg.connect(lay.dsn("postgres"), autocommit=True) as conn:
        dbs = [r[0] for r in conn.execute(
            "SELECT datname FROM pg_database WHERE datallowconn AND NOT datistemplate ORDER BY 1").fetchall()]
    for db in dbs:
        with psycopg.connect(lay.dsn(db), autocommit=True) as conn:
            # Statistics are no business data: they never wait for a synchronous standby that may be down.
            conn.execute("SET synchronous_commit = local")
            for (table,) in conn.execute(_TO_ANALYZE).fetchall():
                conn.execute(f"ANALYZE {table}")  # a quoted name from format('%I.%I') above
                done.append(f"{db}.{table}")
    return done


def _write_as(lay: Layout, path: Path, text: str) -> None:
    path.write_text(text)
    if lay.run_as is not None:
        pw = pwd.getpwnam(lay.run_as)
        os.chown(path, pw.pw_uid, pw.pw_gid)


def _conf_load_time(lay: Layout) -> object:
    import psycopg

    with psycopg.connect(lay.dsn("postgres"), autocommit=True) as conn:
        row = conn.execute("SELECT pg_conf_load_time()").fetchone()
    return row[0] if row else None


def _reload(lay: Layout, bindir: Path) -> None:
    """Reload the running server's configuration and wait until new connections see it (the postmaster
    rereads pg_hba.conf and pg_ident.conf on SIGHUP; a backend started later reports the new load time)."""
    import psycopg

    try:
        before = _conf_load_time(lay)
    except psycopg.OperationalError:
        before = None
    _run(lay, [str(bindir / "pg_ctl"), "reload", "-D", str(lay.pgdata)])
    deadline = seams.monotonic() + 10
    while before is not None and seams.monotonic() < deadline:
        with contextlib.suppress(psycopg.OperationalError):
            if _conf_load_time(lay) != before:
                return
        time.sleep(0.05)


def _ensure_database(lay: Layout) -> None:
    import psycopg

    deadline = seams.monotonic() + 30
    while True:
        try:
            with psycopg.connect(lay.dsn("postgres"), autocommit=True) as conn:
                exists = conn.execute(
                    "SELECT 1 FROM pg_database WHERE datname = %s", (config.DATABASE_NAME,)
                ).fetchone()
                if not exists:
                    conn.execute(f'CREATE DATABASE "{config.DATABASE_NAME}"')
                return
        except psycopg.OperationalError as e:
            if seams.monotonic() > deadline:
                raise ClusterError(f"the embedded server did not accept connections: {e}") from e
            time.sleep(0.2)


def down(mode: str = "fast") -> bool:
    """Stop the embedded cluster (``fast`` shutdown; ``immediate``: no checkpoint, the next start recovers
    from the WAL, as after a crash — chaos campaigns). Returns False when it was not running."""
    if mode not in ("fast", "immediate"):
        raise ValueError(f"unknown shutdown mode {mode!r}")
    lay = layout()
    if not is_running(lay):
        return False
    _run(lay, [str(find_bindir() / "pg_ctl"), "stop", "-D", str(lay.pgdata), "-m", mode, "-w"])
    return True


def status() -> dict[str, object]:
    """A description of the embedded cluster: paths, OS user, whether it runs, its DSN."""
    lay = layout()
    return {
        "home": str(lay.home),
        "pgdata": str(lay.pgdata),
        "socket_dir": str(lay.socket_dir),
        "run_as": lay.run_as or os.environ.get("USER", str(os.geteuid())),
        "initialised": (lay.pgdata / "PG_VERSION").exists(),
        "running": is_running(lay),
        "dsn": lay.dsn(),
    }


def set_sync_standby(name: str | None) -> Layout:
    """Make commits of the embedded cluster wait for the standby ``name`` (``synchronous_standby_names``), or for
    none (None); kept in ``cluster.json`` and applied by a reload when the server runs (no restart). The rest of
    ``predator.conf`` is left as it is (a TCP listener stays)."""
    home = config.home()
    home.mkdir(parents=True, exist_ok=True)
    with open(home / "cluster.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        lay = dataclasses.replace(layout(), sync_standby=name)
        conf_path = lay.pgdata / "predator.conf"
        listen = ""
        if conf_path.exists():
            for line in conf_path.read_text().splitlines():
                if line.startswith("listen_addresses = '"):
                    listen = line.split("'")[1]
        _write_as(lay, conf_path, server_conf(lay, listen=listen))
        _save(lay)
        if is_running(lay):
            _reload(lay, find_bindir())
        return lay


# The pieces predator.db.pitr and predator.db.standby build another cluster with.
HBA = _HBA
prepare_dirs = _prepare_dirs
save_layout = _save
as_user = _as_user
write_as = _write_as
run_as_server = _run
reload = _reload
