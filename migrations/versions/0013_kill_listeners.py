"""The kill switch tells the truth: api.kill_listeners() (the sessions listening on predator_kill).

Revision ID: 0013
Revises: 0012
"""

from __future__ import annotations

from predator.db.migrate import run_sql_file

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file("0013_kill_listeners.up.sql")


def downgrade() -> None:
    run_sql_file("0013_kill_listeners.down.sql")
