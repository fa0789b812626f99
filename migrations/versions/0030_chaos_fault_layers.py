"""The chaos campaigns' new fault layers (issue 14): feed, memory and operator in ops.chaos_fault.

Revision ID: 0029
Revises: 0028
"""

from __future__ import annotations

from predator.db.migrate import run_sql_file

revision = "0029"
down_revision = "0028"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file("0029_chaos_fault_layers.up.sql")


def downgrade() -> None:
    run_sql_file("0029_chaos_fault_layers.down.sql")
