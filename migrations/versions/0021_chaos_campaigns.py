"""Chaos campaigns (issue 14 items 4 and 5): ops.chaos_campaign and ops.chaos_fault, written through
api.record_chaos_campaign (operator, audited); metrics computed in the api.chaos_metrics view.

Revision ID: 0021
Revises: 0020
"""

from __future__ import annotations

from predator.db.migrate import run_sql_file

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file("0021_chaos_campaigns.up.sql")


def downgrade() -> None:
    run_sql_file("0021_chaos_campaigns.down.sql")
