"""``predator ml``: the model lane from the command line (docs/cli.md "predator ml", docs/ml.md).

``ml train`` trains a family on a dataset of the shared candles and records each model in the registry as the
worker (model, every trial, the selection walk-forward folds); ``ml evaluate`` measures a registered model on the
hold-out years after its selection end (2023–2024 by default), which training and selection never read, and
records them as walk-forward folds 100, 101, … (worker); ``ml promote`` runs the promotion gate
(``api.evaluate_promotion``) as the operator; ``ml list`` shows models, trial counts, champions and the last
decision (auditor); ``ml report`` renders a model's HTML report (auditor)."""

from __future__ import annotations

import math
import sys
from datetime import UTC, datetime
from pathlib import Path

import click

from predator import config
from predator.cli import main
from predator.db import ml_api
from predator.db.connection import default_target
from predator.errors import NotFoundError
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
@click.option("--family", default="lgbm_tb", show_default=True, help="The model family (its trials: LGBM_TB_TRIALS).")
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
                   f"{ds.taker_fee_bps:g} bps{'' if ds.fee_from_db else ' (default: none in the database)'}")
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


def _fold_line(f: ml_api.FoldMetric) -> str:
    return (f"  fold {f.fold:>3} {f.period_from:%Y-%m-%d} .. {f.period_to:%Y-%m-%d}  n {f.n_obs:>5}  Sharpe "
            f"{f.sharpe * ANNUAL:+6.2f}/y  net {f.net_return:+.4f}  buy&hold {f.buy_hold_return:+.4f}  "
            f"turnover {f.turnover:.3f}  max dd {f.max_drawdown:.3f}")


@ml.command("evaluate")
@click.argument("model_id")
@click.option("--no-record", is_flag=True, help="Measure and print only; record nothing.")
def evaluate_cmd(model_id: str, no_record: bool) -> None:
    """Measure MODEL_ID on the hold-out years after its selection end (never read by its training or selection)
    and record them as walk-forward folds 100, 101, … (one per calendar year). Already recorded: prints them."""
    from predator.ml.dataset import load_dataset
    from predator.ml.registry import HOLDOUT_FOLD_BASE, evaluate_registered, record_holdout, spec_from_params

    target = default_target()
    with target.connect("auditor") as conn:
        row = ml_api.model(conn, model_id)
        if row is None:
            raise NotFoundError(f"no model {model_id} in the registry (predator ml list)")
        recorded = [f for f in ml_api.fold_metrics(conn, model_id)
                    if f.kind == "walk_forward" and f.fold >= HOLDOUT_FOLD_BASE]
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
        records = [f.record() for f in folds] if no_record else list(record_holdout(conn, model_id, folds))
        conn.commit()
    click.echo(f"{model_id}: hold-out {'measured (not recorded)' if no_record else 'recorded'}, net of "
               f"{row.params['validation']['fee_bps']:g} bps taker fee")
    for r in records:
        click.echo(f"  fold {r.fold:>3} {r.period_from:%Y-%m-%d} .. {r.period_to:%Y-%m-%d}  n {r.n_obs:>5}  Sharpe "
                   f"{r.sharpe * ANNUAL:+6.2f}/y  net {r.net_return:+.4f}  buy&hold {r.buy_hold_return:+.4f}  "
                   f"turnover {r.turnover:.3f}  max dd {r.max_drawdown:.3f}")


@ml.command("promote")
@click.argument("model_id")
@click.option("--lane", type=click.Choice(["paper", "live_canary"]), default="paper", show_default=True)
@click.option("--reason", required=True, help="Why the operator asks (kept with the decision and in the audit log).")
@click.option("--without-holdout", is_flag=True,
              help="Judge a model whose hold-out is not recorded (predator ml evaluate) — not advised.")
def promote_cmd(model_id: str, lane: str, reason: str, without_holdout: bool) -> None:
    """Run the promotion gate (api.evaluate_promotion, as the operator) on MODEL_ID for LANE and print the
    decision: passed, or the reason codes. The decision is recorded either way; only a pass moves the champion.

    Exit 0 passed, 1 refused by the gate, 5 unknown model."""
    from predator.ml.registry import HOLDOUT_FOLD_BASE

    target = default_target()
    with target.connect("operator") as conn:
        row = ml_api.model(conn, model_id)
        if row is None:
            raise NotFoundError(f"no model {model_id} in the registry (predator ml list)")
        holdout = [f for f in ml_api.fold_metrics(conn, model_id) if f.fold >= HOLDOUT_FOLD_BASE]
        if not holdout and not without_holdout:
            raise click.UsageError(f"model {model_id} has no hold-out folds: run predator ml evaluate {model_id} "
                                   "first (or pass --without-holdout)")
        with conn.transaction():
            d = ml_api.evaluate_promotion(conn, model_id, lane, reason)
        champion = next((c.model_id for c in ml_api.champions(conn) if c.family == row.family and c.lane == lane),
                        None)
    fig = d.figures
    click.echo(f"{model_id} -> {lane}: {'PASSED' if d.passed else 'REFUSED'} (promotion {d.seq})")
    for code in d.reasons:
        click.echo(f"  reason: {code}")
    click.echo("  " + "  ".join(f"{k} {_fig(fig.get(k))}" for k in (
        "oos_folds", "oos_n_obs", "oos_sharpe", "oos_net_return", "oos_buy_hold_return", "trials",
        "expected_max_sharpe", "dsr", "min_confidence", "pbo", "pbo_max", "max_drawdown", "turnover")))
    click.echo(f"  champion of {row.family} on {lane}: {champion or 'none'}")
    if not d.passed:
        sys.exit(1)


def _fig(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    return "-" if value is None else str(value)


@ml.command("list")
@click.option("--family", default=None, help="One registry family (e.g. lgbm_tb:global).")
def list_cmd(family: str | None) -> None:
    """Registered models: family, folds (selection / hold-out), the family's trial count, the last decision;
    then the champions."""
    from predator.ml.registry import HOLDOUT_FOLD_BASE

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
        click.echo(f"{m.model_id:<44} {m.family:<22} trials {counts.get(m.family, 0):>3}  folds "
                   f"{sum(f.fold < HOLDOUT_FOLD_BASE for f in fs)}+{sum(f.fold >= HOLDOUT_FOLD_BASE for f in fs)} "
                   f"hold-out  {m.recorded_at:%Y-%m-%d %H:%M}  last decision: {verdict}")
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
