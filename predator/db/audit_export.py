"""The database side of ``predator audit export`` (:mod:`predator.audit_export`, docs/audit.md).

Everything here runs as ``predator_auditor``, who may SELECT every governed table (grants/00_core.sql): the
export reads the hash-chained tables themselves, listed by the view ``api.chained_tables`` (the registry
``ops.chained_tables()`` plus ``ledger.posting``), because the ``api`` views leave out the chain columns
(``prev_hash``, ``row_hash``) an offline verifier needs, and a view per chained table would only repeat each
table. Nothing is written.

The CSV text comes from PostgreSQL itself (``COPY … TO STDOUT (FORMAT csv, HEADER)``: LF line ends, an
unquoted empty field for NULL, ``""`` for the empty string) and every cell is the value as ``to_jsonb``
renders it in a UTC session, the form the row hash covers (docs/hashing.md §1):

* ``text`` encoding — ``to_jsonb(col) #>> '{}'``: the JSON string's text (strings, ``timestamptz`` in ISO
  8601 UTC such as ``2024-03-01T02:00:00+00:00``, dates, bytea as ``\\x…``);
* ``json`` encoding — ``to_jsonb(col)::text``: numbers exactly as stored (scale included), ``true``/``false``,
  arrays and jsonb values as jsonb prints them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import psycopg
from psycopg import sql

#: Type categories (pg_type.typcategory) whose to_jsonb value is not a JSON string: numbers, booleans,
#: arrays, composites; plus the json types themselves.
_JSON_CATEGORIES = ("N", "B", "A", "C")
_JSON_TYPES = ("json", "jsonb")


@dataclass(frozen=True)
class ExportColumn:
    """One exported column: its name, SQL type and cell encoding (``text`` or ``json``)."""

    name: str
    type: str
    encoding: str


@dataclass(frozen=True)
class ChainedTable:
    """A hash-chained table as exported: its columns (``book_id`` left out), the columns its hash leaves out
    besides ``ops.hash_excluded_columns()``, and the columns that name a chain within a book (the journal's
    ``account_code, currency``; none for the tables chained once per book)."""

    name: str
    columns: tuple[ExportColumn, ...]
    extra_excluded: tuple[str, ...]
    chain_key: tuple[str, ...]


@dataclass(frozen=True)
class ChainSpan:
    """The exported rows of one chain: how many, the first and last seq, the ``prev_hash`` of the first row
    (``start_hash``) and the ``row_hash`` of the last (``end_hash``), in hex."""

    chain: str
    rows: int
    first_seq: int
    last_seq: int
    start_hash: str
    end_hash: str


@dataclass(frozen=True)
class HourClose:
    """A closed hour of the book: its hour, the seq of its ``portfolio.hourly_state`` row, and the chain heads
    ``api.close_hour`` recorded (``digests -> 'heads'``, ``{"<schema>.<table>": seq}``)."""

    hour: datetime
    seq: int
    heads: dict[str, int]


def begin_snapshot(conn: psycopg.Connection[Any]) -> None:
    """Pin the session for an export: one REPEATABLE READ read-only snapshot (the caller opened the
    transaction), UTC (the hashed rendering of timestamps), hex bytea, UTF-8."""
    conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
    conn.execute("SET LOCAL TimeZone = 'UTC'")
    conn.execute("SET LOCAL bytea_output = 'hex'")
    conn.execute("SET LOCAL client_encoding = 'UTF8'")


def chained_tables(conn: psycopg.Connection[Any]) -> list[ChainedTable]:
    """Every hash-chained table, in name order, with its columns in table order."""
    registry = conn.execute(
        "SELECT table_name, extra_exclude FROM api.chained_tables ORDER BY table_name COLLATE \"C\"").fetchall()
    return [ChainedTable(name, table_columns(conn, name), tuple(extra),
                         ("account_code", "currency") if name == "ledger.posting" else ())
            for name, extra in registry]


def table_columns(conn: psycopg.Connection[Any], table: str) -> tuple[ExportColumn, ...]:
    """The columns of ``table`` (``schema.name``) in table order, ``book_id`` left out, each with its cell
    encoding: ``json`` for numbers, booleans, arrays, composites and json/jsonb, ``text`` for the rest."""
    rows = conn.execute(
        """SELECT a.attname, format_type(a.atttypid, a.atttypmod),
                  CASE WHEN b.typcategory = ANY(%s) OR b.typname = ANY(%s) THEN 'json' ELSE 'text' END
             FROM pg_attribute a
             JOIN pg_type t ON t.oid = a.atttypid
             JOIN pg_type b ON b.oid = CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE t.oid END
            WHERE a.attrelid = %s::regclass AND a.attnum > 0 AND NOT a.attisdropped AND a.attname <> 'book_id'
            ORDER BY a.attnum""",
        (list(_JSON_CATEGORIES), list(_JSON_TYPES), table)).fetchall()
    return tuple(ExportColumn(str(n), str(t), str(e)) for n, t, e in rows)


def hour_close(conn: psycopg.Connection[Any], book_id: int, at: datetime) -> HourClose | None:
    """The book's last closed hour at or before ``at``, or None."""
    row = conn.execute(
        "SELECT hour, seq, coalesce(digests -> 'heads', '{}'::jsonb) FROM portfolio.hourly_state"
        " WHERE book_id = %s AND hour <= %s ORDER BY hour DESC, seq DESC LIMIT 1", (book_id, at)).fetchone()
    return None if row is None else HourClose(row[0], int(row[1]), {k: int(v) for k, v in row[2].items()})


def current_heads(conn: psycopg.Connection[Any], book_id: int) -> dict[str, int]:
    """The book's chain heads now (``ops.chain_head``), by table name."""
    rows = conn.execute("SELECT split_part(chain, ':', 1), seq FROM ops.chain_head WHERE book_id = %s",
                        (book_id,)).fetchall()
    return {str(t): int(s) for t, s in rows}


def _cells(table: ChainedTable) -> sql.Composable:
    return sql.SQL(", ").join(
        sql.SQL("to_jsonb({c}) #>> '{{}}' AS {c}" if c.encoding == "text" else "to_jsonb({c})::text AS {c}")
        .format(c=sql.Identifier(c.name)) for c in table.columns)


def _window(table: ChainedTable, book_id: int, lo: int, hi: int) -> sql.Composable:
    """Rows of ``table`` of the book in its window: ``lo < seq <= hi`` (the journal: its transactions'
    window ``lo < tx_seq <= hi``)."""
    col = "tx_seq" if table.chain_key else "seq"
    return sql.SQL("FROM {t} AS t WHERE book_id = {b} AND {c} > {lo} AND {c} <= {hi}").format(
        t=sql.Identifier(*table.name.split(".")), b=sql.Literal(book_id), c=sql.Identifier(col),
        lo=sql.Literal(lo), hi=sql.Literal(hi))


def _order(table: ChainedTable) -> sql.Composable:
    # Qualified: a bare name would sort by the output column of the same name (its text).
    return sql.SQL(", ").join([*(sql.SQL('{} COLLATE "C"').format(sql.Identifier("t", k)) for k in table.chain_key),
                               sql.Identifier("t", "seq")])


def _copy(conn: psycopg.Connection[Any], query: sql.Composable) -> bytes:
    with conn.cursor() as cur, cur.copy(sql.SQL("COPY ({}) TO STDOUT (FORMAT csv, HEADER)").format(query)) as cp:
        return b"".join(bytes(block) for block in cp)


def table_csv(conn: psycopg.Connection[Any], table: ChainedTable, book_id: int, lo: int, hi: int) -> bytes:
    """The CSV of the table's rows in the window, ordered by chain and seq."""
    return _copy(conn, sql.SQL("SELECT {} {} ORDER BY {}").format(
        _cells(table), _window(table, book_id, lo, hi), _order(table)))


def chain_spans(conn: psycopg.Connection[Any], table: ChainedTable, book_id: int, lo: int, hi: int,
                ) -> list[ChainSpan]:
    """Each chain's exported span in the window (chains with no row in it are left out)."""
    chain = sql.SQL("concat_ws(':', {}, {})").format(
        sql.Literal(table.name), sql.SQL(", ").join(sql.Identifier(k) for k in table.chain_key)) \
        if table.chain_key else sql.Literal(table.name)
    query = sql.SQL(
        "SELECT {ch} AS chain, count(*), min(seq), max(seq), encode((array_agg(prev_hash ORDER BY seq))[1], 'hex'),"
        " encode((array_agg(row_hash ORDER BY seq DESC))[1], 'hex') {w} GROUP BY 1").format(
        ch=chain, w=_window(table, book_id, lo, hi))
    spans = [ChainSpan(str(r[0]), int(r[1]), int(r[2]), int(r[3]), str(r[4]), str(r[5]))
             for r in conn.execute(query).fetchall()]
    return sorted(spans, key=lambda s: s.chain.encode())


def chain_heads_csv(conn: psycopg.Connection[Any], book_id: int) -> bytes:
    """The book's chain heads now: ``ops.chain_head`` (named by table) and the journal's ``ledger.balance``
    (named ``ledger.posting:<account>:<currency>``, with the balance)."""
    return _copy(conn, sql.SQL(
        "SELECT chain, seq, head_hash, balance FROM ("
        " SELECT split_part(chain, ':', 1) AS chain, seq, to_jsonb(head_hash) #>> '{{}}' AS head_hash,"
        "        NULL::text AS balance FROM ops.chain_head WHERE book_id = {b}"
        " UNION ALL SELECT concat_ws(':', 'ledger.posting', account_code, currency), seq,"
        "        to_jsonb(head_hash) #>> '{{}}', to_jsonb(balance)::text FROM ledger.balance WHERE book_id = {b}) h"
        " ORDER BY chain COLLATE \"C\"").format(b=sql.Literal(book_id)))


def account_csv(conn: psycopg.Connection[Any], account: str) -> bytes:
    """The account as ``api.accounts`` shows it, without the database-local book id."""
    return _copy(conn, sql.SQL(
        "SELECT name, mode, venue, base_currency, lane, to_jsonb(initial_principal)::text AS initial_principal,"
        " risk_profile, to_jsonb(created_at) #>> '{{}}' AS created_at FROM api.accounts WHERE name = {a}").format(
        a=sql.Literal(account)))


def runs_csv(conn: psycopg.Connection[Any], account: str) -> bytes:
    """The book's runs with the dataset hash of the candles each ran on (``api.runs``)."""
    return _copy(conn, sql.SQL(
        "SELECT run_id, kind, config::text AS config, dataset_hash, to_jsonb(started_at) #>> '{{}}' AS started_at"
        " FROM api.runs WHERE account = {a} ORDER BY started_at, run_id COLLATE \"C\"").format(a=sql.Literal(account)))


def anchor_csv(conn: psycopg.Connection[Any], book_id: int, through: datetime | None) -> bytes:
    """The heads of the book's latest hour-close anchor at or before ``through`` (None: the latest), one row per
    chain of the book, named as the export names its chains (``<schema>.<table>``, the journal's
    ``ledger.posting:<account>:<currency>``; the database-local book id dropped), with the anchor's seq, hour, key
    id and signature (api.chain_anchors; the control plane's heads, which the anchor also signs, are left out).
    Header only when the book has no such anchor (no anchor key set)."""
    return _copy(conn, sql.SQL(
        "WITH a AS (SELECT seq, hour, key_id, signature, heads FROM api.chain_anchors"
        "            WHERE book_id = {b} AND kind = 'close' AND ({t}::timestamptz IS NULL OR hour <= {t}::timestamptz)"
        "            ORDER BY seq DESC LIMIT 1)"
        " SELECT * FROM (SELECT a.seq AS anchor_seq, to_jsonb(a.hour) #>> '{{}}' AS hour, a.key_id, a.signature,"
        "        CASE WHEN split_part(h ->> 'chain', ':', 1) = 'ledger.posting'"
        "             THEN concat_ws(':', 'ledger.posting', split_part(h ->> 'chain', ':', 3),"
        "                            split_part(h ->> 'chain', ':', 4))"
        "             ELSE split_part(h ->> 'chain', ':', 1) END AS chain,"
        "        (h ->> 'seq')::bigint AS seq, h ->> 'head' AS head"
        "   FROM a CROSS JOIN LATERAL jsonb_array_elements(a.heads) h"
        "  WHERE split_part(h ->> 'chain', ':', 2) = {bt}) x"
        "  ORDER BY x.chain COLLATE \"C\"").format(b=sql.Literal(book_id), t=sql.Literal(through),
                                            bt=sql.Literal(str(book_id))))

