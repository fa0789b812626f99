"""Anchored chains, the database side (docs/audit.md, "Anchors"; migration 0036).

An anchor is a signed checkpoint of chain heads (``ops.chain_anchor``): ``api.close_hour`` appends one per close
once an operator has set a key, ``api.anchor_chains`` one on demand. The signing secrets (``ops.anchor_key``) are
the owner's alone: the operator sets, rotates and revokes keys through ``api.set_anchor_key`` and
``api.revoke_anchor_key`` and never reads one back; ``api.verify_anchors`` answers whether exported anchors still
hold, never the key. Only :mod:`predator.db` speaks SQL; :mod:`predator.anchors` reads and writes the export file.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import psycopg
from psycopg.rows import class_row
from psycopg.types.json import Jsonb

from predator.db.api import Call, run


@dataclass(frozen=True)
class AnchorKey:
    """A signing key as ``api.anchor_keys`` shows it (never its secret)."""

    key_id: int
    fingerprint: str
    supplied: bool
    reason: str
    actor: str
    created_at: datetime
    revoked_at: datetime | None
    revoked_by: str | None
    revoke_reason: str | None
    active: bool


@dataclass(frozen=True)
class NewKey:
    key_id: int
    fingerprint: str


@dataclass(frozen=True)
class Anchored:
    """An on-demand anchor: its book (0) and seq, and how many chains it signed."""

    book_id: int
    seq: int
    chains: int


@dataclass(frozen=True)
class AnchorProblem:
    """One row of ``api.verify_anchors``: the chain or anchor concerned, where, what, and whether it fails the
    verification (``breaks``; an anchor under a revoked key is reported without failing)."""

    subject: str
    book_id: int | None
    seq: int | None
    problem: str
    breaks: bool


def set_key(conn: psycopg.Connection[Any], reason: str, secret: bytes | None = None) -> NewKey:
    """``api.set_anchor_key``: a new active key (generated in the database unless ``secret``, 32..128 bytes, is
    given). Operator, audited. PD012 no reason, a secret of the wrong length or already used."""
    key: NewKey = run(conn, Call("SELECT * FROM api.set_anchor_key(%s::text, %s::bytea)", (reason, secret), NewKey))
    return key


def revoke_key(conn: psycopg.Connection[Any], key_id: int, reason: str) -> None:
    """``api.revoke_anchor_key``. Operator, audited. PD011 unknown key; PD012 no reason, already revoked, or the
    active key (set a new one first)."""
    run(conn, Call("SELECT api.revoke_anchor_key(%s::integer, %s::text)", (key_id, reason), None))


def anchor_now(conn: psycopg.Connection[Any], reason: str) -> Anchored:
    """``api.anchor_chains``: anchor every chain's head now (one book-0 anchor). Operator, audited. PD011 no key."""
    anchored: Anchored = run(conn, Call("SELECT * FROM api.anchor_chains(%s::text)", (reason,), Anchored))
    return anchored


def keys(conn: psycopg.Connection[Any]) -> list[AnchorKey]:
    """Every signing key, oldest first (``api.anchor_keys``)."""
    with conn.cursor(row_factory=class_row(AnchorKey)) as cur:
        return cur.execute("SELECT key_id, fingerprint, supplied, reason, actor, created_at, revoked_at, revoked_by,"
                           " revoke_reason, active FROM api.anchor_keys ORDER BY key_id").fetchall()


def exported(conn: psycopg.Connection[Any]) -> list[dict[str, Any]]:
    """Every anchor as the export writes it, ordered by (book, seq): book_id, seq, kind, hour (ISO-8601 UTC or
    None), heads, key_id, prev_signature and signature (hex). Readable by every role (``api.chain_anchors``)."""
    rows = conn.execute(
        "SELECT book_id, seq, kind, hour, heads, key_id, prev_signature, signature FROM api.chain_anchors"
        " ORDER BY book_id, seq").fetchall()
    return [{"book_id": r[0], "seq": r[1], "kind": r[2],
             "hour": r[3].astimezone(UTC).isoformat() if r[3] is not None else None,
             "heads": r[4], "key_id": r[5], "prev_signature": r[6], "signature": r[7]} for r in rows]


def verify(conn: psycopg.Connection[Any], anchors: list[dict[str, Any]]) -> list[AnchorProblem]:
    """``api.verify_anchors``: every problem of the exported ``anchors`` against the database (empty: all hold).
    Operator or auditor."""
    problems: list[AnchorProblem] = run(
        conn, Call("SELECT subject, book_id, seq, problem, breaks FROM api.verify_anchors(%s::jsonb)",
                   (Jsonb(anchors),), AnchorProblem, many=True))
    return problems
