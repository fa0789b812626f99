"""The retention settings in force (``api.settings``; docs/recovery.md, "Retention"): how many days
``predator retention apply`` keeps Predator's files. Read-only; retention never touches a row of the database."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import psycopg

#: The settings, their shipped defaults (migration 0040) and the class of file each governs.
SETTINGS: dict[str, tuple[str, int]] = {
    "retention_log_days": ("logs", 30),
    "retention_report_days": ("reports", 90),
    "retention_chaos_days": ("chaos", 30),
}


@dataclass(frozen=True)
class RetentionSetting:
    """One class of file: its setting, the days kept (0 = for ever) and who set it when and why."""

    name: str
    kind: str
    days: int
    revision: int | None
    reason: str | None


def retention_settings(conn: psycopg.Connection[Any]) -> list[RetentionSetting]:
    """The retention settings in force, in the order of :data:`SETTINGS` (the shipped default when a database
    has none)."""
    rows = {str(r[0]): r for r in conn.execute(
        "SELECT name, value, revision, reason FROM api.settings WHERE name = ANY(%s)", (list(SETTINGS),)).fetchall()}
    conn.rollback()
    out = []
    for name, (kind, default) in SETTINGS.items():
        r = rows.get(name)
        out.append(RetentionSetting(name, kind, int(r[1]) if r else default, int(r[2]) if r else None,
                                    str(r[3]) if r else None))
    return out
