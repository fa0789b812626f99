"""The chaos campaigns' new fault layers (issue 14): feed, memory and operator in ops.chaos_fault.

Revision ID: 0032
Revises: 0031
"""

from __future__ import annotations

from predator.db.migrate import run_sql_file

revision = "0032"
down_revision = "0031"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file("0032_chaos_fault_layers.up.sql")


def downgrade() -> None:
    run_sql_file("0032_chaos_fault_layers.down.sql")
