"""Recorded replays: ops.replay_run (append-only, chained per book), written by api.record_replay (auditor: its
attestation of a `predator replay`), read through the api.replay_runs view (the console's /checks page).

Revision ID: 0041
Revises: 0040
"""

from __future__ import annotations

from predator.db.migrate import run_sql_file

revision = "0041"
down_revision = "0040"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file("0041_replay_runs.up.sql")


def downgrade() -> None:
    run_sql_file("0041_replay_runs.down.sql")
