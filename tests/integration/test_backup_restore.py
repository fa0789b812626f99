"""Logical backup and restore (docs/recovery.md): a short paper run, ``predator backup dump``, ``predator restore
dump`` into a new database; the restored book verifies (chains), passes the gates, holds the same hours, fills
and rows as the original, and carries the database-level privileges and settings a dump leaves out. A dump
whose bytes changed is refused: by its checksum file, and by pg_restore itself when there is none."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest
from click.testing import CliRunner

from predator.cli import main
from predator.db import backup
from predator.db.connection import Target
from predator.runner.hour import HourRunner, RunConfig
from predator.strategies.base import effective_params, load_strategy
from predator.venues.paper import PaperConfig
from tests.conftest import drop_database

ACCOUNT = "paper_bk"

#: What must be equal, row for row, between the original and the restored database.
_FINGERPRINT = """
SELECT (SELECT count(*) FROM portfolio.hourly_state),
       (SELECT count(*) FROM trading.fill),
       (SELECT md5(string_agg(h::text, '|' ORDER BY h::text)) FROM portfolio.hourly_state h),
       (SELECT md5(string_agg(f::text, '|' ORDER BY f::text)) FROM trading.fill f)
"""

_DATABASE_STATE = """
SELECT array(SELECT a.grantee::regrole::text || ':' || a.privilege_type FROM aclexplode(d.datacl) a ORDER BY 1),
       (SELECT s.setconfig FROM pg_db_role_setting s WHERE s.setdatabase = d.oid AND s.setrole = 0)
  FROM pg_database d WHERE d.datname = %s
"""


def _state(server: Target, dbname: str) -> tuple[object, ...]:
    with psycopg.connect(server.with_dbname("postgres").dsn) as conn:
        row = conn.execute(_DATABASE_STATE, (dbname,)).fetchone()
    assert row is not None
    return (row[0], row[1])


def _fingerprint(target: Target) -> tuple[object, ...]:
    with psycopg.connect(target.dsn) as conn:
        row = conn.execute(_FINGERPRINT).fetchone()
    assert row is not None
    return tuple(row)


@pytest.fixture
def traded(market_db: Target) -> Target:
    """A few days of paper trading of the trend strategy on two symbols."""
    cfg = RunConfig(account=ACCOUNT, symbols=("BTC/USDT", "ETH/USDT"), strategy="trend",
                    params=effective_params(load_strategy("trend", {"fast": 6, "slow": 24, "vol_window": 24})),
                    start=datetime(2023, 3, 1, tzinfo=UTC), end=datetime(2023, 3, 6, tzinfo=UTC),
                    venue=PaperConfig(seed=7))
    runner = HourRunner(market_db, cfg)
    try:
        runner.run()
    finally:
        runner.close()
    return market_db


@pytest.fixture
def new_name(server: Target) -> Iterator[str]:
    name = f"predator_restored_{uuid.uuid4().hex[:10]}"
    try:
        yield name
    finally:
        drop_database(server, name)


def _cli(server: Target, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), env={"PREDATOR_DSN": server.dsn})
    return result.exit_code, result.output


def test_a_dump_restores_into_a_new_database_that_verifies_and_passes_the_gates(
        server: Target, template_db: Target, traded: Target, new_name: str, tmp_path: Path) -> None:
    out = tmp_path / "predator.dump"
    code, text = _cli(server, "backup", "dump", "--database", traded.dbname, "--out", str(out))
    assert code == 0, text
    assert out.is_file() and backup.checksum_path(out).read_text().split()[0] == backup.sha256_of(out)
    assert out.stat().st_mode & 0o777 == 0o600  # it holds the anchor signing secrets: never world-readable

    code, text = _cli(server, "restore", "dump", str(out), "--database", new_name)
    assert code == 0, text
    assert "checksum verified" in text and "= head: ready" in text
    restored = server.with_dbname(new_name)

    original = _fingerprint(traded)
    assert original[0] == 5 * 24 + 1 and original[1] > 0, original   # hours closed (both ends), fills made
    assert _fingerprint(restored) == original
    # The database-level privileges and settings of a database migrated in place (CREATE DATABASE ... TEMPLATE
    # copies neither: the test's copy of the template has none of the privileges; its settings are made again by
    # conftest.create_database, migrate.copy_database_settings).
    assert _state(server, new_name) == _state(server, template_db.dbname)

    for command in ("verify", "validate"):
        result = CliRunner().invoke(main, [command, "--dsn", restored.role_dsn("auditor"), "--account", ACCOUNT])
        assert result.exit_code == 0, result.output
    # The restored database is usable by the components: the worker logs in with its passfile.
    with psycopg.connect(restored.role_dsn("worker")) as conn:
        assert conn.execute("SELECT count(*) FROM api.accounts WHERE name = %s", (ACCOUNT,)).fetchone() == (1,)

    code, text = _cli(server, "restore", "dump", str(out), "--database", new_name)
    assert code == 2 and "already exists" in text


def test_a_tampered_dump_is_refused_and_leaves_no_database(
        server: Target, traded: Target, new_name: str, tmp_path: Path) -> None:
    out = tmp_path / "predator.dump"
    backup.dump(traded, out)
    data = bytearray(out.read_bytes())
    middle = len(data) // 2
    data[middle:middle + 64] = bytes(b ^ 0xFF for b in data[middle:middle + 64])
    out.write_bytes(bytes(data))

    code, text = _cli(server, "restore", "dump", str(out), "--database", new_name)
    assert code == 2 and "does not match its checksum" in text and "refusing to restore" in text, text

    # Without the checksum file, pg_restore itself refuses the altered data in one transaction: nothing stays.
    backup.checksum_path(out).unlink()
    with pytest.raises(backup.BackupError, match=r"pg_restore of .* failed \(nothing restored, database dropped\)"):
        backup.restore(server, out, new_name)
    # A truncated file too.
    out.write_bytes(bytes(data[:middle]))
    with pytest.raises(backup.BackupError, match="pg_restore"):
        backup.restore(server, out, new_name)
    with psycopg.connect(server.with_dbname("postgres").dsn) as conn:
        assert conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (new_name,)).fetchone() is None
