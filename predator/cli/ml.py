"""``predator ml``: the model lane from the command line (docs/cli.md "predator ml", docs/ml.md).

``ml train`` trains a family on a dataset of the shared candles and records each model in the registry as the
worker (model, every trial, the selection walk-forward folds); ``ml evaluate`` measures a registered model on the
hold-out years after its selection end (2023–2024 by default), which training and selection never read, and
records them as folds of kind ``holdout`` (worker); ``ml promote`` runs the promotion gate
(``api.evaluate_promotion``) as the operator — it judges the hold-out alone and refuses a model without one
(``no_holdout``); ``ml forward`` records a model's forward fold from its sync-fed paper book, the figures computed
by the database (``api.record_forward_fold``, worker) and printed as recorded (auditor); ``ml retrain`` runs the
retraining job (:class:`predator.ml.retrain.RetrainJob`) once or on a schedule, recording each candidate as the
worker (a candidate never promotes itself); ``ml list`` shows models, trial counts, champions and the last decision
(auditor); ``ml report`` renders a model's HTML report (auditor)."""

from __future__ import annotations

import math
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import click
from apscheduler.triggers.base import BaseTrigger

from predator import config
from predator.cli import main
from predator.db import ml_api
from predator.db.connection import default_target
from predator.errors import NotFoundError
from predator.ml.registry import FoldRecord
from predator.progress import Progress

#: √(hours a year): per-hour Sharpe ratios are shown annualised by it (a market open every hour).
ANNUAL = math.sqrt(8760)


def _day(value: str) -> datetime:
    try:
        return datetime.fromisoformat(value).replace(tzinfo=UTC)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a UTC day, e.g. 2023-01-01") from None


def _symbols(value: str) -> tuple[str, ...]:
    out = tuple(sorted({s.strip().upper() for s in value.split(",") if s.strip()}))
    if not out or any("/" not in s for s in out):
        raise click.BadParameter(f"{value!r} is not a comma-separated list of symbols like BTC/USDT,ETH/USDT")
    return out


@main.group()
def ml() -> None:
    """The model lane: train, evaluate on the hold-out, promote through the gate, list, report (docs/ml.md)."""


@ml.command("train")
@click.option("--family", type=click.Choice(["lgbm_tb"]), default="lgbm_tb", show_default=True,
              help="The model family (its trials: LGBM_TB_TRIALS; the only family shipped, so a typo is refused"
                   " rather than registered as a new family).")
@click.option("--venue", default="binance", show_default=True)
@click.option("--symbols", default="BTC/USDT,ETH/USDT", show_default=True, help="Comma-separated symbols.")
@click.option("--scope", "scopes", multiple=True,
              help="A symbol (per-coin model) or 'global'; repeatable (default: every symbol and global).")
@click.option("--start", default="2019-01-01", show_default=True, help="First bar's open time (UTC day).")
@click.option("--selection-end", default="2023-01-01", show_default=True,
              help="Training and selection read only labels that end before this day; the hold-out starts here.")
@click.option("--end", default="2025-01-01", show_default=True, help="End of the dataset (exclusive, UTC day).")
@click.option("--groups", type=click.IntRange(3, 50), default=5, show_default=True,
              help="Walk-forward groups (groups - 1 folds).")
@click.option("--embargo", type=click.IntRange(0, 10_000), default=24, show_default=True, help="Embargo, hours.")
@click.option("--out-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Where the artefacts are written (default PREDATOR_HOME/models).")
def train_cmd(family: str, venue: str, symbols: str, scopes: tuple[str, ...], start: str, selection_end: str,
              end: str, groups: int, embargo: int, out_dir: Path | None) -> None:
    """Train FAMILY per scope on the dataset [START, END) of SYMBOLS, selecting on labels that end before
    SELECTION_END, and record each model in the registry (model, every trial, the selection folds).

    Exit 4 (refused by the database) when a model with the same id, i.e. the same artefact, is already
    registered: nothing of it is recorded again."""
    from predator.ml.dataset import HOUR, DatasetSpec, load_dataset
    from predator.ml.registry import record_model
    from predator.ml.train import LGBM_TB_TRIALS, train_family

    syms = _symbols(symbols)
    t0, sel, t1 = _day(start), _day(selection_end), _day(end)
    if not t0 < sel < t1:
        raise click.BadParameter("--start < --selection-end < --end is required")
    chosen = list(scopes) or [*syms, "global"]
    for s in chosen:
        if s != "global" and s.upper() not in syms:
            raise click.BadParameter(f"scope {s!r} is neither 'global' nor one of --symbols {','.join(syms)}")
    out = out_dir or (config.home() / "models")
    target = default_target()
    with target.connect("worker") as conn:
        ds = load_dataset(conn, DatasetSpec(venue, syms, t0, t1))
        click.echo(f"dataset {ds.dataset_hash[:16]}… {venue} {','.join(syms)} [{t0:%Y-%m-%d}, {t1:%Y-%m-%d}), "
                   f"{sum(len(b) for b in ds.bars)} bars; selection before {sel:%Y-%m-%d}; taker fee "
                   f"{ds.taker_fee_bps:g} bps{'' if ds.fee_from_db else ' (default: none in the database)'}, slippage "
                   f"{ds.min_slippage_bps:g} bps{'' if ds.slippage_from_db else ' (default: none in the database)'}")
        with Progress(len(chosen), f"ml train {family}", unit="model") as bar:
            for scope in chosen:
                scope = scope if scope == "global" else scope.upper()
                model = train_family(ds, scope=scope, out_dir=out, family=family, trials=LGBM_TB_TRIALS,
                                     selection_end=int(sel.timestamp()) // HOUR, n_groups=groups, embargo=embargo)
                rec = record_model(conn, model, ds)
                conn.commit()  # each model is recorded on its own: a later refusal does not undo it
                bar.update(1, note=scope)
                best = next(t for t in model.trials if t.trial == model.selected_trial)
                click.echo(f"{model.model_id}  family {rec.family}: {len(model.trials)} trials recorded, selected "
                           f"{model.selected_trial} (walk-forward Sharpe {best.sharpe * ANNUAL:+.2f} a year over "
                           f"{len(rec.folds)} folds), artefact {model.path}")


def _fold_line(f: ml_api.FoldMetric | FoldRecord) -> str:
    return (f"  {f.kind} fold {f.fold:>3} {f.period_from:%Y-%m-%d} .. {f.period_to:%Y-%m-%d}  n {f.n_obs:>5}  Sharpe "
            f"{f.sharpe * ANNUAL:+6.2f}/y  net {f.net_return:+.4f}  buy&hold {f.buy_hold_return:+.4f}  "
            f"turnover {f.turnover:.3f}  max dd {f.max_drawdown:.3f}")


@ml.command("evaluate")
@click.argument("model_id")
@click.option("--no-record", is_flag=True, help="Measure and print only; record nothing.")
def evaluate_cmd(model_id: str, no_record: bool) -> None:
    """Measure MODEL_ID on the hold-out years after its selection end (never read by its training or selection)
    and record them as folds of kind holdout, 0, 1, … (one per calendar year): what the promotion gate judges.
    Already recorded: prints them."""
    from predator.ml.dataset import load_dataset
    from predator.ml.registry import evaluate_registered, record_holdout, spec_from_params

    target = default_target()
    with target.connect("auditor") as conn:
        row = ml_api.model(conn, model_id)
        if row is None:
            raise NotFoundError(f"no model {model_id} in the registry (predator ml list)")
        recorded = [f for f in ml_api.fold_metrics(conn, model_id) if f.kind == "holdout"]
    if recorded:
        click.echo(f"{model_id}: the hold-out is already recorded")
        for f in recorded:
            click.echo(_fold_line(f))
        return
    with target.connect("worker") as conn:
        with Progress(2, f"ml evaluate {model_id}", unit="step") as bar:
            ds = load_dataset(conn, spec_from_params(row.params))
            bar.update(1, note="dataset")
            folds = evaluate_registered(conn, row, ds)
            bar.update(1, note="hold-out")
        if not folds:
            raise NotFoundError(f"model {model_id} has no hold-out hours in its dataset (it ends at its selection end)")
        records = [f.record("holdout") for f in folds] if no_record else list(record_holdout(conn, model_id, folds))
        conn.commit()
    v = row.params["validation"]
    click.echo(f"{model_id}: hold-out {'measured (not recorded)' if no_record else 'recorded'}, net of "
               f"{v['fee_bps']:g} bps taker fee and {float(v.get('slippage_bps', 0.0)):g} bps slippage")
    for r in records:
        click.echo(_fold_line(r))


@ml.command("promote")
@click.argument("model_id")
@click.option("--lane", type=click.Choice(["paper", "live_canary"]), default="paper", show_default=True)
@click.option("--reason", required=True, help="Why the operator asks (kept with the decision and in the audit log).")
def promote_cmd(model_id: str, lane: str, reason: str) -> None:
    """Run the promotion gate (api.evaluate_promotion, as the operator) on MODEL_ID for LANE and print the
    decision: passed, or the reason codes. The gate judges the hold-out (predator ml evaluate) alone, the
    selection folds reported; a model without a hold-out is refused (no_holdout). The decision is recorded either
    way; only a pass moves the champion.

    Exit 0 passed, 1 refused by the gate, 5 unknown model."""
    target = default_target()
    with target.connect("operator") as conn:
        row = ml_api.model(conn, model_id)
        if row is None:
            raise NotFoundError(f"no model {model_id} in the registry (predator ml list)")
        with conn.transaction():
            d = ml_api.evaluate_promotion(conn, model_id, lane, reason)
        champion = next((c.model_id for c in ml_api.champions(conn) if c.family == row.family and c.lane == lane),
                        None)
    fig = d.figures
    click.echo(f"{model_id} -> {lane}: {'PASSED' if d.passed else 'REFUSED'} (promotion {d.seq})")
    for code in d.reasons:
        click.echo(f"  reason: {code}")
    if "no_holdout" in d.reasons:
        click.echo(f"  the hold-out is not recorded: predator ml evaluate {model_id}")
    click.echo("  judged (hold-out): " + "  ".join(f"{k} {_fig(fig.get(k))}" for k in (
        "holdout_folds", "holdout_n_obs", "holdout_sharpe", "holdout_net_return", "holdout_buy_hold_return", "trials",
        "expected_max_sharpe", "dsr", "min_confidence", "pbo", "pbo_max", "max_drawdown", "turnover")))
    click.echo("  reported (selection folds): " + "  ".join(f"{k} {_fig(fig.get(k))}" for k in (
        "oos_folds", "oos_n_obs", "oos_sharpe", "oos_net_return", "oos_buy_hold_return")))
    click.echo(f"  champion of {row.family} on {lane}: {champion or 'none'}")
    if not d.passed:
        sys.exit(1)


@ml.command("forward")
@click.option("--model", "model_id", required=True, help="The registered model whose strategy ran on the account.")
@click.option("--account", required=True, help="The sync-fed paper account the model strategy ran on.")
@click.option("--from", "period_from", required=True, help="First hour close of the period, YYYY-MM-DD[THH] (UTC).")
@click.option("--to", "period_to", required=True, help="End of the period (exclusive), YYYY-MM-DD[THH] (UTC).")
def forward_cmd(model_id: str, account: str, period_from: str, period_to: str) -> None:
    """Record MODEL's next forward fold from its strategy's sync-fed paper run on ACCOUNT over the hour closes
    [--from, --to) (api.record_forward_fold, as the worker): the database computes the figures from the book — hourly
    net returns of the strategy on the book's equity, their moments and Sharpe ratio, net and buy-and-hold log
    returns, turnover, max drawdown (docs/ml.md "Forward folds") — and the promotion gate counts its hours as the
    track record live_canary needs. Prints the recorded fold.

    Exit 0 recorded, 2 a malformed time, 4 refused by the database (a live or shadow account, a run over stored
    history, an hour not closed, an overlap with a recorded forward fold, …), 5 unknown model or account."""
    start, end = _when(period_from), _when(period_to)
    target = default_target()
    with target.connect("worker") as conn, conn.transaction():
        seq = ml_api.record_forward_fold(conn, model_id, account, start, end)
    with target.connect("auditor") as conn:
        fold = next(f for f in ml_api.fold_metrics(conn, model_id) if f.seq == seq)
    click.echo(f"{model_id}: forward fold {fold.fold} recorded from {account} (seq {seq}), "
               f"{fold.period_from:%Y-%m-%dT%H} .. {fold.period_to:%Y-%m-%dT%H}")
    click.echo(_fold_line(fold))
    click.echo(f"  per hour: mean {fold.mean:+.6g}  std {fold.std:.6g}  skew {fold.skew:+.4g}  kurtosis "
               f"{fold.kurtosis:.4g}  Sharpe {fold.sharpe:+.4g}")


def _fig(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    return "-" if value is None else str(value)


@ml.command("retrain")
@click.option("--scope", default="global", show_default=True, help="A symbol (per-coin model) or 'global'.")
@click.option("--family", type=click.Choice(["lgbm_tb"]), default="lgbm_tb", show_default=True,
              help="The model family (its trials: LGBM_TB_TRIALS; the only family shipped, so a typo is refused"
                   " rather than registered as a new family).")
@click.option("--venue", default="binance", show_default=True)
@click.option("--symbols", default="BTC/USDT,ETH/USDT", show_default=True, help="Comma-separated symbols.")
@click.option("--hours", type=click.IntRange(200, 200_000), default=24 * 730, show_default=True,
              help="The window: the last HOURS closed hourly bars.")
@click.option("--end", default=None,
              help="The window's end (UTC day or time, exclusive), with --once only; default the wall clock.")
@click.option("--mode", type=click.Choice(["drift", "schedule"]), default="drift", show_default=True,
              help="drift: train only when a feature drifted; schedule: train every run.")
@click.option("--recent-hours", type=click.IntRange(24, 100_000), default=24 * 30, show_default=True,
              help="The recent part of the window compared with the rest for drift.")
@click.option("--holdout-hours", type=click.IntRange(0, 100_000), default=0, show_default=True,
              help="The window's last hours kept out of training and selection: the hold-out predator ml evaluate "
                   "measures and the gate judges (0: none, and the gate refuses the candidate: no_holdout).")
@click.option("--groups", type=click.IntRange(3, 50), default=5, show_default=True,
              help="Walk-forward groups (groups - 1 folds).")
@click.option("--embargo", type=click.IntRange(0, 10_000), default=24, show_default=True, help="Embargo, hours.")
@click.option("--min-train", type=click.IntRange(10, 10_000_000), default=500, show_default=True,
              help="Fewest training samples of a walk-forward fold.")
@click.option("--out-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Where the artefacts are written (default PREDATOR_HOME/models).")
@click.option("--psi-threshold", type=click.FloatRange(0, 10, min_open=True), default=None,
              help="Own PSI threshold, at most the setting ml_drift_psi_threshold in force (default: the setting).")
@click.option("--ks-alpha", type=click.FloatRange(0, 1, min_open=True, max_open=True), default=None,
              help="Own KS level, at least the setting ml_drift_ks_alpha in force (default: the setting).")
@click.option("--once", is_flag=True, help="Run once now and exit (otherwise run on --cron until interrupted).")
@click.option("--cron", "cron_expr", default="10 0 * * *", show_default=True,
              help="When to run, crontab fields in UTC (without --once).")
def retrain_cmd(scope: str, family: str, venue: str, symbols: str, hours: int, end: str | None, mode: str,
                recent_hours: int, holdout_hours: int, groups: int, embargo: int, min_train: int,
                out_dir: Path | None, psi_threshold: float | None, ks_alpha: float | None, once: bool,
                cron_expr: str) -> None:
    """Run the retraining job (predator.ml.retrain.RetrainJob) once (--once) or on a schedule (--cron): load the
    last HOURS hours of SYMBOLS, check the features for drift, and when due (--mode) train a candidate of FAMILY on
    SCOPE and record it in the registry as the worker (model, every trial, the selection folds:
    predator.ml.registry.record_model). A candidate never promotes itself: the worker is refused the gate;
    predator ml evaluate measures its hold-out (--holdout-hours) and the operator judges it (predator ml promote).
    The drift thresholds are the operator settings ml_drift_* (read each run); --psi-threshold and --ks-alpha may
    be stricter, never looser (a usage error).

    Exit 4 when the candidate is already registered (the same artefact: nothing recorded again)."""
    from predator.ml.dataset import Dataset, load_dataset
    from predator.ml.drift import DriftRule
    from predator.ml.registry import record_model
    from predator.ml.retrain import RetrainConfig, RetrainJob, cron, latest_window_spec
    from predator.ml.train import TrainedModel

    syms = _symbols(symbols)
    scope = scope if scope == "global" else scope.upper()
    if scope != "global" and scope not in syms:
        raise click.BadParameter(f"scope {scope!r} is neither 'global' nor one of --symbols {','.join(syms)}")
    if end is not None and not once:
        raise click.UsageError("--end fixes the window: it goes with --once")
    if recent_hours >= hours or holdout_hours >= hours:
        raise click.UsageError("--recent-hours and --holdout-hours must be shorter than the window (--hours)")
    at = _when(end) if end is not None else None
    schedule = _cron(cron_expr, cron)  # checked with --once too: a bad --cron is bad input whether or not it is used
    trigger = None if once else schedule
    target = default_target()
    loaded: dict[str, Dataset] = {}

    def load() -> Dataset:
        with target.connect("worker") as conn:
            ds = load_dataset(conn, latest_window_spec(venue, syms, hours, at))
        loaded["ds"] = ds
        return ds

    def rule() -> DriftRule:
        with target.connect("worker") as conn:
            s = ml_api.drift_settings(conn)
        return DriftRule.in_force(s.psi_threshold, s.ks_alpha, s.hit_rate_alpha)

    try:
        rule().stricter(psi_threshold, ks_alpha)
    except ValueError as e:
        raise click.UsageError(str(e)) from None

    def record(candidate: TrainedModel) -> int:
        with target.connect("worker") as conn:
            rec = record_model(conn, candidate, loaded["ds"])
            conn.commit()
        return rec.model_seq

    cfg = RetrainConfig(scope=scope, out_dir=out_dir or (config.home() / "models"), family=family,
                        mode="schedule" if mode == "schedule" else "drift", recent_hours=recent_hours,
                        n_groups=groups, embargo=embargo, min_train=min_train, holdout_hours=holdout_hours,
                        psi_threshold=psi_threshold, ks_alpha=ks_alpha)
    job = RetrainJob(load, record, cfg, rule=rule)
    if trigger is None:
        out = job.run()
        ds = loaded["ds"]
        click.echo(f"window {ds.spec.start:%Y-%m-%d %H:%M} .. {ds.spec.end:%Y-%m-%d %H:%M} UTC, "
                   f"{sum(len(b) for b in ds.bars)} bars, dataset {ds.dataset_hash[:16]}…")
        drifted = out.drift.drifted_features
        click.echo(f"trigger {out.trigger}: max PSI {out.drift.max_psi:.3f} ({out.drift.n_reference} reference, "
                   f"{out.drift.n_recent} recent rows), drifted {','.join(drifted) if drifted else 'none'}")
        if out.candidate is None:
            click.echo("nothing trained")
            return
        click.echo(f"candidate {out.candidate.model_id} recorded (model seq {out.record_id}), artefact "
                   f"{out.candidate.path}; not judged: predator ml evaluate {out.candidate.model_id}, then the "
                   "operator's predator ml promote")
        return
    from apscheduler.schedulers.blocking import BlockingScheduler

    scheduler = BlockingScheduler(timezone=UTC)
    job.schedule(scheduler, trigger)
    click.echo(f"retraining {family} {scope} on '{cron_expr}' (UTC), mode {mode}; Ctrl-C stops")
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        click.echo("stopped")
    finally:
        if scheduler.running:
            scheduler.shutdown(wait=False)


def _when(value: str) -> datetime:
    try:
        t = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a UTC day or time, e.g. 2023-01-01 or 2023-01-01T12:00") from None
    return t.replace(tzinfo=UTC) if t.tzinfo is None else t.astimezone(UTC)


def _cron(expression: str, make: Callable[[str], BaseTrigger]) -> BaseTrigger:
    try:
        return make(expression)
    except ValueError as e:
        raise click.BadParameter(f"{expression!r} is not a crontab expression ({e}); give five fields, minute hour "
                                 "day month weekday, in UTC, e.g. '10 0 * * *'", param_hint="'--cron'") from None


@ml.command("list")
@click.option("--family", default=None, help="One registry family (e.g. lgbm_tb:global).")
def list_cmd(family: str | None) -> None:
    """Registered models: family, folds (selection + hold-out, and forward when any), the family's trial count,
    the last decision; then the champions."""
    with default_target().connect("auditor") as conn:
        rows = ml_api.models(conn, family)
        counts = ml_api.trial_counts(conn)
        decisions = ml_api.promotions(conn, family=family)
        folds = {m.model_id: ml_api.fold_metrics(conn, m.model_id) for m in rows}
        champs = [c for c in ml_api.champions(conn) if family is None or c.family == family]
    if not rows:
        click.echo("no models registered (predator ml train)")
    for m in rows:
        fs = folds[m.model_id]
        last = next((p for p in reversed(decisions) if p.model_id == m.model_id), None)
        verdict = "never judged" if last is None else (
            f"{last.lane} {'passed' if last.passed else 'refused: ' + ','.join(last.reasons)} "
            f"({last.recorded_at:%Y-%m-%d %H:%M})")
        kinds = [f.kind for f in fs]
        forward = f"+{kinds.count('forward')} forward" if "forward" in kinds else ""
        click.echo(f"{m.model_id:<44} {m.family:<22} trials {counts.get(m.family, 0):>3}  folds "
                   f"{kinds.count('walk_forward')}+{kinds.count('holdout')} hold-out{forward}  "
                   f"{m.recorded_at:%Y-%m-%d %H:%M}  last decision: {verdict}")
    for c in champs:
        click.echo(f"champion {c.family} {c.lane}: {c.model_id} (promotion {c.promotion_seq}, "
                   f"{c.recorded_at:%Y-%m-%d %H:%M})")
    if rows and not champs:
        click.echo("no champion")


@ml.command("report")
@click.argument("model_id")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="The HTML file to write.")
def report_cmd(model_id: str, out: Path) -> None:
    """Render MODEL_ID's HTML report: fold metrics, equity curves of the walk-forward and hold-out returns, the
    gate's DSR and PBO, LightGBM gain importance, lineage."""
    from predator.reports.model import render

    path = render(default_target(), model_id, out)
    click.echo(f"report: {path}")
