"""The hour step (docs/architecture.md §4, DESIGN.md §4): one decision time T for one account.

1. **venue**: what happened at the venue before T (fills, cancels, expiries, transfers) is relayed through
   ``api.record_fill`` / ``api.record_order_event`` / ``api.record_venue_transfer``;
2. **reconcile**: the venue's balances and open orders as of T (a venue on its own clock with its trades since T
   reversed, :meth:`VenueRelay.observe_as_of`) are compared with the book in ``api.reconcile`` (a mismatch halts
   globally); venue health is reported (``api.record_venue_health``);
3. **close the hour**: ``api.close_hour`` writes the hourly state and the hashes of the hour's inputs and
   outputs — steps 1–3 go to the database in one round trip and one transaction;
4. **signals**: the strategy sees, per symbol, only bars closed by T (:mod:`predator.runner.market`), the
   position and the account state, and emits normalised signals; a book with several strategies
   (:attr:`RunConfig.extra_strategies`) asks each in turn, each seeing its own position, and submits each
   signal under its strategy's name (the database arbitrates between them, docs/risk.md);
5. **admission in SQL**: ``api.submit_signal`` runs the risk gate in the same transaction; admitted orders
   commit before they go out;
6. **place**: admitted orders are sent through the relay and the acknowledgements or rejects are relayed
   in a second transaction; then cancel requests and unsent orders are serviced.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import numpy as np
import psycopg

from predator.chaos import killpoints
from predator.db import api, reads
from predator.errors import IllegalTransition
from predator.runner.config import RunConfig, StrategySpec
from predator.runner.market import KnownBars, MarketData
from predator.runner.relay import VenueRelay
from predator.strategies.base import Context, History, InstrumentRules, Signal, Strategy
from predator.venues.base import BarFedVenue, OrderRequest, SimulatedVenue, VenueEvent, VenueTransfer


@dataclass(frozen=True)
class HourOutcome:
    """What one decision time did: the hour's recorded state (with the halts covering the account), how many
    orders it admitted, and the reason codes of the signals it refused (one entry per refused signal)."""

    state: api.HourState
    admitted: int
    refusals: tuple[tuple[str, ...], ...]


@dataclass
class OtherStrategy:
    """A further strategy of the book (:attr:`RunConfig.extra_strategies`): its spec, the instance, and its
    features per symbol."""

    spec: StrategySpec
    strategy: Strategy
    features: dict[str, dict[str, np.ndarray[Any, Any]]] = field(default_factory=dict)


def strategy_features(strategy: Strategy, market: MarketData) -> dict[str, dict[str, np.ndarray[Any, Any]]]:
    """A strategy's features per symbol over the bars of ``market`` (empty for a strategy without features)."""
    features: dict[str, dict[str, np.ndarray[Any, Any]]] = {}
    for symbol, data in market.symbols.items():
        if hasattr(strategy, "features") and len(data.ts):
            full = History(data.ts, data.open, data.high, data.low, data.close, data.volume)
            features[symbol] = strategy.features(symbol, full)
    return features


@dataclass
class HourStep:
    """Everything one hour needs, read once at set-up; :meth:`run` carries out one decision time."""

    conn: psycopg.Connection[Any]
    config: RunConfig
    relay: VenueRelay
    strategy: Strategy
    market: MarketData
    log: Any
    fee_rate: float
    features: dict[str, dict[str, np.ndarray[Any, Any]]] = field(default_factory=dict)
    rules: dict[str, InstrumentRules] = field(default_factory=dict)
    limits: dict[str, float | None] = field(default_factory=dict)
    #: The book's further strategies; empty for a run of one strategy (which then behaves exactly as before).
    others: list[OtherStrategy] = field(default_factory=list)
    #: What the worker reports about its own process at each hour's close, ``(rss_kb, pid, detail)``
    #: (``api.record_worker_health``: the database trips the worker_rss_mb breaker); None: no report.
    worker_health: Callable[[datetime], tuple[int, int, dict[str, Any]] | None] | None = None
    #: A multi-currency book: what the last hour close valued (``api.hourly_states.valuation``); None otherwise.
    valuation: dict[str, Any] | None = None
    #: A sync-fed run: the bars the previous hour knew, kept so that :meth:`refresh` reads only what changed.
    known_bars: KnownBars = field(default_factory=KnownBars)
    #: Per symbol, the strategy's quiet bars (:meth:`quiet`), computed on first use from :attr:`features`
    #: (``_quiet_of``: the features they were computed from).
    _quiet: dict[str, np.ndarray[Any, Any]] = field(default_factory=dict)
    _quiet_of: object = None

    def run(self, t: datetime, decide: bool = True) -> HourOutcome:
        """One decision time: relay venue events, reconcile, close the hour, decide, admit, place. With
        ``decide`` false the hour is closed without asking the strategies (a live worker catching up hours
        that closed at the venue while it was down: no order goes out now for a decision on old bars).

        A run fed by the live sync first fixes what the hour knows (``api.record_hour_knowledge``, which
        holds back new loads of its feeds until the hour's transaction commits) and refreshes its bars to
        exactly that; a simulated venue then matches against those bars in the same transaction."""
        self.relay.begin_hour()
        if self.config.feed != "sync":
            collected = self.relay.collect(self.conn, t)
            killpoints.reached("mid_fill_relay", t)  # the venue's fills taken, not yet recorded
            state, admitted, refusals = self._close_and_admit(t, collected, decide)
        else:
            # A venue on its own clock is polled before (its fills do not depend on our bars; the poll
            # commits its reads); a simulated venue matches the bars the hour knew, inside the transaction.
            polled = None if isinstance(self.relay.venue, SimulatedVenue) else self.relay.collect(self.conn, t)
            try:
                with self.conn.transaction():
                    known = reads.record_hour_knowledge(self.conn, account=self.config.account, hour=t,
                                                        symbols=self.config.feeds)
                    self.refresh(t, known)
                    collected = polled or self.relay.collect(self.conn, t)
                    killpoints.reached("mid_fill_relay", t)  # the venue's fills taken, not yet recorded
                    state, admitted, refusals = self._close_and_admit(t, collected, decide)
            except BaseException:
                # Rolled back: the bars read in it are not built on (the next hour reads its window in full).
                self.known_bars.forget()
                raise
        killpoints.reached("after_admission", t)
        # Admitted orders are committed before they go out.
        if admitted:
            self.relay.place(self.conn, admitted)
            killpoints.reached("after_ack", t)
        if state.open_orders or admitted or state.halts or self.others:
            self.relay.service_requests(self.conn, t)
        return HourOutcome(state, len(admitted), refusals)

    def quiet(self, t: datetime) -> bool:
        """Whether no strategy of the book can emit a signal at ``t`` whatever the book holds: every symbol's last
        closed bar is one the strategy declares quiet (its optional ``quiet(symbol, features)``, a boolean per
        bar), or the run has no decision at ``t`` (its end). False for a strategy that declares nothing."""
        if t >= self.config.end:
            return True
        if not hasattr(self.strategy, "quiet"):
            return False
        ts = int(t.timestamp())
        for symbol in self.config.symbols:
            data = self.market.symbols.get(symbol)
            if data is None:
                continue
            # Counted, not revealed: the stretch is chosen ahead of its hours, and a decision may still be taken at
            # one of them (the call stops early) on exactly the bars it would see.
            n = data.closed_by(ts)
            if n == 0:
                continue
            if self._quiet_of is not self.features:
                self._quiet, self._quiet_of = {}, self.features  # the masks belong to the features they were read from
            mask = self._quiet.get(symbol)
            if mask is None:
                mask = self._quiet[symbol] = np.asarray(self.strategy.quiet(symbol, self.features.get(symbol, {})),
                                                        dtype=bool)
            if len(mask) < n or not mask[n - 1]:
                return False
        return True

    def quiet_hours(self, hours: Sequence[datetime], correlation_ids: Sequence[str]) -> list[api.HourState]:
        """Close a stretch of quiet hours in one call (issue 18 item 2; docs/performance.md "Quiet hours in one
        call"): hours (consecutive close times, UTC) at which the venue is idle (:meth:`PaperVenue.idle`: no event,
        no transfer, the same balances and no open order at every hour) and no strategy can signal
        (:meth:`quiet`). The relay asks the venue what it asks every hour (so the health reports count the same
        calls), then ``api.close_hours`` reconciles, reports venue health and closes each hour exactly as
        :meth:`run` would. Returns the states of the hours closed, in order: the call stops after an hour that
        leaves an order open or a halt in force, and the caller goes on hour by hour from the next. Runs in the
        connection's transaction (a batch of quiet hours, :attr:`predator.runner.hour.HourRunner.batching`),
        which the caller commits."""
        relay = self.relay
        balances: Mapping[str, Decimal] | None = None
        calls: list[int] = []
        errs: list[int] = []
        for t in hours:
            relay.begin_hour()
            events, transfers = relay.collect(self.conn, t)
            new = relay.transfer_calls(transfers)
            observed = relay.observe()
            report = relay.health_report()
            if (events or new or observed is None or observed[1] or report.detail or not report.connected
                    or (balances is not None and dict(observed[0]) != dict(balances))):
                # An idle paper venue cannot do this; the caller chose the stretch from PaperVenue.idle().
                raise RuntimeError(f"quiet hour {t.isoformat()}: the venue was not idle (events {len(events)},"
                                   f" transfers {len(new)}, observed {observed is not None})")
            balances = observed[0]
            calls.append(report.calls)
            errs.append(report.errors)
        assert balances is not None
        # In the batch's transaction (opened by this statement after a checkpoint), as the hour step's calls are.
        states: list[api.HourState] = api.run(self.conn, api.close_hours_call(
            self.config.account, hours, correlation_ids, balances, [], calls, errs))
        for t in hours[:len(states)]:
            # The kill points the hour step passes (chaos campaigns): inside the batch's open transaction here.
            for phase in ("mid_fill_relay", "mid_close", "after_admission"):
                killpoints.reached(phase, t)
        return states

    def refresh(self, t: datetime, known: Mapping[str, int | None]) -> None:
        """Bars as the hour ``t`` knows them (the strategy's warm-up window before ``t``), the strategy's
        features over them, and the simulated venue's bars. The bars are those of :meth:`MarketData.load` over
        the window; :class:`KnownBars` reads only what changed since the previous hour. The features are
        computed again over the whole window (they are a function of the window: an SMA's running sum and
        Wilder's RSI start at its first bar, so values carried over from the previous hour's window would
        differ in the last bits)."""
        warmup = timedelta(hours=int(getattr(self.strategy, "warmup_bars", 500)) + 24)
        market = self.known_bars.load(self.conn, self.config.venue.venue, list(self.config.feeds), t - warmup, t,
                                      known)
        self.market = market
        features: dict[str, dict[str, np.ndarray[Any, Any]]] = {}
        for symbol, data in market.symbols.items():
            if hasattr(self.strategy, "features") and len(data.ts):
                full = History(data.ts, data.open, data.high, data.low, data.close, data.volume)
                features[symbol] = self.strategy.features(symbol, full)
        self.features = features
        for other in self.others:
            other.features = strategy_features(other.strategy, market)
        if isinstance(self.relay.venue, BarFedVenue):
            self.relay.venue.feed_bars(market.venue_bars())

    def _close_and_admit(
        self, t: datetime, collected: tuple[list[VenueEvent], list[VenueTransfer]], decide: bool = True
    ) -> tuple[api.HourState, list[OrderRequest], tuple[tuple[str, ...], ...]]:
        """Steps 1–5 of the hour on what was ``collected`` from the venue: relay, reconcile, close, decide,
        admit (committed when this returns, or by the caller's transaction). The hour's state, the
        admitted orders to place and the reason codes of each refused signal. A venue event the order state
        machine refuses (order-state confusion, PD005) does not stop the worker: it halts the book with an
        incident (:meth:`VenueRelay.relay_one_by_one`) and the hour goes on."""
        conn, relay = self.conn, self.relay
        events, transfers = collected
        try:
            return self._close_and_admit_batch(t, events, transfers, decide)
        except IllegalTransition:
            # Order-state confusion: a venue event the order state machine refuses. The batch was rolled back;
            # relay the events one by one (a refused one halts the book with an incident), then the rest.
            relay.relay_one_by_one(conn, events)
            return self._close_and_admit_batch(t, [], transfers, decide)

    def _close_and_admit_batch(
        self, t: datetime, events: list[VenueEvent], transfers: list[VenueTransfer], decide: bool = True
    ) -> tuple[api.HourState, list[OrderRequest], tuple[tuple[str, ...], ...]]:
        """:meth:`_close_and_admit` in one round trip and one transaction (a savepoint of the caller's)."""
        c, conn, relay = self.config, self.conn, self.relay
        calls: list[api.Call[Any]] = [relay.event_call(e) for e in events]
        calls.extend(relay.transfer_calls(transfers))
        # The venue as it was at t (a venue on its own clock: its trades since t taken back out; docs/live.md,
        # "Reconciling like with like"), compared with the book as of t.
        observed = relay.observe_as_of(conn, t, events)
        if observed is not None:
            calls.append(
                api.reconcile_call(
                    account=c.account, ts=t, venue_balances=dict(observed[0]), venue_open_orders=observed[1]
                )
            )
        calls.append(relay.health_call(t))
        process = self.worker_health(t) if self.worker_health is not None else None
        if process is not None:
            calls.append(api.record_worker_health_call(c.account, t, process[0], process[1], process[2]))
        calls.append(reads.open_order_symbols_call(c.account))
        calls.append(api.close_hour_call(c.account, t))  # the hour's symbols are the database's
        at_state = len(calls) - 1
        if c.currencies:
            # A multi-currency book: what the close valued per currency (cash, open buys, rate), for sizing.
            calls.append(reads.hour_valuation_call(c.account, t))
        with conn.transaction():
            results = api.run_many(conn, calls)
            killpoints.reached("mid_close", t)
            state: api.HourState = results[at_state]
            self.valuation = results[-1] if c.currencies else None
            named: list[tuple[str, Signal]] = []
            if t < c.end and decide:
                open_symbols = set(results[at_state - 1])
                own = reads.strategy_positions(conn, c.account) if self.others else None
                named = [(c.strategy, s) for s in self.decide(t, state, open_symbols, positions=_own(own, c.strategy))]
                for other in self.others:
                    named.extend((other.spec.name, s) for s in self.decide(
                        t, state, open_symbols, strategy=other.strategy, features=other.features,
                        params=other.spec.params, positions=_own(own, other.spec.name)))
            signals = [s for _, s in named]
            decisions: list[api.Decision] = api.run_many(
                conn,
                [
                    api.submit_signal_call(
                        account=c.account,
                        strategy=name,
                        symbol=s.symbol,
                        ts=s.ts,
                        direction=s.direction,
                        confidence=Decimal(repr(s.confidence)),
                        edge_bps=Decimal(repr(s.edge_bps)),
                        expiry=s.expiry,
                        quantity=s.quantity,
                        order_type=s.order_type,
                        limit_price=s.limit_price,
                        model_id=s.model_id,
                    )
                    for name, s in named
                ],
            )
            if self.others and any(d.outcome == "admitted" for d in decisions):
                # Arbitration may have cancelled an order admitted earlier in this hour (docs/risk.md): only
                # the orders still new are sent.
                live = {o.client_order_id for o in reads.live_orders(conn, c.account)}
                decisions = [d if d.client_order_id is None or d.client_order_id in live
                             else replace(d, outcome="canceled") for d in decisions]
        relay.transfers_seen.update(tr.transfer_id for tr in transfers)
        admitted: list[OrderRequest] = []
        refusals: list[tuple[str, ...]] = []
        for s, d in zip(signals, decisions, strict=True):
            if d.outcome == "admitted":
                assert d.client_order_id is not None and d.side is not None and d.quantity is not None
                admitted.append(
                    OrderRequest(
                        d.client_order_id,
                        s.symbol,
                        d.side,
                        s.order_type,
                        d.quantity,
                        s.limit_price,
                        t,
                        s.expiry,
                        d.decision_price,
                    )
                )
                self.log.info(
                    "order_admitted",
                    hour=t.isoformat(),
                    client_order_id=d.client_order_id,
                    symbol=s.symbol,
                    side=d.side,
                    quantity=str(d.quantity),
                )
            elif d.outcome == "refused":
                refusals.append(tuple(d.reasons or ()))
                self.log.info(
                    "signal_refused", hour=t.isoformat(), symbol=s.symbol, direction=s.direction, reasons=d.reasons
                )
        return state, admitted, tuple(refusals)

    def decide(
        self,
        t: datetime,
        state: api.HourState,
        open_symbols: set[str],
        strategy: Strategy | None = None,
        features: dict[str, dict[str, np.ndarray[Any, Any]]] | None = None,
        params: dict[str, Any] | None = None,
        positions: Mapping[str, Decimal] | None = None,
    ) -> list[Signal]:
        """Run a strategy (the run's own by default) for every symbol on what was known at t (symbols with an
        open order wait). ``positions``: the strategy's own positions when the book holds several strategies
        (default: the book's positions)."""
        strategy = self.strategy if strategy is None else strategy
        features = self.features if features is None else features
        params = self.config.params if params is None else params
        held = state.positions if positions is None else positions
        ts = int(t.timestamp())
        out: list[Signal] = []
        # The caps the strategy sizes against, as the database will apply them: beyond the drawdown reduce
        # tier the order cap is halved (api.submit_signal enforces it either way).
        limits = self.limits
        tier = self.limits.get("drawdown_reduce_tier")
        if tier is not None and state.drawdown >= Decimal(repr(tier)):
            cap = self.limits.get("max_order_notional")
            limits = {**self.limits, "max_order_notional": (cap if cap is not None else 1.0) / 2}
        for symbol in self.config.symbols:
            data = self.market.symbols.get(symbol)
            if data is None:
                continue
            n = data.reveal_until(ts)
            if n == 0 or symbol in open_symbols:
                continue
            if self.config.feed == "sync" and int(data.ts[n - 1]) != ts - 3600:
                # The bar that closed at t has not arrived: decide nothing new for this symbol (the database
                # refuses an entry on a stale feed with data_stale in any case). Never trade blind.
                self.log.warning("data_stale", hour=t.isoformat(), symbol=symbol,
                                 last_bar=datetime.fromtimestamp(int(data.ts[n - 1]), UTC).isoformat())
                continue
            feats = {k: v[:n] for k, v in features.get(symbol, {}).items()}
            position = held.get(symbol, Decimal(0))
            cash, equity = state.cash, state.equity
            if self.valuation is not None:
                in_quote = quote_money(self.valuation, symbol.rsplit("/", 1)[-1], state.equity, self.fee_rate)
                if in_quote is None:
                    # No rate for the quote: the book cannot value an order in it (the database refuses an
                    # entry conversion_rate_missing); the strategy is not asked on a guess.
                    self.log.warning("conversion_rate_missing", hour=t.isoformat(), symbol=symbol)
                    continue
                cash, equity = in_quote
            ctx = Context(
                decision_time=t,
                symbol=symbol,
                history=data.history(),
                position=Decimal(position),
                cash=cash,
                equity=equity,
                fee_rate=self.fee_rate,
                rules=self.rules.get(symbol, InstrumentRules()),
                last_close=data.close_exact[n - 1],
                features=feats,
                params=params,
                limits=limits,
            )
            signal = strategy.generate_signal(ctx)
            if signal is not None and signal.direction != "hold":
                out.append(signal)
        return out


def quote_money(valuation: Mapping[str, Any], quote: str, equity: Decimal,
                fee_rate: float) -> tuple[Decimal, Decimal] | None:
    """A multi-currency book's money as a strategy sizes an order of an instrument quoted in ``quote``: the cash
    the database counts as available in that quote at admission (its trading balance less its open buys with
    their fee, as the close valued them: ``valuation`` of ``api.hourly_states``) and the book's equity converted
    from the reporting currency into the quote at the close's rate. None when the close had no rate for it.
    Advice only: ``api.submit_signal`` decides (insufficient_cash, the caps in the reporting currency)."""
    figures = (valuation.get("currencies") or {}).get(quote)
    if figures is None or figures.get("rate") is None or Decimal(figures["rate"]) <= 0:
        return None
    fee = Decimal(repr(fee_rate))
    cash = Decimal(figures.get("cash") or 0) - Decimal(figures.get("open_buys") or 0) * (1 + fee)
    return max(cash, Decimal(0)), equity / Decimal(figures["rate"])


def _own(positions: dict[str, dict[str, Decimal]] | None, strategy: str) -> dict[str, Decimal] | None:
    """A strategy's own positions out of :func:`predator.db.reads.strategy_positions` (None: a book of one
    strategy, which sees the book's positions)."""
    return None if positions is None else positions.get(strategy, {})
