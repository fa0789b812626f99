"""Thresholds live in the database (issue 17 item 4): the hour's symbol set is the database's.

Revision ID: 0038
Revises: 0035
"""

from __future__ import annotations

from predator.db.migrate import run_sql_file

revision = "0038"
down_revision = "0035"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file("0038_thresholds.up.sql")


def downgrade() -> None:
    run_sql_file("0038_thresholds.down.sql")
