"""The meta-labelling strategy (issue 19 item 2, docs/ml.md "The meta strategy"): the SMA crossover's entry taken
when the registered meta-model's bet size is positive — its decision is meta_signal_at's, confidence p, quantity
m × max_weight × equity rounded down and monotone in the size — no signal without the primary, the whole position
exited on the cross down, every signal naming its model; the binding is ModelStrategy's."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal
from functools import partial
from pathlib import Path

import numpy as np
import pytest

from predator.db.ml_api import Model
from predator.errors import ModelRefused
from predator.ml.dataset import FEATURE_NAMES, WARMUP_BARS
from predator.ml.meta import META_SMA_TRIALS, meta_samples, meta_signal_at, sma_long_entries
from predator.ml.meta_strategy import MetaModelStrategy
from predator.ml.strategy import BoundModel
from predator.ml.train import train_family
from predator.strategies.base import Context, History, InstrumentRules, effective_params, load_strategy
from predator.strategies.sma_cross import cross_series
from tests.unit.test_ml_train import synthetic_dataset

FAST, SLOW = 5, 20


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> tuple[Model, History]:
    ds = synthetic_dataset(("BTC/USDT",), 4000)
    m = train_family(ds, scope="BTC/USDT", family="meta_sma", trials=META_SMA_TRIALS,
                     sampler=partial(meta_samples, fast=FAST, slow=SLOW), min_train=30, n_groups=4, version="test",
                     out_dir=tmp_path_factory.mktemp("meta"))
    record = Model(1, m.model_id, "meta_sma", "test", "0" * 64, list(FEATURE_NAMES), {}, m.sha256, str(m.path),
                   "predator_worker", datetime(2024, 1, 1, tzinfo=UTC))
    return record, ds.symbol("BTC/USDT").history()


def _cut(h: History, end: int) -> History:
    return History(*(getattr(h, k)[:end] for k in ("ts", "open", "high", "low", "close", "volume")))


def _context(h: History, position: Decimal = Decimal(0), *, equity: Decimal = Decimal(10_000),
             rules: InstrumentRules | None = None) -> Context:
    t = datetime.fromtimestamp(int(h.ts[-1]) + 3600, UTC)
    return Context(decision_time=t, symbol="BTC/USDT", history=h, position=position, cash=equity, equity=equity,
                   fee_rate=0.001, rules=rules or InstrumentRules(), last_close=Decimal(repr(float(h.close[-1]))))


def _strategy(record: Model, **params: object) -> MetaModelStrategy:
    s = load_strategy("meta_model", {"model_id": record.model_id, "fast": FAST, "slow": SLOW, **params})
    assert isinstance(s, MetaModelStrategy)
    s.bind(record)
    return s


def test_the_strategy_is_registered_by_name_and_validates_its_parameters() -> None:
    s = load_strategy("meta_model", {"model_id": "m1"})
    assert isinstance(s, MetaModelStrategy) and isinstance(s, BoundModel) and not s.bound
    assert s.warmup_bars == max(WARMUP_BARS, 50) + 1
    assert s.params() == {"model_id": "m1", "fast": 10, "slow": 50, "step": None, "max_weight": 1.0, "edge_bps": 0.0}
    assert effective_params(s) == s.params()
    for bad, match in (({}, "model_id"), ({"model_id": ""}, "model_id"),
                       ({"model_id": "m", "fast": 50, "slow": 10}, "fast < slow"),
                       ({"model_id": "m", "fast": 2.5}, "fast < slow"),
                       ({"model_id": "m", "step": 0}, "step"), ({"model_id": "m", "step": 1.5}, "step"),
                       ({"model_id": "m", "max_weight": 0}, "max_weight"),
                       ({"model_id": "m", "max_weight": 1.01}, "max_weight"),
                       ({"model_id": "m", "edge_bps": float("nan")}, "edge_bps")):
        with pytest.raises(ValueError, match=match):
            load_strategy("meta_model", bad)


def test_the_binding_is_model_strategys(trained: tuple[Model, History], tmp_path: Path) -> None:
    record, h = trained
    s = MetaModelStrategy(record.model_id, fast=FAST, slow=SLOW)
    with pytest.raises(ModelRefused, match="no artefact bound"):
        s.generate_signal(_context(_cut(h, 500)))
    with pytest.raises(ModelRefused, match="not registered"):
        s.bind(None)
    forged = tmp_path / "forged.txt"
    forged.write_bytes(Path(record.artefact_path).read_bytes() + b"\n")
    with pytest.raises(ModelRefused, match="tampered"):
        s.bind(replace(record, artefact_path=str(forged)))
    with pytest.raises(ModelRefused, match="registered features"):
        s.bind(replace(record, features=list(reversed(FEATURE_NAMES))))
    assert not s.bound
    s.bind(record)
    assert s.bound and hashlib.sha256(Path(record.artefact_path).read_bytes()).hexdigest() == record.artefact_sha256


def test_the_entry_is_meta_signal_ats_decision(trained: tuple[Model, History]) -> None:
    record, h = trained
    s = _strategy(record)
    text = Path(record.artefact_path).read_text()
    entries = sma_long_entries(h.close, FAST, SLOW)
    entries = entries[entries > WARMUP_BARS + 10]
    taken = skipped = 0
    for i in entries[:40].tolist():
        window = _cut(h, i + 1)
        d = meta_signal_at(text, window, fast=FAST, slow=SLOW)
        assert d is not None and s.decision(_context(window)) == d
        ctx = _context(window)
        sig = s.generate_signal(ctx)
        # the runner's features (over the whole window) give the same signal as none
        assert s.generate_signal(replace(ctx, features=s.features("BTC/USDT", window))) == sig
        if d.take:
            taken += 1
            assert sig is not None and sig.direction == "buy" and sig.confidence == d.confidence
            assert sig.model_id == record.model_id and sig.ts == ctx.decision_time
            assert sig.quantity == s.entry_quantity(ctx, d.size)
        else:
            skipped += 1
            assert sig is None and d.confidence <= 0.5
        # already holding: no second entry
        assert s.generate_signal(_context(window, Decimal("0.1"))) is None
    assert taken > 0 and skipped > 0, "the model must both take and veto entries for the test to mean anything"


def test_no_signal_without_the_primary_and_an_exit_on_the_cross_down(trained: tuple[Model, History]) -> None:
    record, h = trained
    s = _strategy(record)
    cross = cross_series(h.close, FAST, SLOW)
    quiet = [i for i in range(WARMUP_BARS + 10, 1500) if cross[i] == 0][:30]
    for i in quiet:
        assert s.generate_signal(_context(_cut(h, i + 1))) is None
        assert s.generate_signal(_context(_cut(h, i + 1), Decimal("0.3"))) is None
    downs = [i for i in range(WARMUP_BARS + 10, 1500) if cross[i] == -1][:10]
    assert downs
    for i in downs:
        assert s.generate_signal(_context(_cut(h, i + 1))) is None  # flat: nothing to exit
        held = Decimal("0.37")
        sig = s.generate_signal(_context(_cut(h, i + 1), held))
        assert sig is not None and sig.direction == "exit" and sig.quantity == held
        assert sig.model_id == record.model_id and sig.confidence == 1.0
    # fewer bars than the primary needs: nothing
    assert s.generate_signal(_context(_cut(h, SLOW))) is None


def test_size_to_quantity_is_monotone_and_rounded_down(trained: tuple[Model, History]) -> None:
    record, h = trained
    rules = InstrumentRules(step_size=Decimal("0.001"), min_qty=Decimal("0.001"), min_notional=Decimal(10))
    s = _strategy(record, max_weight=0.5)
    ctx = _context(_cut(h, 600), rules=rules)
    price = ctx.last_close
    sizes = np.linspace(0.0, 1.0, 41)
    quantities = [s.entry_quantity(ctx, float(m)) or Decimal(0) for m in sizes]
    assert quantities[0] == 0 and quantities[-1] > 0
    assert all(a <= b for a, b in zip(quantities, quantities[1:], strict=False))
    for m, q in zip(sizes, quantities, strict=True):
        want = Decimal(repr(float(m) * 0.5)) * ctx.equity / price
        if q:
            assert q <= want and want - q < rules.step_size  # rounded down, never up
            assert q % rules.step_size == 0
        else:  # skipped only below the venue's minimums
            assert want < rules.min_qty + rules.step_size or want * price < rules.min_notional + price * rules.step_size
    # the profile's caps bound the full position as for ModelStrategy (95 % of the tightest)
    capped = replace(ctx, limits={"max_order_notional": 0.2})
    q = s.entry_quantity(capped, 1.0)
    assert q is not None and q * price <= Decimal("0.19") * ctx.equity
