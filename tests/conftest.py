"""Test fixtures: a real PostgreSQL everywhere.

The database comes from ``PREDATOR_TEST_DSN`` (an existing server; the suite creates and drops its own
databases there), else from the embedded cluster under ``PREDATOR_HOME`` (started when needed). Each test
session migrates one template database; each test that asks for ``db`` gets a fresh copy of it
(``CREATE DATABASE ... TEMPLATE``), dropped afterwards.
"""

from __future__ import annotations

import fcntl
import os
import uuid
from collections.abc import Iterator

import psycopg
import pytest

from predator import config
from predator.db import cluster, migrate
from predator.db.connection import Target


def _server_target() -> Target:
    dsn = os.environ.get("PREDATOR_TEST_DSN", "").strip() or config.external_dsn()
    if dsn:
        return Target(dsn, embedded=False)
    lay = cluster.layout()
    if not cluster.is_running(lay):
        lay = cluster.up()
    return Target(lay.dsn(), embedded=True)


def _admin(target: Target) -> psycopg.Connection:
    return psycopg.connect(target.with_dbname("postgres").dsn, autocommit=True)


def create_database(server: Target, template: str | None = None, prefix: str = "predator_t") -> Target:
    """A new database, a copy of ``template`` when given. A copy does not inherit the template's database
    privileges nor its database-level settings: TEMPORARY is taken from PUBLIC and the owner again, as migration
    0006 did to the template, and the template's settings are made again (``jit = off``, migration 0029:
    :func:`predator.db.migrate.copy_database_settings`)."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    with _admin(server) as conn:
        if template:
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
            migrate.revoke_temporary(conn, name)
            migrate.copy_database_settings(conn, template, name)
        else:
            conn.execute(f'CREATE DATABASE "{name}"')
    return server.with_dbname(name)


def drop_database(server: Target, name: str) -> None:
    with _admin(server) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def server() -> Target:
    """The PostgreSQL server the suite uses (admin DSN, database ``postgres``-independent)."""
    return _server_target()


@pytest.fixture(scope="session")
def template_db(server: Target) -> Iterator[Target]:
    """A database migrated to head once per test session (per xdist worker). Migrations of the workers run
    one at a time: the first creates the cluster-wide roles, which the others then find."""
    target = create_database(server, prefix="predator_tmpl")
    try:
        config.home().mkdir(parents=True, exist_ok=True)
        with open(config.home() / "migrate.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            migrate.upgrade(target)
        yield target
    finally:
        drop_database(server, target.dbname)


@pytest.fixture()
def db(server: Target, template_db: Target) -> Iterator[Target]:
    """A fresh, migrated database for one test."""
    target = create_database(server, template=template_db.dbname)
    try:
        yield target
    finally:
        drop_database(server, target.dbname)


@pytest.fixture()
def empty_db(server: Target) -> Iterator[Target]:
    """A fresh database that was never migrated."""
    target = create_database(server)
    try:
        yield target
    finally:
        drop_database(server, target.dbname)


#: Real 1h files loaded into the market template (binance, from ../shared/data/candles).
MARKET_SYMBOLS = ("BTC/USDT", "ETH/USDT", "SOL/USDT")


@pytest.fixture(scope="session")
def market_template(server: Target, template_db: Target) -> Iterator[Target]:
    """A migrated database holding the real 1h candles of MARKET_SYMBOLS, loaded through the gated path."""
    from predator.marketdata.loader import load_file

    target = create_database(server, template=template_db.dbname, prefix="predator_mkt")
    try:
        with target.connect("worker") as conn:
            for symbol in MARKET_SYMBOLS:
                load_file(conn, config.data_dir() / "candles" / f"binance_{symbol.replace('/', '-')}_1h.csv.gz")
        yield target
    finally:
        drop_database(server, target.dbname)


@pytest.fixture()
def market_db(server: Target, market_template: Target) -> Iterator[Target]:
    """A fresh copy of the market template for one test."""
    target = create_database(server, template=market_template.dbname)
    try:
        yield target
    finally:
        drop_database(server, target.dbname)
