"""The model lane on governed data (issue 19 items 1 and 3): a year of real 1h bars loaded through the gated path,
read as a dataset whose hash is api.dataset_hash's (and the files'), features that pass check-strategy's
look-ahead check, and a model trained twice to the same artefact sha256."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from functools import partial
from pathlib import Path

from predator.db import market_api
from predator.db.connection import Target
from predator.marketdata.dataset import dataset_hash_of
from predator.ml.dataset import DatasetSpec, FeatureProbe, load_dataset, truncation_differences
from predator.ml.train import train_family
from predator.runner import lookahead
from predator.runner.market import MarketData
from tests.helpers import candle_lines, stage_and_load

START = datetime(2021, 1, 1, tzinfo=UTC)
HOURS = 24 * 365
SYMBOLS = ("BTC/USDT", "ETH/USDT")
TRIALS = ({"num_leaves": 7, "learning_rate": 0.1, "min_data_in_leaf": 100, "num_boost_round": 20},
          {"num_leaves": 15, "learning_rate": 0.05, "min_data_in_leaf": 100, "num_boost_round": 20})


def _load(db: Target) -> dict[str, tuple[str, ...]]:
    lines = {s: candle_lines(s, START, HOURS) for s in SYMBOLS}
    with db.connect("operator") as conn:
        for s, ls in lines.items():
            stage_and_load(conn, s, ls)
    return lines


def test_a_dataset_is_hashed_as_api_dataset_hash_and_as_its_files(db: Target, tmp_path: Path) -> None:
    lines = _load(db)
    spec = DatasetSpec("binance", SYMBOLS, START, START + timedelta(hours=HOURS))
    with db.connect("operator") as conn:
        ds = load_dataset(conn, spec)
        recorded = market_api.dataset_hash(conn, "binance", SYMBOLS, "1h", spec.start, spec.end)
    assert ds.dataset_hash == recorded.dataset_hash and recorded.bars == sum(len(b) for b in ds.bars)
    assert all(HOURS - 48 < len(b) <= HOURS for b in ds.bars)  # the files have a few gaps in 2021
    assert ds.fee_from_db and ds.taker_fee_bps > 0
    assert ds.slippage_from_db and ds.min_slippage_bps == 2.0  # ml_min_slippage_bps, shipped at 2 bps
    files = {s: [(datetime.fromisoformat(line.split(",")[0].replace("Z", "+00:00")),
                  *(Decimal(x) for x in line.split(",")[1:6])) for line in ls] for s, ls in lines.items()}
    assert dataset_hash_of("binance", "1h", spec.start, spec.end, files) == ds.dataset_hash  # type: ignore[arg-type]
    # a half-year window is another dataset
    with db.connect("operator") as conn:
        half = load_dataset(conn, DatasetSpec("binance", SYMBOLS, START, START + timedelta(hours=HOURS // 2)))
    assert half.dataset_hash != ds.dataset_hash

    # the features pass the look-ahead check of predator check-strategy, and truncation changes nothing
    with db.connect("operator") as conn:
        market = MarketData.load(conn, "binance", list(SYMBOLS), START, START + timedelta(days=40))
    result = lookahead.check(market, FeatureProbe, list(SYMBOLS), START + timedelta(days=10),
                             START + timedelta(days=40), cuts=3)
    assert result.passed, (result.differences, result.feature_differences)
    for bars in ds.bars:
        assert truncation_differences(bars.history(), 1000) == []

    # training twice on the real year gives the same artefact, per coin and global
    train = partial(train_family, ds, trials=TRIALS, n_groups=5, embargo=24, version="test")
    a = train(scope="BTC/USDT", out_dir=tmp_path / "a")
    b = train(scope="BTC/USDT", out_dir=tmp_path / "b")
    assert a.sha256 == b.sha256 and a.path.read_bytes() == b.path.read_bytes()
    assert a.dataset_hash == recorded.dataset_hash and len(a.folds) == 4 and len(a.trials) == 2
    g1 = train(scope="global", out_dir=tmp_path / "g1")
    g2 = train(scope="global", out_dir=tmp_path / "g2")
    assert g1.sha256 == g2.sha256 != a.sha256
    for f in a.folds + g1.folds:
        assert f.train_last_t1 < f.first_hour - 24 and f.n_obs > 100 and f.kurtosis >= 1


def test_the_example_family_selects_on_2019_to_2022_only(market_db: Target, tmp_path: Path) -> None:
    """lgbm_tb per coin and global on BTC and ETH (the shared files, loaded by the gated loader): three trials
    each, walk-forward folds inside 2019–2022, the same artefacts when trained twice."""
    from predator.ml.example import SELECTION_END, train_example

    with market_db.connect("operator") as conn:
        first = train_example(conn, tmp_path / "1", version="test")
        again = train_example(conn, tmp_path / "2", version="test")
    end_hour = int(SELECTION_END.timestamp()) // 3600
    assert [m.scope for m in first] == ["BTC/USDT", "ETH/USDT", "global"]
    assert [m.sha256 for m in first] == [m.sha256 for m in again]
    for m in first:
        assert len(m.trials) == 3 and m.validation["fee_from_db"] and m.validation["slippage_from_db"]
        assert m.validation["slippage_bps"] == 2.0
        assert all(f.last_hour < end_hour for t in m.trials for f in t.folds)
        assert min(f.first_hour for f in m.folds) >= int(datetime(2019, 1, 1, tzinfo=UTC).timestamp()) // 3600
        print(m.model_id, m.sha256, "selected", m.selected_trial, "trial sharpes",
              [round(t.sharpe * 93.59, 3) for t in m.trials], "annualised; folds",
              [(round(f.sharpe * 93.59, 2), round(f.buy_hold_sharpe * 93.59, 2), round(f.turnover, 3),
                round(f.max_drawdown, 3)) for f in m.folds])
