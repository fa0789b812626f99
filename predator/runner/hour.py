"""The hour runner (docs/architecture.md §4): one account over a run's decision times, on any venue.

:class:`HourRunner` only orchestrates; each responsibility has its module:

* :mod:`predator.runner.config` — the run's configuration (its canonical form is the run id) and summary;
* :mod:`predator.runner.account` — account set-up, rules and caps read once, the run's figures;
* :mod:`predator.runner.venues` — which venue a mode uses (the runner sees only the ``Venue`` protocol);
* :mod:`predator.runner.restore` — venue restore and start-up reconciliation (the database is the checkpoint);
* :mod:`predator.runner.relay` — order relay between the book and the venue;
* :mod:`predator.runner.step` — the hour step itself.

Checkpoints are the database: a restarted runner resumes after the last closed hour, re-registers open
orders with a simulated venue, and sends the admitted orders that never got an acknowledgement, by client
order id — the same fills and hashes as an uninterrupted run.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from decimal import Decimal
from functools import partial
from typing import Any

import psycopg
import structlog
from psycopg.types.json import set_json_loads

from predator import correlation, errors, seams
from predator.db import api, ml_api, reads
from predator.db.connection import Target, set_commit_durability, set_correlation_id
from predator.progress import Progress
from predator.runner.account import ensure_account, instrument_rules, pct_limits, summarize, what_happened
from predator.runner.config import HOUR, HaltStop, RunConfig, RunSummary, fast_commit_refusal
from predator.runner.market import MarketData
from predator.runner.relay import VenueRelay
from predator.runner.restore import restore_venue, startup_reconciliation
from predator.runner.step import HourOutcome, HourStep, OtherStrategy, strategy_features
from predator.runner.venues import VenueFactory, venue_factory, with_fee_tier
from predator.strategies.base import History, ModelBacked, Strategy, load_strategy
from predator.telemetry import Telemetry
from predator.venues.base import SimulatedVenue, Venue
from predator.venues.paper import PaperVenue

__all__ = ["HOUR", "HaltStop", "HourRunner", "RunConfig", "RunSummary", "fast_commit_refusal", "summarize"]

#: Refusal reasons that say a halt or pause narrower than the account covers the run's strategy.
_STRATEGY_BLOCKS = frozenset({"halted_strategy", "strategy_paused"})

log = structlog.get_logger("predator.runner")



def bind_models(conn: psycopg.Connection[Any], strategies: list[Strategy]) -> None:
    """Hand each model strategy its registry row (``api.models``, :func:`predator.db.ml_api.model`); the
    strategy loads the artefact and refuses it (:class:`~predator.errors.ModelRefused`) when its sha256 or features
    differ from the registry's. Other strategies are left alone."""
    for strategy in strategies:
        if isinstance(strategy, ModelBacked):
            strategy.bind(ml_api.model(conn, strategy.model_id))

class HourRunner:
    """Runs the trading hour for one account over a run's decision times. See the module docstring.

    ``venue`` is the venue to trade on, or a factory building it once the market data is loaded; by
    default :func:`predator.runner.venues.venue_factory` chooses it from the run's mode.

    ``progress``: report progress on stderr (a bar on a terminal, a line every 10 % elsewhere).
    ``on_hour``: called with each decision time :meth:`run` closed (a sweep's worker reports its progress to the
    parent process with it); in a batch of quiet hours the hour commits with its batch, at the latest at the end
    of its simulated day.
    ``commit_every_hour``: every hour commits on its own even in a backtest that could batch quiet hours (see
    :attr:`batching`); the scheduled and live runs always do.
    ``stop_when_halted``: :meth:`run` stops early, with :attr:`RunSummary.stopped` set, once the account is
    halted (or its strategy halted or paused) with no path to resume inside the run (only an operator lifts
    a halt) and no order left to settle; otherwise it closes the idle hours to the end.
    """

    def __init__(
        self,
        target: Target,
        config: RunConfig,
        strategy: Strategy | None = None,
        progress: bool = False,
        stop_after: int | None = None,
        backtest_fast_commit: bool = False,
        until: datetime | None = None,
        venue: Venue | VenueFactory | None = None,
        stop_when_halted: bool = False,
        telemetry: bool = False,
        on_hour: Callable[[datetime], None] | None = None,
        commit_every_hour: bool = False,
    ) -> None:
        self.target = target
        self.on_hour = on_hour
        #: Telemetry event lines after each hour (:mod:`predator.telemetry`): on for the scheduled worker
        #: (``predator run``: live, shadow, paper on live data), whose hours an operator watches; off for runs in
        #: accelerated time (backtests, campaigns, replays), where its reads (about 10 ms an hour on a year-old
        #: book) would cost more than the hour close itself.
        self.telemetry: Telemetry | None = (Telemetry(config.account, config.mode, self.log_for(config))
                                            if telemetry else None)
        self.stop_when_halted = stop_when_halted
        self.backtest_fast_commit = backtest_fast_commit
        self.commit_every_hour = commit_every_hour
        #: Quiet hours share one transaction (issue 18, docs/performance.md "Fewer commits"): set by
        #: :meth:`prepare` for a backtest with fast commits over stored bars on a simulated venue without telemetry.
        #: The hours of a batch are savepoints of one transaction, committed before anything goes to the venue
        #: (an admitted order, a cancel: :meth:`VenueRelay.place`, :meth:`VenueRelay.service_requests`), when a
        #: halt is looked at, at the end of each simulated UTC day (the checkpoint a restart resumes from, and at
        #: most 24 subtransactions, below the 64 a backend caches) and at the end of the run. The rows and hashes
        #: are those of the hour-by-hour path (tests/integration/test_batched_hours.py); a crash loses the batch's
        #: hours, which a restart runs again from what the database holds, on a venue rebuilt from it, as after a
        #: server crash with fast commits.
        self.batching = False
        #: Hours this runner closed in stretches of quiet hours (:meth:`close_quiet`, ``api.close_hours``), and the
        #: stretches the database ended early (an hour that left an order open or a halt in force).
        self.quiet_closed = 0
        self.quiet_cut = 0
        #: The last hour this runner will close when its caller stops it before the run's end (a replay).
        self.until = until
        self.config = config
        self.strategy = strategy or load_strategy(config.strategy, config.params)
        #: The book's further strategies (:attr:`RunConfig.extra_strategies`), loaded by name.
        self.others = [OtherStrategy(spec, load_strategy(spec.strategy, spec.params))
                       for spec in config.extra_strategies]
        self.progress = progress
        self.stop_after = stop_after
        self.conn: psycopg.Connection[Any] | None = None
        self._venue_source: Venue | VenueFactory = venue if venue is not None else venue_factory(config)
        self.venue: Venue | None = None
        self.relay: VenueRelay | None = None
        self.market: MarketData | None = None
        self.hour: HourStep | None = None
        self._features: dict[str, Any] = {}
        #: Set before :meth:`prepare` to report the worker's own process at each hour's close
        #: (:attr:`predator.runner.step.HourStep.worker_health`).
        self.worker_health: Any = None
        self._digest: str | None = None
        self.fee_rate = float(config.venue.fees()[1]) / 10000
        self.log = log.bind(run_id=config.run_id, account=config.account)

    # --- set-up ---------------------------------------------------------------------------------------
    def prepare(self) -> None:
        """Set up the account, open the worker session, load market data, build and restore the venue,
        reconcile it with the book."""
        c = self.config
        ensure_account(self.target, c)
        if self.backtest_fast_commit:
            refusal = fast_commit_refusal(c, until=self.until)
            if refusal:
                raise errors.ConfigurationError(refusal)
        conn = self.conn = self.target.connect("worker")
        set_json_loads(partial(json.loads, parse_float=Decimal), conn)
        if self.backtest_fast_commit:
            # A backtest over stored history: each hour still commits atomically and in order, but without
            # waiting for the WAL flush; a server crash can lose the last closed hours, which a restart runs
            # again identically from what the database holds (nothing outside the run saw them live).
            set_commit_durability(conn, fast=True)
        else:
            # Durable by default: whatever the server's default, every commit waits for the WAL flush.
            set_commit_durability(conn, fast=False)
        conn.commit()
        if self.market is None:
            self.load_market(conn)
        market, features = self.market, self._features
        assert market is not None
        with conn.transaction():
            # A model strategy loads and verifies its registered artefact before the run is registered (issue 19,
            # docs/ml.md "Inference"): a tampered file or another feature list stops the run here.
            bind_models(conn, [self.strategy, *(o.strategy for o in self.others)])
            # A run over stored history is fingerprinted by the bars it reads; a sync-fed run's bars arrive
            # while it runs (a restart finds more than the first start did): what each hour knew is recorded
            # by api.record_hour_knowledge instead, and the run has no dataset hash.
            api.register_run(conn, c.run_id, c.account, c.mode, c.as_dict(), self._digest)
            rules = instrument_rules(conn, c)
            limits = pct_limits(conn, c.risk_profile)
            # One source of fees: the venue's tier in the database, unless the run names its own fees
            # (the stored run configuration keeps what was given, so the run id does not change).
            venue_config = with_fee_tier(c.venue, reads.fee_tier(conn, c.venue.venue))
        self.fee_rate = float(venue_config.fees()[1]) / 10000
        source = self._venue_source
        venue = self.venue = source if isinstance(source, Venue) else source(replace(c, venue=venue_config), market)
        relay = self.relay = VenueRelay(venue, c.account, self.log)
        self.hour = HourStep(conn, c, relay, self.strategy, market, self.log, self.fee_rate, features, rules, limits,
                             self.others, self.worker_health)
        restore_venue(conn, venue, c.account)
        self.batching = (self.backtest_fast_commit and not self.commit_every_hour and c.feed == "stored"
                         and isinstance(venue, SimulatedVenue) and self.telemetry is None)
        # A venue error that halted while the last closed hour's orders went out held the rest of them back
        # until the next decision time (VenueRelay.begin_hour). A worker restarted within that hour holds them
        # too: a fresh relay sent them at start-up, before the next close, where an uninterrupted worker sends
        # them after it, and the replay's hour digests differed (chaos campaign 4, seed 449230079).
        held = reads.venue_halt_since_last_close(conn, c.account)
        conn.commit()
        if held is not None:
            relay.halted = f"venue error before the restart ({held}): held until the next hour"
        if relay.presume_unknown(conn):
            # Before the venue and the book are compared: an order the venue took before the restart is the
            # book's unacknowledged order (acknowledged now), not an order unknown to the book.
            last = reads.last_closed_hour(conn, c.account)
            conn.commit()
            relay.service_requests(conn, last or c.start)
        startup_reconciliation(conn, relay, c.account, c.start)
        if self.telemetry is not None:
            # After the start-up reconciliation: what it found is announced with the first hour's events.
            self.telemetry.start(conn)

    def load_market(self, conn: psycopg.Connection[Any] | None = None) -> None:
        """Load the run's market data (warm-up included), the strategies' features over it and its digest,
        once: :meth:`prepare` does it when not done yet. A process that starts several workers of one run
        (the chaos campaign's worker service, which forks a worker per start) calls it once, with a
        connection it closes before forking, and every worker it forks starts from the same loaded data."""
        c = self.config
        own = conn is None
        conn = conn if conn is not None else self.target.connect("worker")
        try:
            warmup = timedelta(hours=max(int(getattr(s, "warmup_bars", 500))
                                         for s in [self.strategy, *(o.strategy for o in self.others)]) + 24)
            market = self.market = MarketData.load(conn, c.venue.venue, list(c.feeds), c.start - warmup,
                                                   c.end + HOUR)
            conn.commit()
        finally:
            if own:
                conn.close()
        features: dict[str, Any] = {}
        # A sync-fed run computes features every hour over the bars that hour knew (HourStep.refresh).
        for symbol, data in market.symbols.items() if c.feed == "stored" else ():
            full = History(data.ts, data.open, data.high, data.low, data.close, data.volume)
            features[symbol] = self.strategy.features(symbol, full) if hasattr(self.strategy, "features") else {}
        for other in self.others if c.feed == "stored" else ():
            other.features = strategy_features(other.strategy, market)
        self._features = features
        self._digest = market.digest() if c.feed == "stored" else None

    # --- the loop -------------------------------------------------------------------------------------
    def last_closed_hour(self) -> datetime | None:
        """The last hour the database closed for this account (the checkpoint)."""
        assert self.conn is not None
        last = reads.last_closed_hour(self.conn, self.config.account)
        self.conn.commit()
        return last

    def run(self) -> RunSummary:
        """Run (or resume) the hours up to the run's end (or ``stop_after`` hours, or until the account is
        halted with no path to resume when ``stop_when_halted``); the recorded figures and events."""
        started = seams.monotonic()
        if self.conn is None:
            self.prepare()
        assert self.conn is not None
        self.send_unacknowledged()
        last = self.last_closed_hour()
        t = self.config.start if last is None else last + HOUR
        hours = []
        while t <= self.config.end:
            hours.append(t)
            t += HOUR
        done = 0
        stopped = self.halt_stop(None, last, len(hours)) if self.stop_when_halted and hours else None
        if stopped is not None:
            hours = []
        outcome: HourOutcome | None = None
        with Progress(len(hours), f"paper {self.config.account}", "h", enabled=self.progress) as bar:
            while done < len(hours):
                stretch = self.quiet_stretch(hours, done, outcome)
                if stretch:
                    closed = self.close_quiet(stretch)
                else:
                    outcome = self.step(hours[done], batch=self.batching)
                    closed = [(hours[done], outcome)]
                for t, _ in closed:
                    done += 1
                    if self.batching and (t + HOUR).hour == 0:
                        self.conn.commit()  # the end of a simulated day: the checkpoint a restart resumes from
                    if self.on_hour is not None:
                        self.on_hour(t)
                    bar.update(1, note=t.strftime("%Y-%m-%d") if done % 24 == 0 or done == len(hours) else None)
                t, outcome = closed[-1]
                if self.stop_after is not None and done >= self.stop_after:
                    break
                if self.stop_when_halted and done < len(hours):
                    stopped = self.halt_stop(outcome, t, len(hours) - done)
                    if stopped is not None:
                        break
        self.conn.commit()  # the last batch of quiet hours, if any
        summary = summarize(self.conn, self.config)
        summary.hours_this_session = done
        summary.events = what_happened(self.target, self.config)
        summary.stopped = stopped
        summary.seconds = seams.monotonic() - started
        return summary

    def quiet_stretch(self, hours: list[datetime], i: int, previous: HourOutcome | None) -> list[datetime]:
        """The quiet hours from ``hours[i]`` that :meth:`close_quiet` may close in one call (issue 18 item 2;
        empty: the next hour goes through :meth:`step`). Only in a batch of quiet hours (:attr:`batching`), for a
        book of one strategy in one currency on the plain paper venue without a worker-health report, after an
        hour of this session that admitted nothing and left no order open and no halt in force, while the venue is
        idle (:meth:`PaperVenue.idle`) and the relay has nothing to report (no error, no unknown submission); then
        every hour up to the end of the simulated UTC day (the batch's checkpoint) at which no strategy can signal
        (:meth:`HourStep.quiet`), within ``stop_after``."""
        hour, venue, relay = self.hour, self.venue, self.relay
        if (not self.batching or previous is None or hour is None or relay is None or self.others
                or self.config.currencies or hour.worker_health is not None or type(venue) is not PaperVenue):
            return []
        state = previous.state
        if (previous.admitted or state.open_orders or state.halts or not venue.idle() or relay.errors
                or relay.fatal or relay.unknown or relay.collect_failed or not relay.connected):
            return []
        limit = len(hours) if self.stop_after is None else min(len(hours), self.stop_after)
        out: list[datetime] = []
        while i < limit and hour.quiet(hours[i]):
            out.append(hours[i])
            if (hours[i] + HOUR).hour == 0:
                break
            i += 1
        return out

    def close_quiet(self, stretch: list[datetime]) -> list[tuple[datetime, HourOutcome]]:
        """Close a :meth:`quiet_stretch` in one call (:meth:`HourStep.quiet_hours`, ``api.close_hours``), in the
        batch's open transaction; each hour closed with its outcome (nothing admitted, nothing refused). After an
        hour that left an order open or a halt in force (where the call stops), the venue's requests are carried
        out as :meth:`HourStep.run` does after such an hour."""
        assert self.hour is not None and self.conn is not None and self.relay is not None
        ids = [correlation.hour_id(self.config.run_id, t) for t in stretch]
        states = self.hour.quiet_hours(stretch, ids)
        self.quiet_closed += len(states)
        self.quiet_cut += len(states) < len(stretch)
        correlation.bind(ids[len(states) - 1])
        last = states[-1]
        if last.open_orders or last.halts:
            self.relay.service_requests(self.conn, stretch[len(states) - 1])
        return [(t, HourOutcome(st, 0, ())) for t, st in zip(stretch, states, strict=False)]

    def halt_stop(self, outcome: HourOutcome | None, last: datetime | None, hours_left: int) -> HaltStop | None:
        """Whether the run should stop here (``outcome``: the hour just closed at ``last``; None: before the
        first hour of this session): the account is covered by a halt in force, or its strategy by a halt or
        pause (each lifted only by an operator), and no order of the account is left to settle (a flatten's
        exits or a resting order still go through the hours until they are final). None: go on."""
        assert self.conn is not None
        if outcome is not None and not outcome.state.halts and not any(
            _STRATEGY_BLOCKS.intersection(r) for r in outcome.refusals
        ):
            return None
        found = reads.blockers(self.conn, self.config.account, self.config.strategy)
        # Several strategies: the run stops only when every one of them is blocked.
        if found and not all(reads.blockers(self.conn, self.config.account, o.spec.name) for o in self.others):
            found = []
        pending = bool(found) and bool(reads.live_orders(self.conn, self.config.account))
        self.conn.commit()
        if not found or pending:
            return None
        self.log.warning("run_stopped_halted", last_hour=last.isoformat() if last else None, hours_left=hours_left,
                         halts=[f"{b.scope} ({b.incident or b.kind})" for b in found])
        return HaltStop(tuple(found), last, self.config.end, hours_left)

    def step(self, t: datetime, decide: bool = True, *, batch: bool = False) -> HourOutcome:
        """One decision time (:meth:`predator.runner.step.HourStep.run`; ``decide`` false: closed without
        decisions), committed when it returns unless ``batch`` (:meth:`run` batching quiet hours: the hour joins
        the open transaction, which its caller commits)."""
        assert self.hour is not None and self.conn is not None, "prepare() first"
        # The hour's correlation id (deterministic: run id and hour) on its log lines and its audit rows.
        # In a batch of quiet hours it opens (or joins) the batch's transaction: the hour is then a savepoint of it.
        set_correlation_id(self.conn, correlation.bind(correlation.hour_id(self.config.run_id, t)),
                           join=batch)
        outcome = self.hour.run(t, decide)
        if self.telemetry is not None:
            assert self.conn is not None
            self.telemetry.after_hour(self.conn)
        return outcome

    @staticmethod
    def log_for(config: RunConfig) -> Any:
        """The telemetry logger of a run (``run_id`` bound: the correlation id of its lines)."""
        return structlog.get_logger("predator.telemetry").bind(run_id=config.run_id)

    def service_requests(self, t: datetime) -> int:
        """Carry out cancel requests and send unsent admitted orders (:meth:`VenueRelay.service_requests`)."""
        assert self.conn is not None and self.relay is not None, "prepare() first"
        return self.relay.service_requests(self.conn, t)

    def send_unacknowledged(self) -> None:
        """On start: orders admitted but never acknowledged (a crash between admission and placement, a
        timed-out submission) are resolved by client order id with the venue before anything new is sent —
        on a venue with its own clock, as unknown outcomes since :meth:`prepare` (:meth:`VenueRelay.presume_unknown`:
        sent only after the grace period if the venue does not know them); cancel requests are carried out."""
        last = self.last_closed_hour()
        handled = self.service_requests(last or self.config.start)
        if handled:
            self.log.info("resolved_pending_orders", count=handled)

    _send_unacknowledged = send_unacknowledged

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None
