"""Fill checkpoints (issue 18 item 6; migration 0045): a strategy's own figures summed from the day's checkpoint
plus the fills after it are, digit for digit, the sums over every fill since its first — at every closed hour of a
real multi-strategy run, at times between checkpoints, with a fill relayed late (dated before a checkpoint that did
not see it) and with a void of a fill a checkpoint summed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import psycopg

from predator import gates
from predator.db import api, chaos_db
from predator.db.connection import Target
from predator.runner.hour import HourRunner
from tests.conftest import MARKET_SYMBOLS
from tests.helpers import (
    ack,
    close,
    close_price,
    fill,
    hour,
    load_market,
    multi_strategy_book,
    new_account,
    set_multi_limits,
    signal,
)

START = datetime(2022, 11, 1, tzinfo=UTC)
END = datetime(2022, 11, 11, tzinfo=UTC)

#: The sums over every fill, written independently of risk._fill_totals (as risk.strategies_figures summed them
#: before the checkpoints), as text so that a different scale is a difference.
REFERENCE = """
SELECT r.strategy, f.symbol,
       sum(CASE WHEN f.side = 'buy' THEN f.quantity ELSE -f.quantity END
           - CASE WHEN f.fee_currency = split_part(f.symbol, '/', 1) THEN f.fee ELSE 0 END)::text,
       sum(CASE WHEN f.side = 'buy' THEN -f.quantity * f.price ELSE f.quantity * f.price END
           - CASE WHEN f.fee = 0 OR f.fee_currency = split_part(f.symbol, '/', 1) THEN 0
                  WHEN f.fee_currency = split_part(f.symbol, '/', 2) THEN f.fee
                  ELSE trading._fee_in_quote(a.venue, f.symbol, f.fee, f.fee_currency, f.price, f.ts) END)::text,
       (sum(f.quantity) FILTER (WHERE f.side = 'buy'))::text,
       (sum(f.quantity * f.price) FILTER (WHERE f.side = 'buy'))::text
  FROM trading.fill f
  JOIN trading.order_request r ON r.client_order_id = f.client_order_id
  JOIN trading.account a ON a.book_id = f.book_id
 WHERE f.book_id = %(book)s AND r.strategy IS NOT NULL AND f.ts <= %(ts)s
   AND NOT EXISTS (SELECT FROM trading.fill_void v WHERE v.book_id = f.book_id AND v.symbol = f.symbol
                      AND v.venue_trade_id = f.venue_trade_id AND v.ts <= %(ts)s)
 GROUP BY r.strategy, f.symbol
 ORDER BY 1, 2"""

TOTALS = """
SELECT strategy, symbol, qty::text, flow::text, buy_qty::text, buy_notional::text
  FROM risk._fill_totals(%(book)s, NULL, %(ts)s) ORDER BY 1, 2"""


def _compare(conn: psycopg.Connection[Any], book: int, times: list[datetime]) -> int:
    checked = 0
    for ts in times:
        ref = conn.execute(REFERENCE, {"book": book, "ts": ts}).fetchall()
        got = conn.execute(TOTALS, {"book": book, "ts": ts}).fetchall()
        assert got == ref, (ts, got, ref)
        checked += len(ref)
    return checked


def _gate22() -> list[Any]:
    return [p for p in gates.gate_files() if p.stem == "22_fill_checkpoints"]


def test_checkpointed_sums_equal_the_sums_over_every_fill(market_db: Target) -> None:
    set_multi_limits(market_db, reason="fill checkpoints")
    runner = HourRunner(market_db, multi_strategy_book("ckpt", START, END, MARKET_SYMBOLS), backtest_fast_commit=True)
    try:
        runner.run()
    finally:
        runner.close()
    with psycopg.connect(market_db.dsn) as conn:
        (book,) = conn.execute("SELECT book_id FROM trading.account WHERE name = 'ckpt'").fetchone() or (None,)
        days = [r[0] for r in conn.execute("SELECT as_of FROM risk.fill_checkpoint WHERE book_id = %s ORDER BY 1",
                                           (book,)).fetchall()]
        assert len(days) >= 4, days  # one per 00:00 close of the run
        hours = [r[0] for r in conn.execute("SELECT hour FROM portfolio.hourly_state WHERE book_id = %s ORDER BY 1",
                                            (book,)).fetchall()]
        fills = [r[0] for r in conn.execute("SELECT ts FROM trading.fill WHERE book_id = %s ORDER BY seq",
                                            (book,)).fetchall()]
        assert len(fills) > 10, len(fills)
        # every closed hour, every fill's own time and the instant before it, and after the run
        checked = _compare(conn, book, sorted(set(hours) | set(fills)) + [datetime(2030, 1, 1, tzinfo=UTC)])
        assert checked > 100, checked
        every = [(r[0], r[1], r[2]) for r in conn.execute(REFERENCE, {"book": book, "ts": "infinity"}).fetchall()]
    # what the hour runner hands each strategy as its own positions (api.strategy_positions, as the worker reads
    # it) is the same sum, digit for digit
    with market_db.connect("worker") as w:
        own = w.execute("SELECT strategy, symbol, quantity::text FROM api.strategy_positions WHERE account = 'ckpt'"
                        " ORDER BY 1, 2").fetchall()
    assert own == every and len({s for s, _, _ in own}) >= 2, (own, every)
    with market_db.connect("auditor") as aud:
        (r,) = gates.run_gates(aud, _gate22())
        assert (r.error, list(r.rows)) == (None, [])


def test_late_fills_third_currency_fees_and_voids_after_a_checkpoint(db: Target) -> None:
    with db.connect("worker") as w:
        load_market(w, ("BTC/USDT", "ETH/USDT", "BNB/USDT"), hours=30)
        w.commit()
    with db.connect("operator", autocommit=True) as op:
        acct = new_account(op, name="late")
    with db.connect("worker", autocommit=True) as w:
        btc = signal(w, acct, "BTC/USDT", 1, "buy", quantity=Decimal("0.05"))
        eth = signal(w, acct, "ETH/USDT", 2, "buy", quantity=Decimal("0.5"))
        assert btc.client_order_id and eth.client_order_id, (btc, eth)
        ack(w, btc.client_order_id, hour(1))
        ack(w, eth.client_order_id, hour(2))
        fill(w, btc.client_order_id, Decimal("0.02"), close_price("BTC/USDT", 1), hour(1) + timedelta(minutes=1),
             trade_id="btc-1")
        # a fee in a third currency (BNB), valued at BNB/USDT's mark of its time at every read
        fill(w, eth.client_order_id, Decimal("0.5"), close_price("ETH/USDT", 2), hour(2) + timedelta(minutes=1),
             fee=Decimal("0.00123"), fee_currency="BNB", trade_id="eth-1")
        for n in range(3, 25):
            close(w, acct, n)
    with db.connect("auditor") as aud:
        (book,) = aud.execute("SELECT book_id FROM trading.account WHERE name = %s", (acct,)).fetchone() or (None,)
        ckpts = aud.execute("SELECT as_of FROM risk.fill_checkpoint WHERE book_id = %s", (book,)).fetchall()
        assert ckpts == [(hour(24),)], ckpts
    with db.connect("worker", autocommit=True) as w:
        # relayed after the 00:00 checkpoint, dated before it: the checkpoint did not see it
        fill(w, btc.client_order_id, Decimal("0.03"), close_price("BTC/USDT", 1), hour(1) + timedelta(minutes=2),
             trade_id="btc-2")
    times = [hour(1), hour(1) + timedelta(minutes=1, seconds=30), hour(2), hour(23), hour(24),
             hour(24) + timedelta(minutes=45), hour(25), datetime(2030, 1, 1, tzinfo=UTC)]
    with db.connect("auditor") as aud:
        assert _compare(aud, book, times) >= 10
        # the late fill counts at the times after its own, not before
        at = aud.execute(TOTALS, {"book": book, "ts": hour(24)}).fetchall()
        assert ("trend", "BTC/USDT", "0.05") in [r[:3] for r in at], at
    # a void, dated after the checkpoint, of a fill the checkpoint summed: the sums start from nothing again
    with db.connect("worker", autocommit=True) as w:
        assert not api.reconcile(w, account=acct, ts=hour(24) + timedelta(minutes=5),
                                 venue_balances={"USDT": Decimal("1")}, venue_open_orders=[]).clean
    with db.connect("auditor") as aud:
        incident = next(i for i, sev, _, _ in chaos_db.open_incidents(aud, acct) if sev == 1)
    with db.connect("operator", autocommit=True) as op:
        assert api.void_fill(op, acct, "ETH/USDT", "eth-1", hour(24) + timedelta(minutes=30),
                             "test: the venue has no such trade", incident) > 0
    with db.connect("auditor") as aud:
        assert _compare(aud, book, times) >= 8
        after = aud.execute(TOTALS, {"book": book, "ts": hour(25)}).fetchall()
        assert [r[1] for r in after] == ["BTC/USDT"], after  # the voided ETH buy holds nothing from its void on
        before = aud.execute(TOTALS, {"book": book, "ts": hour(24)}).fetchall()
        assert [r[1] for r in before] == ["BTC/USDT", "ETH/USDT"], before
        # the strategy's own position (risk._strategy_position: what its sells may take) reads every fill stored
        pos = aud.execute("SELECT sum(qty) FROM risk._fill_totals(%s, ARRAY['trend'], 'infinity', false)"
                          " WHERE symbol = 'BTC/USDT'",
                          (book,)).fetchone()
        assert pos == (Decimal("0.05"),), pos
    with db.connect("worker") as w:  # the view reads the same sums: the voided ETH buy is gone from it too
        own = w.execute("SELECT strategy, symbol, quantity FROM api.strategy_positions WHERE account = %s",
                        (acct,)).fetchall()
        assert own == [("trend", "BTC/USDT", Decimal("0.05"))], own
    with db.connect("auditor") as aud:
        (r,) = gates.run_gates(aud, _gate22())
        assert (r.error, list(r.rows)) == (None, [])
    # Gate 22 recomputes every checkpoint from the fills: a total rewritten behind the triggers' back is reported.
    with psycopg.connect(db.dsn, autocommit=True) as su:
        su.execute("SET session_replication_role = replica")
        su.execute("UPDATE risk.fill_checkpoint_total SET qty = qty + 1 WHERE book_id = %s AND symbol = 'BTC/USDT'",
                   (book,))
    with db.connect("auditor") as aud:
        (r,) = gates.run_gates(aud, _gate22())
        assert r.error is None and len(r.rows) == 1 and "total_mismatch" in str(r.rows[0]), r.rows


def test_a_flatten_exit_leaves_the_strategy_holding_nothing(db: Target) -> None:
    """A kill switch's flatten exit belongs to no strategy: once it sold the book's holding, the strategy that
    bought it is handed 0 (api.strategy_positions, as admission bounds it: risk._position_bound), not its own
    buys — before this, a campaign's strategies were told every hour for months to exit what was gone (15,736
    refusals `no_position` over campaign 4's year, seed 289362849), and, holding them in their own view, would not
    enter those symbols again."""
    with db.connect("worker") as w:
        load_market(w, ("BTC/USDT",), hours=10)
        w.commit()
    with db.connect("operator", autocommit=True) as op:
        acct = new_account(op, name="flat")
    with db.connect("worker", autocommit=True) as w:
        buy = signal(w, acct, "BTC/USDT", 1, "buy", quantity=Decimal("0.05"))
        assert buy.client_order_id
        ack(w, buy.client_order_id, hour(1))
        fill(w, buy.client_order_id, Decimal("0.05"), close_price("BTC/USDT", 1), hour(1) + timedelta(minutes=1),
             trade_id="flat-buy")
        close(w, acct, 2)
        own = w.execute("SELECT strategy, symbol, quantity FROM api.strategy_positions WHERE account = %s",
                        (acct,)).fetchall()
        assert own == [("trend", "BTC/USDT", Decimal("0.05"))], own
    with db.connect("operator", autocommit=True) as op:
        ks = api.kill_switch(op, "test: flatten the book", flatten=True)
        assert ks.flatten_orders == 1, ks
    with db.connect("auditor") as aud:
        (exit_id, exit_ts) = aud.execute(
            "SELECT o.client_order_id, o.ts FROM api.orders o WHERE o.account = %s AND o.side = 'sell'",
            (acct,)).fetchone() or (None, None)
        assert exit_id is not None
    with db.connect("worker", autocommit=True) as w:
        # resting, not yet filled: the flatten exit (no strategy's) is the book's open sell, so the book's free
        # position is 0 and nothing is the strategy's to sell
        own = w.execute("SELECT quantity FROM api.strategy_positions WHERE account = %s", (acct,)).fetchall()
        assert own == [(Decimal("0"),)], own
        ack(w, exit_id, exit_ts)
        fill(w, exit_id, Decimal("0.05"), close_price("BTC/USDT", 2), exit_ts + timedelta(minutes=1),
             trade_id="flat-sell")
        own = w.execute("SELECT strategy, symbol, quantity FROM api.strategy_positions WHERE account = %s",
                        (acct,)).fetchall()
        assert own == [("trend", "BTC/USDT", Decimal("0"))], own
    with db.connect("auditor") as aud:  # its own fills still sum to its buy: the bound, not the sums, changed
        (book,) = aud.execute("SELECT book_id FROM trading.account WHERE name = %s", (acct,)).fetchone() or (None,)
        raw = aud.execute("SELECT qty FROM risk._fill_totals(%s, NULL, 'infinity', false)", (book,)).fetchall()
        assert raw == [(Decimal("0.05"),)], raw
