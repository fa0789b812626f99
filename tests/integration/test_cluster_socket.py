"""An embedded cluster under a PREDATOR_HOME too deep for a unix socket path beside its files (a long user name
under pytest's temporary directories did it: /tmp/pytest-of-<user>/.../standby-1/pg/run/.s.PGSQL.5433 is 108
bytes for a six-letter user) starts, answers on its socket in /tmp/predator-<hash>, and leaves nothing there once
removed (predator.db.cluster.socket_dir_for).

Runs on a cluster of its own; the home is made world-traversable so that, as root, the server's OS user can keep its
files there (otherwise they would go to /var/lib/predator/<hash>, a short path)."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from tests.helpers import remove_detached_cluster, run_python

pytestmark = pytest.mark.xdist_group("own_cluster")


@pytest.fixture
def deep_home() -> Iterator[tuple[Path, dict[str, str]]]:
    top = Path(tempfile.mkdtemp(prefix="predator-deep-", dir="/tmp"))
    top.chmod(0o755)
    home = top / ("h" * 80)
    env = {k: v for k, v in os.environ.items() if k not in ("PREDATOR_DSN", "PREDATOR_TEST_DSN")}
    env.update(PREDATOR_HOME=str(home), PREDATOR_LOG=os.devnull)
    try:
        yield home, env
    finally:
        if (home / "cluster.json").exists():
            run_python(env, "from predator.db import cluster; cluster.down()")
            remove_detached_cluster(home)
        shutil.rmtree(top, ignore_errors=True)


def test_a_home_too_deep_for_its_socket_starts_with_the_socket_in_tmp(deep_home: tuple[Path, dict[str, str]]) -> None:
    home, env = deep_home
    dsn = run_python(env, "from predator.db import cluster; print(cluster.up().dsn())")
    socket_dir = Path(run_python(env, "from predator.db import cluster; print(cluster.layout().socket_dir)"))
    pgdata = Path(run_python(env, "from predator.db import cluster; print(cluster.layout().pgdata)"))
    assert pgdata.is_relative_to(home), pgdata  # the files stay in the home ...
    assert socket_dir.parent == Path("/tmp") and socket_dir.name.startswith("predator-")  # ... the socket does not
    assert len(str(pgdata.parent / "run" / ".s.PGSQL.5432")) > 107  # where it could not have been
    with psycopg.connect(dsn, autocommit=True) as conn:
        row = conn.execute("SELECT current_setting('unix_socket_directories')").fetchone()
    assert row == (str(socket_dir),)
    assert (socket_dir / ".s.PGSQL.5432").is_socket()
    assert os.lstat(socket_dir).st_mode & 0o777 == 0o700

    run_python(env, "from predator.db import cluster; cluster.down()")
    remove_detached_cluster(home)
    assert not socket_dir.exists()
