"""Reference data: venues, clusters, assets, Universe V1 instruments, limit kinds, risk profiles.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

from predator.db.migrate import run_sql_file

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file("0002_reference_data.up.sql")


def downgrade() -> None:
    run_sql_file("0002_reference_data.down.sql")
