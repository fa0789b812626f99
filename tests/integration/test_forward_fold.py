"""The forward track record computed by the database (issue 19 item 5; docs/ml.md "Forward folds"): a small LightGBM
trained on real BTC/USDT bars, registered with crafted passing folds and promoted to paper (the set-up of
test_model_strategy_replay.py), runs as the model strategy on a sync-fed paper book; ``api.record_forward_fold``
records a forward fold from the book; every figure is recomputed here, independently, from the api views
(``api.strategy_hours``, ``api.hourly_states``, ``api.fills``, ``api.candles``, ``api.venues``); then the
live_canary gate counts the fold's hours as the track record and decides by MinTRL."""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from predator.cli import main
from predator.db import ml_api
from predator.db.connection import Target
from predator.errors import DatabaseRefusal
from predator.ml.stats import min_track_record_length
from predator.runner.hour import HourRunner, RunConfig
from predator.strategies.base import effective_params, load_strategy
from predator.venues.paper import PaperConfig
from tests.helpers import candle_lines, stage_and_load
from tests.integration.test_model_strategy_replay import LOAD_START, RUN_END, RUN_START, SYMBOL, _register_and_promote

HOUR = timedelta(hours=1)
ACCOUNT = "fwd19"


def _independent(db: Target, model_id: str, start: datetime, end: datetime) -> dict[str, float]:
    """The fold's figures from the api views, in Python (float64): r_t = Δpnl / previous equity."""
    with db.connect("auditor") as conn:
        strategy = conn.execute("SELECT strategy FROM api.strategies WHERE account = %s AND params->>'model_id' = %s",
                                (ACCOUNT, model_id)).fetchone()[0]
        pnl = dict(conn.execute("SELECT hour, pnl FROM api.strategy_hours WHERE account = %s AND strategy = %s",
                                (ACCOUNT, strategy)).fetchall())
        equity = dict(conn.execute("SELECT hour, equity FROM api.hourly_states WHERE account = %s",
                                   (ACCOUNT,)).fetchall())
        fills = conn.execute("SELECT ts, quantity * price FROM api.fills WHERE account = %s AND strategy = %s"
                             " AND NOT voided", (ACCOUNT, strategy)).fetchall()
        close = dict(conn.execute("SELECT ts, close FROM api.candles WHERE venue = 'binance' AND symbol = %s"
                                  " AND interval = '1h'", (SYMBOL,)).fetchall())
        fee = conn.execute("SELECT taker_fee_bps FROM api.venues WHERE venue = 'binance'").fetchone()[0]
    hours = [start + i * HOUR for i in range(int((end - start) / HOUR))]
    r = np.array([float((pnl[t] - pnl[t - HOUR]) / equity[t - HOUR]) for t in hours])
    traded = [float(sum((n for ts, n in fills if t - HOUR < ts <= t), Decimal(0)) / equity[t - HOUR]) for t in hours]
    mean = float(r.mean())
    d = r - mean
    m2 = float(np.mean(d * d))
    std = math.sqrt(m2)
    # a constant series (the model held nothing): std 0, skew 0, kurtosis 3, Sharpe 0 (predator.ml.registry)
    skew = float(np.mean(d ** 3)) / m2 ** 1.5 if m2 > 0 else 0.0
    kurt = max(float(np.mean(d ** 4)) / m2 ** 2, 1 + skew * skew) if m2 > 0 else 3.0
    wealth = np.cumprod(1 + r)
    peak = np.maximum.accumulate(np.concatenate(([1.0], wealth)))[1:]
    # the mark of an hour close is the close of the bar that opened an hour before it
    bh = math.log((1 - float(fee) / 10_000) * float(close[end - 2 * HOUR] / close[start - 2 * HOUR]))
    return {"n_obs": float(len(hours)), "mean": mean, "std": std, "skew": skew, "kurtosis": kurt,
            "sharpe": mean / std if m2 > 0 else 0.0,
            "net_return": float(np.log1p(r).sum()), "buy_hold_return": bh, "turnover": float(np.mean(traded)),
            "max_drawdown": float(np.max(1 - wealth / peak))}


def test_a_forward_fold_is_computed_from_the_paper_book_and_counted_by_the_gate(
        db: Target, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    hours = int((RUN_END - LOAD_START) / HOUR) + 48
    with db.connect("operator") as op:
        stage_and_load(op, SYMBOL, candle_lines(SYMBOL, LOAD_START, hours))
    model_id, _ = _register_and_promote(db, tmp_path)
    with db.connect("operator") as op, op.transaction():
        assert ml_api.evaluate_promotion(op, model_id, "paper", "test: crafted passing record").passed
    params = effective_params(load_strategy("model", {"model_id": model_id, "threshold": 0.5}))
    config = RunConfig(account=ACCOUNT, symbols=(SYMBOL,), strategy="model", params=params, start=RUN_START,
                       end=RUN_END, venue=PaperConfig(seed=7), feed="sync")
    runner = HourRunner(db, config)
    try:
        runner.run()
    finally:
        runner.close()

    # The run's hour closes RUN_START + 1 h .. RUN_END (RUN_START is the first one's base): fold 0 through the
    # gateway, its last day as fold 1 through `predator ml forward`.
    start, end, cut = RUN_START + HOUR, RUN_END + HOUR, RUN_END + HOUR - timedelta(days=1)
    with db.connect("worker") as wk, wk.transaction():
        seq = ml_api.record_forward_fold(wk, model_id, ACCOUNT, start, cut)
    with db.connect("auditor") as conn:
        fold = next(f for f in ml_api.fold_metrics(conn, model_id) if f.seq == seq)
        trades = conn.execute("SELECT count(*) FROM api.fills WHERE account = %s", (ACCOUNT,)).fetchone()[0]
        equity = conn.execute("SELECT equity FROM api.hourly_states WHERE account = %s ORDER BY hour DESC LIMIT 1",
                              (ACCOUNT,)).fetchone()[0]
        last_pnl = conn.execute("SELECT pnl FROM api.strategy_hours WHERE account = %s ORDER BY hour DESC LIMIT 1",
                                (ACCOUNT,)).fetchone()[0]
    assert trades >= 2, "the model traded nothing: the figures would prove little"
    # the strategy's pnl is net of fees: alone on the book, it is the book's equity less the principal
    assert abs(last_pnl - (equity - config.principal)) < Decimal("1e-6")
    assert (fold.kind, fold.fold, fold.period_from, fold.period_to) == ("forward", 0, start, cut)
    for name, value in _independent(db, model_id, start, cut).items():
        assert getattr(fold, name) == pytest.approx(value, rel=1e-9, abs=1e-12), name
    assert fold.std > 0 and fold.turnover > 0 and fold.max_drawdown > 0

    # No hour counts twice.
    with db.connect("worker") as wk, pytest.raises(DatabaseRefusal, match="overlaps forward fold 0") as refused:
        ml_api.record_forward_fold(wk, model_id, ACCOUNT, cut - 3 * HOUR, end)
    assert refused.value.sqlstate == "PD012"

    # The CLI: the rest of the run as fold 1, printed as recorded; an overlap exits 4 with the database's words.
    monkeypatch.setenv("PREDATOR_DSN", db.dsn)
    monkeypatch.setenv("PREDATOR_LOG", str(tmp_path / "predator.jsonl"))
    args = ["ml", "forward", "--model", model_id, "--account", ACCOUNT, "--from", f"{cut:%Y-%m-%dT%H}",
            "--to", f"{end:%Y-%m-%dT%H}"]
    out = CliRunner().invoke(main, args)
    assert out.exit_code == 0, out.output
    assert f"forward fold 1 recorded from {ACCOUNT}" in out.output and "n    24" in out.output, out.output
    again = CliRunner().invoke(main, args)
    assert again.exit_code == 4 and "overlaps forward fold 1" in again.output, again.output
    with db.connect("auditor") as conn:
        fold1 = next(f for f in ml_api.fold_metrics(conn, model_id) if f.kind == "forward" and f.fold == 1)
    for name, value in _independent(db, model_id, cut, end).items():
        assert getattr(fold1, name) == pytest.approx(value, rel=1e-9, abs=1e-12), name

    with db.connect("operator") as op, op.transaction():
        decision = ml_api.evaluate_promotion(op, model_id, "live_canary", "test: the forward track record")
    fig = decision.figures
    assert fig["forward_folds"] == 2 and fig["forward_n_obs"] == int((end - start) / HOUR) == fold.n_obs + fold1.n_obs
    pooled = _independent(db, model_id, start, end)  # the two folds pooled are the run's hours as one series
    assert fig["forward_sharpe"] == pytest.approx(pooled["sharpe"], rel=1e-9)
    if pooled["sharpe"] > 1e-9:
        mintrl = min_track_record_length(pooled["sharpe"], 0.0, pooled["skew"], pooled["kurtosis"],
                                         float(fig["min_confidence"]))
        assert fig["min_track_record_length"] == pytest.approx(mintrl, rel=1e-9)
        short = fig["forward_n_obs"] < math.ceil(mintrl)
    else:  # MinTRL is defined only above the benchmark 0: a losing track record never qualifies
        assert fig["min_track_record_length"] is None
        short = True
    assert ("track_record_too_short" in decision.reasons) == short
