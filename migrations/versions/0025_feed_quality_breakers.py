"""Data-quality breakers for the feed faults of issue 14: flat_feed_hours (a feed repeating one flat bar hour after
hour) and bar_outlier_pct (a bar printed far outside where it traded: a single-venue print), evaluated at every
hour's close (api.close_hour, market.feed_quality: definitions re-applied at head).

Revision ID: 0025
Revises: 0024
"""

from __future__ import annotations

from predator.db.migrate import run_sql_file

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file("0025_feed_quality_breakers.up.sql")


def downgrade() -> None:
    run_sql_file("0025_feed_quality_breakers.down.sql")
