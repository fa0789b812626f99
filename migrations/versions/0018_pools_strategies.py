"""Capital pools and several strategies per book (issue 13 items 1 and 2): risk.pool, the lanes' pool policy,
the strategies' pool and priority, the pool and per-strategy limits, the arbitration rule per risk profile and
the per-strategy hourly figures (portfolio.strategy_hour).

Revision ID: 0018
Revises: 0017
"""

from __future__ import annotations

from predator.db.migrate import run_sql_file

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file("0018_pools_strategies.up.sql")


def downgrade() -> None:
    run_sql_file("0018_pools_strategies.down.sql")
