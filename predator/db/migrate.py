"""Migrations: alembic runs the numbered migrations (``migrations/versions``, each applying a numbered
``migrations/sql/NNNN_slug.up.sql`` / ``.down.sql``); whenever the database ends at head, the current
definitions under ``sql/`` (functions, triggers, views, grants; order in ``sql/manifest.txt``) are
re-applied as ``predator_owner`` in the same transaction. Tables change only through migrations.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import psycopg
from psycopg import sql

from predator import config, seams
from predator.config import PROJECT_ROOT
from predator.db.connection import Target
from predator.db.logins import provision_logins

if TYPE_CHECKING:
    from alembic.config import Config

# alembic and SQLAlchemy are imported where a migration runs, not at module import: together they take about
# 0.3 s to import, and every command on the embedded cluster imports this module for its readiness check
# (connection.default_target), which needs only the head revision (head_revision: cached per migration files).

SQL_DIR = PROJECT_ROOT / "sql"
MIGRATION_SQL_DIR = PROJECT_ROOT / "migrations" / "sql"


def run_sql_file(name: str) -> None:
    """Run one numbered migration SQL file on the migration's connection (inside alembic's transaction)."""
    from alembic import op

    driver = op.get_bind().connection.driver_connection
    assert driver is not None
    driver.execute((MIGRATION_SQL_DIR / name).read_text())
    driver.execute("RESET ROLE; RESET session_replication_role")


def definition_files() -> list[Path]:
    """The files of ``sql/manifest.txt`` in application order (directories expand to sorted ``*.sql``)."""
    files: list[Path] = []
    for line in (SQL_DIR / "manifest.txt").read_text().splitlines():
        entry = line.strip()
        if not entry or entry.startswith("#"):
            continue
        path = SQL_DIR / entry
        files.extend(sorted(path.glob("*.sql")) if path.is_dir() else [path])
    return files


#: Schemas whose functions are all current definitions from sql/ (none is created by a migration).
DEFINITION_SCHEMAS = ("ops", "market", "risk", "ledger", "trading", "portfolio", "ml")

_DROP_FUNCTIONS = """
DO $drop$
DECLARE
    r record;
BEGIN
    FOR r IN SELECT p.oid::regprocedure AS f
               FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
              WHERE n.nspname = ANY (%s) AND p.prokind IN ('f', 'p')
    LOOP
        EXECUTE 'DROP FUNCTION ' || r.f || ' CASCADE';
    END LOOP;
END
$drop$;
"""


_REVOKE_TEMPORARY = """
DO $revoke$
BEGIN
    EXECUTE format('REVOKE TEMPORARY ON DATABASE %I FROM PUBLIC', {db});
    IF EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'predator_owner') THEN
        EXECUTE format('REVOKE TEMPORARY ON DATABASE %I FROM predator_owner', {db});
    END IF;
END
$revoke$
"""


def revoke_temporary(conn: psycopg.Connection, dbname: str | None = None) -> None:
    """Take TEMPORARY on database ``dbname`` (default: the connection's) from PUBLIC and ``predator_owner``.

    No Predator role may create temporary objects: a SECURITY DEFINER routine could otherwise be made to
    read or reuse one (issue 9; migration 0006 revokes it the first time). ``CREATE DATABASE ... TEMPLATE``
    does not copy the template's database privileges, so every copy of a migrated database needs this again
    (the tests' copies, scratch databases); every migrate to head applies it too. ``conn`` must be a
    superuser's or the database owner's; any database of the cluster will do when ``dbname`` is given."""
    db = sql.Literal(dbname) if dbname else sql.SQL("current_database()")
    conn.execute(sql.SQL(_REVOKE_TEMPORARY).format(db=db))


#: Settings whose stored value (``pg_db_role_setting``) is a list of quoted elements, re-applied as SQL list syntax;
#: every other stored value is one string, re-applied as a literal.
_LIST_SETTINGS = frozenset({"search_path", "temp_tablespaces", "local_preload_libraries", "session_preload_libraries"})


def copy_database_settings(conn: psycopg.Connection, source: str, target: str) -> list[str]:
    """Give database ``target`` the database-level settings of database ``source``: each ``ALTER DATABASE … SET``
    (and ``ALTER ROLE … IN DATABASE … SET``) of ``source``, read from ``pg_db_role_setting``, is made again on
    ``target``. ``CREATE DATABASE … TEMPLATE`` copies none of them, so a copy of a migrated database would lose
    the ``jit = off`` of migration 0029 (docs/operations.md "JIT"). ``conn``: a superuser's (or the owner's, for
    settings it may make) on any database of the cluster. Returns the settings applied, ``[role@]name=value``."""
    rows = conn.execute(
        "SELECT r.rolname, c.setting FROM pg_catalog.pg_db_role_setting s"
        " JOIN pg_catalog.pg_database d ON d.oid = s.setdatabase"
        " LEFT JOIN pg_catalog.pg_roles r ON r.oid = s.setrole"
        " CROSS JOIN LATERAL unnest(s.setconfig) WITH ORDINALITY c(setting, n)"
        " WHERE d.datname = %s ORDER BY r.rolname NULLS FIRST, c.n", (source,)).fetchall()
    applied: list[str] = []
    for role, setting in rows:
        name, _, value = setting.partition("=")
        value_sql = sql.SQL(value) if name.lower() in _LIST_SETTINGS else sql.Literal(value)
        var = sql.Identifier(*name.split("."))
        if role is None:
            conn.execute(sql.SQL("ALTER DATABASE {} SET {} = {}").format(sql.Identifier(target), var, value_sql))
        else:
            conn.execute(sql.SQL("ALTER ROLE {} IN DATABASE {} SET {} = {}").format(
                sql.Identifier(role), sql.Identifier(target), var, value_sql))
        applied.append(f"{role}@{setting}" if role else setting)
    return applied


def apply_definitions(conn: psycopg.Connection) -> None:
    """Re-create schema ``api`` and re-apply every current definition, as ``predator_owner`` (after taking
    TEMPORARY from PUBLIC and the owner again: :func:`revoke_temporary`).

    Every function of the definition schemas is dropped first (with the triggers that use them, which
    ``sql/triggers`` re-creates), so a routine whose signature changed or that was removed does not linger
    as a stale overload."""
    arr = "ARRAY[" + ", ".join(f"'{s}'" for s in DEFINITION_SCHEMAS) + "]"
    revoke_temporary(conn)
    conn.execute("SET LOCAL ROLE predator_owner; SET LOCAL check_function_bodies = off;"
                 " DROP SCHEMA IF EXISTS api CASCADE; CREATE SCHEMA api;" + _DROP_FUNCTIONS.replace("%s", arr) + ";"
                 " COMMENT ON SCHEMA api IS 'The only door: governed procedures (SECURITY DEFINER, pinned"
                 " search_path) and read views.'")
    for path in definition_files():
        try:
            conn.execute(path.read_text())
        except psycopg.Error as e:
            raise RuntimeError(f"{path.relative_to(PROJECT_ROOT)}: {e}") from e
    conn.execute("RESET ROLE")


def _config() -> Config:
    from alembic.config import Config

    cfg = Config(str(PROJECT_ROOT / "alembic.ini"))
    cfg.set_main_option("script_location", str(PROJECT_ROOT / "migrations"))
    return cfg


def _run(target: Target, fn: str, revision: str) -> None:
    from alembic import command
    from sqlalchemy import create_engine
    from sqlalchemy.pool import NullPool

    cfg = _config()
    engine = create_engine("postgresql+psycopg://", creator=lambda: psycopg.connect(target.dsn), poolclass=NullPool)
    with engine.begin() as conn:
        if fn == "downgrade":
            driver = conn.connection.driver_connection
            assert driver is not None
            driver.execute("DROP SCHEMA IF EXISTS api CASCADE")
        cfg.attributes["connection"] = conn
        getattr(command, fn)(cfg, revision)
    engine.dispose()


def upgrade(target: Target, revision: str = "head") -> None:
    """Migrate up to ``revision`` (default head) and re-apply the current definitions when at head; then
    provision the login roles' passwords (:func:`predator.db.logins.provision_logins`), so that every
    component can log in as soon as its database is migrated."""
    _run(target, "upgrade", revision)
    provision_logins(target.dsn)


def downgrade(target: Target, revision: str = "base") -> None:
    """Migrate down to ``revision`` (default ``base``: nothing of Predator left in the database).

    Schema ``api`` (views and routines, all current definitions) is dropped first, in the same transaction:
    a view may depend on a column a down migration removes; the definitions come back at head."""
    _run(target, "downgrade", revision)


VERSIONS_DIR = PROJECT_ROOT / "migrations" / "versions"


def migrations_fingerprint() -> str:
    """sha256 over the names and contents of the migration scripts (``migrations/versions/*.py``, by name): what
    alembic reads to find the head revision."""
    h = hashlib.sha256()
    for path in sorted(VERSIONS_DIR.glob("*.py")):
        h.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def _head_cache() -> Path:
    return config.home() / "cache" / "migrations-head"


def alembic_head_revision() -> str:
    """The head revision as alembic finds it (parses every migration script)."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(_config()).get_current_head()
    assert head is not None
    return head


def revisions() -> list[str]:
    """Every revision of ``migrations/versions``, oldest first (alembic's walk from head down to base)."""
    from alembic.script import ScriptDirectory

    walked = [s.revision for s in ScriptDirectory.from_config(_config()).walk_revisions("base", "heads")]
    return list(reversed(walked))


def head_revision() -> str:
    """The head revision of ``migrations/versions``: alembic's answer (:func:`alembic_head_revision`), kept in
    ``PREDATOR_HOME/cache/migrations-head`` with the fingerprint of the scripts it came from
    (:func:`migrations_fingerprint`) and reused while they are unchanged, so that a command checking that its
    database is at head does not import alembic. A missing, unreadable or stale cache is computed again; one that
    cannot be written is only not kept."""
    fingerprint = migrations_fingerprint()
    cache = _head_cache()
    try:
        cached_fingerprint, cached_head = cache.read_text().split()
        if cached_fingerprint == fingerprint:
            return cached_head
    except (OSError, ValueError):
        pass
    head = alembic_head_revision()
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache.with_name(f"{cache.name}.{os.getpid()}")
        tmp.write_text(f"{fingerprint} {head}\n")
        tmp.replace(cache)  # atomic: a concurrent reader sees the old file or the new one
    except OSError:
        pass
    return head


def current_revision(target: Target) -> str | None:
    """The database's alembic revision, or None when it was never migrated."""
    with psycopg.connect(target.dsn) as conn:
        exists = conn.execute("SELECT to_regclass('public.alembic_version') IS NOT NULL").fetchone()
        if not exists or not exists[0]:
            return None
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        return row[0] if row else None


@contextmanager
def scratch_database(server: Target, prefix: str = "predator_scratch", keep: bool = False,
                     upgrade_to_head: bool = True) -> Iterator[Target]:
    """A new database ``<prefix>_<random>`` on ``server`` (migrated to head unless told otherwise), dropped
    when the block ends unless ``keep``; nobody may create temporary objects in it (:func:`revoke_temporary`).
    Used by replay, the benchmarks and the doc tools."""
    name = f"{prefix}_{seams.unique_hex(10)}"
    admin = server.with_dbname("postgres").dsn
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        revoke_temporary(conn, name)
    target = server.with_dbname(name)
    try:
        if upgrade_to_head:
            upgrade(target)
        yield target
    finally:
        if not keep:
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@contextmanager
def database_copy(server: Target, template: str, prefix: str = "predator_copy",
                  keep: bool = False) -> Iterator[Target]:
    """A new database ``<prefix>_<random>`` on ``server`` created from database ``template``
    (``CREATE DATABASE … TEMPLATE``: nobody may be connected to the template), dropped when the block ends
    unless ``keep``. TEMPORARY is taken again (:func:`revoke_temporary`) and the template's database-level settings
    are made again (:func:`copy_database_settings`: ``jit = off``), neither of which a copy inherits. Used by the
    replay sweep and the benchmarks to give each case its own copy of a database holding the candles."""
    name = f"{prefix}_{seams.unique_hex(10)}"
    admin = server.with_dbname("postgres").dsn
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(sql.Identifier(name), sql.Identifier(template)))
        revoke_temporary(conn, name)
        copy_database_settings(conn, template, name)
    try:
        yield server.with_dbname(name)
    finally:
        if not keep:
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
