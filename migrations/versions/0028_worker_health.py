"""The worker's resident memory and the memory-growth breaker (issue 14, seed 001 C2): ops.worker_health (the
worker's reports, through api.record_worker_health) and the worker_rss_mb breaker with its shipped settings.

Revision ID: 0028
Revises: 0027
"""

from __future__ import annotations

from predator.db.migrate import run_sql_file

revision = "0028"
down_revision = "0027"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file("0028_worker_health.up.sql")


def downgrade() -> None:
    run_sql_file("0028_worker_health.down.sql")
