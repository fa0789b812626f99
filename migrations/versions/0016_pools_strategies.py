"""Capital pools and several strategies per book (issue 13 items 1 and 2): risk.pool, the lanes' pool policy,
the strategies' pool and priority, the pool and per-strategy limits, the arbitration rule per risk profile and
the per-strategy hourly figures (portfolio.strategy_hour).

Revision ID: 0016
Revises: 0015
"""

from __future__ import annotations

from predator.db.migrate import run_sql_file

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file("0016_pools_strategies.up.sql")


def downgrade() -> None:
    run_sql_file("0016_pools_strategies.down.sql")
