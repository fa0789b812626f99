"""Lanes and live sessions (issue 16 item 4; seed 003 §3.2, §5): the lane registry (capital budget and risk
envelope per lane, append-only revisions), the sessions registry with its status machine and event log, the
account's lane history (promotion and demotion), and the two new high-risk actions of the two-person rule.

Revision ID: 0039
Revises: 0038
"""

from __future__ import annotations

from predator.db.migrate import run_sql_file

revision = "0039"
down_revision = "0038"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file("0039_lanes_sessions.up.sql")


def downgrade() -> None:
    run_sql_file("0039_lanes_sessions.down.sql")
