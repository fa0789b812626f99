"""Sizing enforced and strategy health: the volatility cap's limits, the adaptive-horizon flags and the
per-strategy health scores (issue 13, items 4 and 5).

Revision ID: 0018
Revises: 0017
"""

from __future__ import annotations

from predator.db.migrate import run_sql_file

revision = "0018"
down_revision = "0014"  # TEMPORARY for local runs: the chain is 0017 at merge
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file("0018_sizing_health.up.sql")


def downgrade() -> None:
    run_sql_file("0018_sizing_health.down.sql")
