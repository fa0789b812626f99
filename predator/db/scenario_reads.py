"""The expectations of a scenario file (docs/chaos.md): SQL text from the file, run as the auditor in a
read-only snapshot, with the scenario's psql variables (``:'account'``, ``:'from'``, ``:'to'``, ``:'seed'``)
interpolated as the validation gates' are (:func:`predator.db.audit.render_gate`). A query that fails (a
typo, a write refused by the read-only transaction) is a failed expectation, not a crash."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import psycopg
from psycopg import pq

from predator.db import audit


def run_expectations(conn: psycopg.Connection[Any], queries: Sequence[str],
                     variables: Mapping[str, str]) -> list[audit.QueryResult]:
    """Each query's columns and rows (or error), all against one read-only snapshot. ``conn``: the auditor's,
    idle (the snapshot is its own transaction)."""
    if conn.info.transaction_status != pq.TransactionStatus.IDLE:
        raise ValueError("expectations run in a read-only transaction of their own: pass an idle connection")
    with audit.read_only_snapshot(conn):
        return [audit.run_query(conn, text=q, variables=variables) for q in queries]
