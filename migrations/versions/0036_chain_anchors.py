"""Anchored chains (issue 17 item 5): signed checkpoints of every chain head, ops.anchor_key, ops.chain_anchor.

Revision ID: 0036
Revises: 0035
"""

from __future__ import annotations

from predator.db.migrate import run_sql_file

revision = "0036"
down_revision = "0035"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file("0036_chain_anchors.up.sql")


def downgrade() -> None:
    run_sql_file("0036_chain_anchors.down.sql")
