"""A self-financing status records the journal it was computed from: portfolio.treasury_status.known_tx_seq.

Revision ID: 0034
Revises: 0033
"""

from __future__ import annotations

from predator.db.migrate import run_sql_file

revision = "0034"
down_revision = "0033"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file("0034_treasury_known_tx.up.sql")


def downgrade() -> None:
    run_sql_file("0034_treasury_known_tx.down.sql")
