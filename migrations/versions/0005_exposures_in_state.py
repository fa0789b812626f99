"""Exposures move into the hourly state row; chain heads indexed by book.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

from predator.db.migrate import run_sql_file

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file("0005_exposures_in_state.up.sql")


def downgrade() -> None:
    run_sql_file("0005_exposures_in_state.down.sql")
