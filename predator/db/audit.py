"""The auditor's database side of the validation gates and chain verification (:mod:`predator.gates`).

Only :mod:`predator.db` speaks SQL: :mod:`predator.gates` finds the gate files and judges their results; this
module runs them. A gate is one SQL query of ``validations/`` that returns the rows breaking an invariant;
its columns are whatever the gate selects, so its rows come back as a :class:`QueryResult` (column names and
value tuples) rather than a dataclass of fixed fields.

Everything here works with the ``predator_auditor`` role alone (SELECT on every table, EXECUTE on the read
helpers) and writes nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import psycopg
from psycopg import pq

from predator.db.reads import _scalar


@contextmanager
def read_only_snapshot(conn: psycopg.Connection[Any]) -> Iterator[None]:
    """One read-only REPEATABLE READ transaction when ``conn`` is idle, so every read in the block judges the
    same snapshot; inside the caller's transaction (a savepoint) otherwise."""
    idle = conn.info.transaction_status == pq.TransactionStatus.IDLE
    with conn.transaction():
        if idle:
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


@dataclass(frozen=True)
class QueryResult:
    """The result of one gate query: its column names and rows (value tuples in column order), or the first
    line of the error it raised (then no rows)."""

    columns: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]
    error: str | None = None


def run_query(conn: psycopg.Connection[Any], *, text: str) -> QueryResult:
    """Run the SQL ``text`` of a gate file in a savepoint of the caller's transaction: an error (any
    SQLSTATE: a gate that breaks is a failed gate, not a crash) is returned in ``error`` and rolled back to
    the savepoint, so the other gates of the same snapshot still run."""
    try:
        with conn.transaction(), conn.cursor() as cur:
            cur.execute(text)
            rows = tuple(tuple(r) for r in cur.fetchall()) if cur.description else ()
            columns = tuple(c.name for c in cur.description or [])
    except psycopg.Error as e:
        return QueryResult((), (), str(e).strip().splitlines()[0])
    return QueryResult(columns, rows)


def chain_count(conn: psycopg.Connection[Any]) -> int:
    """How many hash chains :func:`predator.db.api.verify_chains` covers: one per (book, table) in
    ``ops.chain_head`` and one per (book, account, currency) journal posting chain (``ledger.balance``).
    Auditor (reads private tables)."""
    value = _scalar(
        conn, "SELECT (SELECT count(*) FROM ops.chain_head) + (SELECT count(*) FROM ledger.balance)", ()
    )
    return int(value or 0)
