"""Typed calls to the model registry (schema ``ml``, migration 0043; docs/ml.md "Registry and promotion gate").

The one gateway of schema ``ml``. Writes, one function per ``api`` routine: :func:`register_model`
(``api.register_model``), :func:`record_trial` (``api.record_trial``), :func:`record_fold_metric`
(``api.record_fold_metric``), :func:`record_forward_fold` (``api.record_forward_fold``: a forward fold whose figures
the database computes from a sync-fed paper book) — worker or operator — and :func:`evaluate_promotion`
(``api.evaluate_promotion``), the promotion gate, operator only. Reads as frozen dataclasses: a registered model
through the view ``api.models`` (any login role: the worker binds a model strategy to it and cannot read
``ml.model``), and ``ml.trial``,
``ml.fold_metric``, ``ml.promotion``, the view ``ml.champion`` and the gate's ``ml_*`` settings (operator or
auditor). Numbers are sent as exact decimals (``Decimal(repr(x))`` of a float), so a figure read back and recorded
again (a replay's copy) is the same double. The caller owns the transaction. Refusals are raised as
:class:`predator.errors.DatabaseRefusal` subclasses by SQLSTATE (PD011 unknown model, PD012 a malformed argument, a
model id registered twice, a fold recorded twice; PD015 a period ending after the wall clock).

Units: Sharpe ratios per period (per hour for the 1h models), not annualised; standard deviations of the fold
figures are population ones; kurtosis is not excess; log returns are totals over a fold; turnover is traded
notional / equity per period; drawdowns are fractions. Times are timezone-aware UTC datetimes.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

import psycopg
from psycopg.rows import class_row

from predator.db.api import Call, run


@dataclass(frozen=True)
class Model:
    """A registered model and its lineage, as the view ``api.models`` shows ``ml.model``: its seq, id, family, the
    commit that trained it (``code_version``), the dataset hash of its training data (``api.dataset_hash``, 64 hex),
    its features in the order the model reads them, its parameters, the sha256 of its artefact (64 hex), the
    artefact's path, who recorded it and when."""

    seq: int
    model_id: str
    family: str
    code_version: str
    dataset_hash: str
    features: list[str]
    params: dict[str, Any]
    artefact_sha256: str
    artefact_path: str
    actor: str
    recorded_at: datetime


@dataclass(frozen=True)
class TrialRow:
    """A row of ``ml.trial``: one configuration tried in a family (``returns``: per-period returns over the
    selection window, time order, or None)."""

    seq: int
    family: str
    params: dict[str, Any]
    n_obs: int
    sharpe: float
    metrics: dict[str, Any]
    returns: list[float] | None
    actor: str
    recorded_at: datetime


@dataclass(frozen=True)
class FoldMetric:
    """A row of ``ml.fold_metric``: a model's out-of-sample figures on one fold, net of fees."""

    seq: int
    model_id: str
    kind: str  # walk_forward (selection) | holdout | forward (paper, shadow)
    fold: int
    period_from: datetime
    period_to: datetime
    n_obs: int
    mean: float
    std: float  # population
    skew: float
    kurtosis: float  # not excess
    sharpe: float  # mean / std per period
    net_return: float  # total log return, net of costs
    buy_hold_return: float  # total log return of buy-and-hold on the same hours
    turnover: float
    max_drawdown: float


@dataclass(frozen=True)
class Promotion:
    """A row of ``ml.promotion``: one decision of the gate."""

    seq: int
    model_id: str
    family: str
    lane: str  # paper | live_canary
    passed: bool
    reasons: list[str]
    figures: dict[str, Any]
    reason: str
    actor: str
    recorded_at: datetime


@dataclass(frozen=True)
class Champion:
    """A row of the view ``ml.champion``: the model of the latest passed promotion of a family on a lane."""

    family: str
    lane: str
    model_id: str
    promotion_seq: int
    actor: str
    recorded_at: datetime


@dataclass(frozen=True)
class Decision:
    """What ``api.evaluate_promotion`` decided: the ``ml.promotion`` seq, passed, reason codes, figures."""

    seq: int
    passed: bool
    reasons: list[str]
    figures: dict[str, Any]


# --- writes -------------------------------------------------------------------------------------------------

Number = Decimal | float


def _num(x: Number) -> Decimal:
    """An exact decimal of ``x`` (a float's shortest repr: it reads back as the same double)."""
    return Decimal(repr(x)) if isinstance(x, float) else x


def register_model(conn: psycopg.Connection[Any], model_id: str, family: str, code_version: str, dataset_hash: str,
                   features: Sequence[str], params: Mapping[str, Any], artefact_sha256: str,
                   artefact_path: str) -> int:
    """Register a trained model (``api.register_model``); returns its seq in ``ml.model``. Worker or operator.
    PD012 a malformed argument or a model id already registered."""
    seq: int = run(conn, Call(
        "SELECT api.register_model(%s::text, %s::text, %s::text, %s::text, %s::text[], %s::jsonb, %s::text,"
        " %s::text)", (model_id, family, code_version, dataset_hash, list(features),
                       json.dumps(dict(params), sort_keys=True), artefact_sha256, artefact_path), None))
    return seq


def record_trial(conn: psycopg.Connection[Any], family: str, params: Mapping[str, Any], n_obs: int, sharpe: Number,
                 metrics: Mapping[str, Any] | None = None, returns: Sequence[Number] | None = None) -> int:
    """Record one configuration tried in ``family`` (``api.record_trial``): its selection-window Sharpe ratio
    per period over ``n_obs`` periods, informative ``metrics`` and optionally its per-period ``returns`` (time
    order, 4 to 100000; the columns of the family's PBO). Returns the seq in ``ml.trial``. PD012 NaN/±Infinity
    or a malformed argument."""
    seq: int = run(conn, Call(
        "SELECT api.record_trial(%s::text, %s::jsonb, %s::integer, %s::numeric, %s::jsonb, %s::numeric[])",
        (family, json.dumps(dict(params), sort_keys=True), n_obs, _num(sharpe),
         None if metrics is None else json.dumps(dict(metrics), sort_keys=True),
         None if returns is None else [_num(r) for r in returns]), None))
    return seq


def record_fold_metric(conn: psycopg.Connection[Any], model_id: str, kind: str, fold: int, period_from: datetime,
                       period_to: datetime, n_obs: int, mean: Number, std: Number, skew: Number, kurtosis: Number,
                       sharpe: Number, net_return: Number, buy_hold_return: Number, turnover: Number,
                       max_drawdown: Number) -> int:
    """Record a model's out-of-sample figures on one fold (``api.record_fold_metric``): ``kind`` walk_forward (a
    selection fold), holdout (a period after the selection, judged alone by the paper gate) or forward (a paper
    or shadow period); [period_from, period_to); per-period net returns' count, mean, population std, skew,
    kurtosis (not excess), Sharpe = mean/std; total net and buy-and-hold log returns; turnover; max drawdown (a
    fraction). Returns the seq. PD011 unknown model; PD012 out of domain or a fold recorded twice; PD015 a future
    period."""
    seq: int = run(conn, Call(
        "SELECT api.record_fold_metric(%s::text, %s::text, %s::integer, %s::timestamptz, %s::timestamptz,"
        " %s::integer, %s::numeric, %s::numeric, %s::numeric, %s::numeric, %s::numeric, %s::numeric, %s::numeric,"
        " %s::numeric, %s::numeric)",
        (model_id, kind, fold, period_from, period_to, n_obs, _num(mean), _num(std), _num(skew), _num(kurtosis),
         _num(sharpe), _num(net_return), _num(buy_hold_return), _num(turnover), _num(max_drawdown)), None))
    return seq


def record_forward_fold(conn: psycopg.Connection[Any], model_id: str, account: str, period_from: datetime,
                        period_to: datetime) -> int:
    """Record the model's next ``forward`` fold (``api.record_forward_fold``) from its strategy's sync-fed paper run
    on ``account`` over the hour closes [period_from, period_to) (UTC, aligned to the hour, at least two hours; the
    hour before must be closed too). The figures are computed by the database (``ml._forward_figures``: per-hour
    net returns (pnl_t − pnl_{t−1}) / equity_{t−1}, their n, mean, population std, skew, kurtosis, Sharpe; Σ ln(1 + r);
    equal-weight buy-and-hold's log return; mean traded notional / equity; max drawdown), never by the caller.
    Returns the fold's seq in ``ml.fold_metric``. PD011 unknown model or account, or no strategy of the model on it;
    PD012 a live or shadow account, no sync-fed run, an hour not closed, a missing mark, a period overlapping a
    recorded forward fold; PD015 an infinite period or one ending after the wall clock."""
    seq: int = run(conn, Call(
        "SELECT api.record_forward_fold(%s::text, %s::text, %s::timestamptz, %s::timestamptz)",
        (model_id, account, period_from, period_to), None))
    return seq


def evaluate_promotion(conn: psycopg.Connection[Any], model_id: str, lane: str, reason: str) -> Decision:
    """Run the promotion gate on ``model_id`` for ``lane`` (``paper`` or ``live_canary``) and record the decision
    (``api.evaluate_promotion``, operator only: the worker is refused). A pass makes the model its family's
    champion on the lane; a refusal moves nothing. PD011 unknown model; PD012 unknown lane or no reason."""
    decision: Decision = run(conn, Call(
        "SELECT seq, passed, reasons, figures FROM api.evaluate_promotion(%s::text, %s::text, %s::text)",
        (model_id, lane, reason), Decision))
    return decision


# --- reads -------------------------------------------------------------------------------------------------

_MODEL = ("SELECT seq, model_id, family, code_version, dataset_hash, features, params, artefact_sha256, artefact_path,"
          " actor, recorded_at FROM api.models")


def _rows(conn: psycopg.Connection[Any], row: type[Any], sql: str, params: Sequence[Any] = ()) -> list[Any]:
    with conn.cursor(row_factory=class_row(row)) as cur:
        cur.execute(sql, params)
        return cur.fetchall()


def models(conn: psycopg.Connection[Any], family: str | None = None) -> list[Model]:
    """Registered models in registration order (one ``family``, or all; ``api.models``, any login role)."""
    if family is None:
        return _rows(conn, Model, _MODEL + " ORDER BY seq")
    return _rows(conn, Model, _MODEL + " WHERE family = %s ORDER BY seq", (family,))


def model(conn: psycopg.Connection[Any], model_id: str) -> Model | None:
    """The registered model ``model_id`` (``api.models``, any login role), or None."""
    rows = _rows(conn, Model, _MODEL + " WHERE model_id = %s", (model_id,))
    return rows[0] if rows else None


def trials(conn: psycopg.Connection[Any], family: str, *, with_returns: bool = False) -> list[TrialRow]:
    """The family's trials in ledger order (``ml.trial``; operator, auditor; ``returns`` read only when asked: they
    can be 10⁵ numbers)."""
    returns = "returns" if with_returns else "NULL::double precision[] AS returns"
    return _rows(conn, TrialRow, f"SELECT seq, family, params, n_obs, sharpe, metrics, {returns}, actor, recorded_at"
                                 " FROM ml.trial WHERE family = %s ORDER BY seq", (family,))


def trial_counts(conn: psycopg.Connection[Any]) -> dict[str, int]:
    """Trials recorded per family."""
    return {str(f): int(n) for f, n in conn.execute("SELECT family, count(*) FROM ml.trial GROUP BY family")}


def fold_metrics(conn: psycopg.Connection[Any], model_id: str) -> list[FoldMetric]:
    """A model's fold figures (``ml.fold_metric``; operator, auditor): walk_forward, then holdout, then forward
    folds, each by fold number."""
    return _rows(conn, FoldMetric,
                 "SELECT seq, model_id, kind, fold, period_from, period_to, n_obs, mean, std, skew, kurtosis, sharpe,"
                 " net_return, buy_hold_return, turnover, max_drawdown FROM ml.fold_metric WHERE model_id = %s"
                 " ORDER BY kind DESC, fold", (model_id,))


def promotions(conn: psycopg.Connection[Any], *, model_id: str | None = None,
               family: str | None = None) -> list[Promotion]:
    """Decisions of the gate, oldest first (of one model, of one family, or all)."""
    sql = "SELECT seq, model_id, family, lane, passed, reasons, figures, reason, actor, recorded_at FROM ml.promotion"
    if model_id is not None:
        return _rows(conn, Promotion, sql + " WHERE model_id = %s ORDER BY seq", (model_id,))
    if family is not None:
        return _rows(conn, Promotion, sql + " WHERE family = %s ORDER BY seq", (family,))
    return _rows(conn, Promotion, sql + " ORDER BY seq")


def champions(conn: psycopg.Connection[Any]) -> list[Champion]:
    """The champion of every family and lane that has one (``ml.champion``)."""
    return _rows(conn, Champion, "SELECT family, lane, model_id, promotion_seq, actor, recorded_at FROM ml.champion"
                                 " ORDER BY family, lane")


def passed_lanes(conn: psycopg.Connection[Any], model_id: str) -> list[str]:
    """The lanes (``paper``, ``live_canary``) on which ``model_id`` has a passed promotion (operator, auditor)."""
    rows = conn.execute("SELECT DISTINCT lane FROM ml.promotion WHERE model_id = %s AND passed ORDER BY lane",
                        (model_id,)).fetchall()
    return [str(r[0]) for r in rows]


def gate_settings(conn: psycopg.Connection[Any]) -> dict[str, Decimal]:
    """The promotion gate's thresholds in force (``api.settings``, names ``ml_*``)."""
    rows = conn.execute(r"SELECT name, value FROM api.settings WHERE name LIKE 'ml\_%' ORDER BY name").fetchall()
    return {str(n): Decimal(v) for n, v in rows}


def min_slippage_bps(conn: psycopg.Connection[Any]) -> Decimal | None:
    """The operator setting ``ml_min_slippage_bps`` in force (``api.settings``; any login role): the least slippage,
    in basis points of notional per change of position, a model's out-of-sample figures may assume (the promotion
    gate refuses less: costs_understated). None when unset."""
    row = conn.execute("SELECT value FROM api.settings WHERE name = 'ml_min_slippage_bps'").fetchone()
    return None if row is None else Decimal(row[0])


@dataclass(frozen=True)
class DriftSettings:
    """The retraining job's drift rule in force (operator settings, docs/ml.md "Retraining"): ``psi_threshold``
    (``ml_drift_psi_threshold``; a caller may go lower, never higher), ``ks_alpha`` (``ml_drift_ks_alpha``) and
    ``hit_rate_alpha`` (``ml_drift_hit_rate_alpha``; a caller may go higher, never lower). None for a setting
    that is unset."""

    psi_threshold: Decimal | None
    ks_alpha: Decimal | None
    hit_rate_alpha: Decimal | None


def drift_settings(conn: psycopg.Connection[Any]) -> DriftSettings:
    """The drift settings in force (``api.settings``, names ``ml_drift_*``; any login role)."""
    rows = dict(conn.execute(r"SELECT name, value FROM api.settings WHERE name LIKE 'ml\_drift\_%'").fetchall())

    def get(name: str) -> Decimal | None:
        v = rows.get(name)
        return None if v is None else Decimal(v)

    return DriftSettings(get("ml_drift_psi_threshold"), get("ml_drift_ks_alpha"), get("ml_drift_hit_rate_alpha"))
