"""api.reconcile's incident and breaker evidence names the comparison by its business time and kind, not by its
seq (issue 14: a restart's start-up reconciliations shift the seqs, which broke replay parity of a campaign
whose venue differs from the book after a restart).

Revision ID: 0023
Revises: 0022
"""

from __future__ import annotations

from predator.db.migrate import run_sql_file

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file("0023_reconcile_evidence.up.sql")


def downgrade() -> None:
    run_sql_file("0023_reconcile_evidence.down.sql")
