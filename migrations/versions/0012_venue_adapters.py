"""Live venue adapters: fees in the currency charged, the venue_fatal_error breaker.

Revision ID: 0012
Revises: 0011
"""

from __future__ import annotations

from predator.db.migrate import run_sql_file

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file("0012_venue_adapters.up.sql")


def downgrade() -> None:
    run_sql_file("0012_venue_adapters.down.sql")
