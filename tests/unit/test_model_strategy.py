"""The model strategy (issue 19 item 6, docs/ml.md "Inference"): it loads its registered artefact, refuses a tampered
file or a feature list other than predator.ml.dataset's, and decides with predict_proba on the features of the last
closed bar — buy above the threshold (confidence P(up)), exit below the exit threshold (confidence 1 − P(up)),
every signal naming its model."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest

from predator.db.ml_api import Model
from predator.errors import ModelRefused
from predator.ml.dataset import FEATURE_NAMES, WARMUP_BARS, feature_matrix
from predator.ml.strategy import ModelStrategy
from predator.ml.train import fit_model_text, predict_proba
from predator.strategies.base import Context, History, InstrumentRules, load_strategy

T0 = 1_672_531_200  # 2023-01-01T00:00:00Z


def _history(n: int = 700, seed: int = 19) -> History:
    rng = np.random.default_rng(seed)
    close = 100.0 * np.exp(np.cumsum(rng.normal(0, 0.01, n)))
    high = close * (1 + rng.uniform(0, 0.005, n))
    low = close * (1 - rng.uniform(0, 0.005, n))
    return History(np.arange(n, dtype=np.int64) * 3600 + T0, close.copy(), high, low, close,
                   rng.uniform(10, 20, n))


@pytest.fixture(scope="module")
def artefact(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, History]:
    h = _history()
    x = feature_matrix(h)[WARMUP_BARS:-1]
    y = (h.close[WARMUP_BARS + 1:] > h.close[WARMUP_BARS:-1]).astype(np.int8)
    text = fit_model_text(x, y, {"num_leaves": 7, "learning_rate": 0.1, "min_data_in_leaf": 20, "num_boost_round": 10})
    path = tmp_path_factory.mktemp("model") / "m.txt"
    path.write_bytes(text.encode())
    return path, hashlib.sha256(text.encode()).hexdigest(), h


def _record(path: Path, sha: str, features: tuple[str, ...] = FEATURE_NAMES) -> Model:
    return Model(1, "fam:BTC-USDT:0123456789abcdef", "fam", "abc1234", "a" * 64, list(features), {}, sha, str(path),
                 "predator_worker", datetime(2024, 1, 1, tzinfo=UTC))


def _context(h: History, position: Decimal = Decimal(0)) -> Context:
    t = datetime.fromtimestamp(int(h.ts[-1]) + 3600, UTC)
    return Context(decision_time=t, symbol="BTC/USDT", history=h, position=position, cash=Decimal(1000),
                   equity=Decimal(1000), fee_rate=0.001, rules=InstrumentRules(),
                   last_close=Decimal(repr(float(h.close[-1]))))


def test_the_strategy_is_registered_by_name_and_needs_a_model_id() -> None:
    s = load_strategy("model", {"model_id": "m1", "threshold": 0.6, "exit_threshold": 0.4})
    assert isinstance(s, ModelStrategy) and s.warmup_bars == WARMUP_BARS + 1 and not s.bound
    with pytest.raises(ValueError, match="model_id"):
        load_strategy("model", {})
    with pytest.raises(ValueError, match="exit_threshold"):
        load_strategy("model", {"model_id": "m1", "threshold": 0.4, "exit_threshold": 0.6})


def test_it_decides_with_predict_proba_on_the_last_closed_bar(artefact: tuple[Path, str, History]) -> None:
    path, sha, h = artefact
    text = path.read_text()
    p = float(predict_proba(text, feature_matrix(h)[-1:])[0])
    assert 0.02 < p < 0.98
    buyer = ModelStrategy("fam:BTC-USDT:0123456789abcdef", threshold=p - 0.01, exit_threshold=p - 0.01)
    buyer.bind(_record(path, sha))
    ctx = _context(h)
    assert buyer.probability(ctx) == p
    # the runner hands the features computed over the window; the same row gives the same decision
    sig = buyer.generate_signal(replace(ctx, features=buyer.features("BTC/USDT", h)))
    assert sig is not None and sig.direction == "buy" and sig.confidence == p and sig.quantity and sig.quantity > 0
    assert sig.model_id == buyer.model_id and sig.ts == ctx.decision_time
    assert buyer.generate_signal(ctx) == sig
    seller = ModelStrategy(buyer.model_id, threshold=min(p + 0.01, 0.99), exit_threshold=p + 0.005)
    seller.bind(_record(path, sha))
    assert seller.generate_signal(ctx) is None  # flat and p below the threshold: nothing
    out = seller.generate_signal(_context(h, Decimal("0.5")))
    assert out is not None and out.direction == "exit" and out.confidence == 1.0 - p and out.model_id == buyer.model_id
    # fewer than WARMUP_BARS bars leave the features incomplete: no decision
    short = History(*(getattr(h, k)[:WARMUP_BARS - 10] for k in ("ts", "open", "high", "low", "close", "volume")))
    assert buyer.generate_signal(_context(short)) is None


def test_a_tampered_artefact_is_refused(artefact: tuple[Path, str, History], tmp_path: Path) -> None:
    path, sha, _ = artefact
    forged = tmp_path / "forged.txt"
    forged.write_bytes(path.read_bytes().replace(b"learning_rate", b"learning_rat3", 1))
    s = ModelStrategy("fam:BTC-USDT:0123456789abcdef")
    with pytest.raises(ModelRefused, match=f"has sha256 [0-9a-f]{{64}}, the registry says {sha}.*tampered"):
        s.bind(_record(forged, sha))
    assert not s.bound
    with pytest.raises(ModelRefused, match="cannot be read"):
        s.bind(_record(tmp_path / "missing.txt", sha))


def test_a_feature_list_other_than_the_datasets_is_refused(artefact: tuple[Path, str, History]) -> None:
    path, sha, _ = artefact
    s = ModelStrategy("fam:BTC-USDT:0123456789abcdef")
    with pytest.raises(ModelRefused, match="registered features .* are not those predator.ml.dataset.features"):
        s.bind(_record(path, sha, tuple(reversed(FEATURE_NAMES))))
    with pytest.raises(ModelRefused, match="registered features"):
        s.bind(_record(path, sha, FEATURE_NAMES[:-1]))
    assert not s.bound


def test_no_registry_row_or_no_binding_is_refused(artefact: tuple[Path, str, History]) -> None:
    path, sha, h = artefact
    s = ModelStrategy("other:model")
    with pytest.raises(ModelRefused, match="not registered"):
        s.bind(None)
    with pytest.raises(ModelRefused, match="registry row of"):
        s.bind(_record(path, sha))
    with pytest.raises(ModelRefused, match="no artefact bound"):
        s.generate_signal(_context(h))


def test_the_decision_does_not_depend_on_where_history_starts(artefact: tuple[Path, str, History]) -> None:
    path, sha, h = artefact
    s = ModelStrategy("fam:BTC-USDT:0123456789abcdef")
    s.bind(_record(path, sha))
    cut = History(*(getattr(h, k)[200:] for k in ("ts", "open", "high", "low", "close", "volume")))
    assert s.probability(_context(cut)) == s.probability(_context(h))
    assert _context(cut).decision_time == _context(h).decision_time == datetime.fromtimestamp(
        int(h.ts[-1]), UTC) + timedelta(hours=1)
