"""Live venue adapters: fees in the currency charged, the venue_fatal_error breaker.

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

from predator.db.migrate import run_sql_file

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file("0011_venue_adapters.up.sql")


def downgrade() -> None:
    run_sql_file("0011_venue_adapters.down.sql")
