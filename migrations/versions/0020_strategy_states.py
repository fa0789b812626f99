"""Per-strategy risk states, the strategy reduce tier and the operator hold of a reducing book (issue 13 items 3, 7).

Revision ID: 0020
Revises: 0019
"""

from __future__ import annotations

from predator.db.migrate import run_sql_file

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file("0020_strategy_states.up.sql")


def downgrade() -> None:
    run_sql_file("0020_strategy_states.down.sql")
