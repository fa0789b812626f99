"""The honest split on the built-in example (issue 19, docs/ml.md "The example family through the gate"):
lgbm_tb per coin and global on BTC/USDT and ETH/USDT, trained and selected on 2019–2022 of the shared files, recorded
in the registry, measured on 2023–2024 (never read by training or selection; recorded as kind holdout), judged by
the gate for paper on the hold-out alone, the selection folds reported. The
decision is whatever the gate says; the test asserts that it is recorded with its reasons and figures and that the
champion moves exactly on a pass, and prints the figures docs/ml.md reports."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from predator.db import ml_api
from predator.db.connection import Target
from predator.ml.dataset import load_dataset
from predator.ml.example import example_spec, train_example
from predator.ml.registry import evaluate_registered, record_holdout, record_model

#: About two minutes: its own target (make test-ml-gate), which CI runs after make test.
pytestmark = pytest.mark.ml_gate


def test_lgbm_tb_through_the_gate_on_the_honest_split(market_db: Target, tmp_path: Path) -> None:
    with market_db.connect("worker") as conn:
        ds = load_dataset(conn, example_spec())
        models = train_example(conn, tmp_path, version="test")
        for m in models:
            record_model(conn, m, ds)
        conn.commit()
    with market_db.connect("auditor") as conn:
        rows = [ml_api.model(conn, m.model_id) for m in models]
    with market_db.connect("worker") as conn:
        for row in rows:
            assert row is not None
            folds = evaluate_registered(conn, row, ds)
            assert [f.fold for f in folds] == [0, 1]  # 2023, 2024
            for f in record_holdout(conn, row.model_id, folds):
                print(row.model_id, "hold-out", f.period_from.date(), f.period_to.date(), f.n_obs,
                      "SR/y", round(f.sharpe * math.sqrt(8760), 2), "net", round(f.net_return, 4),
                      "b&h", round(f.buy_hold_return, 4), "turnover", round(f.turnover, 3), "mdd",
                      round(f.max_drawdown, 3))
        conn.commit()
    with market_db.connect("operator") as conn:
        for m in models:
            with conn.transaction():
                d = ml_api.evaluate_promotion(conn, m.model_id, "paper", "the honest split of the example")
            stored = ml_api.promotions(conn, model_id=m.model_id)
            assert [(p.passed, p.reasons) for p in stored] == [(d.passed, d.reasons)]
            assert d.passed == (d.reasons == []) and d.figures["trials"] == 3
            assert d.figures["holdout_folds"] == 2 and d.figures["oos_folds"] == 4  # judged on 2023–2024 alone
            champion = {c.family: c.model_id for c in ml_api.champions(conn) if c.lane == "paper"}
            assert champion.get(stored[0].family) == (m.model_id if d.passed else None)
            print(m.model_id, "PASSED" if d.passed else "REFUSED", d.reasons, json.dumps(d.figures, sort_keys=True))
