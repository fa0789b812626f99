"""Sizing enforced and strategy health: the volatility cap's limits, the adaptive-horizon flags and the
per-strategy health scores (issue 13, items 4 and 5).

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
    run_sql_file("0016_sizing_health.up.sql")


def downgrade() -> None:
    run_sql_file("0016_sizing_health.down.sql")
