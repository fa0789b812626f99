"""Runs the pgTAP suite (tests/sql/NN_*.sql) with pg_prove against a fresh migrated database.

Each pgTAP file proves one family of invariants inside BEGIN ... ROLLBACK. The test fails with pg_prove's
own report when any assertion fails, or when pgTAP / pg_prove are not installed (make bootstrap installs
postgresql-15-pgtap and libtap-parser-sourcehandler-pgtap-perl).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import psycopg
import pytest
from psycopg.conninfo import conninfo_to_dict

from predator.config import PROJECT_ROOT

SQL_TESTS = sorted((PROJECT_ROOT / "tests" / "sql").glob("[0-9][0-9]_*.sql"))


def _pg_env(dsn: str) -> dict[str, str]:
    params = conninfo_to_dict(dsn)
    env = dict(os.environ)
    for key, var in (("host", "PGHOST"), ("port", "PGPORT"), ("user", "PGUSER"), ("dbname", "PGDATABASE"),
                     ("password", "PGPASSWORD")):
        if params.get(key):
            env[var] = str(params[key])
    return env


@pytest.mark.parametrize("sql_file", SQL_TESTS, ids=[p.name for p in SQL_TESTS])
def test_pgtap_file_passes(db, sql_file: Path) -> None:
    pg_prove = shutil.which("pg_prove")
    assert pg_prove, "pg_prove is not installed (Debian package libtap-parser-sourcehandler-pgtap-perl)"
    with psycopg.connect(db.dsn, autocommit=True) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS pgtap")
    proc = subprocess.run([pg_prove, "--verbose", "--failures", str(sql_file)], env=_pg_env(db.dsn),
                          capture_output=True, text=True, cwd=PROJECT_ROOT)
    assert proc.returncode == 0, f"pg_prove {sql_file.name} failed:\n{proc.stdout}\n{proc.stderr}"


def test_pgtap_suite_is_present() -> None:
    assert (PROJECT_ROOT / "tests" / "sql" / "01_surface.sql") in SQL_TESTS
