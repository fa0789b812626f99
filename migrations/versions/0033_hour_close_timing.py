"""The wall-clock duration of every hour close (issue 16 item 6: the hour-close duration metric): ops.hour_close_timing.

Revision ID: 0033
Revises: 0032
"""

from __future__ import annotations

from predator.db.migrate import run_sql_file

revision = "0033"
down_revision = "0032"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file("0033_hour_close_timing.up.sql")


def downgrade() -> None:
    run_sql_file("0033_hour_close_timing.down.sql")
