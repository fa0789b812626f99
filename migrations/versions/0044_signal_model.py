"""trading.signal.model_id: the registered model (ml.model) a model strategy's signal was decided by (issue 19
items 5 and 6). Nullable and NULL for every other signal, so that the canonical row (jsonb_strip_nulls) and the
row hash of those signals stay byte-identical (docs/hashing.md §1). api.submit_signal (p_model_id) sets it and
checks it against ml.model and the strategy's registration.

Revision ID: 0044
Revises: 0043
"""

from __future__ import annotations

from predator.db.migrate import run_sql_file

revision = "0044"
down_revision = "0043"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file("0044_signal_model.up.sql")


def downgrade() -> None:
    run_sql_file("0044_signal_model.down.sql")
