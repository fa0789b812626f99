"""The two-person rule (approvals), limit policy ceilings and safe-mode templates (issue 16, item 3 Admin).

Revision ID: 0035
Revises: 0034
"""

from __future__ import annotations

from predator.db.migrate import run_sql_file

revision = "0035"
down_revision = "0034"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file("0035_approvals.up.sql")


def downgrade() -> None:
    run_sql_file("0035_approvals.down.sql")
