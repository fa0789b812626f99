"""The trading hour (DESIGN.md §4), run over stored candles in accelerated time or on a schedule.

For an account and each decision time T (the close of an hour, UTC) of a run's period:

1. **gate data / venue**: the venue is advanced past the bar that just closed; its fills, expiries and
   cancels (all timed before T) are relayed through ``api.record_fill`` / ``api.record_order_event``;
2. **reconcile**: the venue's balances and open orders are compared with the book's in
   ``api.reconcile`` (a mismatch halts globally);
3. **close the hour**: ``api.close_hour`` writes the hourly state and the hashes of the hour's inputs and
   outputs — steps 1–3 go to the database in one round trip and one transaction;
4. **signals**: the strategy sees, per symbol, only bars closed by T (:class:`predator.runner.market`),
   the position and the account state, and emits normalised signals;
5. **admission in SQL**: ``api.submit_signal`` runs the risk gate; admitted orders commit before they
   go out (Python never decides alone whether an order may go out);
6. **venue**: admitted orders are placed (client order id = the deterministic id from the database) and
   the acknowledgements or rejects are relayed in a second transaction.

Checkpoints are the database: a restarted runner resumes after the last closed hour, re-registers open
orders with the (paper) venue, and sends the admitted orders that never got an acknowledgement, by client
order id — the same fills and hashes as an uninterrupted run.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from functools import partial
from typing import Any

import numpy as np
import psycopg
import structlog
from psycopg.types.json import set_json_loads

from predator import errors
from predator.db import api
from predator.db.connection import Target
from predator.errors import TransientVenueError
from predator.runner.market import MarketData
from predator.strategies.base import Context, InstrumentRules, Signal, Strategy, load_strategy
from predator.venues.paper import PaperConfig, PaperVenue

HOUR = timedelta(hours=1)
log = structlog.get_logger("predator.runner")


@dataclass(frozen=True)
class RunConfig:
    """Everything that makes a run reproducible. ``start``/``end`` bound the decision times (UTC hours)."""

    account: str
    symbols: tuple[str, ...]
    strategy: str
    params: dict[str, Any]
    start: datetime
    end: datetime
    principal: Decimal = Decimal(10000)
    base_currency: str = "USDT"
    risk_profile: str = "default"
    venue: PaperConfig = field(default_factory=PaperConfig)
    mode: str = "paper"

    def as_dict(self) -> dict[str, Any]:
        return {
            "account": self.account,
            "symbols": list(self.symbols),
            "strategy": self.strategy,
            "params": self.params,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "principal": str(self.principal),
            "base_currency": self.base_currency,
            "risk_profile": self.risk_profile,
            "venue": self.venue.as_dict(),
            "mode": self.mode,
        }

    @property
    def run_id(self) -> str:
        canonical = json.dumps(self.as_dict(), sort_keys=True, separators=(",", ":"))
        return "run-" + hashlib.sha256(canonical.encode()).hexdigest()[:16]

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> RunConfig:
        v = d["venue"]
        venue = PaperConfig(
            venue=v["venue"],
            maker_fee_bps=Decimal(v["maker_fee_bps"]),
            taker_fee_bps=Decimal(v["taker_fee_bps"]),
            slippage_bps=Decimal(v["slippage_bps"]),
            impact_bps=Decimal(v["impact_bps"]),
            participation=Decimal(v["participation"]),
            latency_ms=int(v["latency_ms"]),
            latency_jitter_ms=int(v["latency_jitter_ms"]),
            reject_rate=float(v["reject_rate"]),
            seed=int(v["seed"]),
        )
        return cls(
            account=d["account"],
            symbols=tuple(d["symbols"]),
            strategy=d["strategy"],
            params=d["params"],
            start=datetime.fromisoformat(d["start"]),
            end=datetime.fromisoformat(d["end"]),
            principal=Decimal(d["principal"]),
            base_currency=d["base_currency"],
            risk_profile=d["risk_profile"],
            venue=venue,
            mode=d["mode"],
        )


@dataclass
class RunSummary:
    """What a run did (counts over the whole account, as recorded in the database)."""

    run_id: str
    account: str
    hours: int = 0
    hours_this_session: int = 0
    signals: int = 0
    orders: int = 0
    fills: int = 0
    round_trips: int = 0
    refusals: dict[str, int] = field(default_factory=dict)
    fees: Decimal = Decimal(0)
    final_equity: Decimal = Decimal(0)
    max_drawdown: Decimal = Decimal(0)
    seconds: float = 0.0


def fast_commit_refusal(config: RunConfig, now: datetime | None = None, until: datetime | None = None) -> str | None:
    """Why ``--backtest-fast-commit`` may not apply to this run (None: it may). Fast commits are only for a
    backtest over stored history: a paper run whose every hour (up to ``until``, by default the run's end)
    has closed on the wall clock. Never for paper on live data, shadow or live, whose hours others may see
    as they close."""
    now = now or datetime.now(UTC)
    last = until or config.end
    if config.mode != "paper":
        return f"fast commits are for backtests over history only, not for {config.mode} mode"
    if last + HOUR > now:
        return (
            f"fast commits are for backtests over history only: the run ends at {last.isoformat()}, "
            "after the last closed hour; run it durable (the default)"
        )
    return None


def _hour_floor(ts: datetime) -> datetime:
    return ts.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


class HourRunner:
    """Runs the trading hour for one account over a run's decision times. See the module docstring."""

    def __init__(
        self,
        target: Target,
        config: RunConfig,
        strategy: Strategy | None = None,
        progress: bool = False,
        stop_after: int | None = None,
        backtest_fast_commit: bool = False,
        until: datetime | None = None,
    ) -> None:
        self.target = target
        self.backtest_fast_commit = backtest_fast_commit
        #: The last hour this runner will close when its caller stops it before the run's end (a replay).
        self.until = until
        self.config = config
        self.strategy = strategy or load_strategy(config.strategy, config.params)
        self.progress = progress
        self.stop_after = stop_after
        self.conn: psycopg.Connection | None = None
        self.venue: PaperVenue | None = None
        self.market: MarketData | None = None
        self.features: dict[str, dict[str, np.ndarray]] = {}
        self.rules: dict[str, InstrumentRules] = {}
        self.limits: dict[str, float | None] = {}
        self.fee_rate = float(config.venue.fees()[1]) / 10000
        self.log = log.bind(run_id=config.run_id, account=config.account)
        self.venue_calls = 0
        self.venue_errors = 0
        self.venue_connected = True
        self.transfers_seen: set[str] = set()

    # --- set-up ---------------------------------------------------------------------------------------
    def ensure_account(self) -> None:
        """Create the paper account, deposit the principal and register the strategy (operator role), once."""
        c = self.config
        with self.target.connect("operator") as op:
            row = op.execute(
                "SELECT mode, initial_principal, risk_profile FROM api.accounts WHERE name = %s", (c.account,)
            ).fetchone()
            if row is None:
                with op.transaction():
                    api.create_account(
                        op,
                        c.account,
                        mode=c.mode,
                        venue=c.venue.venue,
                        base_currency=c.base_currency,
                        lane="paper",
                        initial_principal=c.principal,
                        risk_profile=c.risk_profile,
                        reason=f"paper run {c.run_id}",
                    )
                    api.deposit(
                        op, c.account, c.principal, c.start, reason=f"initial principal of {c.run_id}", ref="principal"
                    )
            strategies = op.execute(
                "SELECT params FROM api.strategies WHERE account = %s AND strategy = %s", (c.account, c.strategy)
            ).fetchone()
            if strategies is None or strategies[0] != json.loads(json.dumps(c.params)):
                with op.transaction():
                    api.register_strategy(op, c.account, c.strategy, c.params, reason=f"paper run {c.run_id}")
            runs = op.execute(
                "SELECT run_id FROM api.runs WHERE account = %s AND run_id <> %s", (c.account, c.run_id)
            ).fetchall()
            if runs:
                raise errors.ConfigurationError(
                    f"account {c.account} already ran {runs[0][0]} with another configuration; "
                    "use a new account name for a different run"
                )

    def prepare(self) -> None:
        c = self.config
        self.ensure_account()
        if self.backtest_fast_commit:
            refusal = fast_commit_refusal(c, until=self.until)
            if refusal:
                raise errors.ConfigurationError(refusal)
        self.conn = self.target.connect("worker")
        set_json_loads(partial(json.loads, parse_float=Decimal), self.conn)
        if self.backtest_fast_commit:
            # A backtest over stored history: each hour still commits atomically and in order, but without
            # waiting for the WAL flush; a server crash can lose the last closed hours, which a restart runs
            # again identically from what the database holds (nothing outside the run saw them live).
            self.conn.execute("SET synchronous_commit = off")
        elif self.conn.execute("SHOW synchronous_commit").fetchone() == ("off",):
            # Durable by default: whatever the server's default, every commit waits for the WAL flush.
            self.conn.execute("SET synchronous_commit = on")
        self.conn.commit()
        warmup = timedelta(hours=int(getattr(self.strategy, "warmup_bars", 500)) + 24)
        self.market = MarketData.load(self.conn, c.venue.venue, list(c.symbols), c.start - warmup, c.end + HOUR)
        self.conn.commit()
        for symbol, data in self.market.symbols.items():
            full = _history_of(data)
            self.features[symbol] = self.strategy.features(symbol, full) if hasattr(self.strategy, "features") else {}
        with self.conn.transaction():
            api.register_run(self.conn, c.run_id, c.account, c.mode, c.as_dict(), self.market.digest())
            for symbol, tick, step, min_qty, min_notional in self.conn.execute(
                "SELECT symbol, tick_size, step_size, min_qty, min_notional FROM api.instruments"
                " WHERE venue = %s AND symbol = ANY(%s)",
                (c.venue.venue, list(c.symbols)),
            ).fetchall():
                self.rules[symbol] = InstrumentRules(tick, step, min_qty, min_notional)
            for name, mode, value in self.conn.execute(
                "SELECT limit_name, mode, value FROM api.limits WHERE profile = %s AND scope = '*'", (c.risk_profile,)
            ).fetchall():
                if mode == "pct":
                    self.limits[name] = None if value is None else float(value) / 100
        self.venue = PaperVenue(self.market.venue_bars(), c.venue)
        self._restore_venue()
        self._startup_reconciliation()

    def _restore_venue(self) -> None:
        """Rebuild the paper venue's memory from the database: balances, and the open orders."""
        assert self.conn is not None and self.venue is not None
        for code, currency, balance in self.conn.execute(
            "SELECT account_code, currency, balance FROM api.balances WHERE account = %s", (self.config.account,)
        ):
            if code == "trading":
                self.venue.balances[currency] = balance
        checkpoint = api.scalar(
            self.conn, "SELECT max(hour) FROM api.hourly_states WHERE account = %s", (self.config.account,)
        )
        for row in self.conn.execute(
            "SELECT o.client_order_id, o.symbol, o.side, o.order_type, o.quantity, o.limit_price, o.ts, o.expiry,"
            " o.filled_qty, o.venue_order_id, o.status,"
            " (SELECT count(*) FROM api.fills f WHERE f.client_order_id = o.client_order_id)"
            " FROM api.orders o WHERE o.account = %s AND o.status IN ('new', 'open', 'partially_filled')"
            " ORDER BY o.seq",
            (self.config.account,),
        ).fetchall():
            coid, symbol, side, otype, qty, limit_price, ts, expiry, filled, vid, status, nfills = row
            if status == "new":
                continue  # never reached the venue: sent again by _send_unacknowledged
            # At the checkpoint (the last closed hour T) the venue had matched every bar opening before T.
            self.venue.restore(
                coid,
                symbol,
                side,
                otype,
                qty,
                limit_price,
                ts,
                expiry,
                filled,
                vid,
                matched_until=checkpoint,
                fills=nfills,
            )
        self.conn.commit()

    def _startup_reconciliation(self) -> None:
        """On every start, compare the book with the venue before anything new is sent."""
        assert self.conn is not None and self.venue is not None
        last = self.last_closed_hour()
        ts = last or self.config.start
        observed = self._observe_venue()
        if observed is None:
            return
        balances, open_orders = observed
        with self.conn.transaction():
            api.run_many(self.conn, [api.reconcile_call(self.config.account, ts, balances, open_orders, "startup")])

    def _venue(self, fn: Any, *args: Any, **kwargs: Any) -> Any:
        """Call the venue, counting calls and transient failures for the venue-health breakers."""
        self.venue_calls += 1
        try:
            result = fn(*args, **kwargs)
        except TransientVenueError:
            self.venue_errors += 1
            self.venue_connected = False
            raise
        self.venue_connected = True
        return result

    def _observe_venue(self) -> tuple[dict[str, Decimal], list[str]] | None:
        assert self.venue is not None
        try:
            balances = self._venue(self.venue.fetch_balance)
            open_orders = [o["clientOrderId"] for o in self._venue(self.venue.fetch_open_orders)]
        except TransientVenueError as e:
            self.log.warning("venue_unreachable", error=str(e))
            return None
        return balances, open_orders

    def _health_call(self, t: datetime) -> api.Call[Any]:
        call = api.record_venue_health_call(
            self.config.account, t, self.venue_calls, self.venue_errors, self.venue_connected
        )
        self.venue_calls = self.venue_errors = 0
        return call

    # --- the loop -------------------------------------------------------------------------------------
    def last_closed_hour(self) -> datetime | None:
        assert self.conn is not None
        row = self.conn.execute(
            "SELECT max(hour) FROM api.hourly_states WHERE account = %s", (self.config.account,)
        ).fetchone()
        self.conn.commit()
        return row[0] if row else None

    def run(self) -> RunSummary:
        started = time.monotonic()
        if self.conn is None:
            self.prepare()
        assert self.conn is not None
        self._send_unacknowledged()
        last = self.last_closed_hour()
        t = self.config.start if last is None else last + HOUR
        hours = []
        while t <= self.config.end:
            hours.append(t)
            t += HOUR
        bar = None
        if self.progress:
            from tqdm import tqdm

            bar = tqdm(total=len(hours), unit="h", desc=self.config.account, dynamic_ncols=True, leave=False)
        done = 0
        try:
            for t in hours:
                self.step(t)
                done += 1
                if bar is not None:
                    bar.update(1)
                    if done % 24 == 0:
                        bar.set_postfix_str(t.strftime("%Y-%m-%d"))
                if self.stop_after is not None and done >= self.stop_after:
                    break
        finally:
            if bar is not None:
                bar.close()
        summary = summarize(self.conn, self.config)
        summary.hours_this_session = done
        summary.seconds = time.monotonic() - started
        return summary

    def step(self, t: datetime) -> None:
        """One decision time: relay venue events, reconcile, close the hour, decide, admit, place."""
        assert self.conn is not None and self.venue is not None
        c = self.config
        calls: list[api.Call[Any]] = []
        try:
            events = self._venue(self.venue.advance, t)
            transfers = self._venue(self.venue.fetch_transfers)
        except TransientVenueError as e:
            self.log.warning("venue_unreachable", hour=t.isoformat(), error=str(e))
            events, transfers = [], []
        for event in events:
            calls.append(self._event_call(event))
        for tr in transfers:
            if tr["id"] not in self.transfers_seen:
                calls.append(
                    api.record_venue_transfer_call(
                        c.account, tr["kind"], tr["currency"], tr["amount"], tr["id"], tr["ts"]
                    )
                )
        observed = self._observe_venue()
        if observed is not None:
            calls.append(api.reconcile_call(c.account, t, observed[0], observed[1]))
        calls.append(self._health_call(t))
        calls.append(
            api.Call(
                "SELECT coalesce(array_agg(DISTINCT symbol), '{}') FROM api.orders WHERE account = %s"
                " AND status IN ('new', 'open', 'partially_filled')",
                (c.account,),
                None,
            )
        )
        calls.append(api.close_hour_call(c.account, t, c.symbols))
        with self.conn.transaction():
            results = api.run_many(self.conn, calls)
            state: api.HourState = results[-1]
            signals = self.decide(t, state, set(results[-2])) if t < c.end else []
            decisions = api.run_many(
                self.conn,
                [
                    api.submit_signal_call(
                        c.account,
                        c.strategy,
                        s.symbol,
                        s.ts,
                        s.direction,
                        Decimal(repr(s.confidence)),
                        Decimal(repr(s.edge_bps)),
                        s.expiry,
                        s.quantity,
                        s.order_type,
                        s.limit_price,
                    )
                    for s in signals
                ],
            )
        self.transfers_seen.update(tr["id"] for tr in transfers)
        admitted = []
        for s, d in zip(signals, decisions, strict=True):
            if d.outcome == "admitted":
                admitted.append((d, s))
                self.log.info(
                    "order_admitted",
                    hour=t.isoformat(),
                    client_order_id=d.client_order_id,
                    symbol=s.symbol,
                    side=d.side,
                    quantity=str(d.quantity),
                )
            elif d.outcome == "refused":
                self.log.info(
                    "signal_refused", hour=t.isoformat(), symbol=s.symbol, direction=s.direction, reasons=d.reasons
                )
        if admitted:
            self._place(
                [
                    (
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
                    for d, s in admitted
                ]
            )
        if state.open_orders or admitted or state.halts:
            self.service_requests(t)

    def service_requests(self, t: datetime) -> int:
        """Carry out what the database asks of the venue: cancel every order marked for cancellation (the
        kill switch marks all), and send admitted orders that never reached the venue (kill-switch and
        risk exits, or orders whose submission outcome was unknown). Returns how many were handled."""
        assert self.conn is not None and self.venue is not None
        rows = self.conn.execute(
            "SELECT client_order_id, symbol, side, order_type, quantity, limit_price, ts, expiry, decision_price,"
            " status, cancel_requested, updated_ts FROM api.orders WHERE account = %s"
            " AND (status = 'new' OR (cancel_requested AND status IN ('open', 'partially_filled'))) ORDER BY seq",
            (self.config.account,),
        ).fetchall()
        self.conn.commit()
        if not rows:
            return 0
        cancels: list[api.Call[Any]] = []
        to_send: list[tuple[Any, ...]] = []
        for coid, symbol, side, otype, qty, limit_price, ts, expiry, dprice, status, cancel, updated in rows:
            at = max(t, updated)
            if cancel:
                try:
                    known = self._venue(self.venue.fetch_order, coid, symbol) if status == "new" else {"status": "open"}
                    if known is not None and known["status"] == "open":
                        done = self._venue(self.venue.cancel_order, coid, at, symbol)
                        if done["status"] == "canceled":
                            cancels.append(
                                api.record_order_event_call(coid, "canceled", at, done["id"], "cancel requested")
                            )
                    elif known is None:
                        cancels.append(
                            api.record_order_event_call(
                                coid, "canceled", at, None, "canceled before it reached the venue"
                            )
                        )
                except TransientVenueError as e:
                    self.log.warning("cancel_failed", client_order_id=coid, error=str(e))
            else:
                to_send.append((coid, symbol, side, otype, qty, limit_price, ts, expiry, dprice))
        if cancels:
            with self.conn.transaction():
                api.run_many(self.conn, cancels)
        if to_send:
            self._place(to_send)
        return len(rows)

    def _place(self, orders: list[tuple[Any, ...]]) -> None:
        """Send admitted orders: first ask the venue by client order id (a retried or timed-out submission
        may already be there), place only those it never received, relay acknowledgements and rejects. A
        submission whose outcome is unknown (timeout) stays 'new' and is resolved the same way later."""
        assert self.conn is not None and self.venue is not None
        acks: list[api.Call[Any]] = []
        for coid, symbol, side, otype, qty, limit_price, at, expiry, ref in orders:
            try:
                order = self._venue(self.venue.fetch_order, coid, symbol)
                if order is None:
                    order = self._venue(
                        self.venue.place_order,
                        symbol,
                        side,
                        otype,
                        qty,
                        limit_price,
                        coid,
                        at,
                        expiry=expiry,
                        reference_price=ref,
                    )
            except TransientVenueError as e:
                self.log.warning("submission_outcome_unknown", client_order_id=coid, error=str(e))
                continue
            arrived = datetime.fromtimestamp(order["timestamp"] / 1000, UTC)
            if order["status"] == "rejected":
                acks.append(
                    api.record_order_event_call(coid, "rejected", arrived, order["id"], order["info"]["reason"])
                )
                self.log.info("order_rejected", client_order_id=coid, reason=order["info"]["reason"])
            else:
                acks.append(api.record_order_event_call(coid, "acknowledged", arrived, order["id"]))
        if acks:
            with self.conn.transaction():
                api.run_many(self.conn, acks)

    def _send_unacknowledged(self) -> None:
        """On start: orders admitted but never acknowledged (a crash between admission and placement, a
        timed-out submission) are resolved by client order id with the venue before anything new is sent;
        cancel requests are carried out."""
        last = self.last_closed_hour()
        handled = self.service_requests(last or self.config.start)
        if handled:
            self.log.info("resolved_pending_orders", count=handled)

    def _event_call(self, event: dict[str, Any]) -> api.Call[Any]:
        if event["kind"] == "fill":
            tr = event["trade"]
            return api.record_fill_call(
                event["order"],
                tr["id"],
                tr["amount"],
                tr["price"],
                tr["fee"]["cost"],
                tr["fee"]["currency"],
                tr["takerOrMaker"],
                event["ts"],
            )
        return api.record_order_event_call(event["order"], event["kind"], event["ts"], None, event.get("reason"))

    def decide(self, t: datetime, state: api.HourState, open_symbols: set[str]) -> list[Signal]:
        """Run the strategy for every symbol on what was known at t (symbols with an open order wait)."""
        assert self.market is not None
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
            feats = {k: v[:n] for k, v in self.features.get(symbol, {}).items()}
            position = state.positions.get(symbol, Decimal(0))
            ctx = Context(
                decision_time=t,
                symbol=symbol,
                history=data.history(),
                position=Decimal(position),
                cash=state.cash,
                equity=state.equity,
                fee_rate=self.fee_rate,
                rules=self.rules.get(symbol, InstrumentRules()),
                last_close=data.close_exact[n - 1],
                features=feats,
                params=self.config.params,
                limits=limits,
            )
            signal = self.strategy.generate_signal(ctx)
            if signal is not None and signal.direction != "hold":
                out.append(signal)
        return out

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def _history_of(data: Any) -> Any:
    from predator.strategies.base import History

    return History(data.ts, data.open, data.high, data.low, data.close, data.volume)


def summarize(conn: psycopg.Connection, config: RunConfig) -> RunSummary:
    """Counts and figures of an account as recorded in the database."""
    a = config.account
    s = RunSummary(config.run_id, a)
    one = conn.execute
    s.hours = api.scalar(conn, "SELECT count(*) FROM api.hourly_states WHERE account = %s", (a,))
    s.signals = api.scalar(conn, "SELECT count(*) FROM api.decisions WHERE account = %s", (a,))
    s.orders = api.scalar(conn, "SELECT count(*) FROM api.orders WHERE account = %s", (a,))
    s.fills = api.scalar(conn, "SELECT count(*) FROM api.fills WHERE account = %s", (a,))
    s.round_trips = api.scalar(conn, "SELECT count(*) FROM api.round_trips WHERE account = %s", (a,))
    s.refusals = dict(
        one(
            "SELECT r, count(*) FROM api.decisions, unnest(reasons) r WHERE account = %s"
            " AND outcome = 'refused' GROUP BY r ORDER BY 2 DESC, 1",
            (a,),
        ).fetchall()
    )
    row = one(
        "SELECT fees, equity FROM api.hourly_states WHERE account = %s ORDER BY hour DESC LIMIT 1", (a,)
    ).fetchone()
    if row:
        s.fees, s.final_equity = row
    s.max_drawdown = api.scalar(
        conn, "SELECT coalesce(max(drawdown), 0) FROM api.hourly_states WHERE account = %s", (a,)
    )
    conn.commit()
    return s
