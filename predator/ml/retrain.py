"""Retraining (issue 19 item 7): a scheduled job that trains a new **candidate** on the latest window, always
(``mode="schedule"``) or only when the inputs or the forward hit rate drifted (``mode="drift"``,
:mod:`predator.ml.drift`), and hands it to a recorder.

A candidate never promotes itself. The job only trains (:func:`predator.ml.train.train_family`) and calls
``record(trained) -> int`` — in production the registry's recorder, run on a worker connection, which may register
models, trials and fold metrics but not judge them; this module imports no registry code and speaks no SQL.
Only ``api.evaluate_promotion``, granted to ``predator_operator`` alone, moves ``ml.champion``
(tests/integration/test_ml_retrain.py runs the job with a worker-connection recorder and sees the database
refuse the worker the gate).

One run (:meth:`RetrainJob.run`):

1. ``load()`` returns the latest window as a :class:`predator.ml.dataset.Dataset` (e.g. ``load_dataset`` of
   :func:`latest_window_spec`: the last ``hours`` hours of closed bars).
2. The features of the scope's symbols (:func:`predator.ml.dataset.feature_matrix`, warm rows only) are split by
   decision time: the last ``recent_hours`` hours are *recent*, the earlier bars the *reference* (what a model
   trained on this window before those hours saw); :func:`predator.ml.drift.feature_drift` compares them.
3. If ``forward`` is given, it returns the recent decisions' outcomes (1 right, 0 wrong) and the hit rate
   expected of the current model; :func:`predator.ml.drift.hit_rate_fall` tests for a fall. The thresholds of
   both tests are the :class:`~predator.ml.drift.DriftRule` ``rule()`` returns each run (in production the
   operator settings ``ml_drift_*`` read through ``predator.db.ml_api.drift_settings``; without ``rule`` the
   shipped defaults), made stricter by the config's own when it has any (never looser: ``ValueError``).
4. ``mode="schedule"`` trains every run; ``mode="drift"`` trains only if a feature drifted or the hit rate
   fell. Training uses the whole window (``selection_end`` None) or, with ``holdout_hours`` > 0, selects on the
   labels that end before the window's last ``holdout_hours`` hours (which ``predator ml evaluate`` then measures
   as the candidate's hold-out); the config's trials, labels and folds.
5. The trained candidate goes to ``record``; the run's :class:`RetrainOutcome` (trigger, drift report, hit
   rate check, candidate, the recorder's id) is kept in :attr:`RetrainJob.outcomes` and returned.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
from apscheduler.job import Job
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger

from predator import seams
from predator.ml.dataset import FEATURE_NAMES, HOUR, Dataset, DatasetSpec, feature_matrix
from predator.ml.drift import (
    DriftReport,
    DriftRule,
    HitRateCheck,
    feature_drift,
    hit_rate_fall,
)
from predator.ml.train import LGBM_TB_TRIALS, CPCVSpec, LabelSpec, Sampler, TrainedModel, train_family

log = logging.getLogger(__name__)

#: ``record(trained) -> id``: stores a candidate (e.g. ``predator.ml.registry.record_trained_model`` bound to a
#: worker connection) and returns its registry id. It must not promote.
Recorder = Callable[[TrainedModel], int]
#: ``forward() -> (outcomes, expected hit rate)``: the recent decisions' results (1/0) and the model's
#: out-of-sample hit rate when trained.
ForwardRecord = Callable[[], tuple[npt.ArrayLike, float]]

Trigger = Literal["schedule", "drift", "hit_rate", "none"]


def latest_window_spec(venue: str, symbols: Sequence[str], hours: int, now: datetime | None = None) -> DatasetSpec:
    """The dataset of the last ``hours`` closed hourly bars before ``now`` (default the wall clock, UTC): bar
    opens in [floor_hour(now) - hours, floor_hour(now)). Raises ``ValueError`` for hours < 1."""
    if hours < 1:
        raise ValueError(f"hours must be >= 1, got {hours}")
    t = (now or seams.wall_now()).astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    return DatasetSpec(venue, tuple(sorted(symbols)), t - timedelta(hours=hours), t)


@dataclass(frozen=True)
class RetrainConfig:
    """What the job trains and when. ``family``/``scope`` as :func:`train_family`'s; ``out_dir`` where artefacts
    go; ``mode`` "schedule" (train every run) or "drift" (train only on drift); ``recent_hours`` the recent part
    of the window compared with the rest; ``psi_threshold``/``ks_alpha``/``hit_rate_alpha`` the caller's own
    drift thresholds (None: the rule in force; :mod:`predator.ml.drift`), stricter than the rule in force or the
    run raises ``ValueError``; ``min_forward_obs`` the fewest forward outcomes the hit-rate test needs;
    ``holdout_hours`` (default 0: none) the last hours of the window kept out of training and selection — the
    candidate's hold-out, the evidence the promotion gate judges; the rest goes to :func:`train_family`
    (``version`` the code version to record, default the git commit)."""

    scope: str
    out_dir: Path
    family: str = "lgbm_tb"
    mode: Literal["schedule", "drift"] = "drift"
    recent_hours: int = 24 * 30
    psi_threshold: float | None = None
    ks_alpha: float | None = None
    hit_rate_alpha: float | None = None
    min_forward_obs: int = 30
    trials: Sequence[Mapping[str, Any]] = LGBM_TB_TRIALS
    labels: LabelSpec = LabelSpec()
    n_groups: int = 5
    embargo: int = 24
    threshold: float = 0.5
    min_train: int = 500
    cpcv: CPCVSpec | None = None
    sampler: Sampler | None = None
    version: str | None = None
    holdout_hours: int = 0


@dataclass(frozen=True)
class RetrainOutcome:
    """One run: ``started`` (wall clock, UTC), ``trigger`` (schedule, drift, hit_rate, or none: nothing
    trained), the ``drift`` report, the ``hit_rate`` check (None without a forward record), the ``candidate``
    trained (None if none), ``record_id`` (the recorder's id) and the drift ``rule`` it applied."""

    started: datetime
    trigger: Trigger
    drift: DriftReport
    hit_rate: HitRateCheck | None
    candidate: TrainedModel | None
    record_id: int | None
    rule: DriftRule = DriftRule()


def split_features(dataset: Dataset, symbols: Sequence[str], recent_hours: int) -> tuple[npt.NDArray[np.float64],
                                                                                          npt.NDArray[np.float64]]:
    """The warm feature rows of ``symbols`` split by decision hour: (reference, recent), recent = decision hours
    after the window's last decision hour minus ``recent_hours``."""
    rows: list[npt.NDArray[np.float64]] = []
    hours: list[npt.NDArray[np.int64]] = []
    for name in symbols:
        bars = dataset.symbol(name)
        x = feature_matrix(bars.history())
        warm = np.all(np.isfinite(x), axis=1)
        rows.append(x[warm])
        hours.append(((bars.ts + HOUR) // HOUR)[warm].astype(np.int64))
    x_all = np.concatenate(rows) if rows else np.empty((0, len(FEATURE_NAMES)))
    h_all = np.concatenate(hours) if hours else np.empty(0, dtype=np.int64)
    if h_all.size == 0:
        return x_all, x_all
    cut = int(h_all.max()) - recent_hours
    return x_all[h_all <= cut], x_all[h_all > cut]


@dataclass
class RetrainJob:
    """The retraining job: ``load`` the latest window, check drift, train a candidate when due and ``record`` it
    (see the module docstring). Runs in an APScheduler scheduler via :meth:`schedule`, or directly via
    :meth:`run`. Never promotes: it holds no promotion code and its recorder runs as the worker."""

    load: Callable[[], Dataset]
    record: Recorder
    config: RetrainConfig
    forward: ForwardRecord | None = None
    rule: Callable[[], DriftRule] | None = None
    keep: int = 20
    outcomes: deque[RetrainOutcome] = field(init=False)
    _lock: threading.Lock = field(init=False, default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.outcomes = deque(maxlen=self.keep)

    def run(self) -> RetrainOutcome:
        """One run; runs never overlap (a lock). Errors of ``load``, training or ``record`` propagate (the
        scheduler logs them and the next run tries again)."""
        with self._lock:
            started = seams.wall_now()
            cfg = self.config
            rule = (self.rule() if self.rule is not None else DriftRule()).stricter(
                cfg.psi_threshold, cfg.ks_alpha, cfg.hit_rate_alpha)
            ds = self.load()
            symbols = ds.spec.symbols if cfg.scope == "global" else (cfg.scope,)
            reference, recent = split_features(ds, symbols, cfg.recent_hours)
            drift = feature_drift(reference, recent, FEATURE_NAMES, psi_threshold=rule.psi_threshold,
                                  ks_alpha=rule.ks_alpha)
            hit: HitRateCheck | None = None
            if self.forward is not None:
                outcomes, expected = self.forward()
                hit = hit_rate_fall(outcomes, expected, min_obs=cfg.min_forward_obs, alpha=rule.hit_rate_alpha)
            trigger: Trigger
            if cfg.mode == "schedule":
                trigger = "schedule"
            elif drift.drifted:
                trigger = "drift"
            elif hit is not None and hit.fell:
                trigger = "hit_rate"
            else:
                trigger = "none"
            candidate: TrainedModel | None = None
            record_id: int | None = None
            if trigger != "none":
                selection_end = (int(ds.spec.end.timestamp()) // HOUR - cfg.holdout_hours
                                 if cfg.holdout_hours > 0 else None)
                candidate = train_family(ds, scope=cfg.scope, out_dir=cfg.out_dir, family=cfg.family,
                                         selection_end=selection_end,
                                         trials=cfg.trials, labels=cfg.labels, n_groups=cfg.n_groups,
                                         embargo=cfg.embargo, threshold=cfg.threshold, version=cfg.version,
                                         cpcv=cfg.cpcv, sampler=cfg.sampler, min_train=cfg.min_train)
                record_id = self.record(candidate)
                log.info("retrain %s %s: %s candidate %s recorded as %s (max PSI %.3f)", cfg.family, cfg.scope,
                         trigger, candidate.model_id, record_id, drift.max_psi)
            else:
                log.info("retrain %s %s: no drift (max PSI %.3f), nothing trained", cfg.family, cfg.scope,
                         drift.max_psi)
            outcome = RetrainOutcome(started, trigger, drift, hit, candidate, record_id, rule)
            self.outcomes.append(outcome)
            return outcome

    def job(self) -> None:
        """The scheduler's entry point (:meth:`run`, result kept in :attr:`outcomes`)."""
        self.run()

    def schedule(self, scheduler: BaseScheduler, trigger: BaseTrigger) -> Job:
        """Add the job to ``scheduler`` with ``trigger`` (an interval, or :func:`cron` e.g. daily at 00:10 UTC), at
        most one instance at a time, missed runs coalesced."""
        job: Job = scheduler.add_job(self.job, trigger, id=f"retrain-{self.config.family}-{self.config.scope}",
                                     max_instances=1, coalesce=True, replace_existing=True)
        return job


def cron(expression: str) -> CronTrigger:
    """A crontab-style trigger in UTC (``"10 0 * * *"``: every day at 00:10)."""
    trigger: CronTrigger = CronTrigger.from_crontab(expression, timezone=UTC)
    return trigger
