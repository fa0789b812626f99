"""Purged walk-forward splits with an embargo, and combinatorial purged cross-validation (López de Prado,
*Advances in Financial Machine Learning*, 2018, ch. 7 and ch. 12), NumPy only. Never a shuffled or static split.

The samples are labelled events in time order: sample i spans the bars [t0[i], t1[i]] (its decision bar and
the bar where its label was decided, :class:`predator.ml.labels.TripleBarrierLabels`), t0 non-decreasing and
t1 >= t0. The samples are cut into contiguous groups by position. For a test set (one group in walk-forward,
k groups in CPCV), each test group g has a span [start_g, end_g] = [min t0, max t1] over its samples, and a
training sample i is kept only if, for every test group g,

* **purging** (AFML §7.4.1): its span does not overlap the group's, i.e. t1[i] < start_g or t0[i] > end_g;
* **embargo** (AFML §7.4.2): it does not start within ``embargo`` bars after the group ends, i.e. not
  end_g < t0[i] <= end_g + embargo (serial correlation leaks information forward in time, not backward).

Walk-forward (expanding, or rolling with ``max_train``): test group j (j = 1 … n_groups - 1) is tested on a
model trained only on samples before it, so every training label ends before the test's first sample starts
(max train t1 < min test t0): the test folds are always after the training. CPCV: every choice of
``n_test_groups`` of the ``n_groups`` groups is a test set, trained on the purged and embargoed rest (training
on both sides of the test); the C(N, k) splits assemble into C(N - 1, k - 1) backtest paths
(:func:`cpcv_paths`, AFML §12.4), which give a distribution of out-of-sample Sharpe ratios.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from predator.errors import StatisticsInputError


def _refuse(routine: str, argument: str, value: object, rule: str) -> StatisticsInputError:
    return StatisticsInputError(f"{routine} refused: {argument} {rule} (value={value})")


@dataclass(frozen=True, eq=False)
class Split:
    """One split: the positions (into t0/t1) of the training and the test samples, both increasing, and the
    test groups (their indices among the groups)."""

    train: npt.NDArray[np.int64]
    test: npt.NDArray[np.int64]
    test_groups: tuple[int, ...]


def _spans(routine: str, t0: npt.ArrayLike, t1: npt.ArrayLike) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    a = np.asarray(t0)
    b = np.asarray(t1)
    if a.ndim != 1 or b.shape != a.shape:
        raise _refuse(routine, "t0, t1", f"shapes {a.shape}, {b.shape}", "are not two 1-D arrays of one length")
    if not (np.issubdtype(a.dtype, np.integer) and np.issubdtype(b.dtype, np.integer)):
        raise _refuse(routine, "t0, t1", f"dtypes {a.dtype}, {b.dtype}", "are not integer bar indices")
    if np.any(b < a):
        raise _refuse(routine, "t1", "a label ending before it starts", "is below t0 somewhere")
    if np.any(np.diff(a) < 0):
        raise _refuse(routine, "t0", "out of order", "is not in time order (non-decreasing)")
    return a.astype(np.int64), b.astype(np.int64)


def _groups(routine: str, n_samples: int, n_groups: int) -> list[npt.NDArray[np.int64]]:
    """Contiguous groups of positions, sizes differing by at most one (the first n mod N groups one longer)."""
    if n_groups < 2:
        raise _refuse(routine, "n_groups", n_groups, "is below 2")
    if n_samples < n_groups:
        raise _refuse(routine, "n_groups", n_groups, f"exceeds the {n_samples} samples")
    return [g.astype(np.int64) for g in np.array_split(np.arange(n_samples, dtype=np.int64), n_groups)]


def group_positions(n_samples: int, n_groups: int) -> list[npt.NDArray[np.int64]]:
    """The contiguous groups both splitters cut ``n_samples`` samples into: positions 0 … n_samples - 1 in
    ``n_groups`` runs whose sizes differ by at most one (the first n_samples mod n_groups one longer)."""
    return _groups("group_positions", n_samples, n_groups)


def _keep_mask(t0: npt.NDArray[np.int64], t1: npt.NDArray[np.int64], test_spans: list[tuple[int, int]],
               embargo: int) -> npt.NDArray[np.bool_]:
    """True for the samples neither purged by nor embargoed after any of the test spans."""
    keep = np.ones(t0.size, dtype=bool)
    for start, end in test_spans:
        overlaps = (t0 <= end) & (t1 >= start)
        embargoed = (t0 > end) & (t0 <= end + embargo)
        keep &= ~(overlaps | embargoed)
    return keep


def purged_walk_forward(t0: npt.ArrayLike, t1: npt.ArrayLike, *, n_groups: int, embargo: int = 0,
                        max_train: int | None = None, min_train: int = 1) -> list[Split]:
    """Walk-forward splits: the samples cut into ``n_groups`` contiguous groups; for j = 1 … n_groups - 1, test
    group j, train on the samples of groups before it whose labels end before the test group's first sample
    starts (purged), at most the last ``max_train`` of them (rolling) if given. The embargo is applied too
    (no training sample may start within ``embargo`` bars after a test group), which in walk-forward never
    removes anything since training precedes the test. Splits with fewer than ``min_train`` training samples
    are skipped."""
    routine = "purged_walk_forward"
    a, b = _spans(routine, t0, t1)
    if embargo < 0:
        raise _refuse(routine, "embargo", embargo, "is negative")
    if max_train is not None and max_train < 1:
        raise _refuse(routine, "max_train", max_train, "is below 1")
    if min_train < 1:
        raise _refuse(routine, "min_train", min_train, "is below 1")
    groups = _groups(routine, a.size, n_groups)
    splits: list[Split] = []
    for j in range(1, n_groups):
        test = groups[j]
        span = (int(a[test].min()), int(b[test].max()))
        before = np.arange(int(test[0]), dtype=np.int64)
        keep = _keep_mask(a[before], b[before], [span], embargo) & (b[before] < span[0])
        train = before[keep]
        if max_train is not None:
            train = train[-max_train:]
        if train.size >= min_train:
            splits.append(Split(train=train, test=test, test_groups=(j,)))
    return splits


def combinatorial_purged_splits(t0: npt.ArrayLike, t1: npt.ArrayLike, *, n_groups: int, n_test_groups: int,
                                embargo: int = 0) -> list[Split]:
    """Combinatorial purged cross-validation (AFML ch. 12): one split per choice of ``n_test_groups`` of the
    ``n_groups`` contiguous groups (in ``itertools.combinations`` order), trained on every other sample that
    is neither purged by nor embargoed after any test group."""
    routine = "combinatorial_purged_splits"
    a, b = _spans(routine, t0, t1)
    if embargo < 0:
        raise _refuse(routine, "embargo", embargo, "is negative")
    if not 1 <= n_test_groups < n_groups:
        raise _refuse(routine, "n_test_groups", n_test_groups, f"is outside [1, n_groups - 1] = [1, {n_groups - 1}]")
    groups = _groups(routine, a.size, n_groups)
    positions = np.arange(a.size, dtype=np.int64)
    splits: list[Split] = []
    for chosen in itertools.combinations(range(n_groups), n_test_groups):
        test = np.concatenate([groups[g] for g in chosen])
        spans = [(int(a[groups[g]].min()), int(b[groups[g]].max())) for g in chosen]
        in_test = np.zeros(a.size, dtype=bool)
        in_test[test] = True
        keep = _keep_mask(a, b, spans, embargo) & ~in_test
        splits.append(Split(train=positions[keep], test=test, test_groups=chosen))
    return splits


def cpcv_paths(n_groups: int, n_test_groups: int) -> tuple[tuple[int, ...], ...]:
    """The backtest paths of CPCV (AFML §12.4): φ = C(N-1, k-1) paths, each a tuple of N split indices (into
    :func:`combinatorial_purged_splits`' order), the split whose test predictions path p uses for group g.
    Group g is tested by exactly φ splits; path p takes the p-th of them, so every (split, test group) pair is
    used by exactly one path."""
    if not 1 <= n_test_groups < n_groups:
        raise _refuse("cpcv_paths", "n_test_groups", n_test_groups, f"is outside [1, {n_groups - 1}]")
    combos = list(itertools.combinations(range(n_groups), n_test_groups))
    phi = math.comb(n_groups - 1, n_test_groups - 1)
    testing = [[s for s, c in enumerate(combos) if g in c] for g in range(n_groups)]
    return tuple(tuple(testing[g][p] for g in range(n_groups)) for p in range(phi))
