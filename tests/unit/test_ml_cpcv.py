"""CPCV in training (issue 19, AFML §12.4): the distribution of a trial's out-of-sample Sharpe ratios over the
combinatorial purged CV paths. No path tests a group twice and every (split, test group) is used by exactly one
path; every model behind a path's predictions trained on no sample overlapping or embargoed after the group it
predicts; the distribution is deterministic; and it is off by default, leaving the artefact, its sha256 and the
recorded validation settings as they were."""

from __future__ import annotations

import math
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import predator.ml.train as train_mod
from predator.ml.train import (
    CPCV_QUANTILES,
    CPCVSpec,
    LabelSpec,
    cpcv_sharpe_distribution,
    samples,
    train_family,
)
from predator.ml.validation import Split, combinatorial_purged_splits, cpcv_paths, group_positions
from tests.unit.test_ml_train import SMALL_TRIALS, synthetic_dataset

PARAMS = SMALL_TRIALS[0]


@pytest.mark.parametrize(("n", "k"), [(4, 1), (5, 2), (6, 2), (6, 3), (8, 2)])
def test_no_path_tests_a_group_twice_and_every_split_group_is_used_once(n: int, k: int) -> None:
    paths = cpcv_paths(n, k)
    assert len(paths) == math.comb(n - 1, k - 1)
    splits = combinatorial_purged_splits(np.arange(10 * n), np.arange(10 * n), n_groups=n, n_test_groups=k)
    used: list[tuple[int, int]] = []
    for path in paths:
        assert len(path) == n  # one prediction source per group: no group twice, none missing
        for g, split in enumerate(path):
            assert g in splits[split].test_groups  # the split really tested that group
            used.append((split, g))
    assert len(used) == len(set(used)) == len(splits) * k  # each (split, test group) exactly once


def test_cpcv_models_never_train_on_a_purged_or_embargoed_sample(monkeypatch: pytest.MonkeyPatch) -> None:
    s = samples(synthetic_dataset(("BTC/USDT",), 2500), ("BTC/USDT",), LabelSpec(horizon=24))
    seen: list[list[Split]] = []
    real = train_mod.combinatorial_purged_splits

    def spy(*args: Any, **kwargs: Any) -> list[Split]:
        out = real(*args, **kwargs)
        seen.append(out)
        return out

    monkeypatch.setattr(train_mod, "combinatorial_purged_splits", spy)
    embargo = 48
    dist = cpcv_sharpe_distribution(s, PARAMS, n_groups=6, n_test_groups=2, embargo=embargo, threshold=0.5,
                                    fee_bps=10.0)
    (splits,) = seen
    groups = group_positions(len(s), 6)
    assert dist.n_train == tuple(int(sp.train.size) for sp in splits)
    for sp in splits:
        for g in sp.test_groups:
            start, end = int(s.t0[groups[g]].min()), int(s.t1[groups[g]].max())
            tr0, tr1 = s.t0[sp.train], s.t1[sp.train]
            assert not np.any((tr0 <= end) & (tr1 >= start))  # purged: no training label overlaps the group
            assert not np.any((tr0 > end) & (tr0 <= end + embargo))  # embargoed after the group
        assert not set(sp.train.tolist()) & set(sp.test.tolist())
        # training on both sides of the test groups (CPCV, not walk-forward) when they are inner groups
    assert any(int(s.t0[sp.train].max()) > int(s.t1[sp.test].max()) for sp in splits)
    assert len(dist.sharpes) == len(dist.paths) == math.comb(5, 1)
    hours = np.unique(s.t0).size
    assert all(n == hours for n in dist.n_obs)  # each path covers every sample (hour) once


def test_cpcv_distribution_is_deterministic_and_summarised() -> None:
    s = samples(synthetic_dataset(("BTC/USDT", "ETH/USDT"), 2000), ("BTC/USDT", "ETH/USDT"), LabelSpec(horizon=24))
    run = partial(cpcv_sharpe_distribution, s, PARAMS, n_groups=5, n_test_groups=2, embargo=24, threshold=0.5,
                  fee_bps=10.0)
    a, b = run(), run()
    assert a.sharpes == b.sharpes and a.paths == b.paths and a.n_train == b.n_train
    arr = np.asarray(a.sharpes)
    assert len(arr) == math.comb(4, 1) and np.all(np.isfinite(arr))
    assert a.mean == pytest.approx(arr.mean()) and a.std == pytest.approx(arr.std(ddof=1))
    assert tuple(a.quantiles) == CPCV_QUANTILES
    assert a.quantiles[0.5] == pytest.approx(float(np.median(arr)))
    assert a.quantiles[0.05] <= a.quantiles[0.5] <= a.quantiles[0.95]
    d = a.as_dict()
    assert d["n_paths"] == 4 and d["sharpes"] == list(a.sharpes)
    with pytest.raises(ValueError, match="fewer than"):
        run(min_train=10**6)


def test_cpcv_is_off_by_default_and_changes_no_artefact(tmp_path: Path) -> None:
    ds = synthetic_dataset(("BTC/USDT",), 3000)
    train = partial(train_family, ds, scope="BTC/USDT", trials=SMALL_TRIALS, n_groups=4, embargo=24, version="test")
    plain = train(out_dir=tmp_path / "plain")
    with_cpcv = train(out_dir=tmp_path / "cpcv", cpcv=CPCVSpec(n_groups=5, n_test_groups=2))
    assert plain.cpcv is None and all(t.cpcv is None for t in plain.trials) and "cpcv" not in plain.validation
    assert with_cpcv.sha256 == plain.sha256 and with_cpcv.selected_trial == plain.selected_trial
    assert with_cpcv.cpcv is not None and len(with_cpcv.cpcv.sharpes) == 4
    assert with_cpcv.cpcv is with_cpcv.trials[with_cpcv.selected_trial].cpcv
    assert all(t.cpcv is not None for t in with_cpcv.trials)
    assert with_cpcv.validation["cpcv"]["n_paths"] == 4
    assert {k: v for k, v in with_cpcv.validation.items() if k != "cpcv"} == plain.validation
