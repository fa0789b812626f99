"""Finite numbers and bounded business time in every governed table.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

from predator.db.migrate import run_sql_file

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file("0007_finite_and_time.up.sql")


def downgrade() -> None:
    run_sql_file("0007_finite_and_time.down.sql")
