"""Migrations go up, down to zero and up again, and the schema matches the committed snapshot each time
(``migrations/schema.sql``, regenerated with ``python -m predator.tools.schema_snapshot --write``); the
committed ``docs/sql-api.md`` matches the database's comments."""

from __future__ import annotations

import difflib

import psycopg
from psycopg import sql

from predator.db import migrate
from predator.db.connection import Target
from predator.tools import schema_snapshot, sql_api_doc
from tests.conftest import create_database, drop_database

PREDATOR_SCHEMAS = ["api", "ledger", "market", "ml", "ops", "portfolio", "risk", "trading"]


def _diff(expected: str, actual: str, what: str) -> str:
    lines = difflib.unified_diff(expected.splitlines(), actual.splitlines(), f"committed {what}", "migrated database",
                                 lineterm="", n=2)
    return "\n".join(list(lines)[:60])


def _schemas(target: Target) -> list[str]:
    with psycopg.connect(target.dsn) as conn:
        rows = conn.execute("SELECT nspname FROM pg_namespace WHERE nspname = ANY (%s) ORDER BY 1",
                            (PREDATOR_SCHEMAS,)).fetchall()
    return [r[0] for r in rows]


def test_up_down_up_matches_the_schema_snapshot(empty_db: Target) -> None:
    snapshot = schema_snapshot.SNAPSHOT.read_text()

    migrate.upgrade(empty_db)
    assert migrate.current_revision(empty_db) == migrate.head_revision()
    first = schema_snapshot.dump_schema(empty_db)
    assert first == snapshot, "schema differs from migrations/schema.sql (regenerate it with" \
        " `make schema-snapshot` if the change is intended):\n" + _diff(snapshot, first, "schema.sql")

    migrate.downgrade(empty_db, "base")
    assert migrate.current_revision(empty_db) is None
    assert _schemas(empty_db) == [], "schemas left after downgrading to base"
    with psycopg.connect(empty_db.dsn) as conn:
        leftovers = conn.execute(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE n.nspname = 'public' AND c.relname NOT IN ('alembic_version', 'alembic_version_pkc')"
            " UNION ALL SELECT p.proname FROM pg_proc p WHERE p.pronamespace = 'public'::regnamespace").fetchall()
    assert leftovers == []

    migrate.upgrade(empty_db)
    assert _schemas(empty_db) == PREDATOR_SCHEMAS
    again = schema_snapshot.dump_schema(empty_db)
    assert again == snapshot, "schema after up-down-up differs from the snapshot:\n" + \
        _diff(snapshot, again, "schema.sql")


def test_sql_api_doc_is_up_to_date(template_db: Target) -> None:
    committed = sql_api_doc.DOC.read_text()
    generated = sql_api_doc.render(template_db)
    assert generated == committed, "docs/sql-api.md is stale (regenerate it with `make docs`):\n" + \
        _diff(committed, generated, "docs/sql-api.md")


def test_every_api_routine_and_view_is_documented(template_db: Target) -> None:
    with psycopg.connect(template_db.dsn) as conn:
        undocumented = conn.execute(
            "SELECT p.proname FROM pg_proc p WHERE p.pronamespace = 'api'::regnamespace"
            "   AND obj_description(p.oid, 'pg_proc') IS NULL"
            " UNION ALL SELECT c.relname FROM pg_class c WHERE c.relnamespace = 'api'::regnamespace"
            "   AND c.relkind = 'v' AND obj_description(c.oid, 'pg_class') IS NULL").fetchall()
    assert undocumented == []


def test_the_database_and_the_embedded_cluster_run_without_jit(template_db: Target) -> None:
    """Migration 0029 and the embedded cluster's configuration (docs/operations.md "JIT"): JIT compiled the
    hour close's valuation on every call (seconds instead of milliseconds)."""
    with template_db.connect("admin") as conn:
        row = conn.execute(
            "SELECT s.setconfig FROM pg_db_role_setting s JOIN pg_database d ON d.oid = s.setdatabase "
            "WHERE d.datname = current_database() AND s.setrole = 0").fetchone()
    assert row is not None and "jit=off" in row[0]
    if template_db.embedded:
        for role in ("worker", "operator", "auditor"):
            with template_db.connect(role) as conn:  # type: ignore[arg-type]
                got = conn.execute("SHOW jit").fetchone()
            assert got is not None and got[0] == "off", role


_DB_SETTINGS = ("SELECT s.setconfig FROM pg_db_role_setting s JOIN pg_database d ON d.oid = s.setdatabase"
                " WHERE d.datname = %s AND s.setrole = 0")


def _jit(server: Target, dbname: str) -> tuple[list[str] | None, str]:
    """A database's own settings (pg_db_role_setting) and what a new session on it gets for jit."""
    with psycopg.connect(server.with_dbname("postgres").dsn) as conn:
        row = conn.execute(_DB_SETTINGS, (dbname,)).fetchone()
    with psycopg.connect(server.with_dbname(dbname).dsn) as conn:
        shown = conn.execute("SHOW jit").fetchone()
    assert shown is not None
    return (row[0] if row else None), shown[0]


def test_copies_of_a_migrated_database_keep_jit_off(server: Target, template_db: Target) -> None:
    """CREATE DATABASE ... TEMPLATE copies no database-level setting: a raw copy loses the jit = off of migration
    0029, which migrate.copy_database_settings makes again from the template's pg_db_role_setting; the tests'
    copies (conftest.create_database) and migrate.database_copy (the replay sweep, the verdict, the benches) are
    made that way."""
    raw = f"predator_rawjit_{template_db.dbname[-10:]}"
    with psycopg.connect(server.with_dbname("postgres").dsn, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(sql.Identifier(raw),
                                                                      sql.Identifier(template_db.dbname)))
        try:
            assert _jit(server, raw)[0] is None, "a raw copy was expected to have no database setting"
            assert migrate.copy_database_settings(admin, template_db.dbname, raw) == ["jit=off"]
            assert _jit(server, raw) == (["jit=off"], "off")
        finally:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(raw)))
    copy = create_database(server, template=template_db.dbname, prefix="predator_copy")
    try:
        assert _jit(server, copy.dbname) == (["jit=off"], "off")
    finally:
        drop_database(server, copy.dbname)
    with migrate.database_copy(server, template_db.dbname, "predator_copy") as other:
        assert _jit(server, other.dbname) == (["jit=off"], "off")


def test_the_holdout_kind_cannot_be_downgraded_away_while_used(empty_db: Target) -> None:
    """Migration 0046's down migration refuses while ml.fold_metric holds a holdout fold (append-only, chained:
    the row can be neither deleted nor re-labelled), and goes down once none exists."""
    import pytest

    migrate.upgrade(empty_db)
    migrate.downgrade(empty_db, "0045")  # no holdout fold: down and up again
    migrate.upgrade(empty_db)
    with psycopg.connect(empty_db.dsn, autocommit=True) as conn:
        conn.execute("SELECT api.register_model('m46', 'fam46', 'abc1234', repeat('a', 64), ARRAY['x'], '{}',"
                     " repeat('b', 64), 'artefacts/m46.txt')")
        conn.execute("SELECT api.record_fold_metric('m46', 'holdout', 0, '2023-01-01', '2023-07-01', 100, 0.001,"
                     " 0.01, 0, 3, 0.1, 0.1, 0.05, 0.2, 0.1)")
    with pytest.raises(Exception, match="downgrade of 0046 refused: ml.fold_metric holds holdout folds"):
        migrate.downgrade(empty_db, "0045")
    assert migrate.current_revision(empty_db) == migrate.head_revision()  # the failed downgrade left it at head
    with psycopg.connect(empty_db.dsn) as conn:
        assert conn.execute("SELECT kind FROM ml.fold_metric").fetchall() == [("holdout",)]
