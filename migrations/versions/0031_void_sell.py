"""Voiding a ghost sell (issue 14): trading.fill_void.lot_no nullable (a sell's void names no lot), the round trip a
voided sell had closed (trading.fill_void.round_trip_seq), and one round trip per trip number besides those a void
took back (the unique constraint becomes trading.tg_round_trip__check). api.void_fill, the lot guard, the gates and
the figures that leave a voided sell out are current definitions under sql/.

Revision ID: 0031
Revises: 0030
"""

from __future__ import annotations

from predator.db.migrate import run_sql_file

revision = "0031"
down_revision = "0030"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file("0031_void_sell.up.sql")


def downgrade() -> None:
    run_sql_file("0031_void_sell.down.sql")
