"""The governed core: roles, schemas, tables and their declarative rules.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

from predator.db.migrate import run_sql_file

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file("0001_core.up.sql")


def downgrade() -> None:
    run_sql_file("0001_core.down.sql")
