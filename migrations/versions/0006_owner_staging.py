"""Load staging in owner-owned tables keyed per load; no temporary objects for any Predator role.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

from predator.db.migrate import run_sql_file

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file("0006_owner_staging.up.sql")


def downgrade() -> None:
    run_sql_file("0006_owner_staging.down.sql")
