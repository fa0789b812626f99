"""Replay parity: hashes cover business content only.

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

from predator.db.migrate import run_sql_file

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file("0009_replay_parity.up.sql")


def downgrade() -> None:
    run_sql_file("0009_replay_parity.down.sql")
