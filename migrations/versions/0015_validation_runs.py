"""Recorded validation runs: ops.validation_run (append-only, chained per book), api.record_validation (auditor),
api.validation_checkpoint and the api.validation_runs view: the checkpoints of `predator validate --incremental`.

Revision ID: 0015
Revises: 0014
"""

from __future__ import annotations

from predator.db.migrate import run_sql_file

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file("0015_validation_runs.up.sql")


def downgrade() -> None:
    run_sql_file("0015_validation_runs.down.sql")
