"""Catalog reads: the ``api`` routines and views and the governed tables with their ``COMMENT ON``, for the
generated ``docs/sql-api.md`` (:mod:`predator.tools.sql_api_doc`). Only :mod:`predator.db` speaks SQL.

Every read takes an open connection (any role may read ``pg_catalog``; the doc tool uses the
administrator's on a freshly migrated database), keyword-only arguments, and returns frozen dataclasses.
A missing comment reads as the empty string.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import psycopg

from predator.db.reads import _rows


@dataclass(frozen=True)
class ApiFunction:
    """A routine of schema ``api`` as the catalog describes it."""

    name: str
    identity_arguments: str  # the argument types that identify the overload
    arguments: str  # the full argument list with names and defaults
    result: str  # what it returns (``RETURNS …`` text)
    security_definer: bool
    volatility: str  # i (immutable) | s (stable) | v (volatile)
    config: list[str]  # proconfig settings, e.g. ``search_path=…``
    comment: str
    executable_by: list[str]  # the roles of ``roles`` that may EXECUTE it


def api_functions(conn: psycopg.Connection[Any], *, roles: Sequence[str], schema: str = "api") -> list[ApiFunction]:
    """Every routine of schema ``schema`` (default ``api``; also ``ml``, the model lane's statistics), by name then
    identity arguments, with which of ``roles`` may execute it."""
    return _rows(
        conn,
        ApiFunction,
        "SELECT p.proname AS name, pg_catalog.pg_get_function_identity_arguments(p.oid) AS identity_arguments,"
        " pg_catalog.pg_get_function_arguments(p.oid) AS arguments,"
        " pg_catalog.pg_get_function_result(p.oid) AS result, p.prosecdef AS security_definer,"
        " p.provolatile::text AS volatility, coalesce(p.proconfig, '{}') AS config,"
        " coalesce(pg_catalog.obj_description(p.oid, 'pg_proc'), '') AS comment,"
        " ARRAY(SELECT r FROM unnest(%s::text[]) r"
        "        WHERE pg_catalog.has_function_privilege(r, p.oid, 'EXECUTE')) AS executable_by"
        " FROM pg_catalog.pg_proc p WHERE p.pronamespace = %s::regnamespace"
        " ORDER BY p.proname, 2",
        (list(roles), schema),
    )


@dataclass(frozen=True)
class Relation:
    """A table or view with its comment and its columns (``name type`` each, in column order)."""

    schema: str
    name: str
    kind: str  # r (table) | p (partitioned table) | v (view)
    comment: str
    columns: list[str]


def relations(conn: psycopg.Connection[Any], *, schemas: Sequence[str], kinds: Sequence[str]) -> list[Relation]:
    """The relations of ``schemas`` whose relkind is one of ``kinds`` (``r``, ``p``, ``v``), partitions left
    out, by schema then name."""
    return _rows(
        conn,
        Relation,
        "SELECT n.nspname AS schema, c.relname AS name, c.relkind::text AS kind,"
        " coalesce(pg_catalog.obj_description(c.oid, 'pg_class'), '') AS comment,"
        " ARRAY(SELECT a.attname || ' ' || pg_catalog.format_type(a.atttypid, a.atttypmod)"
        "         FROM pg_catalog.pg_attribute a"
        "        WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum) AS columns"
        " FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
        " WHERE n.nspname = ANY (%s::text[]) AND c.relkind = ANY (%s::\"char\"[]) AND NOT c.relispartition"
        " ORDER BY n.nspname, c.relname",
        (list(schemas), list(kinds)),
    )


@dataclass(frozen=True)
class SchemaComment:
    """A schema's ``COMMENT ON SCHEMA``."""

    schema: str
    comment: str


def schema_comments(conn: psycopg.Connection[Any], *, schemas: Sequence[str]) -> list[SchemaComment]:
    """The comments of the schemas ``schemas`` that exist."""
    return _rows(
        conn,
        SchemaComment,
        "SELECT n.nspname AS schema, coalesce(pg_catalog.obj_description(n.oid, 'pg_namespace'), '') AS comment"
        " FROM pg_catalog.pg_namespace n WHERE n.nspname = ANY (%s::text[]) ORDER BY 1",
        (list(schemas),),
    )
