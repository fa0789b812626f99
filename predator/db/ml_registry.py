"""The model registry's doors and reads (schema ``ml``, migration 0043; docs/ml.md "Registry and promotion gate" and
"Inference"): register a model, record its trials and folds, run the promotion gate (operator), and read a
registered model back (``api.models``, any login role) — what a model strategy loads and checks at start.

The caller owns the transaction. Refusals are :class:`~predator.errors.DatabaseRefusal` subclasses (PD011 an
unknown model, PD012 a malformed or duplicate record, PD015 a period ending after the wall clock).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

import psycopg
from psycopg.rows import class_row
from psycopg.types.json import Jsonb

from predator.db.api import translated


@dataclass(frozen=True)
class RegisteredModel:
    """A row of ``ml.model`` as ``api.models`` shows it: the model id, family, the commit that trained it
    (``code_version``), the dataset hash of its training data (``api.dataset_hash``, 64 hex), its features in the
    order the model reads them, its parameters, the sha256 of its artefact (64 hex) and the artefact's path."""

    model_id: str
    family: str
    code_version: str
    dataset_hash: str
    features: list[str]
    params: dict[str, Any]
    artefact_sha256: str
    artefact_path: str
    recorded_at: datetime


@dataclass(frozen=True)
class TrialRow:
    """A row of ``ml.trial`` (operator, auditor): a configuration tried in ``family``, in ledger order."""

    seq: int
    family: str
    params: dict[str, Any]
    n_obs: int
    sharpe: float
    metrics: dict[str, Any]
    returns: list[float] | None


@dataclass(frozen=True)
class FoldRow:
    """A row of ``ml.fold_metric`` (operator, auditor): one fold's out-of-sample figures of a model."""

    model_id: str
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


@dataclass(frozen=True)
class PromotionDecision:
    """What ``api.evaluate_promotion`` decided: its ``ml.promotion`` seq, passed, reason codes, figures."""

    seq: int
    passed: bool
    reasons: list[str]
    figures: dict[str, Any]


def model(conn: psycopg.Connection[Any], model_id: str) -> RegisteredModel | None:
    """The registered model ``model_id`` (``api.models``), or None. Any login role."""
    with conn.cursor(row_factory=class_row(RegisteredModel)) as cur:
        cur.execute("SELECT model_id, family, code_version, dataset_hash, features, params, artefact_sha256,"
                    " artefact_path, recorded_at FROM api.models WHERE model_id = %s", (model_id,))
        return cur.fetchone()


def trials(conn: psycopg.Connection[Any], family: str) -> list[TrialRow]:
    """The family's trial ledger in order (``ml.trial``; operator or auditor)."""
    with conn.cursor(row_factory=class_row(TrialRow)) as cur:
        cur.execute("SELECT seq, family, params, n_obs, sharpe, metrics, returns::float8[] AS returns"
                    " FROM ml.trial WHERE family = %s ORDER BY seq", (family,))
        return cur.fetchall()


def folds(conn: psycopg.Connection[Any], model_id: str) -> list[FoldRow]:
    """The model's fold metrics in recording order (``ml.fold_metric``; operator or auditor)."""
    with conn.cursor(row_factory=class_row(FoldRow)) as cur:
        cur.execute("SELECT model_id, kind, fold, period_from, period_to, n_obs, mean, std, skew, kurtosis, sharpe,"
                    " net_return, buy_hold_return, turnover, max_drawdown FROM ml.fold_metric WHERE model_id = %s"
                    " ORDER BY seq", (model_id,))
        return cur.fetchall()


def passed_lanes(conn: psycopg.Connection[Any], model_id: str) -> list[str]:
    """The lanes (``paper``, ``live_canary``) on which ``model_id`` has a passed promotion (operator, auditor)."""
    rows = conn.execute("SELECT DISTINCT lane FROM ml.promotion WHERE model_id = %s AND passed ORDER BY lane",
                        (model_id,)).fetchall()
    return [str(r[0]) for r in rows]


def register_model(conn: psycopg.Connection[Any], *, model_id: str, family: str, code_version: str,
                   dataset_hash: str, features: Sequence[str], params: dict[str, Any], artefact_sha256: str,
                   artefact_path: str) -> int:
    """``api.register_model`` (worker, operator): the model's seq in ``ml.model``."""
    with translated():
        row = conn.execute("SELECT api.register_model(%s, %s, %s, %s, %s::text[], %s, %s, %s)",
                           (model_id, family, code_version, dataset_hash, list(features), Jsonb(params),
                            artefact_sha256, artefact_path)).fetchone()
    assert row is not None
    return int(row[0])


def _num(x: Decimal | float) -> Decimal:
    return Decimal(repr(x)) if isinstance(x, float) else x


def record_trial(conn: psycopg.Connection[Any], *, family: str, params: dict[str, Any], n_obs: int,
                 sharpe: Decimal | float, metrics: dict[str, Any] | None = None,
                 returns: Sequence[Decimal | float] | None = None) -> int:
    """``api.record_trial`` (worker, operator): the trial's seq in ``ml.trial``. ``sharpe`` per period."""
    with translated():
        row = conn.execute("SELECT api.record_trial(%s, %s, %s, %s::numeric, %s, %s::numeric[])",
                           (family, Jsonb(params), n_obs, _num(sharpe), None if metrics is None else Jsonb(metrics),
                            None if returns is None else [_num(r) for r in returns])).fetchone()
    assert row is not None
    return int(row[0])


def record_fold_metric(conn: psycopg.Connection[Any], *, model_id: str, kind: str, fold: int,
                       period_from: datetime, period_to: datetime, n_obs: int, mean: Decimal | float,
                       std: Decimal | float, skew: Decimal | float, kurtosis: Decimal | float,
                       sharpe: Decimal | float, net_return: Decimal | float, buy_hold_return: Decimal | float,
                       turnover: Decimal | float, drawdown: Decimal | float) -> int:
    """``api.record_fold_metric`` (worker, operator): the fold's seq in ``ml.fold_metric``. Figures per period,
    net of costs; ``kurtosis`` not excess; ``sharpe`` = mean/std (the database checks it)."""
    with translated():
        row = conn.execute(
            "SELECT api.record_fold_metric(%s, %s, %s, %s, %s, %s, %s::numeric, %s::numeric, %s::numeric,"
            " %s::numeric, %s::numeric, %s::numeric, %s::numeric, %s::numeric, %s::numeric)",
            (model_id, kind, fold, period_from, period_to, n_obs, _num(mean), _num(std), _num(skew), _num(kurtosis),
             _num(sharpe), _num(net_return), _num(buy_hold_return), _num(turnover), _num(drawdown))).fetchone()
    assert row is not None
    return int(row[0])


def evaluate_promotion(conn: psycopg.Connection[Any], model_id: str, lane: str, reason: str) -> PromotionDecision:
    """``api.evaluate_promotion`` (operator only): the gate's decision for ``lane`` (``paper``, ``live_canary``)."""
    with translated(), conn.cursor(row_factory=class_row(PromotionDecision)) as cur:
        cur.execute("SELECT seq, passed, reasons, figures FROM api.evaluate_promotion(%s, %s, %s)",
                    (model_id, lane, reason))
        out = cur.fetchone()
    assert out is not None
    return out


def gate_settings(conn: psycopg.Connection[Any]) -> dict[str, Decimal]:
    """The promotion gate's thresholds in force (``api.settings``, names ``ml_*``)."""
    rows = conn.execute(r"SELECT name, value FROM api.settings WHERE name LIKE 'ml\_%' ORDER BY name").fetchall()
    return {str(n): Decimal(v) for n, v in rows}
