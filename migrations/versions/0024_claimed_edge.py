"""A plausibility bound on the edge a signal claims (seed 001 F1, scoring corruption): the limit kind
max_claimed_edge_bps, shipped at 10 000 bps (default) and 2 000 bps (live_canary); api.submit_signal refuses an
entry claiming more with reason implausible_edge, and gate 08 checks every admitted entry against it.

Revision ID: 0024
Revises: 0023
"""

from __future__ import annotations

from predator.db.migrate import run_sql_file

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file("0024_claimed_edge.up.sql")


def downgrade() -> None:
    run_sql_file("0024_claimed_edge.down.sql")
