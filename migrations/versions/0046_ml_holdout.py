"""ml.fold_metric.kind 'holdout' (issue 19, docs/ml.md "The honest split"): the years after a model's selection
window, read by neither training nor selection, recorded as their own kind so that api.evaluate_promotion judges
them alone (reason code no_holdout when a model has none) instead of pooling them with the selection folds. The
down migration is refused while a holdout fold exists (the rows are append-only and chained: their kind cannot be
rewritten without breaking their row hashes).

Revision ID: 0046
Revises: 0045
"""

from __future__ import annotations

from predator.db.migrate import run_sql_file

revision = "0046"
down_revision = "0045"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file("0046_ml_holdout.up.sql")


def downgrade() -> None:
    run_sql_file("0046_ml_holdout.down.sql")
