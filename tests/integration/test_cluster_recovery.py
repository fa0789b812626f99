"""The embedded cluster after a crash (docs/operations.md "After a crash"): PostgreSQL resets its cumulative
statistics when it recovers from a crash or an immediate stop, so ``predator db up`` ANALYZEs the tables then
(:func:`predator.db.cluster.analyze_after_recovery`); after a clean stop it leaves them to autovacuum.

Runs on a cluster of its own under a temporary PREDATOR_HOME (it stops its server in immediate mode)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from tests.helpers import remove_detached_cluster, run_python

pytestmark = pytest.mark.xdist_group("own_cluster")


@pytest.fixture
def home(tmp_path: Path) -> Iterator[dict[str, str]]:
    env = {k: v for k, v in os.environ.items() if k not in ("PREDATOR_DSN", "PREDATOR_TEST_DSN")}
    env.update(PREDATOR_HOME=str(tmp_path / "home"), PREDATOR_LOG=os.devnull)
    try:
        run_python(env, "from predator.db import cluster; cluster.up()")
        yield env
    finally:
        run_python(env, "from predator.db import cluster; cluster.down()")
        remove_detached_cluster(tmp_path / "home")


def _dsn(env: dict[str, str]) -> str:
    return run_python(env, "from predator.db import cluster; print(cluster.layout().dsn())")


def _reltuples(env: dict[str, str], table: str) -> float:
    with psycopg.connect(_dsn(env), autocommit=True) as conn:
        row = conn.execute("SELECT reltuples FROM pg_class WHERE oid = to_regclass(%s)", (table,)).fetchone()
    assert row is not None
    return float(row[0])


def _new_table(env: dict[str, str], table: str) -> None:
    with psycopg.connect(_dsn(env), autocommit=True) as conn:
        # autovacuum off for it: the cluster's autovacuum runs every 5 s and would analyze it first
        conn.execute(f"CREATE TABLE {table} WITH (autovacuum_enabled = false)"
                     " AS SELECT g AS n FROM generate_series(1, 500) g")


def test_up_after_an_immediate_stop_analyzes_and_after_a_clean_stop_does_not(home: dict[str, str]) -> None:
    # A table written and never analyzed (autovacuum is off for it, _new_table).
    _new_table(home, "public.after_clean")
    assert _reltuples(home, "public.after_clean") < 0
    run_python(home, "from predator.db import cluster; cluster.down()")
    run_python(home, "from predator.db import cluster; cluster.up()")
    assert _reltuples(home, "public.after_clean") < 0, "a clean stop keeps the counters: nothing to analyze"

    _new_table(home, "public.after_crash")
    run_python(home, "from predator.db import cluster; cluster.down(mode='immediate')")
    run_python(home, "from predator.db import cluster; cluster.up()")
    assert _reltuples(home, "public.after_crash") == 500
    assert _reltuples(home, "public.after_clean") == 500


def test_only_tables_never_analyzed_or_grown_are_analyzed(home: dict[str, str]) -> None:
    # ANALYZE of a partitioned table analyzes every partition too: once the table has its statistics of the
    # whole (which survive a crash), the recovery leaves it alone and analyzes only a partition never analyzed,
    # or one that grew since its last ANALYZE (more than 10 % and 8 pages); one analyzed and unchanged is left.
    with psycopg.connect(_dsn(home), autocommit=True) as conn:
        conn.execute("CREATE TABLE public.parted (n int) PARTITION BY RANGE (n) ")
        for name, bounds in (("parted_1", "(0) TO (100000)"), ("parted_3", "(200000) TO (300000)")):
            conn.execute(f"CREATE TABLE public.{name} PARTITION OF public.parted FOR VALUES FROM {bounds}"
                         " WITH (autovacuum_enabled = false)")
        conn.execute("INSERT INTO public.parted SELECT g FROM generate_series(0, 999) g")
        conn.execute("INSERT INTO public.parted SELECT 200000 + g FROM generate_series(0, 999) g")
        conn.execute("ANALYZE public.parted")
        conn.execute("CREATE TABLE public.parted_2 PARTITION OF public.parted FOR VALUES FROM (100000) TO (200000)"
                     " WITH (autovacuum_enabled = false)")
        conn.execute("INSERT INTO public.parted SELECT g FROM generate_series(1000, 20999) g")  # parted_1 grows
        row = conn.execute("SELECT current_database()").fetchone()
    assert row is not None
    db = row[0]
    done = run_python(home, "from predator.db import cluster; print('\\n'.join(cluster.analyze_after_recovery("
                     "cluster.layout())))").splitlines()
    assert f"{db}.public.parted" not in done, done
    assert f"{db}.public.parted_2" in done, done   # never analyzed: reltuples -1
    assert f"{db}.public.parted_1" in done, done   # grew twentyfold since its ANALYZE
    assert f"{db}.public.parted_3" not in done, done   # analyzed with the parent, unchanged since
