"""The container path: where a Docker engine is available, PostgreSQL can come from testcontainers (the
TimescaleDB image of docker-compose.yml) instead of the embedded cluster. Machines without an engine skip this
test with the reason; the rest of the suite always uses the embedded cluster or PREDATOR_TEST_DSN."""

from __future__ import annotations

import shutil
import subprocess

import pytest


def _docker_engine() -> str | None:
    """None when a Docker engine answers, else why not."""
    docker = shutil.which("docker")
    if docker is None:
        return "no docker client on this machine"
    probe = subprocess.run(
        [docker, "info", "--format", "{{.ServerVersion}}"], capture_output=True, text=True, timeout=20
    )
    if probe.returncode != 0 or not probe.stdout.strip():
        return "no Docker engine answers (docker info failed): the embedded cluster is used instead"
    return None


def test_postgres_from_testcontainers_migrates_and_verifies() -> None:
    reason = _docker_engine()
    if reason:
        pytest.skip(reason)
    testcontainers = pytest.importorskip("testcontainers.postgres", reason="pip install 'predator[docker]'")
    from predator.db import migrate
    from predator.db.connection import Target

    with testcontainers.PostgresContainer("timescale/timescaledb:2.17.2-pg15", driver=None) as pg:
        dsn = (
            f"host={pg.get_container_host_ip()} port={pg.get_exposed_port(5432)} dbname={pg.dbname}"
            f" user={pg.username} password={pg.password}"
        )
        target = Target(dsn, embedded=False)
        migrate.upgrade(target)
        with target.connect("auditor") as conn:
            assert conn.execute("SELECT count(*) FROM api.verify_chains()").fetchone()[0] == 0
