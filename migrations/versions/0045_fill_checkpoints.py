"""Fill checkpoints (issue 18 item 6): a strategy's own fill totals per symbol, stored once a UTC day at the 00:00
hour close (risk.fill_checkpoint, risk.fill_checkpoint_total), so that its figures at any time sum the fills since
the last checkpoint instead of every fill since its first (the cost no longer grows with the book's history); a
partial index on the fills that pay their fee in a third currency (whose quote value is re-read each time); a
partial index on the principal's postings (portfolio.treasury_figures reads them from the book's start). The
functions that write and read them (risk._fill_totals, risk._write_fill_checkpoint) are current definitions under
sql/risk/functions.

Revision ID: 0045
Revises: 0044
"""

from __future__ import annotations

from predator.db.migrate import run_sql_file

revision = "0045"
down_revision = "0044"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file("0045_fill_checkpoints.up.sql")


def downgrade() -> None:
    run_sql_file("0045_fill_checkpoints.down.sql")
