"""What each hour knew of the market (runs fed by the live sync).

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

from predator.db.migrate import run_sql_file

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file("0010_hour_knowledge.up.sql")


def downgrade() -> None:
    run_sql_file("0010_hour_knowledge.down.sql")
