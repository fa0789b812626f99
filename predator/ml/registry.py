"""Recording trained models in the governed registry (issue 19 item 4, from Python; docs/ml.md "From Python to the
registry") and the 2023–2024 hold-out evaluation (the "honesty" split).

:func:`record_model` writes a :class:`~predator.ml.train.TrainedModel` in one transaction as the worker: the model
(``api.register_model``: code version, the dataset hash of ``api.dataset_hash``, features, parameters with the
lineage needed to re-evaluate it, artefact sha256 and path), every trial of its family (``api.record_trial``: the
honest N, each with its walk-forward returns over the selection window for the family's PBO) and the selected
trial's walk-forward folds (``api.record_fold_metric``, kind ``walk_forward``, folds 0, 1, …). A model id is
registered once: a second record is refused by the database (PD012) before any trial is written, and raised as
:class:`ModelAlreadyRegistered` (the trial ledger is not inflated by a retry).

:func:`holdout_folds` evaluates the refit artefact on the years after the selection end (2023 and 2024 for the
example family), which neither training nor selection read: one fold per calendar year, decisions from the
selection end plus the embargo on. They are recorded by :func:`record_holdout` as kind ``holdout`` (migration 0046),
folds 0, 1, … in calendar order: the promotion gate judges its out-of-sample tests on them alone, and the selection
folds (kind ``walk_forward``, on which the selected trial was chosen) are required and reported but never pooled
with them. ``forward`` stays reserved for paper and shadow periods — recording a backtest there would count it as
the live track record MinTRL asks for.

Figures recorded (the registry's units): per-hour net returns' n, mean, **population** standard deviation, skew and
kurtosis (moment estimators, not excess), Sharpe ratio mean/std per hour; total log returns Σ ln(1 + r) of the
strategy and of buy-and-hold on the same hours (entry fee and slippage paid), every figure net of the model's
recorded costs (``validation.fee_bps`` + ``validation.slippage_bps`` per change of position; a model recorded before
slippage was modelled has none and is measured at 0, and the gate refuses it: costs_not_recorded); turnover = traded
notional / equity per hour (the training code's count of position changes per hour divided by the number of symbols
of an equal-weight book); maximum drawdown of the compounded net equity (a fraction).
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import psycopg

from predator import errors
from predator.db import ml_api
from predator.ml.dataset import HOUR, Dataset, DatasetSpec
from predator.ml.train import (
    LabelSpec,
    Samples,
    TrainedModel,
    _buy_hold,
    predict_proba,
    samples,
    strategy_returns,
    walk_forward_folds,
)

FloatArray = npt.NDArray[np.float64]

class ModelAlreadyRegistered(errors.InvalidArgument):
    """PD012: the model id is already in ``ml.model``; nothing of this record was written."""


class LineageMismatch(errors.DataError):
    """The artefact or the dataset is not the one the registry names (sha256 or dataset hash differ)."""


def registry_family(family: str, scope: str) -> str:
    """The registry's family of a model: ``<family>:<scope>`` (``/`` of a symbol as ``-``), e.g.
    ``lgbm_tb:BTC-USDT``, ``lgbm_tb:global``. The registry's family is the unit of the trial count N, of PBO and of
    the champion; a per-coin model and the global one are not compared on the same hours, so each scope is one."""
    return f"{family}:{scope.replace('/', '-')}"


@dataclass(frozen=True)
class FoldRecord:
    """One fold as ``ml.fold_metric`` holds it (see the module docstring for units)."""

    kind: str
    fold: int
    period_from: datetime
    period_to: datetime
    n_obs: int
    mean: float
    std: float
    skew: float
    kurtosis: float
    sharpe: float
    net_return: float
    buy_hold_return: float
    turnover: float
    max_drawdown: float


@dataclass(frozen=True, eq=False)
class FoldSeries:
    """A fold's hourly series: decision hours (hours since the epoch), net strategy returns, buy-and-hold returns
    on the same hours, and turnover per hour as traded notional / equity."""

    fold: int
    hours: npt.NDArray[np.int64]
    returns: FloatArray
    buy_hold: FloatArray
    turnover: float

    def record(self, kind: str = "walk_forward") -> FoldRecord:
        return fold_record(kind, self.fold, self.hours, self.returns, self.buy_hold, self.turnover)


@dataclass(frozen=True)
class Recorded:
    """What :func:`record_model` wrote: the model's seq, the registry family, trial seqs, fold records."""

    model_id: str
    family: str
    model_seq: int
    trial_seqs: tuple[int, ...]
    folds: tuple[FoldRecord, ...]


def _hour(h: int) -> datetime:
    return datetime.fromtimestamp(h * HOUR, UTC)


def max_drawdown(r: FloatArray) -> float:
    """Largest fall of the compounded equity ∏(1 + r) from its running peak (starting at 1), a fraction."""
    if r.size == 0:
        return 0.0
    equity = np.cumprod(1.0 + r)
    peak = np.maximum.accumulate(np.concatenate(([1.0], equity)))[1:]
    return float(min(max(np.max(1.0 - equity / peak), 0.0), 1.0))


def fold_record(kind: str, fold: int, hours: npt.NDArray[np.int64], r: FloatArray, bh: FloatArray,
                turnover: float) -> FoldRecord:
    """The registry's figures of one fold's hourly net returns ``r`` at decision ``hours`` (the fold's period is
    [first decision hour, last decision hour + 1 h): a position taken at the last decision earns to the next
    close), buy-and-hold returns ``bh`` on the same hours and ``turnover`` per hour."""
    if r.size < 2 or r.size != bh.size or r.size != hours.size:
        raise ValueError(f"fold {fold}: {r.size} returns, {bh.size} buy-and-hold returns, {hours.size} hours")
    mean = float(r.mean())
    d = r - mean
    m2 = float(np.mean(d * d))
    if m2 > 0.0:
        std = math.sqrt(m2)
        skew = float(np.mean(d ** 3)) / m2 ** 1.5
        kurt = max(float(np.mean(d ** 4)) / (m2 * m2), 1.0 + skew * skew)
        sharpe = mean / std
    else:
        std, skew, kurt, sharpe = 0.0, 0.0, 3.0, 0.0
    return FoldRecord(kind, fold, _hour(int(hours.min())), _hour(int(hours.max()) + 1), int(r.size), mean, std, skew,
                      kurt, sharpe, float(np.log1p(r).sum()), float(np.log1p(bh).sum()), float(turnover),
                      max_drawdown(r))


def _scope_symbols(dataset: Dataset, scope: str) -> tuple[str, ...]:
    return dataset.spec.symbols if scope == "global" else (scope,)


def selection_folds(model: TrainedModel, dataset: Dataset) -> list[FoldSeries]:
    """The selected trial's walk-forward folds as hourly series: the trial's out-of-sample returns cut by its
    folds' sizes, and buy-and-hold on the same samples (the fold layout rebuilt from ``dataset`` with the model's
    settings, and checked against the folds trained on: same hours, same counts)."""
    symbols = _scope_symbols(dataset, model.scope)
    s = samples(dataset, symbols, model.labels)
    end = model.validation.get("selection_end_hour")
    if end is not None:
        s = s.take(np.flatnonzero(s.t1 < int(end)).astype(np.int64))
    folds = walk_forward_folds(s, n_groups=int(model.validation["n_groups"]),
                               embargo=int(model.validation["embargo_hours"]))
    chosen = next(t for t in model.trials if t.trial == model.selected_trial)
    if len(folds) != len(chosen.folds):
        raise LineageMismatch(f"model {model.model_id}: {len(chosen.folds)} folds trained, {len(folds)} rebuilt from "
                              "the dataset: it is not the dataset the model was trained on")
    fee = float(model.validation["fee_bps"])
    slip = float(model.validation.get("slippage_bps", 0.0))
    out: list[FoldSeries] = []
    start = 0
    for fold, fm in zip(folds, chosen.folds, strict=True):
        te: Samples = s.take(fold.test)
        hours = np.unique(te.t0).astype(np.int64)
        if hours.size != fm.n_obs or int(hours[0]) != fm.first_hour or int(hours[-1]) != fm.last_hour:
            raise LineageMismatch(f"model {model.model_id}: fold {fm.fold} spans other hours in the dataset given")
        r = np.asarray(chosen.oos_returns[start:start + fm.n_obs], dtype=np.float64)
        start += fm.n_obs
        out.append(FoldSeries(fm.fold, hours, r, _buy_hold(te, fee, slip), fm.turnover / len(symbols)))
    return out


def holdout_folds(model_text: str, dataset: Dataset, *, scope: str, labels: LabelSpec, selection_end_hour: int,
                  embargo_hours: int, threshold: float, fee_bps: float,
                  slippage_bps: float = 0.0) -> list[FoldSeries]:
    """The artefact ``model_text`` on the hold-out: every sample of ``scope`` whose decision hour is at least
    ``selection_end_hour + embargo_hours`` (training read only labels ending before ``selection_end_hour``), cut
    by calendar year (UTC) into folds 0, 1, … (recorded as kind ``holdout``); the long/flat strategy of training,
    net of ``fee_bps`` + ``slippage_bps`` per change of position (buy-and-hold paying them on entry). A year
    with fewer than two decision hours is left out (the next year takes its number)."""
    s = samples(dataset, _scope_symbols(dataset, scope), labels)
    first = selection_end_hour + embargo_hours
    s = s.take(np.flatnonzero(s.t0 >= first).astype(np.int64))
    if len(s) == 0:
        return []
    years = sorted({_hour(int(h)).year for h in (int(s.t0.min()), int(s.t0.max()))})
    out: list[FoldSeries] = []
    for year in range(years[0], years[-1] + 1):
        lo = int(datetime(year, 1, 1, tzinfo=UTC).timestamp()) // HOUR
        hi = int(datetime(year + 1, 1, 1, tzinfo=UTC).timestamp()) // HOUR
        te = s.take(np.flatnonzero((s.t0 >= lo) & (s.t0 < hi)).astype(np.int64))
        hours = np.unique(te.t0).astype(np.int64)
        if hours.size < 2:
            continue
        r, turnover = strategy_returns(predict_proba(model_text, te.x), te, threshold, fee_bps, slippage_bps)
        out.append(FoldSeries(len(out), hours, r, _buy_hold(te, fee_bps, slippage_bps),
                              turnover / len(te.symbols)))
    return out


def lineage_params(model: TrainedModel, spec: DatasetSpec) -> dict[str, Any]:
    """``ml.model.params`` of a trained model: its LightGBM parameters (seeds and threads included) and what
    re-evaluating it needs — scope, dataset spec, label and validation settings, the selected trial."""
    return {
        "lightgbm": dict(model.params),
        "scope": model.scope,
        "labels": asdict(model.labels),
        "validation": dict(model.validation),
        "selected_trial": model.selected_trial,
        "trials": len(model.trials),
        "dataset": dataset_params(spec),
    }


def dataset_params(spec: DatasetSpec) -> dict[str, Any]:
    return {"venue": spec.venue, "symbols": list(spec.symbols), "interval": spec.interval,
            "start": spec.start.isoformat(), "end": spec.end.isoformat()}


def spec_from_params(params: Mapping[str, Any]) -> DatasetSpec:
    """The dataset spec recorded in ``ml.model.params`` by :func:`record_model`."""
    d = params["dataset"]
    return DatasetSpec(str(d["venue"]), tuple(str(x) for x in d["symbols"]), datetime.fromisoformat(d["start"]),
                       datetime.fromisoformat(d["end"]), str(d["interval"]))


def _json_safe(value: Any) -> Any:
    """``value`` with every non-finite float as None (JSON has no NaN; jsonb refuses it)."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, Mapping):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    return value


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _already(e: errors.DatabaseRefusal) -> bool:
    return e.sqlstate == "23505" or "already registered" in str(e.args[0] if e.args else "")


def _write_folds(conn: psycopg.Connection[Any], model_id: str, folds: Sequence[FoldRecord]) -> None:
    for f in folds:
        ml_api.record_fold_metric(conn, model_id, f.kind, f.fold, f.period_from, f.period_to, f.n_obs, f.mean, f.std,
                                  f.skew, f.kurtosis, f.sharpe, f.net_return, f.buy_hold_return, f.turnover,
                                  f.max_drawdown)


def record_model(conn: psycopg.Connection[Any], model: TrainedModel, dataset: Dataset) -> Recorded:
    """Record ``model`` (trained on ``dataset``) in the registry in one transaction: model, every trial, the
    selected trial's walk-forward folds. Raises :class:`LineageMismatch` when the artefact file's sha256 or the
    dataset's hash is not the model's, :class:`ModelAlreadyRegistered` when the id is registered (nothing
    written), other :class:`~predator.errors.DatabaseRefusal` for a refused figure (nothing written)."""
    if sha256_of(model.path) != model.sha256:
        raise LineageMismatch(f"the artefact {model.path} does not hash to model {model.model_id}'s sha256")
    if dataset.dataset_hash != model.dataset_hash:
        raise LineageMismatch(f"model {model.model_id} was trained on dataset {model.dataset_hash[:16]}…, "
                              f"not {dataset.dataset_hash[:16]}…")
    family = registry_family(model.family, model.scope)
    params = lineage_params(model, dataset.spec)
    folds = tuple(f.record() for f in selection_folds(model, dataset))
    try:
        with conn.transaction():
            seq = ml_api.register_model(conn, model.model_id, family, model.code_version, model.dataset_hash,
                                        model.features, _json_safe(params), model.sha256, str(model.path.resolve()))
            trial_seqs = []
            for t in model.trials:
                metrics = {"model_id": model.model_id, "trial": t.trial, "selected": t.trial == model.selected_trial,
                           "scope": model.scope, "sharpe": "walk-forward out-of-sample over the selection window, "
                           "per hour, std ddof 1",
                           "folds": [asdict(f) for f in t.folds]}
                returns = t.oos_returns if 4 <= t.oos_returns.size <= 100_000 else None
                trial_seqs.append(ml_api.record_trial(conn, family, t.params, max(t.n_obs, 2), t.sharpe,
                                                      _json_safe(metrics),
                                                      None if returns is None else returns.tolist()))
            _write_folds(conn, model.model_id, folds)
    except errors.InvalidArgument as e:
        if _already(e):
            raise ModelAlreadyRegistered(f"model {model.model_id} is already registered: nothing recorded (its "
                                         "trials were not counted again)", "PD012", e.detail,
                                         "A model id names one artefact for ever; retrain under a new id.") from e
        raise
    except errors.DatabaseRefusal as e:
        if _already(e):
            raise ModelAlreadyRegistered(f"model {model.model_id} is already registered: nothing recorded",
                                         "PD012", e.detail, e.hint) from e
        raise
    return Recorded(model.model_id, family, seq, tuple(trial_seqs), folds)


def record_holdout(conn: psycopg.Connection[Any], model_id: str, folds: Sequence[FoldSeries]) -> tuple[FoldRecord, ...]:
    """Record the hold-out folds of a registered model (kind ``holdout``, the folds' numbers), in one transaction.
    PD012 when one is already recorded (nothing written)."""
    records = tuple(f.record("holdout") for f in folds)
    with conn.transaction():
        _write_folds(conn, model_id, records)
    return records


def evaluate_registered(conn: psycopg.Connection[Any], row: ml_api.Model, dataset: Dataset) -> list[FoldSeries]:
    """The hold-out folds of the registered model ``row`` on ``dataset`` (the one its params name), after checking
    the artefact's sha256 and the dataset hash against the registry."""
    if dataset.dataset_hash != row.dataset_hash:
        raise LineageMismatch(f"model {row.model_id} was trained on dataset {row.dataset_hash[:16]}…; the dataset "
                              f"read now hashes to {dataset.dataset_hash[:16]}… (the bars changed)")
    path = Path(row.artefact_path)
    if not path.exists():
        raise errors.NotFoundError(f"the artefact of model {row.model_id} is not at {path}")
    if sha256_of(path) != row.artefact_sha256:
        raise LineageMismatch(f"the artefact at {path} does not hash to model {row.model_id}'s sha256")
    p = row.params
    v = p["validation"]
    if v.get("selection_end_hour") is None:
        raise errors.DataError(f"model {row.model_id} was selected on its whole dataset: it has no hold-out")
    return holdout_folds(path.read_text(), dataset, scope=str(p["scope"]), labels=LabelSpec(**p["labels"]),
                         selection_end_hour=int(v["selection_end_hour"]), embargo_hours=int(v["embargo_hours"]),
                         threshold=float(v["threshold"]), fee_bps=float(v["fee_bps"]),
                         slippage_bps=float(v.get("slippage_bps", 0.0)))
