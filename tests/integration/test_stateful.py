"""A stateful property test: random sequences of deposits, signals (buy, sell, exit), acknowledgements,
partial and full fills, cancels, hour closes and global halts/resumes, driven through the governed
procedures, against a small reference model (cash, positions, open orders, halted), with every gate run
after every step.

The book uses the ``unconstrained`` risk profile, so the admission gate's verdict is predictable from the
model alone: a buy is refused for ``insufficient_cash`` (notional and taker fee beyond the cash not
reserved by open buys), ``below_min_notional`` (Binance's 5 USDT) or ``halted_global``; a sell for
``no_position``, ``sell_exceeds_position`` (beyond the position not already being sold) or
``halted_global``. Each example runs in its own database, copied from a template that holds the market.

Several strategies share the book (issue 13, docs/risk.md): the model keeps each strategy's own position, a
strategy sells only what it holds itself (and never more than the book's free position), and a signal that
disagrees with another strategy's order on the same symbol in the same hour is refused
``arbitration_refused`` while the other's order is cancelled (never sent) or marked for cancellation.

Two capital pools: ``agg`` is in the ``AGGRESSIVE`` pool, whose budget is a small amount (``pool_budget`` abs
300 USDT); its entries are refused ``pool_budget`` when the pool's exposure after the order would pass it: its
own positions at the marks of the last closed bars (fills up to the decision time) plus its buys open as of the
decision time (decided by then, not closed by an event dated by then, less the fills dated by then) at their
decision prices plus the order. Every other strategy is in ``CORE``, which has no budget. A buy of ``agg`` filled
or cancelled after the hour's decision time still counts for its next entry of that hour (the gap gate 17 found).

Per-strategy risk states (issue 13 item 3): an operator halts one of two CORE strategies at its own scope and
resumes it (``api.resume_strategy``); while halted its signals are refused ``halted_strategy`` and, once its next
signal or the next hour close has mirrored the halt, its risk state is ``halted``; the resume moves it back to
``normal`` at once (``cooldown_hours`` is 0), every move a chained row gate 18 judges. The other strategies trade on.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_DOWN, Decimal, localcontext

from hypothesis import HealthCheck, seed, settings
from hypothesis import event as _hypothesis_event
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule, run_state_machine_as_test

from predator import gates
from predator.db import api
from predator.db.connection import Target
from tests.conftest import create_database, drop_database
from tests.helpers import approve_global_resume, hour, load_market, new_account

SYMBOLS = ("BTC/USDT", "ETH/USDT")
AGGRESSIVE = "agg"
CORE = tuple(f"s{i}" for i in range(6))
STRATEGIES = (*CORE, AGGRESSIVE)
POOL_BUDGET = Decimal("300")  # AGGRESSIVE pool, abs (USDT)
FEE_RATE = Decimal("0.001")          # Binance taker fee of the seed venue, 10 bps
MIN_NOTIONAL = Decimal("5")
Q8 = Decimal("0.00000001")
PRINCIPAL = Decimal("20000")
OPEN = ("new", "open", "partially_filled")


def event(text: str) -> None:
    """Count an outcome in Hypothesis' statistics (a no-op when the machine runs outside Hypothesis)."""
    with contextlib.suppress(InvalidArgument):
        _hypothesis_event(text)


@dataclass
class Order:
    coid: str
    symbol: str
    side: str
    quantity: Decimal
    price: Decimal           # decision price
    strategy: str = "s0"
    hour_no: int = 0         # the decision hour
    filled: Decimal = Decimal(0)
    status: str = "new"
    cancel_requested: bool = False
    closed_at: datetime | None = None    # business time of its terminal event
    fill_log: tuple[tuple[datetime, Decimal], ...] = ()   # (fill time, quantity)


@seed(20240301)   # reproducible in CI; drop it locally to explore other sequences
class StatefulBook(RuleBasedStateMachine):
    """One book driven through the gateway and mirrored by a reference model."""

    server: Target
    market_db: str

    def __init__(self) -> None:
        super().__init__()
        self.target = create_database(self.server, template=self.market_db, prefix="predator_sm")
        self.op = self.target.connect("operator")
        self.auditor = self.target.connect("auditor", autocommit=True)
        try:
            self._start()
        except BaseException:
            self.teardown()
            raise

    def _start(self) -> None:
        self.account = new_account(self.op, name="sm", principal=PRINCIPAL, profile="unconstrained", strategy="s0",
                                   deposit_at=hour(1))
        with self.op.transaction():
            for s in STRATEGIES[1:]:
                api.register_strategy(self.op, self.account, s, {}, "stateful test",
                                      pool="AGGRESSIVE" if s == AGGRESSIVE else "CORE")
            api.set_limit(self.op, "unconstrained", "pool_budget", "abs", POOL_BUDGET, "stateful test", "AGGRESSIVE")
        # the marks: closes of the loaded bars, by (symbol, bar open time)
        self.closes = {(sym, ts): close for sym, ts, close in self.auditor.execute(
            "SELECT symbol, ts, close FROM api.candles WHERE interval = '1h'").fetchall()}
        self.fills: list[tuple[str, str, Decimal, datetime]] = []   # (strategy, symbol, signed qty, fill time)
        self.strategy_halted: set[str] = set()          # strategies an operator halted at their own scope
        self.strategy_state = {s: "normal" for s in STRATEGIES}   # the model of api.strategy_risk_states
        self.hour_no = 2
        self.clock = hour(2)
        self.used: set[tuple[str, str]] = set()   # (strategy, symbol) used at the current hour
        self.cash = PRINCIPAL
        self.position = {s: Decimal(0) for s in SYMBOLS}
        self.own: dict[tuple[str, str], Decimal] = {}   # (strategy, symbol) -> its own position
        self.orders: dict[str, Order] = {}
        self.halted = False
        self.trade_no = 0
        self.actions_this_hour = 0
        # start with a position in each symbol, so that sells and exits have something to sell
        for symbol, qty in zip(SYMBOLS, (Decimal("0.05"), Decimal("1")), strict=True):
            self.submit(symbol, "buy", qty)
            o = self.open_orders(("new",))[-1]
            self.acknowledge_order(o)
            self.fill(o, Decimal(1))
        self.actions_this_hour = 0

    def teardown(self) -> None:
        self.op.close()
        self.auditor.close()
        drop_database(self.server, self.target.dbname)

    # --- helpers ------------------------------------------------------------------------------------
    def tick(self) -> datetime:
        self.actions_this_hour += 1
        self.clock += timedelta(seconds=1)
        return self.clock

    def open_orders(self, statuses: tuple[str, ...] = OPEN) -> list[Order]:
        return [o for o in self.orders.values() if o.status in statuses]

    def pick(self, statuses: tuple[str, ...], i: int) -> Order:
        candidates = self.open_orders(statuses)
        return candidates[i % len(candidates)]

    def free_position(self, symbol: str) -> Decimal:
        selling = sum((o.quantity - o.filled for o in self.open_orders() if o.side == "sell" and o.symbol == symbol),
                      Decimal(0))
        return self.position[symbol] - selling

    def own_free(self, strategy: str, symbol: str) -> Decimal:
        """What ``strategy`` may sell: its own position less its own open sells, within the book's free one."""
        selling = sum((o.quantity - o.filled for o in self.open_orders()
                       if o.side == "sell" and o.symbol == symbol and o.strategy == strategy), Decimal(0))
        return min(self.own.get((strategy, symbol), Decimal(0)) - selling, self.free_position(symbol))

    def mark(self, symbol: str, ts: datetime) -> Decimal:
        """The close of the last bar closed by ``ts`` (market.marks)."""
        return self.closes[(symbol, max(t for s, t in self.closes if s == symbol and t <= ts - timedelta(hours=1)))]

    def pool_after(self, ts: datetime, notional: Decimal) -> Decimal:
        """The AGGRESSIVE pool's exposure after an entry of ``notional`` decided at ``ts``: its own positions from
        fills up to ``ts`` at the marks, plus its open buys at their decision prices (risk.strategy_figures)."""
        value = Decimal(0)
        for symbol in SYMBOLS:
            qty = sum((q for s, sym, q, t in self.fills if s == AGGRESSIVE and sym == symbol and t <= ts), Decimal(0))
            if qty > 0:
                value += qty * self.mark(symbol, ts)
        open_buys = sum(((o.quantity - sum((q for t, q in o.fill_log if t <= ts), Decimal(0))) * o.price
                         for o in self.orders.values()
                         if o.side == "buy" and o.strategy == AGGRESSIVE and hour(o.hour_no) <= ts
                         and (o.closed_at is None or o.closed_at > ts)), Decimal(0))
        return value + open_buys + notional

    def submit(self, symbol: str, direction: str, quantity: Decimal | None, strategy: str | None = None) -> None:
        self.actions_this_hour += 1
        unused = [s for s in STRATEGIES if (s, symbol) not in self.used]
        # a sell goes to the unused strategy that holds the most of the symbol itself (a buy to the first)
        if strategy is None:
            strategy = ([s for s in unused if s in CORE][0] if direction == "buy"
                        else max(unused, key=lambda s: self.own_free(s, symbol)))
        self.used.add((strategy, symbol))
        ts = hour(self.hour_no)
        with self.op.transaction():
            d = api.submit_signal(
                self.op,
                account=self.account,
                strategy=strategy,
                symbol=symbol,
                ts=ts,
                direction=direction,
                confidence=Decimal("0.6"),
                edge_bps=Decimal("20"),
                expiry=ts + timedelta(days=1),
                quantity=quantity,
            )
        expected: set[str] = {"halted_global"} if self.halted else set()
        if strategy in self.strategy_halted:
            expected.add("halted_strategy")
            self.strategy_state[strategy] = "halted"   # its admission mirrors the halt into its risk state
        if direction == "buy":
            assert quantity is not None and d.decision_price is not None
            notional = quantity * d.decision_price
            open_buys = sum(((o.quantity - o.filled) * o.price for o in self.open_orders() if o.side == "buy"),
                            Decimal(0))
            if notional * (1 + FEE_RATE) > self.cash - open_buys * (1 + FEE_RATE):
                expected.add("insufficient_cash")
            if notional < MIN_NOTIONAL:
                expected.add("below_min_notional")
            if strategy == AGGRESSIVE and self.pool_after(ts, notional) > POOL_BUDGET:
                expected.add("pool_budget")
        else:
            free = self.own_free(strategy, symbol)
            if free <= 0:
                expected.add("no_position")
            elif direction == "sell" and quantity is not None and quantity > free:
                expected.add("sell_exceeds_position")
        side = "buy" if direction == "buy" else "sell"
        others = [o for o in self.orders.values()
                  if o.symbol == symbol and o.hour_no == self.hour_no and o.strategy != strategy and o.side != side]
        if not expected and others:   # refuse_both: this signal refused, the other's open orders cancelled
            expected.add("arbitration_refused")
            for o in others:
                if o.status == "new":
                    o.status = "canceled"
                    o.closed_at = ts
                elif o.status in OPEN:
                    o.cancel_requested = True
            event("arbitration_refused")
        assert set(d.reasons) == expected, (direction, symbol, quantity, d)
        event(f"{direction}: {', '.join(sorted(expected)) or 'admitted'}")
        assert d.outcome == ("refused" if expected else "admitted")
        if d.outcome == "admitted":
            assert d.client_order_id is not None and d.quantity is not None and d.decision_price is not None
            self.orders[d.client_order_id] = Order(d.client_order_id, symbol, d.side or "", d.quantity,
                                                   d.decision_price, strategy, self.hour_no)

    # --- rules --------------------------------------------------------------------------------------
    @rule(amount=st.sampled_from([Decimal("500"), Decimal("2500.5"), Decimal("10000")]))
    def deposit(self, amount: Decimal) -> None:
        with self.op.transaction():
            api.deposit(self.op, self.account, amount, self.tick(), "top up")
        self.cash += amount

    @precondition(lambda self: len(self.used) < len(STRATEGIES) * len(SYMBOLS))
    @rule(symbol=st.sampled_from(SYMBOLS), size=st.sampled_from([Decimal("0.00005"), Decimal("0.0001"), Decimal("0.02"),
                                                                 Decimal("0.1"), Decimal("0.4")]))
    def buy(self, symbol: str, size: Decimal) -> None:
        if all((s, symbol) in self.used for s in CORE):
            return
        self.submit(symbol, "buy", size if symbol == "BTC/USDT" else size * 20)

    # Admission dates the AGGRESSIVE pool's open buys as of the decision time, as gate 17 does: a buy filled or
    # cancelled later in the hour still counts for another entry decided at that time.
    @precondition(lambda self: any((AGGRESSIVE, s) not in self.used for s in SYMBOLS))
    @rule(symbol=st.sampled_from(SYMBOLS),
          size=st.sampled_from([Decimal("0.0001"), Decimal("0.002"), Decimal("0.004")]))
    def buy_aggressive(self, symbol: str, size: Decimal) -> None:
        """An entry of the AGGRESSIVE strategy: about 6, 130 or 260 USDT against the pool's 300."""
        if (AGGRESSIVE, symbol) in self.used:
            return
        self.submit(symbol, "buy", size if symbol == "BTC/USDT" else size * 20, strategy=AGGRESSIVE)

    @precondition(lambda self: len(self.used) < len(STRATEGIES) * len(SYMBOLS))
    @rule(symbol=st.sampled_from(SYMBOLS), share=st.sampled_from([Decimal("0.5"), Decimal("1"), Decimal("2")]),
          exit_all=st.booleans())
    def sell(self, symbol: str, share: Decimal, exit_all: bool) -> None:
        if all((s, symbol) in self.used for s in STRATEGIES):
            return
        if exit_all:
            self.submit(symbol, "exit", None)
            return
        held = max(self.own_free(s, symbol) for s in STRATEGIES if (s, symbol) not in self.used)
        quantity = (max(held, Decimal(0)) * share).quantize(Q8, ROUND_DOWN) or Decimal("0.01")
        self.submit(symbol, "sell", quantity)

    @precondition(lambda self: bool(self.open_orders(("new",))))
    @rule(i=st.integers(0, 50))
    def acknowledge(self, i: int) -> None:
        self.acknowledge_order(self.pick(("new",), i))

    def acknowledge_order(self, o: Order) -> None:
        with self.op.transaction():
            status = api.record_order_event(
                self.op,
                client_order_id=o.coid,
                kind="acknowledged",
                ts=self.tick(),
                venue_order_id=f"V{o.coid[-6:]}",
            )
        assert status == "open"
        o.status = "open"
        event("acknowledged")

    # A fill may come right behind an acknowledgement the venue sent with it: a new order is acknowledged
    # first, so that fills are frequent enough for sells to find positions.
    @precondition(lambda self: bool(self.open_orders()))
    @rule(i=st.integers(0, 50), share=st.sampled_from([Decimal("0.3"), Decimal("0.5")]))
    def partial_fill(self, i: int, share: Decimal) -> None:
        o = self.pick(OPEN, i)
        if o.status == "new":
            self.acknowledge_order(o)
        self.fill(o, share)

    @precondition(lambda self: bool(self.open_orders()))
    @rule(i=st.integers(0, 50))
    def full_fill(self, i: int) -> None:
        o = self.pick(OPEN, i)
        if o.status == "new":
            self.acknowledge_order(o)
        self.fill(o, Decimal(1))

    def fill(self, o: Order, share: Decimal) -> None:
        remaining = o.quantity - o.filled
        qty = remaining if share == 1 else (remaining * share).quantize(Q8, ROUND_DOWN)
        if qty <= 0:
            qty = remaining
        # buys fill a little better than the decision price (within the cash the admission reserved)
        price = (o.price * (Decimal("0.999") if o.side == "buy" else Decimal("1.002"))).quantize(Q8)
        fee = (qty * price * FEE_RATE).quantize(Q8)
        self.trade_no += 1
        with self.op.transaction():
            result = api.record_fill(
                self.op,
                client_order_id=o.coid,
                venue_trade_id=f"T{self.trade_no}",
                quantity=qty,
                price=price,
                fee=fee,
                fee_currency="USDT",
                liquidity="taker",
                ts=self.tick(),
            )
        assert result == "recorded"
        with localcontext() as ctx:
            ctx.prec = 60
            key = (o.strategy, o.symbol)
            if o.side == "buy":
                self.cash -= qty * price + fee
                self.position[o.symbol] += qty
                self.own[key] = self.own.get(key, Decimal(0)) + qty
            else:
                self.cash += qty * price - fee
                self.position[o.symbol] -= qty
                self.own[key] = self.own.get(key, Decimal(0)) - qty
        self.fills.append((o.strategy, o.symbol, qty if o.side == "buy" else -qty, self.clock))
        o.fill_log = (*o.fill_log, (self.clock, qty))
        o.filled += qty
        o.status = "filled" if o.filled == o.quantity else "partially_filled"
        if o.status == "filled":
            o.closed_at = self.clock
        event(f"{o.side} fill: {o.status}")

    @precondition(lambda self: bool(self.open_orders()))
    @rule(i=st.integers(0, 50))
    def cancel(self, i: int) -> None:
        o = self.pick(OPEN, i)
        with self.op.transaction():
            status = api.record_order_event(self.op, client_order_id=o.coid, kind="canceled", ts=self.tick())
        assert status == "canceled"
        o.status = "canceled"
        o.closed_at = self.clock
        event(f"canceled after {o.filled} filled")

    @precondition(lambda self: self.hour_no < 40 and self.actions_this_hour >= 3)
    @rule()
    def close_hour(self) -> None:
        self.actions_this_hour = 0
        self.hour_no += 1
        self.clock = hour(self.hour_no)
        self.used.clear()
        with self.op.transaction():
            state = api.close_hour(self.op, self.account, hour(self.hour_no))
        assert state.cash == self.cash
        assert {s: Decimal(str(q)) for s, q in state.positions.items()} == \
            {s: q for s, q in self.position.items() if q > 0}
        assert state.open_orders == len(self.open_orders())
        assert state.halts == (["halted_global"] if self.halted else [])
        for s in self.strategy_halted:   # the hour close mirrors every strategy's halt
            self.strategy_state[s] = "halted"
        event("hour closed")

    @rule()
    def halt_or_resume(self) -> None:
        with self.op.transaction():
            if self.halted:
                approve_global_resume(self.target, self.op, "stateful test: resume")
                api.resume(self.op, "stateful test: resume")
            else:
                api.halt(self.op, "stateful test: halt")
        self.halted = not self.halted

    @rule(strategy=st.sampled_from(CORE[1:3]))
    def halt_or_resume_strategy(self, strategy: str) -> None:
        """An operator halts one strategy at its own scope, or resumes it (api.resume_strategy)."""
        with self.op.transaction():
            if strategy in self.strategy_halted:
                api.resume_strategy(self.op, self.account, strategy, "stateful test: resume strategy")
                self.strategy_halted.discard(strategy)
                self.strategy_state[strategy] = "normal"   # halted -> cooldown -> normal (cooldown_hours 0)
                event("strategy resumed")
            else:
                api.halt(self.op, "stateful test: halt strategy", "strategy", f"{self.account}/{strategy}")
                self.strategy_halted.add(strategy)
                event("strategy halted")

    # --- invariants ---------------------------------------------------------------------------------
    @invariant()
    def database_agrees_with_the_model(self) -> None:
        cur = self.auditor.execute
        cash = cur("SELECT coalesce(sum(balance), 0) FROM api.balances WHERE account = %s AND account_code = 'trading'"
                   " AND currency = 'USDT'", (self.account,)).fetchone()
        assert cash is not None and cash[0] == self.cash
        positions = dict(cur("SELECT symbol, quantity FROM api.positions WHERE account = %s",
                             (self.account,)).fetchall())
        assert positions == {s: q for s, q in self.position.items() if q > 0}
        statuses = dict(cur("SELECT client_order_id, status FROM api.orders WHERE account = %s",
                            (self.account,)).fetchall())
        assert statuses == {o.coid: o.status for o in self.orders.values()}
        halted = cur("SELECT coalesce(bool_or(active), false) FROM api.halts WHERE scope_kind = 'global'").fetchone()
        assert halted is not None and halted[0] == self.halted
        # the model knows no circuit breakers or system halts: none may have acted behind its back
        system = cur("SELECT scope_kind, scope_key, action, reason FROM api.halt_events WHERE source <> 'operator'"
                     " OR scope_kind NOT IN ('global', 'strategy')").fetchall()
        assert system == []
        states = dict(cur("SELECT strategy, state FROM api.strategy_risk_states WHERE account = %s",
                          (self.account,)).fetchall())
        assert states == self.strategy_state

    @invariant()
    def every_gate_passes(self) -> None:
        results = gates.run_gates(self.auditor)
        failed = {r.name: r.error or r.rows[:3] for r in results if not r.passed}
        assert not failed


def test_random_trading_sequences_keep_the_model_and_every_gate(server: Target, template_db: Target) -> None:
    market = create_database(server, template=template_db.dbname, prefix="predator_smkt")
    try:
        with market.connect("operator") as conn:
            load_market(conn)
        StatefulBook.server = server
        StatefulBook.market_db = market.dbname
        run_state_machine_as_test(StatefulBook, settings=settings(
            max_examples=15, stateful_step_count=25, deadline=None, database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much]))
    finally:
        drop_database(server, market.dbname)


def test_the_model_catches_a_disagreement(server: Target, template_db: Target) -> None:
    """The harness can fail: a model that forgets a deposit is caught by the invariant."""
    market = create_database(server, template=template_db.dbname, prefix="predator_smkt")
    try:
        with market.connect("operator") as conn:
            load_market(conn, hours=4)
        StatefulBook.server = server
        StatefulBook.market_db = market.dbname
        machine = StatefulBook()
        try:
            with machine.op.transaction():
                api.deposit(machine.op, machine.account, Decimal("1"), machine.tick(), "unmodelled")
            try:
                machine.database_agrees_with_the_model()
            except AssertionError:
                pass
            else:
                raise AssertionError("the invariant did not notice an unmodelled deposit")
        finally:
            machine.teardown()
    finally:
        drop_database(server, market.dbname)
