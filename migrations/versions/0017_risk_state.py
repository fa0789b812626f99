"""Risk state machine of a book: normal, reducing, halted, cooldown (issue 13 items 3, 7, 8).

Revision ID: 0017
Revises: 0016
"""

from __future__ import annotations

from predator.db.migrate import run_sql_file

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file("0017_risk_state.up.sql")


def downgrade() -> None:
    run_sql_file("0017_risk_state.down.sql")
