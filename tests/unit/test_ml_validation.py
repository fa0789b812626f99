"""Purged walk-forward and combinatorial purged CV (predator.ml.validation, AFML ch. 7 and 12): seeded property
tests of the invariants that make leakage impossible.

Over seeded random label spans (hypothesis, derandomized; event bars with ties, label lengths up to 40 bars):

* no training sample is a test sample, and no training label span overlaps a test group's span (purging);
* no training sample starts within the embargo after a test group's end;
* walk-forward: every training label ends before the test's first sample starts (the test is after the train),
  and a rolling window keeps at most ``max_train`` samples, the latest;
* CPCV: C(N, k) splits, each group tested C(N-1, k-1) times; the training set is every sample not purged or
  embargoed (nothing else is lost); the paths use each (split, test group) once and cover every group.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, seed, settings
from hypothesis import strategies as st

from predator.errors import StatisticsInputError
from predator.ml.validation import Split, combinatorial_purged_splits, cpcv_paths, purged_walk_forward

PROPERTIES = settings(max_examples=80, deadline=None, derandomize=True)


def _spans(rng_seed: int, n: int, max_len: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(rng_seed)
    t0 = np.sort(rng.integers(0, 4 * n, n)).astype(np.int64)  # ties happen
    t1 = t0 + rng.integers(0, max_len + 1, n)
    return t0, t1


def _test_spans(split: Split, groups: list[np.ndarray], t0: np.ndarray, t1: np.ndarray) -> list[tuple[int, int]]:
    return [(int(t0[groups[g]].min()), int(t1[groups[g]].max())) for g in split.test_groups]


def _check_purged_and_embargoed(split: Split, spans: list[tuple[int, int]], t0: np.ndarray, t1: np.ndarray,
                                embargo: int) -> None:
    assert not set(split.train.tolist()) & set(split.test.tolist())
    tr0, tr1 = t0[split.train], t1[split.train]
    for start, end in spans:
        assert not np.any((tr0 <= end) & (tr1 >= start)), "a training label overlaps a test span"
        assert not np.any((tr0 > end) & (tr0 <= end + embargo)), "a training sample sits in the embargo"


def _groups(n: int, n_groups: int) -> list[np.ndarray]:
    return np.array_split(np.arange(n), n_groups)


@seed(20260519)
@PROPERTIES
@given(st.integers(0, 10_000), st.integers(20, 300), st.integers(0, 40), st.integers(2, 10), st.integers(0, 30),
       st.one_of(st.none(), st.integers(1, 100)))
def test_walk_forward_trains_only_on_the_purged_past(walk: int, n: int, max_len: int, n_groups: int, embargo: int,
                                                      max_train: int | None) -> None:
    t0, t1 = _spans(walk, n, max_len)
    splits = purged_walk_forward(t0, t1, n_groups=n_groups, embargo=embargo, max_train=max_train)
    groups = _groups(n, n_groups)
    tested = [s.test_groups[0] for s in splits]
    assert tested == sorted(set(tested)) and all(1 <= j < n_groups for j in tested)
    for split in splits:
        (j,) = split.test_groups
        assert np.array_equal(split.test, groups[j])
        spans = _test_spans(split, groups, t0, t1)
        _check_purged_and_embargoed(split, spans, t0, t1, embargo)
        assert split.train.size >= 1
        assert t1[split.train].max() < t0[split.test].min(), "the test fold is not after the training"
        assert split.train.max() < split.test.min()
        if max_train is not None:
            assert split.train.size <= max_train
        # expanding: nothing older than the test was dropped except what purging needs
        if max_train is None:
            purged = np.flatnonzero(t1[: split.test[0]] >= t0[split.test].min())
            assert set(split.train.tolist()) == set(range(split.test[0])) - set(purged.tolist())


@seed(20260520)
@PROPERTIES
@given(st.integers(0, 10_000), st.integers(30, 240), st.integers(0, 40), st.integers(3, 8), st.integers(1, 3),
       st.integers(0, 30))
def test_cpcv_purges_embargoes_and_loses_nothing_else(walk: int, n: int, max_len: int, n_groups: int, k: int,
                                                      embargo: int) -> None:
    k = min(k, n_groups - 1)
    t0, t1 = _spans(walk, n, max_len)
    splits = combinatorial_purged_splits(t0, t1, n_groups=n_groups, n_test_groups=k, embargo=embargo)
    groups = _groups(n, n_groups)
    assert len(splits) == math.comb(n_groups, k)
    tested = np.zeros(n_groups, dtype=int)
    for split in splits:
        tested[list(split.test_groups)] += 1
        spans = _test_spans(split, groups, t0, t1)
        _check_purged_and_embargoed(split, spans, t0, t1, embargo)
        lost = set(range(n)) - set(split.train.tolist()) - set(split.test.tolist())
        for i in lost:  # every sample left out of training was purged or embargoed by some test group
            assert any((t0[i] <= end and t1[i] >= start) or (end < t0[i] <= end + embargo) for start, end in spans)
    assert np.all(tested == math.comb(n_groups - 1, k - 1))


@pytest.mark.parametrize("n_groups, k", [(2, 1), (4, 2), (6, 2), (6, 3), (8, 2), (10, 4)])
def test_cpcv_paths_use_every_test_prediction_once(n_groups: int, k: int) -> None:
    t0 = np.arange(10 * n_groups, dtype=np.int64)
    splits = combinatorial_purged_splits(t0, t0 + 2, n_groups=n_groups, n_test_groups=k)
    paths = cpcv_paths(n_groups, k)
    assert len(paths) == math.comb(n_groups - 1, k - 1) == k * len(splits) // n_groups
    used = [(p[g], g) for p in paths for g in range(n_groups)]
    assert len(used) == len(set(used)) == k * len(splits)
    for p in paths:
        assert all(g in splits[p[g]].test_groups for g in range(n_groups))


def test_a_hand_made_walk_forward() -> None:
    # 12 daily events, labels 3 bars long; 4 groups of 3; the test group [6, 7, 8] starts at bar 6, so the
    # labels of events 4 and 5 (ending at 7 and 8) are purged from its training set.
    t0 = np.arange(12, dtype=np.int64)
    t1 = t0 + 3
    splits = purged_walk_forward(t0, t1, n_groups=4)
    by_group = {s.test_groups[0]: s for s in splits}
    assert by_group[2].test.tolist() == [6, 7, 8]
    assert by_group[2].train.tolist() == [0, 1, 2]
    assert 1 not in by_group  # group 1 (events 3..5): events 0..2 end at 3..5 >= 3, all purged, split skipped
    rolling = purged_walk_forward(t0, t1, n_groups=4, max_train=2)
    assert {s.test_groups[0]: s.train.tolist() for s in rolling}[3] == [4, 5]


def test_a_hand_made_cpcv_embargo() -> None:
    # 20 events of 1-bar labels in 4 groups of 5; testing group 1 (events 5..9, span [5, 10]) with a 3-bar
    # embargo purges events 4 (label 4..5) and 10 (label 10..11), which overlap the span, and embargoes the
    # events starting at bars 11, 12 and 13.
    t0 = np.arange(20, dtype=np.int64)
    t1 = t0 + 1
    split = next(s for s in combinatorial_purged_splits(t0, t1, n_groups=4, n_test_groups=1, embargo=3)
                 if s.test_groups == (1,))
    assert split.test.tolist() == [5, 6, 7, 8, 9]
    assert sorted(set(range(20)) - set(split.train.tolist()) - set(split.test.tolist())) == [4, 10, 11, 12, 13]


@pytest.mark.parametrize("call", [
    lambda: purged_walk_forward([3, 1, 2], [3, 4, 5], n_groups=2),                 # t0 out of order
    lambda: purged_walk_forward([1, 2, 3], [0, 4, 5], n_groups=2),                 # t1 before t0
    lambda: purged_walk_forward([1.0, 2.0], [1.0, 2.0], n_groups=2),               # not integer bars
    lambda: purged_walk_forward([1, 2, 3], [1, 2, 3], n_groups=1),
    lambda: purged_walk_forward([1, 2, 3], [1, 2, 3], n_groups=4),                 # more groups than samples
    lambda: purged_walk_forward([1, 2, 3], [1, 2, 3], n_groups=2, embargo=-1),
    lambda: combinatorial_purged_splits([1, 2, 3, 4], [1, 2, 3, 4], n_groups=4, n_test_groups=4),
    lambda: cpcv_paths(4, 0),
])
def test_bad_arguments_are_refused(call: object) -> None:
    with pytest.raises(StatisticsInputError, match="refused"):
        call()  # type: ignore[operator]
