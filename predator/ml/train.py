"""Training (issue 19 items 2-3): LightGBM classifiers on triple-barrier labels, per coin and global, validated by
purged walk-forward with an embargo, deterministic to the artefact byte.

Samples: for each symbol, every bar i past warm-up with finite features is an event; its label is the
triple-barrier label (:func:`predator.ml.labels.triple_barrier_labels`) and the target is 1 when the upper barrier
was touched first (a long-only spot model), else 0. Times are in hours since the epoch (the bar's close), so that
per-coin and global samples share one clock: t0 = decision hour, t1 = the hour the label was decided.

Validation: :func:`predator.ml.validation.purged_walk_forward` over the selection samples (those whose label
ends before ``selection_end``); additionally every training sample's label must end before the test fold's first
decision hour minus ``embargo`` hours (a gap on the training side). A trial (one hyper-parameter set) is trained on
each fold's training samples and predicts the fold's test samples; the strategy is long for the next hour when
P(up) > ``threshold``, else flat, paying the taker fee and the slippage on every change of position (costs: the
venue's taker fee and the operator setting ``ml_min_slippage_bps`` from the database, through
:func:`predator.ml.dataset.load_dataset`; a trainer may assume more, never less). The trial with the highest
out-of-sample Sharpe ratio over all its folds' hourly net returns is selected; the model recorded is that trial
refit on every selection sample. Nothing after ``selection_end`` is read by training or selection.

Determinism: ``seed``, ``deterministic=True``, ``num_threads=1``, ``force_col_wise=True`` and no bagging
randomness beyond the seeds, so training twice writes the same text dump (same sha256).
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import lightgbm as lgb
import numpy as np
import numpy.typing as npt

from predator import source
from predator.ml.dataset import FEATURE_NAMES, HOUR, Dataset, feature_matrix
from predator.ml.labels import triple_barrier_labels
from predator.ml.validation import combinatorial_purged_splits, cpcv_paths, group_positions, purged_walk_forward

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

#: What every trial runs with, whatever its hyper-parameters: the settings that make training reproducible.
FIXED_PARAMS: dict[str, Any] = {
    "objective": "binary",
    "seed": 19,
    "bagging_seed": 19,
    "feature_fraction_seed": 19,
    "data_random_seed": 19,
    "deterministic": True,
    "num_threads": 1,
    "force_col_wise": True,
    "verbosity": -1,
}

#: The example family ``lgbm_tb``: three hyper-parameter sets, every one a trial.
LGBM_TB_TRIALS: tuple[dict[str, Any], ...] = (
    {"num_leaves": 7, "learning_rate": 0.05, "min_data_in_leaf": 200, "num_boost_round": 60},
    {"num_leaves": 15, "learning_rate": 0.05, "min_data_in_leaf": 100, "num_boost_round": 60},
    {"num_leaves": 31, "learning_rate": 0.1, "min_data_in_leaf": 50, "num_boost_round": 40},
)


@dataclass(frozen=True)
class LabelSpec:
    """Triple-barrier settings: vertical barrier ``horizon`` bars, barriers ``upper``/``lower`` σ, σ's ``span``."""

    horizon: int = 24
    upper: float = 1.5
    lower: float = 1.5
    span: int = 100


@dataclass(frozen=True, eq=False)
class Samples:
    """Labelled samples in time order: features ``x``, binary target ``y``, decision hour ``t0``, label end
    hour ``t1`` (hours since the epoch), ``symbol`` index into ``symbols``, and ``next_ret``, the simple return
    of the symbol from the decision's close to the next bar's close (what a position held for that hour earns).
    ``round_trip``: False for these hourly samples; True for event samples whose ``next_ret`` is the whole
    return of one trade (entry at t0, exit at t1, :func:`predator.ml.meta.meta_samples`), each taken trade paying
    the fee twice (in and out)."""

    symbols: tuple[str, ...]
    x: FloatArray
    y: npt.NDArray[np.int8]
    t0: IntArray
    t1: IntArray
    symbol: IntArray
    next_ret: FloatArray
    round_trip: bool = False

    def __len__(self) -> int:
        return int(self.t0.size)

    def take(self, idx: IntArray) -> Samples:
        return Samples(self.symbols, self.x[idx], self.y[idx], self.t0[idx], self.t1[idx], self.symbol[idx],
                       self.next_ret[idx], self.round_trip)


#: How a family makes its samples from a dataset: ``(dataset, symbols, labels) -> Samples``.
Sampler = Callable[[Dataset, Sequence[str], LabelSpec], Samples]


def samples(dataset: Dataset, symbols: Sequence[str], labels: LabelSpec = LabelSpec()) -> Samples:
    """The labelled samples of ``symbols`` (one symbol: a per-coin model; several: a global one), sorted by
    decision hour then symbol. Only bars of the dataset are used; an event needs finite features, a label
    decided within the dataset and a next bar."""
    parts: list[tuple[FloatArray, npt.NDArray[np.int8], IntArray, IntArray, IntArray, FloatArray]] = []
    names = tuple(symbols)
    for k, name in enumerate(names):
        bars = dataset.symbol(name)
        x = feature_matrix(bars.history())
        hours = (bars.ts + HOUR) // HOUR  # decision hour of each bar: its close
        finite = np.flatnonzero(np.all(np.isfinite(x), axis=1) & (np.arange(len(bars)) < len(bars) - 1))
        tb = triple_barrier_labels(bars.close, horizon=labels.horizon, upper=labels.upper, lower=labels.lower,
                                   span=labels.span, events=finite)
        nxt = bars.close[tb.t0 + 1] / bars.close[tb.t0] - 1.0
        parts.append((x[tb.t0], (tb.label == 1).astype(np.int8), hours[tb.t0].astype(np.int64),
                      hours[tb.t1].astype(np.int64), np.full(tb.t0.size, k, dtype=np.int64), nxt))
    x = np.concatenate([p[0] for p in parts]) if parts else np.empty((0, len(FEATURE_NAMES)))
    t0 = np.concatenate([p[2] for p in parts])
    sym = np.concatenate([p[4] for p in parts])
    order = np.lexsort((sym, t0)).astype(np.int64)
    y = np.concatenate([p[1] for p in parts])
    t1 = np.concatenate([p[3] for p in parts])
    nxt = np.concatenate([p[5] for p in parts])
    return Samples(names, x[order], y[order], t0[order], t1[order], sym[order], nxt[order])


# --- LightGBM, typed --------------------------------------------------------------------------------------------

def _fit(x: FloatArray, y: npt.NDArray[np.int8], params: Mapping[str, Any]) -> Any:
    p = dict(FIXED_PARAMS)
    p.update({k: v for k, v in params.items() if k != "num_boost_round"})
    data = lgb.Dataset(x, label=y.astype(np.float64), feature_name=list(FEATURE_NAMES), free_raw_data=True,
                       params={"verbosity": -1})
    return lgb.train(p, data, num_boost_round=int(params["num_boost_round"]))


def fit_model_text(x: FloatArray, y: npt.NDArray[np.int8], params: Mapping[str, Any]) -> str:
    """Train one booster and return its text dump (the artefact)."""
    return str(_fit(x, y, params).model_to_string())


def predict_proba(model_text: str, x: FloatArray) -> FloatArray:
    """P(target = 1) for each row of ``x`` by the booster whose text dump is ``model_text``."""
    booster = lgb.Booster(model_str=model_text)
    out: FloatArray = np.asarray(booster.predict(x, num_threads=1), dtype=np.float64)
    return out


# --- folds and their metrics --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class FoldMetrics:
    """One out-of-sample fold of the strategy: its test hours [first_hour, last_hour] (hours since the epoch)
    and over its hourly net returns (after fees and slippage) n_obs, mean, std (ddof 1), skew and kurtosis (moment
    estimators, kurtosis NOT excess), Sharpe ratio per hour; buy-and-hold's mean (net of its entry costs) and
    Sharpe ratio on the same hours and samples; turnover (sum of |position changes| / n_obs); max drawdown of
    the compounded net equity; and the training set's size and last label end hour."""

    fold: int
    first_hour: int
    last_hour: int
    n_train: int
    train_last_t1: int
    n_obs: int
    mean: float
    std: float
    skew: float
    kurtosis: float
    sharpe: float
    buy_hold_mean: float
    buy_hold_sharpe: float
    turnover: float
    max_drawdown: float


def _moments(r: FloatArray) -> tuple[float, float, float, float, float]:
    """mean, std (ddof 1), skew, kurtosis, Sharpe; a constant series gives std 0, skew 0, kurtosis 3, Sharpe 0."""
    if r.size < 2:
        return (float(r.mean()) if r.size else 0.0), 0.0, 0.0, 3.0, 0.0
    mean = float(r.mean())
    d = r - mean
    m2 = float(np.mean(d * d))
    if m2 == 0.0:
        return mean, 0.0, 0.0, 3.0, 0.0
    std = float(r.std(ddof=1))
    return mean, std, float(np.mean(d ** 3)) / m2 ** 1.5, float(np.mean(d ** 4)) / (m2 * m2), mean / std


def strategy_returns(proba: FloatArray, test: Samples, threshold: float, fee_bps: float,
                     slippage_bps: float = 0.0) -> tuple[FloatArray, float]:
    """Hourly net returns of the long/flat strategy on ``test`` (per symbol, in time order, averaged across the
    symbols deciding in the same hour: an equal-weight book), and its turnover per observation. A position
    taken at decision hour t earns the symbol's return to the next close; every change of position pays
    ``fee_bps`` + ``slippage_bps`` of notional (the cost of a market order: the taker fee and the fill's distance
    from the decision price); the book starts flat. Round-trip samples (``test.round_trip``): a taken event earns
    its trade's return and pays the costs twice (entry and exit), turnover 2 per taken event."""
    fee = (fee_bps + slippage_bps) / 10_000.0
    pos = (proba > threshold).astype(np.float64)
    net = np.empty(pos.size)
    turnover = 0.0
    if test.round_trip:
        net = pos * test.next_ret - 2.0 * fee * pos
        turnover = 2.0 * float(pos.sum())
    else:
        for k in np.unique(test.symbol):
            idx = np.flatnonzero(test.symbol == k)
            p = pos[idx]
            change = np.abs(np.diff(np.concatenate(([0.0], p))))
            net[idx] = p * test.next_ret[idx] - fee * change
            turnover += float(change.sum())
    hours, inverse = np.unique(test.t0, return_inverse=True)
    per_hour = np.bincount(inverse, weights=net) / np.bincount(inverse)
    return per_hour.astype(np.float64), turnover / max(hours.size, 1)


def _buy_hold(test: Samples, fee_bps: float, slippage_bps: float = 0.0) -> FloatArray:
    """Equal-weight buy-and-hold on the same hours and symbols: the next-hour returns, the entry costs (fee +
    slippage, as the strategy pays them: the benchmark buys with a market order too) paid on the first hour of
    each symbol; no exit is charged (the position is still held at the fold's end). Round-trip samples: every
    event taken (the primary strategy alone), each paying the costs twice."""
    cost = (fee_bps + slippage_bps) / 10_000.0
    r = test.next_ret.copy()
    if test.round_trip:
        r -= 2.0 * cost
    else:
        for k in np.unique(test.symbol):
            r[np.flatnonzero(test.symbol == k)[0]] -= cost
    hours, inverse = np.unique(test.t0, return_inverse=True)
    out: FloatArray = (np.bincount(inverse, weights=r) / np.bincount(inverse)).astype(np.float64)
    return out


def _max_drawdown(r: FloatArray) -> float:
    equity = np.cumprod(1.0 + r)
    peak = np.maximum.accumulate(np.concatenate(([1.0], equity)))[1:]
    return float(np.max(1.0 - equity / peak)) if r.size else 0.0


@dataclass(frozen=True)
class Fold:
    """A walk-forward fold as positions into the selection samples."""

    train: IntArray
    test: IntArray


def walk_forward_folds(s: Samples, *, n_groups: int, embargo: int, min_train: int = 500) -> list[Fold]:
    """:func:`purged_walk_forward` splits of ``s`` (times in hours, embargo in hours), each training set further
    restricted to labels that end before the test fold's first decision hour minus ``embargo``."""
    folds: list[Fold] = []
    for split in purged_walk_forward(s.t0, s.t1, n_groups=n_groups, embargo=embargo, min_train=min_train):
        start = int(s.t0[split.test].min())
        train = split.train[s.t1[split.train] < start - embargo]
        if train.size >= min_train:
            folds.append(Fold(train.astype(np.int64), split.test.astype(np.int64)))
    return folds


# --- CPCV: a distribution of out-of-sample Sharpe ratios ------------------------------------------------------------

#: The quantiles of the path Sharpe ratios reported by :func:`cpcv_sharpe_distribution`.
CPCV_QUANTILES: tuple[float, ...] = (0.05, 0.25, 0.5, 0.75, 0.95)


@dataclass(frozen=True)
class CPCVSpec:
    """Combinatorial purged CV settings: ``n_groups`` contiguous groups, ``n_test_groups`` tested per split
    (C(n_groups, n_test_groups) splits, C(n_groups - 1, n_test_groups - 1) paths)."""

    n_groups: int = 6
    n_test_groups: int = 2


@dataclass(frozen=True, eq=False)
class CPCVDistribution:
    """The out-of-sample Sharpe ratios of one trial over the CPCV backtest paths (AFML §12.4). ``paths[p][g]``: the
    split (index into :func:`predator.ml.validation.combinatorial_purged_splits`' order) whose predictions path
    p uses for group g; ``sharpes[p]``: path p's Sharpe ratio per observation (hour, or trade for round-trip
    samples) of its net returns over every sample; ``n_obs[p]`` their count; ``mean``, ``std`` (ddof 1, 0 for one
    path) of the path Sharpe ratios and their ``quantiles`` (:data:`CPCV_QUANTILES` → value, linear
    interpolation); ``n_train`` the training size of each split (after purging and embargo)."""

    n_groups: int
    n_test_groups: int
    embargo: int
    paths: tuple[tuple[int, ...], ...]
    sharpes: tuple[float, ...]
    n_obs: tuple[int, ...]
    mean: float
    std: float
    quantiles: Mapping[float, float]
    n_train: tuple[int, ...]

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready summary (what a registry may store)."""
        return {"method": "cpcv", "n_groups": self.n_groups, "n_test_groups": self.n_test_groups,
                "embargo_hours": self.embargo, "n_paths": len(self.paths), "sharpes": list(self.sharpes),
                "mean": self.mean, "std": self.std, "quantiles": {str(q): v for q, v in self.quantiles.items()}}


def cpcv_sharpe_distribution(s: Samples, params: Mapping[str, Any], *, n_groups: int, n_test_groups: int,
                             embargo: int, threshold: float, fee_bps: float, slippage_bps: float = 0.0,
                             min_train: int = 1) -> CPCVDistribution:
    """Train ``params`` on every split of :func:`combinatorial_purged_splits` of ``s`` (purged, ``embargo`` hours
    after each test group), predict its test groups, assemble the predictions into the :func:`cpcv_paths` and
    measure each path's strategy (:func:`strategy_returns`, long when P > ``threshold``, ``fee_bps`` +
    ``slippage_bps`` per change) over all samples: the distribution of out-of-sample Sharpe ratios. Each path
    tests every sample exactly
    once, with a model that never trained on a label overlapping or embargoed after that sample's group.
    Deterministic (the LightGBM settings of :data:`FIXED_PARAMS`). Raises ``ValueError`` when a split has fewer
    than ``min_train`` training samples."""
    splits = combinatorial_purged_splits(s.t0, s.t1, n_groups=n_groups, n_test_groups=n_test_groups,
                                         embargo=embargo)
    groups = group_positions(len(s), n_groups)
    proba: dict[tuple[int, int], FloatArray] = {}
    n_train: list[int] = []
    for k, split in enumerate(splits):
        if split.train.size < min_train:
            raise ValueError(f"CPCV split {k} (test groups {split.test_groups}) has {split.train.size} training "
                             f"samples, fewer than {min_train}")
        tr = s.take(split.train)
        model = fit_model_text(tr.x, tr.y, params)
        for g in split.test_groups:
            proba[(k, g)] = predict_proba(model, s.x[groups[g]])
        n_train.append(int(split.train.size))
    paths = cpcv_paths(n_groups, n_test_groups)
    sharpes: list[float] = []
    n_obs: list[int] = []
    for path in paths:
        p = np.concatenate([proba[(path[g], g)] for g in range(n_groups)])
        r, _ = strategy_returns(p, s, threshold, fee_bps, slippage_bps)
        sharpes.append(_moments(r)[4])
        n_obs.append(int(r.size))
    arr = np.asarray(sharpes, dtype=np.float64)
    return CPCVDistribution(n_groups, n_test_groups, embargo, paths, tuple(sharpes), tuple(n_obs), float(arr.mean()),
                            float(arr.std(ddof=1)) if arr.size > 1 else 0.0,
                            {q: float(np.quantile(arr, q)) for q in CPCV_QUANTILES}, tuple(n_train))


# --- trials and the trained model -------------------------------------------------------------------------------

@dataclass(frozen=True, eq=False)
class Trial:
    """One hyper-parameter set tried: its params, its folds' metrics, its out-of-sample Sharpe ratio over every
    fold's hourly net returns (``oos_returns``, concatenated in time order) and their count; ``cpcv`` its distribution
    of out-of-sample Sharpe ratios over the CPCV paths when asked for (``train_family(cpcv=...)``), else None."""

    trial: int
    params: Mapping[str, Any]
    folds: tuple[FoldMetrics, ...]
    sharpe: float
    n_obs: int
    oos_returns: FloatArray
    cpcv: CPCVDistribution | None = None


@dataclass(frozen=True, eq=False)
class TrainedModel:
    """A trained model and its lineage: ``model_id`` (family, scope, sha256 prefix), ``family``, ``scope``
    (a symbol or ``global``), ``code_version`` (git commit, else package version), ``dataset_hash``
    (``api.dataset_hash``), ``features``, ``params`` (the selected trial's, with :data:`FIXED_PARAMS`), label
    and validation settings, the selected trial's ``folds``, every ``trials`` tried (the honest N), the
    artefact's ``path`` and ``sha256`` (of the text dump's bytes); ``cpcv`` the selected trial's CPCV
    distribution of out-of-sample Sharpe ratios when training asked for it, else None."""

    model_id: str
    family: str
    scope: str
    code_version: str
    dataset_hash: str
    features: tuple[str, ...]
    params: Mapping[str, Any]
    labels: LabelSpec
    validation: Mapping[str, Any]
    folds: tuple[FoldMetrics, ...]
    trials: tuple[Trial, ...]
    selected_trial: int
    path: Path
    sha256: str
    cpcv: CPCVDistribution | None = None


def code_version() -> str:
    """The git commit of the checkout this package runs from (:func:`predator.source.commit`), else the installed
    package version."""
    commit = source.commit()
    if commit is not None:
        return commit
    from importlib.metadata import version
    return f"predator {version('predator')}"


def evaluate_trial(s: Samples, folds: Sequence[Fold], trial: int, params: Mapping[str, Any], *, threshold: float,
                   fee_bps: float, slippage_bps: float = 0.0, cpcv: CPCVSpec | None = None,
                   embargo: int = 0) -> Trial:
    """Train ``params`` on each fold's training samples, predict its test samples, and measure the strategy net of
    ``fee_bps`` + ``slippage_bps`` per change of position (buy-and-hold paying them on entry); with
    ``cpcv``, also its CPCV distribution of out-of-sample Sharpe ratios (:func:`cpcv_sharpe_distribution`,
    ``embargo`` hours)."""
    metrics: list[FoldMetrics] = []
    returns: list[FloatArray] = []
    for j, fold in enumerate(folds):
        tr, te = s.take(fold.train), s.take(fold.test)
        proba = predict_proba(fit_model_text(tr.x, tr.y, params), te.x)
        r, turnover = strategy_returns(proba, te, threshold, fee_bps, slippage_bps)
        bh = _buy_hold(te, fee_bps, slippage_bps)
        mean, std, skew, kurt, sharpe = _moments(r)
        bh_mean, _, _, _, bh_sharpe = _moments(bh)
        metrics.append(FoldMetrics(j, int(te.t0.min()), int(te.t0.max()), len(tr), int(tr.t1.max()), int(r.size),
                                   mean, std, skew, kurt, sharpe, bh_mean, bh_sharpe, turnover, _max_drawdown(r)))
        returns.append(r)
    allr = np.concatenate(returns) if returns else np.empty(0)
    dist = None if cpcv is None else cpcv_sharpe_distribution(
        s, params, n_groups=cpcv.n_groups, n_test_groups=cpcv.n_test_groups, embargo=embargo, threshold=threshold,
        fee_bps=fee_bps, slippage_bps=slippage_bps)
    return Trial(trial, dict(params), tuple(metrics), _moments(allr)[4], int(allr.size), allr, dist)


def train_family(dataset: Dataset, *, scope: str, out_dir: Path, family: str = "lgbm_tb",
                 trials: Sequence[Mapping[str, Any]] = LGBM_TB_TRIALS, labels: LabelSpec = LabelSpec(),
                 selection_end: int | None = None, n_groups: int = 5, embargo: int = 24, threshold: float = 0.5,
                 fee_bps: float | None = None, slippage_bps: float | None = None, version: str | None = None,
                 cpcv: CPCVSpec | None = None,
                 sampler: Sampler | None = None, min_train: int = 500) -> TrainedModel:
    """Train the family on ``scope`` (a symbol of the dataset: per coin; ``global``: every symbol), select its
    best trial by walk-forward out-of-sample Sharpe ratio on the samples whose labels end before hour
    ``selection_end`` (hours since the epoch; None: all), refit it on those samples, write the text dump to
    ``out_dir`` and return the record. ``fee_bps``: the taker fee (default the dataset's, from the database);
    ``slippage_bps``: the slippage per change of position (default the dataset's ``min_slippage_bps``, the
    operator setting ``ml_min_slippage_bps``); either may be larger than the database's, never smaller
    (``ValueError``: the promotion gate would refuse the model, costs_understated).
    ``cpcv`` (default None: off, and nothing about the result changes): also compute every trial's CPCV
    distribution of out-of-sample Sharpe ratios (selection stays by walk-forward). ``sampler``: how samples are
    made (default :func:`samples`; :func:`predator.ml.meta.meta_samples` for a meta-labelling family);
    ``min_train``: the fewest training samples of a walk-forward fold."""
    symbols = dataset.spec.symbols if scope == "global" else (scope,)
    if scope != "global" and scope not in dataset.spec.symbols:
        raise ValueError(f"scope {scope!r} is neither 'global' nor a symbol of the dataset {dataset.spec.symbols}")
    s = (sampler or samples)(dataset, symbols, labels)
    if selection_end is not None:
        s = s.take(np.flatnonzero(s.t1 < selection_end).astype(np.int64))
    folds = walk_forward_folds(s, n_groups=n_groups, embargo=embargo, min_train=min_train)
    if not folds:
        raise ValueError(f"no walk-forward fold has enough training samples ({len(s)} samples, {n_groups} groups)")
    fee = dataset.taker_fee_bps if fee_bps is None else fee_bps
    slip = dataset.min_slippage_bps if slippage_bps is None else slippage_bps
    if fee < dataset.taker_fee_bps or slip < dataset.min_slippage_bps:
        raise ValueError(f"costs of {fee:g} bps fee and {slip:g} bps slippage are below the database's "
                         f"({dataset.taker_fee_bps:g} bps taker fee, {dataset.min_slippage_bps:g} bps "
                         "ml_min_slippage_bps): a trainer may assume more, never less")
    tried = tuple(evaluate_trial(s, folds, i, p, threshold=threshold, fee_bps=fee, slippage_bps=slip, cpcv=cpcv,
                                 embargo=embargo)
                  for i, p in enumerate(trials))
    best = max(tried, key=lambda t: (t.sharpe if math.isfinite(t.sharpe) else -math.inf, -t.trial))
    text = fit_model_text(s.x, s.y, best.params)
    blob = text.encode()
    sha = hashlib.sha256(blob).hexdigest()
    safe_scope = scope.replace("/", "-")
    model_id = f"{family}:{safe_scope}:{sha[:16]}"
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"{family}_{safe_scope}_{sha[:16]}.txt"
    path.write_bytes(blob)
    params = dict(FIXED_PARAMS)
    params.update(best.params)
    return TrainedModel(model_id, family, scope, version or code_version(), dataset.dataset_hash, FEATURE_NAMES,
                        params, labels,
                        {"method": "purged_walk_forward", "n_groups": n_groups, "embargo_hours": embargo,
                         "selection_end_hour": selection_end, "threshold": threshold, "fee_bps": fee,
                         "fee_from_db": fee_bps is None and dataset.fee_from_db, "slippage_bps": slip,
                         "slippage_from_db": slippage_bps is None and dataset.slippage_from_db,
                         **({} if best.cpcv is None else {"cpcv": best.cpcv.as_dict()})},
                        best.folds, tried, best.trial, path, sha, best.cpcv)
