"""The auditor's database side of the validation gates and chain verification (:mod:`predator.gates`).

Only :mod:`predator.db` speaks SQL: :mod:`predator.gates` finds the gate files and judges their results; this
module runs them. A gate is one SQL query of ``validations/`` that returns the rows breaking an invariant;
its columns are whatever the gate selects, so its rows come back as a :class:`QueryResult` (column names and
value tuples) rather than a dataclass of fixed fields.

Everything here works with the ``predator_auditor`` role alone (SELECT on every table, EXECUTE on the read
helpers) and writes nothing (a recorded run is written by ``api.record_validation``, :mod:`predator.db.api`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import psycopg
from psycopg import pq
from psycopg.rows import class_row

from predator.db.api import ChainBreak
from predator.db.reads import _scalar


@contextmanager
def read_only_snapshot(conn: psycopg.Connection[Any], read_only: bool = True) -> Iterator[None]:
    """One REPEATABLE READ transaction (read-only unless ``read_only`` is false) when ``conn`` is idle, so every
    read in the block judges the same snapshot; inside the caller's transaction (a savepoint) otherwise. A
    recorded validation run (:func:`predator.gates.run_and_record`) is the one writer: it records the run in
    the transaction whose snapshot the gates judged."""
    idle = conn.info.transaction_status == pq.TransactionStatus.IDLE
    with conn.transaction():
        if idle:
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ" + (", READ ONLY" if read_only else ""))
        yield


@dataclass(frozen=True)
class QueryResult:
    """The result of one gate query: its column names and rows (value tuples in column order), or the first
    line of the error it raised (then no rows)."""

    columns: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]
    error: str | None = None


#: ``\if :{?name} \else \set name VALUE \endif``: a gate's default for a psql variable it reads.
_DEFAULT_RE = re.compile(r"^\\if\s+:\{\?(\w+)\}\s+\\else\s+\\set\s+\1\s+(.*?)\s*\\endif\s*$")
#: ``QUERY \gset``: psql runs QUERY and sets one variable per column of its one row.
_GSET_RE = re.compile(r"^(.*?)\s*\\gset\s*$")
#: What psql's lexer sees: a quoted literal or a ``--`` comment (left alone), ``:'name'`` (the variable as
#: a quoted literal) or ``:name`` (the variable's text as is; ``::type`` casts are not variables).
_TOKEN_RE = re.compile(r"(?P<quoted>'(?:[^']|'')*')|(?P<comment>--[^\n]*)|:'(?P<literal>\w+)'|(?<!:):(?P<raw>\w+)")

#: Runs one query and returns its single row as {column: text}: how ``\gset`` reaches the database.
Gset = Callable[[str], dict[str, str]]


def _interpolate(sql_text: str, values: Mapping[str, str]) -> str:
    def sub(m: re.Match[str]) -> str:
        name = m.group("literal") or m.group("raw")
        if name is None or (m.group("raw") and name not in values):
            return m.group(0)   # a literal, a comment, or text psql would leave alone (an unknown :name)
        if name not in values:
            raise ValueError(f"gate variable {name!r} has no value and no default")
        value = values[name]
        return "'" + value.replace("'", "''") + "'" if m.group("literal") else value

    return _TOKEN_RE.sub(sub, sql_text)


def render_gate(text: str, variables: Mapping[str, str] | None = None, gset: Gset | None = None) -> str:
    """The SQL psql would send for gate file ``text`` run as ``psql -v name=value … -f file``.

    A gate reads its scope from psql variables (``:'account'``, ``:'from'``, ``:'to'``), gives each a
    default with a one-line meta-command ``\\if :{?name} \\else \\set name VALUE \\endif``, and may set
    more from the database with ``SELECT … AS name \\gset`` (gate files look the account's book id up
    into ``:book``). Here, as in psql, each ``:'name'`` becomes the quoted literal of the variable and each
    ``:name`` its text, outside quoted literals and comments, so the planner sees constants: ``:'account'
    = ''`` folds away and ``book_id = :book`` is an index condition. The ``\\gset`` queries run through
    ``gset`` (one row; its columns become variables). Raises ValueError for any other meta-command, a
    ``\\gset`` without ``gset``, or a ``:'name'`` with no value."""
    values: dict[str, str] = {}
    given = dict(variables or {})
    sql_lines: list[str] = []
    for line in text.splitlines():
        if not line.startswith("\\"):
            g = _GSET_RE.match(line)
            if g is None:
                sql_lines.append(line)
                continue
            if gset is None:
                raise ValueError(f"a \\gset query needs a database connection: {line}")
            values.update(gset(_interpolate(g.group(1), {**values, **given})))
            continue
        m = _DEFAULT_RE.match(line)
        if m is None:
            raise ValueError(f"unsupported psql meta-command in a gate: {line}")
        default = m.group(2)
        if len(default) >= 2 and default[0] == default[-1] == "'":
            default = default[1:-1].replace("''", "'")
        values[m.group(1)] = given.get(m.group(1), default)
    values = {**given, **values}
    return _interpolate("\n".join(sql_lines), values)


def _gset(conn: psycopg.Connection[Any]) -> Gset:
    def run(query: str) -> dict[str, str]:
        with conn.cursor() as cur:
            cur.execute(query)
            row = cur.fetchone()
            if row is None or cur.fetchone() is not None:
                raise ValueError(f"\\gset needs exactly one row: {query}")
            return {c.name: "" if v is None else str(v) for c, v in zip(cur.description or [], row, strict=True)}

    return run


def run_query(conn: psycopg.Connection[Any], *, text: str, variables: Mapping[str, str] | None = None) -> QueryResult:
    """Run the SQL ``text`` of a gate file (its psql variables set from ``variables``: :func:`render_gate`)
    in a savepoint of the caller's transaction: an error (any SQLSTATE: a gate that breaks is a failed gate,
    not a crash; or a gate file this module cannot read as psql would) is returned in ``error`` and rolled
    back to the savepoint, so the other gates of the same snapshot still run."""
    try:
        with conn.transaction(), conn.cursor() as cur:
            cur.execute(render_gate(text, variables, _gset(conn)))
            rows = tuple(tuple(r) for r in cur.fetchall()) if cur.description else ()
            columns = tuple(c.name for c in cur.description or [])
    except (psycopg.Error, ValueError) as e:
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


def book_id(conn: psycopg.Connection[Any], account: str) -> int | None:
    """The book id of the account called ``account`` (``api.accounts``), or None. Any login role."""
    value = _scalar(conn, "SELECT book_id FROM api.accounts WHERE name = %s", (account,))
    return None if value is None else int(value)


def verify_book_chains(conn: psycopg.Connection[Any], book: int) -> list[ChainBreak]:
    """``api.verify_book_chains(book)``: the first broken row of each broken chain of one book (empty: all
    verify). Auditor, worker or operator."""
    with conn.cursor(row_factory=class_row(ChainBreak)) as cur:
        cur.execute("SELECT * FROM api.verify_book_chains(%s::integer) ORDER BY chain, seq", (book,))
        return cur.fetchall()


def book_chain_count(conn: psycopg.Connection[Any], book: int) -> int:
    """How many hash chains :func:`verify_book_chains` covers for ``book``: its (book, table) chains in
    ``ops.chain_head`` and its (account, currency) journal posting chains. Auditor (reads private tables)."""
    value = _scalar(
        conn,
        "SELECT (SELECT count(*) FROM ops.chain_head WHERE book_id = %s)"
        " + (SELECT count(*) FROM ledger.balance WHERE book_id = %s)",
        (book, book),
    )
    return int(value or 0)


def last_closed_hour(conn: psycopg.Connection[Any], book: int | None) -> datetime | None:
    """The close of the last hour closed by book ``book`` (None: by any book), or None when none is. Auditor."""
    if book is None:
        value = _scalar(conn, "SELECT max(hour) FROM portfolio.hourly_state", ())
    else:
        value = _scalar(conn, "SELECT max(hour) FROM portfolio.hourly_state WHERE book_id = %s", (book,))
    return value if isinstance(value, datetime) else None
