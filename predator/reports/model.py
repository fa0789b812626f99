"""A model's report (issue 19 item 8): ``predator ml report MODEL_ID --out file.html``.

Read as the auditor from the registry (the model through ``api.models``; ``ml.trial``, ``ml.fold_metric``,
``ml.promotion``, ``ml.champion``): the fold metrics (selection walk-forward folds and hold-out folds, net of fees),
the equity curves of the out-of-sample returns — the selected trial's walk-forward returns over the selection window
(its ``ml.trial.returns``) and the hold-out years, recomputed from the artefact on the dataset the registry names
after checking the artefact's sha256 and the dataset hash (when the artefact is absent or a hash differs, the report
says so and shows no hold-out curve) — the figures of the gate's decisions (DSR, SR0, PBO, thresholds), LightGBM
gain importance read from the artefact, and the lineage (code version, dataset hash, artefact sha256 and path).
Rendered with Jinja2 (``reports/templates/model.html.j2``), charts as inline SVG (matplotlib, Agg), as
:mod:`predator.reports.report` does.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jinja2
import numpy as np
import psycopg

from predator.db import ml_api
from predator.db.connection import Target
from predator.errors import NotFoundError, PredatorError
from predator.reports.report import TEMPLATES, _num, _pct, _svg

ANNUAL = math.sqrt(8760)


@dataclass(frozen=True)
class Curve:
    """An equity curve: hours (UTC datetimes, the decision hours) and compounded net equity from 1; buy-and-hold's
    on the same hours when known."""

    label: str
    hours: tuple[datetime, ...]
    equity: tuple[float, ...]
    buy_hold: tuple[float, ...] | None


@dataclass(frozen=True)
class ModelReport:
    """Everything the template shows."""

    model: ml_api.Model
    trials: tuple[ml_api.TrialRow, ...]
    folds: tuple[ml_api.FoldMetric, ...]
    promotions: tuple[ml_api.Promotion, ...]
    champions: tuple[ml_api.Champion, ...]
    curves: tuple[Curve, ...]
    holdout_note: str
    importance: tuple[tuple[str, float, float], ...]  # feature, gain, share of total gain
    importance_note: str


def _importance(path: Path) -> tuple[tuple[tuple[str, float, float], ...], str]:
    import lightgbm as lgb

    booster = lgb.Booster(model_file=str(path))
    gains = np.asarray(booster.feature_importance(importance_type="gain"), dtype=np.float64)
    names = list(booster.feature_name())
    total = float(gains.sum()) or 1.0
    rows = sorted(zip(names, gains.tolist(), strict=True), key=lambda x: -x[1])
    return tuple((n, float(g), float(g) / total) for n, g in rows), ""


def collect(conn: psycopg.Connection[Any], model_id: str) -> ModelReport:
    """Read the model's record and recompute its curves. NotFoundError for an unknown model."""
    from predator.ml.dataset import HOUR, load_dataset
    from predator.ml.registry import evaluate_registered, sha256_of, spec_from_params

    row = ml_api.model(conn, model_id)
    if row is None:
        raise NotFoundError(f"no model {model_id} in the registry (predator ml list)")
    trials = ml_api.trials(conn, row.family, with_returns=True)
    folds = ml_api.fold_metrics(conn, model_id)
    curves: list[Curve] = []
    selected = next((t for t in trials if t.metrics.get("model_id") == model_id and t.metrics.get("selected")), None)
    sel_folds = [f for f in folds if f.kind == "walk_forward"]
    if selected is not None and selected.returns and sel_folds:
        # the trial's returns are its folds' hours in order; the folds' hours are rebuilt from the recorded periods
        hours: list[datetime] = []
        for f in sel_folds:
            first = int(f.period_from.timestamp()) // HOUR
            hours += [datetime.fromtimestamp((first + k) * HOUR, UTC) for k in range(f.n_obs)]
        r = np.asarray(selected.returns, dtype=np.float64)
        if r.size == len(hours):
            curves.append(Curve("selection walk-forward folds (selected trial)", tuple(hours),
                                tuple(np.cumprod(1.0 + r).tolist()), None))
    note = ""
    path = Path(row.artefact_path)
    importance: tuple[tuple[str, float, float], ...] = ()
    imp_note = ""
    if not path.exists():
        note = imp_note = f"the artefact is not at {path}: no hold-out curve and no feature importance"
    elif sha256_of(path) != row.artefact_sha256:
        note = imp_note = f"the file at {path} does not hash to the registered sha256: not shown"
    else:
        importance, imp_note = _importance(path)
        try:
            ds = load_dataset(conn, spec_from_params(row.params))
            for fs in evaluate_registered(conn, row, ds):
                curves.append(Curve(f"hold-out fold {fs.fold}",
                                    tuple(datetime.fromtimestamp(int(h) * HOUR, UTC) for h in fs.hours),
                                    tuple(np.cumprod(1.0 + fs.returns).tolist()),
                                    tuple(np.cumprod(1.0 + fs.buy_hold).tolist())))
        except (PredatorError, KeyError) as e:
            note = f"the hold-out could not be recomputed: {e}"
    champions = tuple(c for c in ml_api.champions(conn) if c.family == row.family)
    return ModelReport(row, tuple(trials), tuple(folds), tuple(ml_api.promotions(conn, model_id=model_id)), champions,
                       tuple(curves), note, importance, imp_note)


def chart(d: ModelReport) -> str:
    """One SVG: each curve's compounded net equity (hold-out years chained one after the other), buy-and-hold
    dashed where known; empty when there is no curve."""
    if not d.curves:
        return ""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams["svg.hashsalt"] = "predator"
    fig, ax = plt.subplots(figsize=(10, 4))
    for c in d.curves:
        x: list[Any] = list(c.hours)
        line = ax.plot(x, c.equity, linewidth=1.0, label=c.label)
        if c.buy_hold is not None:
            ax.plot(x, c.buy_hold, linewidth=0.8, linestyle="--", color=line[0].get_color(), alpha=0.6,
                    label=f"{c.label}: buy and hold")
    ax.axhline(1.0, color="#555555", linewidth=0.6)
    ax.set_ylabel("equity (net of fees, from 1 per fold)")
    ax.legend(loc="upper left", fontsize=7)
    ax.grid(alpha=0.3)
    fig.autofmt_xdate()
    fig.tight_layout()
    svg = _svg(fig)
    plt.close(fig)
    return svg


def html(d: ModelReport) -> str:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)),
                             autoescape=jinja2.select_autoescape(["html"]), trim_blocks=True, lstrip_blocks=True,
                             undefined=jinja2.StrictUndefined)
    env.filters["num"] = _num
    env.filters["pct"] = _pct
    env.filters["ts"] = lambda t: "" if t is None else t.strftime("%Y-%m-%d %H:%M")
    env.filters["annual"] = lambda v: "—" if v is None else f"{float(v) * ANNUAL:+.2f}"
    env.filters["fig"] = lambda v: "—" if v is None else (f"{v:.4g}" if isinstance(v, float) else str(v))
    return env.get_template("model.html.j2").render(d=d, m=d.model, chart=chart(d),
                                                    title=f"Predator model report — {d.model.model_id}")


def render(target: Target, model_id: str, out: Path) -> Path:
    """Write ``model_id``'s report to ``out`` (HTML); returns the path."""
    with target.connect("auditor") as conn:
        data = collect(conn, model_id)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(html(data))
    return out
