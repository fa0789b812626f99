"""Reference data by governed calls: api.add_venue, api.add_asset (operator, audited) and the api.assets view.

Revision ID: 0014
Revises: 0013
"""

from __future__ import annotations

from predator.db.migrate import run_sql_file

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file("0014_reference_data_calls.up.sql")


def downgrade() -> None:
    run_sql_file("0014_reference_data_calls.down.sql")
