"""The kill switch tells the truth: api.kill_listeners() (the sessions listening on predator_kill).

Revision ID: 0015
Revises: 0012
"""

from __future__ import annotations

from predator.db.migrate import run_sql_file

revision = "0015"
down_revision = "0012"  # on merge: the last revision before it (0014)
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file("0015_kill_listeners.up.sql")


def downgrade() -> None:
    run_sql_file("0015_kill_listeners.down.sql")
