"""Market data additions (issue 3).

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

from predator.db.migrate import run_sql_file

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file("0003_market_data.up.sql")


def downgrade() -> None:
    run_sql_file("0003_market_data.down.sql")
