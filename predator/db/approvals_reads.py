"""Reads of the two-person rule and the safe modes (``api.approval_requests``, ``api.safe_mode_templates``), for
the CLI and the console. Any login role; the caller owns the transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

import psycopg
from psycopg.rows import class_row


@dataclass(frozen=True)
class ApprovalRequest:
    """One request of ``api.approval_requests`` with its approval and use."""

    request_id: int
    action: str
    target: str
    params: Any
    reason: str
    requested_by: str
    requested_at: datetime
    valid_until: datetime
    approved_by: str | None
    approved_at: datetime | None
    used_by: str | None
    used_at: datetime | None
    status: str  # pending | approved | used | expired


@dataclass(frozen=True)
class SafeModeLimit:
    """One limit of a safe-mode template."""

    template: str
    description: str
    limit_name: str
    mode: str
    value: Decimal


def approval_requests(conn: psycopg.Connection[Any], *, limit: int = 50) -> list[ApprovalRequest]:
    """The latest ``limit`` approval requests, newest first."""
    with conn.cursor(row_factory=class_row(ApprovalRequest)) as cur:
        cur.execute("SELECT request_id, action, target, params, reason, requested_by, requested_at, valid_until,"
                    " approved_by, approved_at, used_by, used_at, status FROM api.approval_requests"
                    " ORDER BY request_id DESC LIMIT %s", (limit,))
        return cur.fetchall()


def safe_mode_templates(conn: psycopg.Connection[Any]) -> list[SafeModeLimit]:
    """Every safe-mode template's limits."""
    with conn.cursor(row_factory=class_row(SafeModeLimit)) as cur:
        cur.execute("SELECT template, description, limit_name, mode, value FROM api.safe_mode_templates"
                    " ORDER BY template, limit_name")
        return cur.fetchall()


@dataclass(frozen=True)
class SafeModeInForce:
    """A safe mode applied to a risk profile and not reverted (``api.safe_modes``)."""

    application_id: int
    profile: str
    template: str
    reason: str
    actor: str
    applied_at: datetime


def safe_modes_in_force(conn: psycopg.Connection[Any]) -> list[SafeModeInForce]:
    """The safe modes in force, one per risk profile at most, by profile."""
    with conn.cursor(row_factory=class_row(SafeModeInForce)) as cur:
        cur.execute("SELECT application_id, profile, template, reason, actor, applied_at FROM api.safe_modes"
                    " WHERE in_force ORDER BY profile")
        return cur.fetchall()
