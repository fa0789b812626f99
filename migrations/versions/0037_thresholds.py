"""Thresholds live in the database (issue 17 item 4): the hour's symbol set is the database's.

Revision ID: 0037
Revises: 0036
"""

from __future__ import annotations

from predator.db.migrate import run_sql_file

revision = "0037"
down_revision = "0036"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file("0037_thresholds.up.sql")


def downgrade() -> None:
    run_sql_file("0037_thresholds.down.sql")
