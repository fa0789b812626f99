"""Fill-path benchmark: the governed record-fill path against raw single-row inserts, on one connection each.

    .venv/bin/python bench/fill_path.py [--rounds N] [--raw N] [--fills N] [--batches N] [--batch-size N] [--keep]

Creates a scratch database on the configured server (PREDATOR_DSN or the embedded cluster), migrates it,
and in the same run, with synchronous_commit on, measures
  (a) raw: single-row INSERTs into an unconstrained table with the columns of ledger.posting (no keys,
      checks, indexes or triggers), one transaction per insert;
  (b) governed: ``api.record_fill`` as predator_worker on acknowledged orders, one transaction per fill -
      the fill, its order event and order state, the FIFO lot (buys) or allocation (sells), the position
      and a balanced six-leg journal transaction, with every hash chain; buys and sells alternate (each
      sell takes a slice of the oldest open lot);
  (c) batched: the same path, ``--batch-size`` fills per transaction sent in one round trip
      (``predator.db.api.run_many``, pipeline mode).
With ``--concurrent N`` it also measures N books at once (issue 18's second fill-path target): N raw inserters,
each on its own connection, against N governed writers, each recording fills of its own book (its own account,
orders and chains) on its own connection, one transaction per row or fill as in (a) and (b), threads of this process
(psycopg waits without the GIL; the client's share of a fill is small), interleaved for ``--rounds``; the line
``fill_path_concurrent: n=<N> raw=<a>/s governed=<b>/s ratio=<b/a>`` (target >= 0.5) comes before the last line.
After a warm-up and a CHECKPOINT the three run interleaved, ``--rounds`` times (a chunk of each per round),
so that all of them see the same disk and the same machine load; each rate is work over the time spent in
that phase. The last line is
``fill_path: raw=<a>/s governed=<b>/s batched=<c>/s ratio_b_over_a=<b/a>`` (target b/a >= 0.20).
The scratch database is dropped at the end unless --keep.
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import psycopg

from predator import config
from predator.db import api, market_api, migrate, ops_reads
from predator.db.connection import Target, default_target
from predator.marketdata import loader

T0 = datetime(2024, 3, 1, tzinfo=UTC)
SYMBOL = "BTC/USDT"
QTY = Decimal("0.001")


def _stage_candles(conn: psycopg.Connection, hours: int = 48) -> None:
    """Load ``hours`` real 1h bars of BTC/USDT from T0 through api.load_candles."""
    path = config.data_dir() / "candles" / "binance_BTC-USDT_1h.csv.gz"
    first = T0.strftime("%Y-%m-%dT%H:%M:%SZ")
    lines: list[str] = []
    with gzip.open(path, "rt") as fh:
        for line in fh:
            if lines or line.startswith(first):
                lines.append(line.rstrip("\n"))
                if len(lines) == hours:
                    break
    with conn.transaction():
        key = market_api.begin_candle_load(conn)
        loader.stage_chunks(conn, key, ["".join(f"{line}\n" for line in lines).encode()])
        api.load_candles(conn, key, "binance", SYMBOL, "1h", "bench", datetime(2025, 1, 1, tzinfo=UTC))


def _order(conn: psycopg.Connection, account: str, strategy: str, n: int, direction: str, qty: Decimal,
           clock: Iterator[datetime]) -> tuple[str, Decimal]:
    ts = T0 + timedelta(hours=n)
    with conn.transaction():
        d = api.submit_signal(
            conn,
            account=account,
            strategy=strategy,
            symbol=SYMBOL,
            ts=ts,
            direction=direction,
            confidence=Decimal("0.5"),
            edge_bps=Decimal("10"),
            expiry=ts + timedelta(days=30),
            quantity=qty,
        )
        assert d.outcome == "admitted" and d.client_order_id and d.decision_price, d
        api.record_order_event(
            conn,
            client_order_id=d.client_order_id,
            kind="acknowledged",
            ts=next(clock),
            venue_order_id="V1",
        )
    return d.client_order_id, d.decision_price


def _setup(target: Target, account: str = "bench",
           stage: bool = True) -> tuple[tuple[str, Decimal], tuple[str, Decimal], Iterator[datetime]]:
    """An account with a large BTC position, an open buy order and an open sell order to fill against
    (client order id and decision price of each); ``stage``: load the candles first (once per database)."""
    clock = (T0 + timedelta(hours=40, milliseconds=i) for i in itertools.count())
    with target.connect("operator") as conn:
        if stage:
            _stage_candles(conn)
        with conn.transaction():
            api.create_account(conn, account, mode="paper", venue="binance", base_currency="USDT", lane="paper",
                               initial_principal=Decimal("1000000000"), risk_profile="unconstrained", reason="bench")
            api.deposit(conn, account, Decimal("1000000000"), T0, "bench principal")
            api.register_strategy(conn, account, "bench", {}, "bench")
            api.register_strategy(conn, account, "bench-sell", {}, "bench")
        # The buy order is open first; the selling strategy then buys and holds its own position (admission bounds
        # a sell by the strategy's own fills, and refuses opposite orders of two strategies in one hour).
        buy = _order(conn, account, "bench", 37, "buy", Decimal("5000"), clock)
        seed, seed_price = _order(conn, account, "bench-sell", 38, "buy", Decimal("500"), clock)
        with conn.transaction():
            api.record_fill(
                conn,
                client_order_id=seed,
                venue_trade_id="seed",
                quantity=Decimal("500"),
                price=seed_price,
                fee=Decimal("0"),
                fee_currency="USDT",
                liquidity="taker",
                ts=next(clock),
            )
        sell = _order(conn, account, "bench-sell", 39, "sell", Decimal("490"), clock)
    return buy, sell, clock


def _fill_calls(buy: tuple[str, Decimal], sell: tuple[str, Decimal],
                clock: Iterator[datetime]) -> Iterator[api.Call[str]]:
    """Alternating buy and sell fills of QTY at each order's decision price (no slippage; fee 0.1% in quote),
    unique trade ids."""
    for i in itertools.count():
        coid, price = buy if i % 2 == 0 else sell
        fee = (QTY * price / 1000).quantize(Decimal("0.00000001"))
        yield api.record_fill_call(
            client_order_id=coid,
            venue_trade_id=f"B{i}",
            quantity=QTY,
            price=price,
            fee=fee,
            fee_currency="USDT",
            liquidity="taker",
            ts=next(clock),
        )


RAW_INSERT = ("INSERT INTO public.bench_raw (book_id, tx_seq, leg, account_code, currency, amount, seq,"
              " balance_after, ts, recorded_at, prev_hash, row_hash)"
              " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, clock_timestamp(), %s, %s)")


def _raw_row(i: int) -> tuple[object, ...]:
    """Row i of the raw table: a posting's columns, random hashes."""
    return (1, i, 1, "trading", "USDT", Decimal("-61.214"), i, Decimal(10**9 - i), T0, os.urandom(32), os.urandom(32))


def _insert_rows(conn: psycopg.Connection, rows: list[tuple[object, ...]]) -> None:
    """(a): each row in a transaction of its own."""
    for r in rows:
        with conn.transaction():
            conn.execute(RAW_INSERT, r)


def _record_fills(conn: psycopg.Connection, calls: list[api.Call[str]]) -> None:
    """(b): each fill in a transaction of its own."""
    for call in calls:
        with conn.transaction():
            api.run(conn, call)


def _checkpoint(target: Target) -> None:
    with psycopg.connect(target.dsn, autocommit=True) as conn:
        conn.execute("CHECKPOINT")


class Phases:
    """The three measured paths on their own connections, each timed only while it runs."""

    def __init__(self, target: Target, calls: Iterator[api.Call[str]], batch_size: int) -> None:
        self.raw_conn = psycopg.connect(target.dsn, autocommit=True)
        self.raw_conn.execute("CREATE TABLE public.bench_raw AS SELECT book_id, tx_seq, leg, account_code, currency,"
                              " amount, seq, balance_after, ts, recorded_at, prev_hash, row_hash"
                              " FROM ledger.posting WITH NO DATA")
        self.raw_conn.execute("SET synchronous_commit = on")
        self.conn = target.connect("worker")
        self.conn.execute("SET synchronous_commit = on")
        self.conn.commit()
        self.calls = calls
        self.batch_size = batch_size
        self.raw_rows = itertools.count()
        self.seconds = {"raw": 0.0, "governed": 0.0, "batched": 0.0}
        self.count = {"raw": 0, "governed": 0, "batched": 0}

    def raw(self, n: int, timed: bool = True) -> None:
        rows = [_raw_row(i) for i in itertools.islice(self.raw_rows, n)]
        start = time.perf_counter()
        _insert_rows(self.raw_conn, rows)
        self._add("raw", n, start, timed)

    def governed(self, n: int, timed: bool = True) -> None:
        calls = list(itertools.islice(self.calls, n))
        start = time.perf_counter()
        _record_fills(self.conn, calls)
        self._add("governed", n, start, timed)

    def batched(self, batches: int, timed: bool = True) -> None:
        work = [list(itertools.islice(self.calls, self.batch_size)) for _ in range(batches)]
        start = time.perf_counter()
        for calls in work:
            with self.conn.transaction():
                api.run_many(self.conn, calls)
        self._add("batched", batches * self.batch_size, start, timed)

    def _add(self, phase: str, n: int, start: float, timed: bool) -> None:
        if timed:
            self.seconds[phase] += time.perf_counter() - start
            self.count[phase] += n

    def rate(self, phase: str) -> float:
        return self.count[phase] / self.seconds[phase]

    def close(self) -> None:
        self.raw_conn.close()
        self.conn.close()


class Concurrent:
    """N raw inserters against N governed writers (one book each), each on its own connection, in threads."""

    def __init__(self, target: Target, n: int) -> None:
        self.raw_conns = [psycopg.connect(target.dsn, autocommit=True) for _ in range(n)]
        for c in self.raw_conns:
            c.execute("SET synchronous_commit = on")
        self.conns = []
        self.calls = []
        for i in range(n):
            buy, sell, clock = _setup(target, account=f"bench-c{i}", stage=False)
            self.calls.append(_fill_calls(buy, sell, clock))
            conn = target.connect("worker")
            conn.execute("SET synchronous_commit = on")
            conn.commit()
            self.conns.append(conn)
        self.raw_rows = itertools.count(10**9)
        self.seconds = {"raw": 0.0, "governed": 0.0}
        self.count = {"raw": 0, "governed": 0}

    def _together(self, phase: str, work: list[tuple[Callable[..., None], tuple[object, ...]]], per: int,
                  timed: bool) -> None:
        threads = [threading.Thread(target=f, args=a) for f, a in work]
        start = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        if timed:
            self.seconds[phase] += time.perf_counter() - start
            self.count[phase] += per * len(work)

    def raw(self, per: int, timed: bool = True) -> None:
        work: list[tuple[Callable[..., None], tuple[object, ...]]] = [
            (_insert_rows, (conn, [_raw_row(i) for i in itertools.islice(self.raw_rows, per)]))
            for conn in self.raw_conns]
        self._together("raw", work, per, timed)

    def governed(self, per: int, timed: bool = True) -> None:
        work: list[tuple[Callable[..., None], tuple[object, ...]]] = [
            (_record_fills, (conn, list(itertools.islice(calls, per))))
            for conn, calls in zip(self.conns, self.calls, strict=True)]
        self._together("governed", work, per, timed)

    def rate(self, phase: str) -> float:
        return self.count[phase] / self.seconds[phase]

    def close(self) -> None:
        for c in self.raw_conns + self.conns:
            c.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=10, help="interleaved rounds of (a), (b) and (c)")
    parser.add_argument("--raw", type=int, default=300, help="raw single-row inserts per round (a)")
    parser.add_argument("--fills", type=int, default=150, help="governed fills per round, one per transaction (b)")
    parser.add_argument("--batches", type=int, default=3, help="transactions per round in the batched form (c)")
    parser.add_argument("--batch-size", type=int, default=100, help="fills per transaction in (c)")
    parser.add_argument("--concurrent", type=int, default=0,
                        help="also N raw inserters against N books' governed writers at once (0: not measured)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    args = parser.parse_args(argv)

    with migrate.scratch_database(default_target(), "predator_bench", keep=args.keep) as target:
        buy, sell, clock = _setup(target)
        phases = Phases(target, _fill_calls(buy, sell, clock), args.batch_size)
        try:
            phases.raw(50, timed=False)                  # warm-up: plans cached, pages in memory
            phases.governed(50, timed=False)
            phases.batched(1, timed=False)
            _checkpoint(target)
            for _ in range(args.rounds):                 # interleaved: every phase sees the same disk and load
                phases.raw(args.raw)
                phases.governed(args.fills)
                phases.batched(args.batches)
        finally:
            phases.close()
        raw, governed, batched = phases.rate("raw"), phases.rate("governed"), phases.rate("batched")
        n = phases.count
        print(f"(a) raw single-row inserts, 1 per transaction:        {raw:8.0f} rows/s  ({n['raw']} rows)")
        print(f"(b) governed api.record_fill, 1 per transaction:      {governed:8.0f} fills/s ({n['governed']} fills)")
        print(f"(c) governed, {args.batch_size} fills per transaction (run_many): {batched:8.0f} fills/s "
              f"({phases.count['batched']} fills)")
        with target.connect("auditor") as conn:
            broken = api.verify_chains(conn)
            trips = ops_reads.run_events(conn, account="bench").breaker_trips
        print(f"chains after the run: {'all verify' if not broken else f'{len(broken)} broken'};"
              f" circuit-breaker trips: {trips}")
        if args.concurrent > 0:
            together = Concurrent(target, args.concurrent)
            try:
                together.raw(10, timed=False)            # warm-up of every connection
                together.governed(10, timed=False)
                _checkpoint(target)
                for _ in range(args.rounds):
                    together.raw(max(1, args.raw // args.concurrent))
                    together.governed(max(1, args.fills // args.concurrent))
            finally:
                together.close()
            craw, cgov = together.rate("raw"), together.rate("governed")
            with target.connect("auditor") as conn:
                broken = api.verify_chains(conn)
            print(f"(d) {args.concurrent} at once: raw {craw:.0f} rows/s ({together.count['raw']} rows), governed "
                  f"{cgov:.0f} fills/s ({together.count['governed']} fills on {args.concurrent} books); chains "
                  f"{'all verify' if not broken else f'{len(broken)} broken'}")
            print(f"fill_path_concurrent: n={args.concurrent} raw={craw:.0f}/s governed={cgov:.0f}/s "
                  f"ratio={cgov / craw:.2f}")
        print(f"fill_path: raw={raw:.0f}/s governed={governed:.0f}/s batched={batched:.0f}/s "
              f"ratio_b_over_a={governed / raw:.2f}")
        if args.keep:
            print(f"kept database {target.dbname}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
