"""Replay parity: re-execute a run's hours from its stored inputs in a scratch database and compare hashes.

1. Read the run's configuration (``api.runs``) and the per-hour hashes of the original database
   (``api.hour_digests``): the hashes recorded when each hour closed, and the same digests recomputed now
   from the rows' content. The replay ends at the account's last closed hour (a run started by
   ``predator run`` stores an end far in the future; only what was closed can be compared).
2. Create a scratch database on the same server, migrate it, and copy the inputs through the governed
   path: the instruments' venue rules, the risk profile's limits, the circuit-breaker settings of the
   account's lane, and the candles (warm-up included).
3. Run the same :class:`~predator.runner.hour.HourRunner` configuration from the run's start, and apply
   the operator's interventions on the account (kill switch, halts, resumes, strategy pauses, incident
   updates, treasury declarations, book corrections) after the same closed hour as in the original
   (``ops.audit_log``, ordered by wall time, which only orders them and is never hashed).
4. Compare every hour in the requested range: inputs, each output chain's digest, and the hourly state.

An hour is a mismatch when the replay differs from the original, or when the original's rows no longer
match what was recorded at close (an edited row). An operator action that the replay cannot re-apply (a
limit or breaker changed after the run began) is reported, and the verdict is then false. The verdict is
``REPLAY PARITY: TRUE`` only when every hour matches and every intervention was re-applied.

The outcome can be recorded (:func:`record`, ``api.record_replay``) in the original database as the auditor:
one chained row of ``ops.replay_run`` per replay (the run, the hours compared, the first mismatch and its
problems, parity), listed by ``api.replay_runs`` and shown on the console's /checks page. ``predator replay``
records by default (``--no-record`` skips it).

The scratch database is dropped when the replay ends, also on an exception, SIGINT or SIGTERM. Each
replay holds a session advisory lock named after its scratch database on the server's ``postgres``
database for as long as the scratch exists; a replay that starts drops the scratch databases whose lock
nobody holds (their replay process died, e.g. SIGKILL), and leaves alone those of running replays and
those kept with ``--keep``.
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from decimal import Decimal
from types import FrameType
from typing import Any

import psycopg
import structlog

from predator.db import api, market_api, reads, replay_db
from predator.db.connection import Target
from predator.db.replay_db import KEPT_COMMENT, LOCK_CLASS, SCRATCH_PREFIX
from predator.errors import NotFoundError
from predator.progress import Progress
from predator.runner.hour import HOUR, HourRunner, RunConfig
from predator.strategies.base import load_strategy

log = structlog.get_logger("predator.replay")

# The scratch databases' names, kept-comment and advisory-lock class live with their SQL in
# predator.db.replay_db; re-exported here, where the replay's callers and tests find them.
__all__ = ["KEPT_COMMENT", "LOCK_CLASS", "SCRATCH_PREFIX", "HourMismatch", "Intervention", "ReplayResult",
           "compare", "drop_orphaned_scratch", "record", "replay", "scratch"]


@dataclass
class HourMismatch:
    """One hour whose hashes differ: which digests, and why."""

    hour: datetime
    problems: list[str]


@dataclass(frozen=True)
class Intervention:
    """An operator action on the account, re-applied after ``after_hour`` (None: before the first hour)."""

    seq: int
    book_id: int
    action: str
    target: str
    args: dict[str, Any]
    reason: str
    after_hour: datetime | None


@dataclass
class ReplayResult:
    account: str
    run_id: str
    hours_compared: int
    mismatches: list[HourMismatch] = field(default_factory=list)
    scratch_database: str | None = None
    last_hour: datetime | None = None
    interventions: int = 0
    unreplayable: list[str] = field(default_factory=list)
    first_hour: datetime | None = None

    @property
    def parity(self) -> bool:
        return self.hours_compared > 0 and not self.mismatches and not self.unreplayable


#: What a recorded replay keeps of its first mismatched hour (``api.record_replay`` refuses more): at most this
#: many problems, each cut to at most this many characters.
PROBLEMS_KEPT = 64
PROBLEM_CHARS = 500


def record(target: Target, result: ReplayResult) -> api.RecordedReplay:
    """Record ``result`` in the original database as the auditor, the role the replay read it as
    (``api.record_replay``: one chained row of ``ops.replay_run``, listed by ``api.replay_runs``). The database
    derives parity itself and checks the hours compared against the account's closed hours in the range; the
    first mismatch keeps at most :data:`PROBLEMS_KEPT` problems of at most :data:`PROBLEM_CHARS` characters."""
    if result.first_hour is None or result.last_hour is None:
        raise ValueError(f"the replay of {result.account} has no range of hours to record")
    first = result.mismatches[0] if result.mismatches else None
    problems = None if first is None else [
        p if len(p) <= PROBLEM_CHARS else p[:PROBLEM_CHARS - 1] + "…" for p in first.problems[:PROBLEMS_KEPT]
    ]
    with target.connect("auditor") as conn, conn.transaction():
        return api.record_replay(
            conn, account=result.account, run_id=result.run_id, start=result.first_hour, end=result.last_hour,
            hours=result.hours_compared, mismatches=len(result.mismatches),
            first_mismatch_hour=None if first is None else first.hour, first_mismatch=problems,
            interventions=result.interventions, unreplayable=len(result.unreplayable),
        )


def _run_config(conn: psycopg.Connection, account: str) -> tuple[str, RunConfig]:
    """The account's last registered run and its configuration, booked in the account's quote currency (a
    run registered before the quote was checked may name another; the account's is the one its hours
    closed in)."""
    run = replay_db.latest_run(conn, account=account)
    if run is None:
        if reads.account(conn, account) is None:
            raise reads.unknown_account(conn, account)
        raise NotFoundError(f"account {account} has no registered run to replay (it was not created by "
                            f"predator paper or predator run)")
    config = RunConfig.from_dict(run.config)
    book = reads.account_config(conn, account)
    if book is not None and book.base_currency != config.base_currency:
        config = replace(config, base_currency=book.base_currency)
    return run.run_id, config


def _copy_candles(
    src: psycopg.Connection, dst: psycopg.Connection, venue: str, symbol: str, start: datetime, end: datetime
) -> None:
    from predator.marketdata.loader import Feed, begin_load, gate

    with dst.transaction():
        key = begin_load(dst)
        replay_db.copy_candles(src, dst, load_key=key, venue=venue, symbol=symbol, start=start, end=end)
        gate(dst, key, Feed(venue, symbol, "1h"), "replay", None, line_offset=0)
    src.commit()


class _KnowledgeFeed:
    """Feeds a replay of a sync-fed run the loads its original saw, in their order, hour by hour.

    The original recorded, for every closed hour and symbol, the last load of the feed it knew
    (``api.hour_knowledge``); before the replay closes hour T, every original load up to that one is loaded
    into the scratch database through the same gated load (one load for each original load, with its
    source and clock), so a late bar is absent from the hours that closed without it and a revised bar is
    a correction at the same hour as in the original."""

    def __init__(self, src: psycopg.Connection, dst: psycopg.Connection, config: RunConfig,
                 knowledge: list[reads.HourKnowledge]) -> None:
        self.src, self.dst, self.config = src, dst, config
        self.by_hour: dict[datetime, dict[str, int | None]] = {}
        for k in knowledge:
            self.by_hour.setdefault(k.hour, {})[k.symbol] = k.load_id
        self.loaded: dict[str, int | None] = {s: None for s in config.feeds}
        self.loads = 0

    def before(self, hour: datetime) -> None:
        """Load what hour ``hour`` knew and the scratch database does not hold yet."""
        from predator.marketdata.loader import Feed, begin_load, gate

        for symbol, upto in sorted(self.by_hour.get(hour, {}).items()):
            after = self.loaded.get(symbol)
            if upto is None or (after is not None and upto <= after):
                continue
            revisions = reads.candle_revisions(self.src, venue=self.config.venue.venue, symbol=symbol,
                                               after_load_id=after, upto_load_id=upto)
            self.src.commit()
            groups: dict[int, list[reads.CandleRevision]] = {}
            for r in revisions:
                groups.setdefault(r.load_id, []).append(r)
            for load_id in sorted(groups):
                rows = groups[load_id]
                lines = "".join(
                    f"{r.ts.strftime('%Y-%m-%dT%H:%M:%SZ')},{r.open},{r.high},{r.low},{r.close},{r.volume}\n"
                    for r in rows
                ).encode()
                with self.dst.transaction():
                    key = begin_load(self.dst)
                    for _ in market_api.copy_stage(self.dst, key, [lines]):
                        pass
                    gate(self.dst, key, Feed(self.config.venue.venue, symbol, "1h"),
                         f"replay of load {load_id} ({rows[0].source})", rows[0].clock, line_offset=0)
                self.loads += 1
            self.loaded[symbol] = upto

    @property
    def first_hour(self) -> datetime | None:
        return min(self.by_hour) if self.by_hour else None


def _copy_reference(src: psycopg.Connection, dst_op: psycopg.Connection, config: RunConfig) -> None:
    """Limits of the run's risk profile, the breaker settings of its lane and account, and the venue rules of its
    instruments, into the scratch database."""
    limits = replay_db.limit_settings(src, profile=config.risk_profile)
    with dst_op.transaction():
        for lim in limits:
            api.set_limit(dst_op, config.risk_profile, lim.limit_name, lim.mode, lim.value,
                          "replay: limits of the original run", lim.scope)
    rules = replay_db.instrument_rules(src, venue=config.venue.venue, symbols=config.feeds)
    src.commit()
    breakers = replay_db.changed_paper_breakers(src, account=config.account)
    if breakers:
        with dst_op.transaction():
            for b in breakers:
                api.set_breaker(
                    dst_op, "paper", b.breaker, b.threshold, "replay: breaker of the original run", b.account,
                    b.window_hours, b.min_events, b.trip_scope,
                )
    changed = [
        {
            "symbol": r.symbol,
            "base": r.base,
            "quote": r.quote,
            "tick_size": r.tick_size,
            "step_size": r.step_size,
            "min_qty": r.min_qty,
            "min_notional": r.min_notional,
        }
        for r in rules
        if r.source != "seed"
    ]
    if changed:
        with dst_op.transaction():
            market_api.upsert_instruments(dst_op, config.venue.venue, changed, "replay of the original's venue rules")


def model_ids(config: RunConfig) -> list[str]:
    """The registered models the run's strategies decide with (``params["model_id"]``, docs/ml.md "Inference")."""
    ids = [p.get("model_id") for p in (config.params, *(s.params for s in config.extra_strategies))]
    return sorted({i for i in ids if isinstance(i, str)})


def _copy_models(src: psycopg.Connection, db: Target, config: RunConfig) -> None:
    """The model strategies' registry records into the scratch database, through the governed doors: the model
    (``api.register_model``, worker), its family's trial ledger (``api.record_trial``) and its folds
    (``api.record_fold_metric``), the gate's thresholds in force (``api.set_setting``), then the operator's
    evaluation for each lane on which the original promoted it (``api.evaluate_promotion``), so that
    ``api.register_strategy`` admits the strategy as it did in the original. The scratch holds no other model of
    the family, so no champion comparison applies there; a decision that does not pass again is reported by the
    registration's PD023."""
    from predator.db import ml_api

    ids = model_ids(config)
    if not ids:
        return
    records = []
    for model_id in ids:
        registered = ml_api.model(src, model_id)
        if registered is None:
            raise NotFoundError(f"the run's model {model_id} is not registered in the original database")
        records.append((registered, ml_api.trials(src, registered.family, with_returns=True),
                        sorted(ml_api.fold_metrics(src, model_id), key=lambda f: f.seq),
                        ml_api.passed_lanes(src, model_id)))
    settings = ml_api.gate_settings(src)
    src.commit()
    why = "replay: the model registry of the original run"
    with db.connect("operator") as op:
        current = ml_api.gate_settings(op)
        op.commit()
        for name, value in settings.items():
            if current.get(name) != value:
                with op.transaction():
                    api.set_setting(op, name, value, why)
    families: set[str] = set()
    with db.connect("worker") as wk, wk.transaction():
        for registered, trials, folds, _ in records:
            ml_api.register_model(wk, model_id=registered.model_id, family=registered.family,
                                  code_version=registered.code_version, dataset_hash=registered.dataset_hash,
                                  features=registered.features, params=registered.params,
                                  artefact_sha256=registered.artefact_sha256,
                                  artefact_path=registered.artefact_path)
            if registered.family not in families:
                families.add(registered.family)
                for t in trials:
                    ml_api.record_trial(wk, family=t.family, params=t.params, n_obs=t.n_obs, sharpe=t.sharpe,
                                        metrics=t.metrics, returns=t.returns)
            for f in folds:
                ml_api.record_fold_metric(
                    wk, model_id=f.model_id, kind=f.kind, fold=f.fold, period_from=f.period_from,
                    period_to=f.period_to, n_obs=f.n_obs, mean=f.mean, std=f.std, skew=f.skew, kurtosis=f.kurtosis,
                    sharpe=f.sharpe, net_return=f.net_return, buy_hold_return=f.buy_hold_return,
                    turnover=f.turnover, max_drawdown=f.max_drawdown)
    with db.connect("operator") as op:
        for registered, _, _, lanes in records:
            for lane in ("paper", "live_canary"):
                if lane in lanes:
                    with op.transaction():
                        ml_api.evaluate_promotion(op, registered.model_id, lane, why)


#: Operator actions the replay re-applies, and those it cannot (their effect is copied at the start).
_REAPPLIED = {"kill_switch", "halt", "resume", "pause_strategy", "resume_strategy", "incident_acknowledged",
              "incident_resolved", "incident_comment", "declare_operating_cost", "end_operating_cost",
              "approve_treasury_transfer", "post_venue_transfer", "void_fill"}
_SETTINGS = {"set_limit", "set_breaker", "upsert_instruments"}
#: Lane changes of the book (docs/operator.md "Lanes and sessions"): reported, not re-applied.
_LANE_CHANGES = {"promote_session", "demote_session"}
#: Hourly returns in the realized-volatility estimate when the profile sets no ``vol_window_hours`` (the default of
#: ``risk._volatility_cap`` and ``risk._horizon_review``, docs/risk.md).
VOLATILITY_WINDOW_HOURS = 168


def _interventions(conn: psycopg.Connection, config: RunConfig) -> tuple[list[Intervention], list[str]]:
    """The operator's actions on the account after it was created, each with the closed hour it followed;
    and those the replay cannot re-apply (settings changed after the first hour closed)."""
    c = config
    book = replay_db.account_book(conn, account=c.account)
    if book is None:
        return [], []
    book_id, lane = book.book_id, book.lane
    rows = replay_db.audit_actions(conn, book_id=book_id)
    conn.commit()
    out: list[Intervention] = []
    unreplayable: list[str] = []
    for a in rows:
        after = a.after_hour
        covers = (
            a.book_id == book_id
            or a.action == "kill_switch"
            or a.target in ("global:*", f"lane:{lane}")
        )
        if a.action == "open_incident" and a.book_id == book_id:
            unreplayable.append(f"open_incident on {a.target} after the hour {after.isoformat() if after else '-'}"
                                " (the audit log does not keep its description and links)")
            continue
        if a.action in _LANE_CHANGES and a.book_id == book_id:
            # A promotion or demotion changed the lane the book's orders were judged under (halts, breakers, pools);
            # the replay creates the account in the lane a run starts in and does not move it.
            unreplayable.append(f"{a.action} {a.target} after the hour {after.isoformat() if after else '-'}"
                                " (a lane change is not replayed)")
            continue
        if a.action in _SETTINGS:
            relevant = (
                (a.action == "set_limit" and a.target.startswith(f"{c.risk_profile}/"))
                or (a.action == "set_breaker" and (a.target.startswith(f"{lane}/*/") or
                                                   a.target.startswith(f"{lane}/{c.account}/")))
                or (a.action == "upsert_instruments" and a.target == c.venue.venue)
            )
            if relevant and a.first_close is not None and a.recorded_at > a.first_close:
                unreplayable.append(f"{a.action} {a.target} after the hour {after.isoformat() if after else '-'}"
                                    " (settings are copied as they are now, not replayed in time)")
            continue
        if a.action in _REAPPLIED and covers:
            out.append(Intervention(seq=a.seq, book_id=a.book_id, action=a.action, target=a.target,
                                    args=a.args or {}, reason=a.reason, after_hour=after))
    return out, unreplayable


def _single_operator(db: Target) -> None:
    """Turn the two-person rule off in the scratch database (itself a two-person action: the operator asks, the
    approver login approves): the replay re-applies resumes of a global halt and limits the original's operators
    already approved there (docs/operator.md, "Two-person rule")."""
    why = "replay: re-applies the original's actions, approved there"
    with db.connect("operator", autocommit=True) as op, db.connect("approver", autocommit=True) as ap:
        api.request_and_approve(op, ap, "set_setting", "two_person_rule", why, value=Decimal(0))
        api.set_setting(op, "two_person_rule", Decimal(0), why)


def _apply(op: psycopg.Connection, iv: Intervention, book_map: dict[int, int]) -> None:
    """Re-apply one operator action in the scratch database, as the operator role."""
    with op.transaction():
        if iv.action == "kill_switch":
            api.kill_switch(op, iv.reason, bool(iv.args.get("flatten", False)))
        elif iv.action in ("halt", "resume"):
            kind, _, key = iv.target.partition(":")
            fn = api.halt if iv.action == "halt" else api.resume
            fn(op, iv.reason, kind, None if kind == "global" else key)
        elif iv.action in ("pause_strategy", "resume_strategy"):
            account, _, strategy = iv.target.partition("/")
            (api.pause_strategy if iv.action == "pause_strategy" else api.resume_strategy)(
                op, account, strategy, iv.reason
            )
        elif iv.action in ("declare_operating_cost", "end_operating_cost"):  # by business time (docs/treasury.md)
            account = iv.target.partition("/")[0]
            when = datetime.fromisoformat(str(iv.args["effective_from"]))
            if iv.action == "declare_operating_cost":
                api.declare_operating_cost(op, account, str(iv.args["name"]), Decimal(str(iv.args["amount"])),
                                           str(iv.args["currency"]), str(iv.args["period"]), when, iv.reason)
            else:
                api.end_operating_cost(op, account, str(iv.args["name"]), when, iv.reason)
        elif iv.action == "approve_treasury_transfer":
            api.approve_treasury_transfer(op, iv.target, int(iv.args["proposal_no"]),
                                          datetime.fromisoformat(str(iv.args["ts"])), iv.reason)
        elif iv.action in ("post_venue_transfer", "void_fill"):  # corrections, by business time (docs/live.md)
            _, book, seq = str(iv.args["incident"]).split("-")
            incident = f"INC-{book_map.get(int(book), int(book))}-{seq}"
            when = datetime.fromisoformat(str(iv.args["ts"]))
            if iv.action == "post_venue_transfer":
                ref = iv.args.get("venue_ref")
                api.post_venue_transfer(op, iv.target, str(iv.args["kind"]), str(iv.args["currency"]),
                                        Decimal(str(iv.args["amount"])), when, iv.reason, incident,
                                        None if ref is None else str(ref))
            else:
                api.void_fill(op, iv.target.split("/")[0], str(iv.args["symbol"]), str(iv.args["venue_trade_id"]),
                              when, iv.reason, incident)
        else:  # incident_<action> on INC-<book>-<seq>: the same incident in the scratch database's numbering
            _, book, seq = iv.target.split("-")
            incident = f"INC-{book_map.get(int(book), int(book))}-{seq}"
            api.update_incident(op, incident, iv.action.removeprefix("incident_"), iv.reason)


def compare(original: list[api.HourDigest], replayed: list[api.HourDigest]) -> list[HourMismatch]:
    """Per-hour differences between the original database's digests and a replay's."""
    by_hour = {d.hour: d for d in replayed}
    out: list[HourMismatch] = []
    for o in original:
        problems: list[str] = []
        for key, recorded in sorted(o.digests.items()):
            if o.recomputed.get(key) != recorded:
                problems.append(f"{key}: stored rows no longer match the hash recorded at close")
        if o.recomputed_outputs_hash != o.outputs_hash:
            problems.append("outputs: stored rows no longer match the outputs hash recorded at close")
        r = by_hour.get(o.hour)
        if r is None:
            problems.append("hour missing from the replay")
        else:
            if r.inputs_hash != o.inputs_hash:
                problems.append("inputs differ")
            for key in sorted(set(o.recomputed) | set(r.digests)):
                if o.recomputed.get(key) != r.digests.get(key):
                    problems.append(f"{key}: replay differs")
            if r.state_hash != o.state_hash:
                problems.append("hourly state differs")
        if problems:
            out.append(HourMismatch(o.hour, problems))
    return out


# --- the scratch database -------------------------------------------------------------------------------
def drop_orphaned_scratch(server: Target) -> list[str]:
    """Drop the replay scratch databases left by replay processes that no longer exist: those whose advisory
    lock nobody holds (a running replay holds its lock from before the database exists until it is
    dropped), except those kept with ``--keep``. Returns the names dropped
    (:func:`predator.db.replay_db.drop_orphaned_scratch`)."""
    dropped = replay_db.drop_orphaned_scratch(server)
    for name in dropped:
        log.warning("orphaned_scratch_dropped", database=name)
    return dropped


class _Terminated(Exception):
    """SIGTERM arrived during a replay: unwinds so that the scratch database is dropped."""


@contextmanager
def _terminate_raises() -> Iterator[None]:
    """While the block runs (main thread only), SIGTERM raises instead of ending the process at once."""
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: FrameType | None) -> None:
        raise _Terminated(f"signal {signum}")

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextmanager
def scratch(server: Target, keep: bool = False) -> Iterator[Target]:
    """A migrated scratch database for one replay, dropped when the block ends (exception, SIGINT and
    SIGTERM included) unless ``keep``. The advisory lock marks it as in use for :func:`drop_orphaned_scratch`
    (:func:`predator.db.replay_db.replay_scratch`)."""
    with _terminate_raises(), replay_db.replay_scratch(server, keep=keep) as target:
        yield target


def replay(
    target: Target,
    account: str,
    start: datetime | None = None,
    end: datetime | None = None,
    keep: bool = False,
    progress: bool = False,
) -> ReplayResult:
    """Replay ``account``'s run into a scratch database and compare the hours in [start, end] (by default the
    run's start to the account's last closed hour)."""
    drop_orphaned_scratch(target)
    with target.connect("auditor") as src:
        run_id, config = _run_config(src, account)
        last_closed = reads.last_closed_hour(src, account)
        if last_closed is None:
            raise NotFoundError(f"account {account} has no closed hour to replay: run it first "
                                f"(predator paper or predator run with --account {account})")
        start = start or config.start
        last = min(end or last_closed, last_closed, config.end)
        original = api.hour_digests(src, account, start, last)
        src.commit()
        interventions, unreplayable = _interventions(src, config)
        original_book = replay_db.account_book(src, account=account)
        src.commit()
        strategy = load_strategy(config.strategy, config.params)
        # Bars before the start: the strategy's warm-up, and the look-back of the volatility estimate that
        # admission and the horizon review compute from stored bars (docs/risk.md), whichever is longer.
        vol_hours = max((int(s.value) for s in replay_db.limit_settings(src, profile=config.risk_profile)
                         if s.limit_name == "vol_window_hours" and s.value is not None),
                        default=VOLATILITY_WINDOW_HOURS)
        src.commit()
        warmup = timedelta(hours=max(int(getattr(strategy, "warmup_bars", 500)), vol_hours + 2) + 24)

        with scratch(target, keep=keep) as db:
            _single_operator(db)
            with db.connect("operator") as op:
                _copy_reference(src, op, config)
            _copy_models(src, db, config)
            knowledge = reads.hour_knowledge(src, account) if config.feed == "sync" else []
            src.commit()
            feeder_conn = db.connect("worker")
            feeder = _KnowledgeFeed(src, feeder_conn, config, knowledge) if knowledge else None
            if feeder is not None:
                # A sync-fed run: the scratch database gets the original's loads as each hour knew them.
                first = feeder.first_hour
                if first is not None:
                    feeder.before(first)
            else:
                for symbol in config.feeds:  # the traded symbols and the conversion pairs
                    _copy_candles(src, feeder_conn, config.venue.venue, symbol, config.start - warmup, last + HOUR)
            # What the original's workers reported about their process at each hour's close is an input of the
            # worker_rss_mb breaker, as the bars are of the hour: the replay reports the same at the same hours.
            reports = replay_db.worker_reports(src, account=account)
            src.commit()
            # Replays run over stored history into a throwaway database: fast commits (backtest mode).
            runner = HourRunner(db, config, strategy=strategy, backtest_fast_commit=config.mode == "paper", until=last)
            if reports:
                runner.worker_health = reports.get
            try:
                runner.prepare()
                with db.connect("operator", autocommit=True) as op:  # each intervention its own transaction
                    book = replay_db.account_book_id(op, account=account)
                    book_map = {original_book.book_id: book} if original_book and book is not None else {}
                    pending = list(interventions)
                    for iv in [i for i in pending if i.after_hour is None]:
                        _apply(op, iv, book_map)
                    pending = [i for i in pending if i.after_hour is not None]
                    runner.send_unacknowledged()
                    resume_from = runner.last_closed_hour()
                    t = config.start if resume_from is None else resume_from + HOUR
                    hours: list[datetime] = []
                    while t <= last:
                        hours.append(t)
                        t += HOUR
                    bar = Progress(len(hours), f"replay {account}", "h", enabled=progress)
                    try:
                        for t in hours:
                            if feeder is not None:
                                feeder.before(t)
                            runner.step(t)
                            while pending and pending[0].after_hour is not None and pending[0].after_hour <= t:
                                iv = pending.pop(0)
                                _apply(op, iv, book_map)
                                if iv.action == "kill_switch":
                                    # A worker carries out a kill switch at once (the kill-switch listener,
                                    # or a restart): cancels and exits go out at the last closed hour.
                                    runner.service_requests(t)
                            bar.update(1)
                    finally:
                        bar.close()
            finally:
                runner.close()
                feeder_conn.close()
            with db.connect("auditor") as rconn:
                replayed = api.hour_digests(rconn, account, start, last)
            scratch_name = db.dbname
    return ReplayResult(
        account,
        run_id,
        len(original),
        compare(original, replayed),
        scratch_name if keep else None,
        last,
        len(interventions),
        unreplayable,
        start,
    )
