"""The runbooks' SQL (docs/runbooks/*.md) stays true to the schema: every statement of every ```sql block is
planned (EXPLAIN) as the auditor, the role an operator reads with, so a renamed view or column fails here."""

from __future__ import annotations

import re
from pathlib import Path

import psycopg
import pytest

from predator.config import PROJECT_ROOT
from predator.db.connection import Target

RUNBOOKS = sorted((PROJECT_ROOT / "docs" / "runbooks").glob("*.md"))
#: Placeholders the runbooks use, and what the test plans them with.
PLACEHOLDERS = {"'<s>'": "'trend'", "'<a>'": "'no-such-account'"}


def _statements(path: Path) -> list[str]:
    out = []
    for block in re.findall(r"```sql\n(.*?)```", path.read_text(), re.S):
        for stmt in block.split(";"):
            stmt = re.sub(r"--[^\n]*", "", stmt).strip()
            for k, v in PLACEHOLDERS.items():
                stmt = stmt.replace(k, v)
            if stmt:
                out.append(stmt)
    return out


def test_there_is_a_runbook_per_incident_category(db: Target) -> None:
    with db.connect("admin") as conn:
        row = conn.execute("SELECT pg_get_constraintdef(oid) FROM pg_constraint "
                           "WHERE conname = 'incident_category_is_known'").fetchone()
    assert row is not None
    categories = re.findall(r"'([a-z_]+)'", row[0])
    assert categories
    assert {p.stem for p in RUNBOOKS} >= set(categories), "a category without docs/runbooks/<category>.md"


@pytest.mark.parametrize("path", RUNBOOKS, ids=lambda p: p.stem)
def test_runbook_sql_plans_as_the_auditor(db: Target, path: Path) -> None:
    stmts = _statements(path)
    with db.connect("auditor") as conn:
        for stmt in stmts:
            try:
                conn.execute(f"EXPLAIN {stmt}")  # type: ignore[arg-type]
            except psycopg.Error as e:
                pytest.fail(f"{path.name}: {stmt!r}: {e}")
            conn.rollback()
