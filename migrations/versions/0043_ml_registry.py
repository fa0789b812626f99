"""Schema ml: the model registry and the promotion gate's record (issue 19 items 4 and 5): ml.model, ml.trial,
ml.fold_metric, ml.promotion (append-only, hash-chained in book 0, the control plane), the view ml.champion, and
the gate's thresholds as operator settings (ops.setting). The doors (api.register_model, api.record_trial,
api.record_fold_metric, api.evaluate_promotion) are current definitions under sql/api/functions.

Revision ID: 0043
Revises: 0042
"""

from __future__ import annotations

from predator.db.migrate import run_sql_file

revision = "0043"
down_revision = "0042"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file("0043_ml_registry.up.sql")


def downgrade() -> None:
    run_sql_file("0043_ml_registry.down.sql")
