"""Governed book corrections (issue 14, seed 001 D2): an operator posts a transfer seen on the venue account
(api.post_venue_transfer) and voids a fill the venue never made (api.void_fill); both append-only, chained,
audited, each citing the open incident it corrects.

Revision ID: 0026
Revises: 0025
"""

from __future__ import annotations

from predator.db.migrate import run_sql_file

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file("0026_book_corrections.up.sql")


def downgrade() -> None:
    run_sql_file("0026_book_corrections.down.sql")
