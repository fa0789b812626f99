"""Reusable builders for tests: stage real candles, and build a populated book through the gateway.

Everything goes through the governed procedures (``predator.db.api``) as the operator or worker role; the
only SQL here besides the gateway is the COPY into ``market.candle_stage``, the inbox that
``api.load_candles`` reads (the one table the worker may write, and only by INSERT), and the reads of
:func:`stored_digest`.
"""

from __future__ import annotations

import gzip
import hashlib
import itertools
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg import sql

from predator import config
from predator.db import api, logins, market_api, ml_api
from predator.db.connection import Target
from predator.runner.config import RunConfig, StrategySpec
from predator.strategies.base import effective_params, load_strategy
from predator.venues.paper import PaperConfig

T0 = datetime(2024, 3, 1, 0, 0, tzinfo=UTC)
"""Start of the test market: hourly bars from here on are loaded from the shared data."""

CLOCK = datetime(2025, 1, 1, tzinfo=UTC)
"""The clock of test candle loads: after the last shared bar (2024-12-31 23:00) and in the past, so no load
clock runs ahead of the wall clock (PD015)."""
_counter = itertools.count(1)


def shared_file(*parts: str) -> Path:
    """A file of the shared data (``PREDATOR_DATA``, default ``../shared/data``), e.g.
    ``shared_file("candles", "binance_BTC-USDT_1h.csv.gz")``. A missing file fails the test: the data is part
    of the project's contract, and a test that skipped without it would pass having checked nothing."""
    path = config.data_dir().joinpath(*parts)
    if not path.exists():
        pytest.fail(f"{path} is missing: point PREDATOR_DATA at the shared data (see its PROVENANCE.md)")
    return path


def hour(n: int) -> datetime:
    """Close time of the n-th hour after :data:`T0` (hour(1) = T0 + 1h)."""
    return T0 + timedelta(hours=n)


@cache
def candle_lines(symbol: str, start: datetime = T0, hours: int = 48) -> tuple[str, ...]:
    """Raw CSV lines (no header) of the shared 1h candles of ``symbol`` (e.g. BTC/USDT) from ``start``."""
    path = config.data_dir() / "candles" / f"binance_{symbol.replace('/', '-')}_1h.csv.gz"
    first = start.strftime("%Y-%m-%dT%H:%M:%SZ")
    out: list[str] = []
    with gzip.open(path, "rt") as fh:
        next(fh)
        for line in fh:
            if out or line.startswith(first):
                out.append(line.rstrip("\n"))
                if len(out) == hours:
                    break
    assert len(out) == hours, f"{path} has fewer than {hours} bars from {first}"
    return tuple(out)


def stage_and_load(conn: psycopg.Connection, symbol: str, lines: tuple[str, ...] | list[str],
                   venue: str = "binance", clock: datetime = CLOCK) -> api.CandleLoad:
    """Stage raw CSV lines in ``market.candle_stage`` under a fresh load key and load them (one transaction)."""
    with conn.transaction():
        key = market_api.begin_candle_load(conn)
        with conn.cursor().copy("COPY market.candle_stage (load_key, raw) FROM STDIN") as copy:
            for line in lines:
                copy.write_row((key, line))
        return api.load_candles(conn, key, venue, symbol, "1h", "tests", clock)


def close_price(symbol: str, n: int) -> Decimal:
    """Close of the bar that closed at hour(n) (the decision price of a signal at hour(n))."""
    return Decimal(candle_lines(symbol)[n - 1].split(",")[4])


@dataclass
class Book:
    """A populated book: its account name and what was done to it."""

    target: Target
    account: str
    strategy: str = "trend"
    orders: dict[str, str] = field(default_factory=dict)   # label -> client order id
    hours_closed: list[datetime] = field(default_factory=list)


def new_account(conn: psycopg.Connection, *, name: str | None = None, principal: Decimal = Decimal("100000"),
                profile: str = "default", strategy: str = "trend", deposit_at: datetime = T0) -> str:
    """Create an account (operator connection), deposit its principal and register a strategy."""
    name = name or f"acct{next(_counter)}"
    with conn.transaction():
        api.create_account(conn, name, mode="paper", venue="binance", base_currency="USDT", lane="paper",
                           initial_principal=principal, risk_profile=profile, reason="test account")
        api.deposit(conn, name, principal, deposit_at, "initial principal")
        api.register_strategy(conn, name, strategy, {"fast": 12}, "test strategy")
    return name


def load_market(conn: psycopg.Connection, symbols: tuple[str, ...] = ("BTC/USDT", "ETH/USDT"),
                hours: int = 48) -> None:
    """Load ``hours`` real hourly bars of each symbol from :data:`T0`."""
    for symbol in symbols:
        stage_and_load(conn, symbol, candle_lines(symbol, T0, hours))


def signal(conn: psycopg.Connection, account: str, symbol: str, n: int, direction: str,
           quantity: Decimal | None = None, strategy: str = "trend", edge_bps: Decimal = Decimal("25")) -> api.Decision:
    """Submit a market signal at hour(n), expiring a day later."""
    with conn.transaction():
        return api.submit_signal(
            conn,
            account=account,
            strategy=strategy,
            symbol=symbol,
            ts=hour(n),
            direction=direction,
            confidence=Decimal("0.7"),
            edge_bps=edge_bps,
            expiry=hour(n) + timedelta(days=1),
            quantity=quantity,
        )


def fill(conn: psycopg.Connection, client_order_id: str, quantity: Decimal, price: Decimal, ts: datetime,
         fee: Decimal | None = None, fee_currency: str = "USDT", trade_id: str | None = None) -> str:
    """Record a taker fill (fee 0.1% of notional in quote unless given)."""
    fee = fee if fee is not None else (quantity * price / 1000).quantize(Decimal("0.00000001"))
    with conn.transaction():
        return api.record_fill(
            conn,
            client_order_id=client_order_id,
            venue_trade_id=trade_id or f"T{next(_counter)}",
            quantity=quantity,
            price=price,
            fee=fee,
            fee_currency=fee_currency,
            liquidity="taker",
            ts=ts,
        )


def ack(conn: psycopg.Connection, client_order_id: str, ts: datetime) -> str:
    with conn.transaction():
        return api.record_order_event(
            conn,
            client_order_id=client_order_id,
            kind="acknowledged",
            ts=ts,
            venue_order_id=f"V-{client_order_id[:8]}",
        )


def close(conn: psycopg.Connection, account: str, n: int) -> api.HourState:
    with conn.transaction():
        return api.close_hour(conn, account, hour(n))


def build_book(target: Target) -> Book:
    """A book with a bit of everything, built through the gateway as the operator:

    deposit, 48h of real BTC and ETH bars, a BTC buy filled in two parts (the first fee in base), an ETH buy
    filled fully, a partial BTC sell (fee in base), a full ETH exit in two fills (a round trip), a refused
    oversized buy, a hold, a canceled order, a rejected order, a halted-and-refused signal, a resume, a new
    ETH position (partially filled order left open), a BTC exit (a round trip with base-asset fees), and
    the hours closed along the way.
    """
    with target.connect("operator") as conn:
        load_market(conn)
        account = new_account(conn)
        book = Book(target, account)
        btc, eth = "BTC/USDT", "ETH/USDT"

        d = signal(conn, account, btc, 2, "buy", Decimal("0.3"))
        assert d.outcome == "admitted", d
        book.orders["btc_buy"] = d.client_order_id
        ack(conn, d.client_order_id, hour(2) + timedelta(seconds=1))
        fill(conn, d.client_order_id, Decimal("0.1"), close_price(btc, 2), hour(2) + timedelta(seconds=2),
             fee=Decimal("0.0001"), fee_currency="BTC")
        d = signal(conn, account, eth, 2, "buy", Decimal("4"))
        assert d.outcome == "admitted", d
        book.orders["eth_buy"] = d.client_order_id
        ack(conn, d.client_order_id, hour(2) + timedelta(seconds=1))
        fill(conn, d.client_order_id, Decimal("4"), close_price(eth, 2), hour(2) + timedelta(seconds=3))
        close(conn, account, 3)

        fill(conn, book.orders["btc_buy"], Decimal("0.2"), close_price(btc, 3), hour(3) + timedelta(seconds=5))
        d = signal(conn, account, btc, 4, "buy", Decimal("50"))   # far beyond every cap and the cash
        assert d.outcome == "refused" and "insufficient_cash" in d.reasons, d
        d = signal(conn, account, "XRP/USDT", 4, "hold")
        assert d.outcome == "hold", d
        close(conn, account, 4)

        # As the runner does: hour T closes before the decisions at T, so the fills of those decisions
        # (dated after T) are counted by the next close, never by an hour that ends before them.
        close(conn, account, 5)
        d = signal(conn, account, btc, 5, "sell", Decimal("0.15"))
        assert d.outcome == "admitted", d
        book.orders["btc_sell"] = d.client_order_id
        ack(conn, d.client_order_id, hour(5) + timedelta(seconds=1))
        fill(conn, d.client_order_id, Decimal("0.15"), close_price(btc, 5), hour(5) + timedelta(seconds=2),
             fee=Decimal("0.00015"), fee_currency="BTC")
        d = signal(conn, account, eth, 5, "exit")
        assert d.outcome == "admitted", d
        book.orders["eth_exit"] = d.client_order_id
        ack(conn, d.client_order_id, hour(5) + timedelta(seconds=1))
        fill(conn, d.client_order_id, Decimal("1.5"), close_price(eth, 5), hour(5) + timedelta(seconds=2))
        fill(conn, d.client_order_id, Decimal("2.5"), close_price(eth, 5) * Decimal("1.001"),
             hour(5) + timedelta(seconds=3))

        d = signal(conn, account, eth, 6, "buy", Decimal("1"))
        assert d.outcome == "admitted", d
        book.orders["eth_canceled"] = d.client_order_id
        ack(conn, d.client_order_id, hour(6) + timedelta(seconds=1))
        with conn.transaction():
            api.record_order_event(
                conn,
                client_order_id=d.client_order_id,
                kind="cancel_requested",
                ts=hour(6) + timedelta(seconds=2),
            )
            api.record_order_event(
                conn,
                client_order_id=d.client_order_id,
                kind="canceled",
                ts=hour(6) + timedelta(seconds=3),
            )
        d = signal(conn, account, btc, 6, "buy", Decimal("0.1"))
        assert d.outcome == "admitted", d
        book.orders["btc_rejected"] = d.client_order_id
        with conn.transaction():
            api.record_order_event(
                conn,
                client_order_id=d.client_order_id,
                kind="rejected",
                ts=hour(6) + timedelta(seconds=1),
                reason="insufficient balance at venue",
            )
        close(conn, account, 6)

        with conn.transaction():
            api.halt(conn, "test halt", "account", account)
        d = signal(conn, account, eth, 7, "buy", Decimal("1"))
        assert d.outcome == "refused" and "halted_account" in d.reasons, d
        with conn.transaction():
            api.resume(conn, "inspected", "account", account)
        close(conn, account, 7)

        close(conn, account, 8)
        d = signal(conn, account, eth, 8, "buy", Decimal("2"), strategy="trend")
        assert d.outcome == "admitted", d
        book.orders["eth_buy2"] = d.client_order_id
        ack(conn, d.client_order_id, hour(8) + timedelta(seconds=1))
        fill(conn, d.client_order_id, Decimal("1"), close_price(eth, 8), hour(8) + timedelta(seconds=2))
        d = signal(conn, account, btc, 8, "exit")   # closes the BTC round trip (its first lot paid its fee in BTC)
        assert d.outcome == "admitted", d
        book.orders["btc_exit"] = d.client_order_id
        ack(conn, d.client_order_id, hour(8) + timedelta(seconds=1))
        fill(conn, d.client_order_id, d.quantity, close_price(btc, 8), hour(8) + timedelta(seconds=4))
        close(conn, account, 9)
        book.hours_closed = [hour(n) for n in (3, 4, 5, 6, 7, 8, 9)]
    return book



# --- A multi-currency, sync-fed book -------------------------------------------------------------------------------

MT0 = datetime(2024, 1, 1, tzinfo=UTC)
"""Start of the multi-currency book's market: its bars open at MT0 + i hours."""
MH = timedelta(hours=1)
MULTI = "multi"
"""The account of :func:`build_multi_currency_book`."""
#: Per pair, the close of the bar opened at MT0 + i hours is base + i × step: every hour has its own rate, so a fee
#: or realized PnL converted at the wrong time, or a position valued at the wrong hour's rate, does not agree.
MULTI_BARS = {"BTC/USD": ("100", "1"), "BTC/CAD": ("135", "1"), "USD/CAD": ("1.35", "0.01"),
              "USDC/USD": ("0.99", "0.001"), "BTC/USDC": ("101", "1")}
#: The conversion pairs of the book: CAD is rated from USD/CAD (inverted), USDC from USDC/USD.
MULTI_PAIRS = ("USD/CAD", "USDC/USD")
#: The revision of the conversion pairs loaded after the trades of hour 2 and before the close of hour 3: the
#: decisions and fills of hour 2 never saw it, every close and the decisions of hour 4 did.
MULTI_MID_REVISION = (range(4), Decimal("1.1"))
#: The revision loaded after every close: of the conversion pairs and of the BTC/CAD marks; nothing the book
#: recorded saw it.
MULTI_LATE_REVISION = (("USD/CAD", "USDC/USD", "BTC/CAD"), range(7), Decimal(2))
MULTI_SETUP = """
SELECT count(*) FROM api.upsert_instruments('kraken', '[
    {"symbol": "BTC/CAD", "base": "BTC", "quote": "CAD"}, {"symbol": "USD/CAD", "base": "USD", "quote": "CAD"},
    {"symbol": "USDC/USD", "base": "USDC", "quote": "USD"}, {"symbol": "BTC/USDC", "base": "BTC", "quote": "USDC"}]',
    'test');
SELECT api.create_account('multi', 'paper', 'kraken', 'USD', 'paper', 10000, 'default', 'test');
SELECT api.deposit('multi', 10000, '2024-01-01T00:00:00Z', 'test');
SELECT api.deposit('multi', 1350, '2024-01-01T00:00:00Z', 'test', 'CAD');
SELECT api.deposit('multi', 500, '2024-01-01T00:00:00Z', 'test', 'USDC');
SELECT api.register_strategy('multi', 's1', '{}', 'test');
SELECT api.set_breaker('paper', k.breaker, NULL, 'test: made-up prices', 'multi') FROM risk.breaker_kind k;
SELECT api.enable_book_currency('multi', 'CAD', 'test');
SELECT api.enable_book_currency('multi', 'USDC', 'test');
"""


def multi_close(symbol: str, i: int) -> Decimal:
    """The first close loaded of the bar of ``symbol`` opened at MT0 + i hours."""
    base, step = MULTI_BARS[symbol]
    return Decimal(base) + i * Decimal(step)


def load_multi_bars(conn: psycopg.Connection, symbol: str, closes: dict[int, Decimal]) -> None:
    """One load of ``symbol`` on kraken: the bars opened at MT0 + i hours, flat at the given close."""
    key = conn.execute("SELECT api.begin_candle_load()").fetchone()[0]  # type: ignore[index]
    with conn.cursor() as cur:
        cur.executemany("INSERT INTO market.candle_stage (load_key, raw) VALUES (%s, %s)",
                        [(key, f"{(MT0 + i * MH).strftime('%Y-%m-%dT%H:%M:%SZ')},{c},{c},{c},{c},1000")
                         for i, c in closes.items()])
    conn.execute("SELECT * FROM api.load_candles(%s, 'kraken', %s, '1h', 'test', now())", (key, symbol))


def multi_trade(conn: psycopg.Connection, symbol: str, n: int, direction: str, qty: str | None, fee: str,
                fee_currency: str, trade_id: str) -> str:
    """A signal at MT0 + n hours, acknowledged and filled a minute later at the first close loaded of the last
    bar; its client order id."""
    ts = MT0 + n * MH
    row = conn.execute("SELECT outcome, client_order_id, quantity FROM api.submit_signal(%s, 's1', %s, %s, %s,"
                       " 0.6, 50, %s, %s)", (MULTI, symbol, ts, direction, ts + MH, qty)).fetchone()
    assert row is not None and row[0] == "admitted", row
    conn.execute("SELECT api.record_order_event(%s, 'acknowledged', %s, %s)", (row[1], ts, "V-" + trade_id))
    conn.execute("SELECT api.record_fill(%s, %s, %s, %s, %s, %s, 'taker', %s)",
                 (row[1], trade_id, row[2], multi_close(symbol, n - 1), fee, fee_currency, ts + timedelta(minutes=1)))
    return str(row[1])


def sync_close(conn: psycopg.Connection, n: int) -> None:
    """Close hour MT0 + n hours as a sync-fed run does: what it knows of every feed first, in the same transaction."""
    conn.execute("SELECT * FROM api.record_hour_knowledge(%s, %s, %s)", (MULTI, MT0 + n * MH, list(MULTI_BARS)))
    conn.execute("SELECT * FROM api.close_hour(%s, %s)", (MULTI, MT0 + n * MH))
    conn.commit()


def build_multi_currency_book(target: Target) -> dict[str, str]:
    """A USD book (account :data:`MULTI`, superuser connection) holding USD, CAD (rated from USD/CAD, inverted)
    and USDC (rated from USDC/USD), trading BTC against each, and USDC/USD (its base is a cash currency: cash, not
    a position); hours closed as a sync-fed run closes them (3, 4, 5, 6 and 200, a week after the last bar:
    positions at cost); the conversion pairs revised between the trades of hour 2 and the close of hour 3
    (:data:`MULTI_MID_REVISION`), then the conversion pairs and the BTC/CAD marks revised after every close
    (:data:`MULTI_LATE_REVISION`). Returns the client order id of each trade by its venue trade id."""
    orders: dict[str, str] = {}
    with psycopg.connect(target.dsn) as conn:
        for symbol in MULTI_BARS:
            load_multi_bars(conn, symbol, {i: multi_close(symbol, i) for i in range(24)})
        conn.execute(MULTI_SETUP)
        conn.commit()
        orders["C1"] = multi_trade(conn, "BTC/CAD", 2, "buy", "1", "0.351", "CAD", "C1")
        orders["U1"] = multi_trade(conn, "BTC/USDC", 2, "buy", "1", "0.001", "BTC", "U1")    # fee paid in the base
        orders["D1"] = multi_trade(conn, "BTC/USD", 2, "buy", "0.5", "0.13", "USD", "D1")
        orders["S1"] = multi_trade(conn, "USDC/USD", 2, "buy", "100", "0.1", "USD", "S1")    # USDC: cash of the book
        conn.commit()
        bars, factor = MULTI_MID_REVISION
        for pair in MULTI_PAIRS:
            load_multi_bars(conn, pair, {i: multi_close(pair, i) * factor for i in bars})
        conn.commit()
        for n in (3, 4):
            sync_close(conn, n)
        orders["C2"] = multi_trade(conn, "BTC/CAD", 4, "exit", None, "0.352", "CAD", "C2")     # realized PnL in CAD
        orders["U2"] = multi_trade(conn, "BTC/USDC", 4, "sell", "0.4", "0.04", "USDC", "U2")   # realized PnL in USDC
        conn.commit()
        for n in (5, 6, 200):  # hour 200: no bar within 7 days, the positions at cost
            sync_close(conn, n)
        symbols, bars, factor = MULTI_LATE_REVISION
        for symbol in symbols:  # revised after every close: nothing the book recorded saw these
            load_multi_bars(conn, symbol, {i: multi_close(symbol, i) * factor for i in bars})
        conn.commit()
    return orders


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``python -m predator.cli`` style: the installed ``predator`` entry point of this interpreter."""
    exe = Path(sys.executable).with_name("predator")
    return subprocess.run([str(exe), *args], capture_output=True, text=True, env=env, check=False)


def approve_global_resume(target: Target, conn: psycopg.Connection, reason: str = "test: resume") -> int:
    """The two-person rule for a resume of the global halt (docs/operator.md): the login of ``conn`` (the
    operator's, or the administrator's) asks on a connection of its own and ``predator_approver_login`` approves,
    both committed, so that the next ``api.resume`` of global on ``conn`` goes through. Returns the request id."""
    role = "operator" if conn.info.user == logins.LOGINS["operator"] else "admin"
    with target.connect(role, autocommit=True) as requester, target.connect("approver", autocommit=True) as approver:
        return int(api.request_and_approve(requester, approver, "resume", "global", reason))


def set_burn_in(target: Target, days: Decimal | int, reason: str) -> int:
    """Set the operator setting ``live_burn_in_days`` to ``days`` as the operator login; lowering it is a
    two-person action (docs/operator.md), so the operator asks and ``predator_approver_login`` approves first,
    both committed. Returns the setting's revision."""
    value = Decimal(days)
    with target.connect("operator", autocommit=True) as requester, target.connect("approver", autocommit=True) as ap:
        api.request_and_approve(requester, ap, "set_setting", "live_burn_in_days", reason, value=value)
    with target.connect("operator") as op, op.transaction():
        return api.set_setting(op, "live_burn_in_days", value, reason)


def run_python(env: dict[str, str], code: str) -> str:
    """Run ``code`` in a fresh interpreter from the project's root with ``env`` (a cluster of its own: its
    PREDATOR_HOME) and return what it printed; fails the test when it exits non-zero."""
    res = subprocess.run([sys.executable, "-c", code], env=env, cwd=config.PROJECT_ROOT, capture_output=True,
                         text=True, timeout=180)
    assert res.returncode == 0, res.stderr
    return res.stdout.strip()


def remove_detached_cluster(home: Path) -> None:
    """Remove the data of a stopped cluster started under a temporary ``home`` when it lives outside it: as
    root, a home the server's OS user cannot reach puts the cluster in ``/var/lib/predator/<hash>``
    (:func:`predator.db.cluster.layout`), which would outlive the temporary home."""
    from predator.db import cluster

    if not (home / "cluster.json").exists():
        return
    lay = cluster.layout(home)
    if cluster.is_running(lay):
        return
    cluster.remove_files(lay, keep_under=home)  # also a socket directory in /tmp (a home too deep for a socket path)


# --- a book of several strategies and pools, and a digest of what a run stored -----------------------------

#: The limits under which a book of several strategies computes every strategy's and pool's figures at admission
#: and at every hour close (docs/risk.md): pool budgets and loss limits, the strategies' allocation, reduce and
#: kill tiers, and strategy health. Used by bench/close_hour.py and tests/integration/test_close_parity.py.
MULTI_LIMITS: tuple[tuple[str, str, Decimal, str], ...] = (
    ("pool_budget", "pct", Decimal(60), "CORE"),
    ("pool_budget", "pct", Decimal(30), "AGGRESSIVE"),
    ("pool_budget", "pct", Decimal(15), "TAIL_RISK"),
    ("pool_max_daily_loss", "pct", Decimal(4), "*"),
    ("pool_max_drawdown", "pct", Decimal(8), "*"),
    ("strategy_allocation", "pct", Decimal(35), "*"),
    ("strategy_reduce_daily_loss", "pct", Decimal(2), "*"),
    ("strategy_max_daily_loss", "pct", Decimal(3), "*"),
    ("strategy_max_drawdown", "pct", Decimal(6), "*"),
    ("health_window_hours", "count", Decimal(336), "*"),
    ("health_min_trades", "count", Decimal(3), "*"),
    ("health_demote_score", "pct", Decimal(10), "*"),
    ("health_pause_score", "pct", Decimal(5), "*"),
)


def set_multi_limits(target: Target, profile: str = "default", reason: str = "multi-strategy book") -> None:
    """Set :data:`MULTI_LIMITS` on a risk profile (operator, committed)."""
    with target.connect("operator") as op:
        for limit, mode, value, scope in MULTI_LIMITS:
            api.set_limit(op, profile, limit, mode, value, reason, scope)
        op.commit()


def multi_strategy_book(account: str, start: datetime, end: datetime, symbols: tuple[str, ...],
                        profile: str = "default") -> RunConfig:
    """A paper book of four strategies in three pools: trend (the run's own) and meanrev in CORE, sma_cross
    (``agent``) in AGGRESSIVE, a fast trend (``fast``: 6/24/24) in TAIL_RISK, with the shipped parameters."""
    def params(name: str, **p: Any) -> dict[str, Any]:
        return effective_params(load_strategy(name, p or None))

    return RunConfig(
        account=account,
        symbols=symbols,
        strategy="trend",
        params=params("trend"),
        start=start,
        end=end,
        risk_profile=profile,
        venue=PaperConfig(),
        extra_strategies=(
            StrategySpec("meanrev", "meanrev", params("meanrev"), "CORE"),
            StrategySpec("agent", "sma_cross", params("sma_cross"), "AGGRESSIVE"),
            StrategySpec("fast", "trend", params("trend", fast=6, slow=24, vol_window=24), "TAIL_RISK"),
        ),
    )


#: Schemas whose every table :func:`stored_digest` covers (the book's governed rows), and the ops tables it adds.
DIGEST_SCHEMAS = ("trading", "ledger", "portfolio", "risk")
DIGEST_OPS_TABLES = ("ops.chain_head", "ops.incident", "ops.incident_update", "ops.reconciliation")
#: Wall-clock columns that have no clock default (set by a function from clock_timestamp()).
DIGEST_WALL_CLOCK = ("risk.halt_state.since",)

_DIGEST_TABLES = """
SELECT c.oid::regclass::text,
       coalesce(array_agg(a.attname::text ORDER BY a.attnum) FILTER (
           WHERE a.attname = ANY (ARRAY['recorded_at', 'effective_at', 'admitted_at'])
              OR c.oid::regclass::text || '.' || a.attname = ANY (%s)
              OR pg_get_expr(d.adbin, d.adrelid) ~* '(clock|statement|transaction)_timestamp\\(|now\\('),
                '{}')
  FROM pg_class c
  JOIN pg_namespace n ON n.oid = c.relnamespace
  JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
  LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum
 WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
   AND (n.nspname = ANY (%s) OR c.oid::regclass::text = ANY (%s))
 GROUP BY c.oid
 ORDER BY 1
"""


#: Tables derived from the governed rows (re-derivable, no input of any hash) that a digest compared with one
#: recorded before they existed leaves out: the fill checkpoints (migration 0045).
DIGEST_DERIVED = ("risk.fill_checkpoint", "risk.fill_checkpoint_total")


#: Columns added after a digest was recorded, NULL in every row written without them, which a digest compared with
#: such a recording leaves out of a row when NULL: the signal's model (migration 0044; its row hash, which the digest
#: covers, strips NULL columns the same way).
DIGEST_ADDED_NULLABLE = ("trading.signal.model_id",)


def stored_digest(conn: psycopg.Connection[Any], *, exclude: Sequence[str] = (),
                  added_nullable: Sequence[str] = ()) -> tuple[str, dict[str, str]]:
    """A digest of every row a run stored in the book's governed tables (:data:`DIGEST_SCHEMAS` and
    :data:`DIGEST_OPS_TABLES`; market data is the run's input, not covered): per table, sha256 of its rows'
    ``to_jsonb`` text without the wall-clock columns (``recorded_at``, ``effective_at``, ``admitted_at``,
    :data:`DIGEST_WALL_CLOCK` and any column defaulting to the clock), sorted; then sha256 of the ``table=digest``
    lines. Every hash column (row hashes, the hours' inputs and outputs hashes) is covered. ``exclude``: tables
    left out (e.g. :data:`DIGEST_DERIVED`); ``added_nullable``: ``table.column`` names left out of a row when NULL
    (e.g. :data:`DIGEST_ADDED_NULLABLE`). Returns the digest and each table's."""
    parts: dict[str, str] = {}
    for table, excluded in conn.execute(_DIGEST_TABLES, (list(DIGEST_WALL_CLOCK), list(DIGEST_SCHEMAS),
                                                     list(DIGEST_OPS_TABLES))).fetchall():
        if table in exclude:
            continue
        strip = [c.rsplit(".", 1)[1] for c in added_nullable if c.rsplit(".", 1)[0] == table]
        row_json = ("(SELECT coalesce(jsonb_object_agg(e.key, e.value), '{{}}')"
                    " FROM jsonb_each(to_jsonb(t) - %s::text[]) e"
                    " WHERE NOT (e.key = ANY (%s::text[]) AND e.value = 'null'::jsonb))" if strip
                    else "(to_jsonb(t) - %s::text[])")
        query = sql.SQL("SELECT encode(sha256(convert_to(coalesce(string_agg(x, E'\\n' ORDER BY x COLLATE \"C\"), ''),"
                        " 'UTF8')), 'hex') FROM (SELECT " + row_json + "::text AS x FROM {} t) r"
                        ).format(sql.SQL(table))
        row = conn.execute(query, (excluded, strip) if strip else (excluded,)).fetchone()
        assert row is not None
        parts[table] = row[0]
    whole = hashlib.sha256("".join(f"{t}={d}\n" for t, d in parts.items()).encode()).hexdigest()
    return whole, parts


def record_crafted_passing_record(conn: psycopg.Connection[Any], *, family: str, model_id: str) -> None:
    """Record a trial ledger and fold metrics that pass the promotion gate, for a model registered by a test.

    The gate judges recorded figures; the real folds of a test's short window would (rightly) be refused, so the
    record is crafted to pass, as tests/sql/47_ml_registry.sql builds one: three trials (Sharpe 0.10, 0.05, 0.02,
    1,500 observations each), then two 180-day selection folds (``walk_forward``, from 2022-01-01) and two hold-out
    folds (``holdout``, from 2023-01-01, the record the paper gate judges), each with Sharpe 0.1 and a net return of
    1.0 against a buy-and-hold of 0.3. Through the governed doors (``predator.db.ml_api``), in the caller's
    transaction."""
    for sharpe in ("0.10", "0.05", "0.02"):
        ml_api.record_trial(conn, family=family, params={"sharpe": sharpe}, n_obs=1500, sharpe=float(sharpe))
    for kind, first in (("walk_forward", datetime(2022, 1, 1, tzinfo=UTC)),
                        ("holdout", datetime(2023, 1, 1, tzinfo=UTC))):
        for i in range(2):
            start = first + i * timedelta(days=180)
            ml_api.record_fold_metric(conn, model_id=model_id, kind=kind, fold=i, period_from=start,
                                      period_to=start + timedelta(days=180), n_obs=1000, mean=0.001, std=0.01,
                                      skew=0.0, kurtosis=3.0, sharpe=0.1, net_return=1.0, buy_hold_return=0.3,
                                      turnover=0.5, max_drawdown=0.1)


class KilledAtKillPoint(Exception):
    """A worker's death at a kill point, raised in the test's process instead of a SIGKILL."""


def run_until_killed(target: Target, config: RunConfig, monkeypatch: pytest.MonkeyPatch, phase: str,
                     hour: datetime, *, backtest_fast_commit: bool = False) -> None:
    """Run ``config``'s hours with :class:`predator.runner.hour.HourRunner` until the kill point ``phase`` of
    ``hour`` (``predator.chaos.killpoints``: ``mid_close``, ``after_admission``, ``after_ack`` ...), where the
    worker dies: the run stops there, with whatever the database committed before, and the kill points are
    disarmed again for the restart that follows. ``backtest_fast_commit``: as the runner's (a backtest then
    batches its quiet hours, :attr:`HourRunner.batching`)."""
    from predator.chaos import killpoints
    from predator.runner.hour import HourRunner

    def reached(at_phase: str, at_hour: datetime) -> None:
        if at_phase == phase and at_hour == hour:
            raise KilledAtKillPoint(phase)

    monkeypatch.setattr(killpoints, "reached", reached)
    runner = HourRunner(target, config, backtest_fast_commit=backtest_fast_commit)
    try:
        with pytest.raises(KilledAtKillPoint):
            runner.run()
    finally:
        runner.close()
        monkeypatch.undo()
