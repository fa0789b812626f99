"""Stored content of a fixed sequence of loads, hashed against the value recorded on the definition of
api.load_candles before its ingest speed-ups (issue 18 item 4): every candle row, every load's accounting,
every quarantine row and correction, and the partitions created must stay exactly what they were.

The loads cover both paths of api.load_candles and every way a line is filed: fast-path loads that create
months (several months, several feeds, a 1m feed), a fast-path load with refused rows beside good ones, a
guarded-path load with duplicates, corrections, repeated times (identical and conflicting), non-canonical
timestamps and refused rows that reaches into months not yet created, an empty load, and a load whose rows
are all refused. Load ids are compared by their order, recorded_at columns not at all.
"""

from __future__ import annotations

import gzip
from datetime import UTC, datetime

import psycopg

from predator.db.connection import Target
from predator.marketdata import loader
from tests.helpers import shared_file

CLOCK = datetime(2026, 1, 1, tzinfo=UTC)

#: md5 of the content below, recorded on main (commit dda4eb7) before the speed-ups.
RECORDED = "86af36671641a89e0887b07cac9d2ba9"

CONTENT = """
WITH loads AS (SELECT load_id, rank() OVER (ORDER BY load_id) AS n FROM market.candle_load)
SELECT md5(concat_ws(E'\\n',
    (SELECT string_agg(concat_ws('|', c.venue, c.symbol, c.interval, c.ts, c.revision, c.open, c.high, c.low,
                                 c.close, c.volume, l.n), E'\\n'
                       ORDER BY c.venue, c.symbol, c.interval, c.ts, c.revision)
       FROM market.candle c JOIN loads l USING (load_id)),
    (SELECT string_agg(concat_ws('|', l.n, d.venue, d.symbol, d.interval, d.source, d.clock, d.read, d.loaded,
                                 d.duplicate, d.corrected, d.quarantined, d.first_ts, d.last_ts), E'\\n' ORDER BY l.n)
       FROM market.candle_load d JOIN loads l USING (load_id)),
    (SELECT string_agg(concat_ws('|', l.n, q.line_no, q.venue, q.symbol, q.interval, q.ts, q.raw, q.raw_length,
                                 q.reasons), E'\\n' ORDER BY l.n, q.line_no)
       FROM market.candle_quarantine q JOIN loads l USING (load_id)),
    (SELECT string_agg(concat_ws('|', k.venue, k.symbol, k.interval, k.ts, k.from_revision, k.to_revision,
                                 k.old_values, k.new_values, l.n, k.source), E'\\n'
                       ORDER BY k.venue, k.symbol, k.interval, k.ts, k.to_revision)
       FROM market.candle_correction k JOIN loads l USING (load_id)),
    (SELECT string_agg(c.relname, ',' ORDER BY c.relname)
       FROM pg_catalog.pg_inherits i JOIN pg_catalog.pg_class c ON c.oid = i.inhrelid
      WHERE i.inhparent = 'market.candle'::regclass)))
"""


def _lines(name: str, skip: int, count: int) -> list[str]:
    with gzip.open(shared_file("candles", name), "rt") as f:
        next(f)
        for _ in range(skip):
            next(f)
        return [next(f).rstrip("\n") for _ in range(count)]


def _shift(line: str, field: int, factor: str) -> str:
    parts = line.split(",")
    parts[field] = str(round(float(parts[field]) * float(factor), 8))
    return ",".join(parts)


def test_stored_content_matches_the_recorded_hash(db: Target) -> None:
    btc = loader.Feed("binance", "BTC/USDT", "1h")
    eth = loader.Feed("binance", "ETH/USDT", "1h")
    btc_1m = loader.Feed("binance", "BTC/USDT", "1m")
    first = _lines("binance_BTC-USDT_1h.csv.gz", 0, 2000)      # 2018-01 .. 2018-03: fast path, new months
    later = _lines("binance_BTC-USDT_1h.csv.gz", 2000, 1500)   # 2018-03 .. 2018-05
    with db.connect("worker", autocommit=True) as conn:
        results = []

        def load(feed: loader.Feed, lines: list[str], source: str) -> None:
            results.append(loader.load_lines(conn, feed, lines, source, clock=CLOCK))

        load(btc, first, "parity:first")
        load(eth, _lines("binance_ETH-USDT_1h.csv.gz", 100, 3000), "parity:eth")
        load(btc_1m, _lines("binance_BTC-USDT_1m.csv.gz", 0, 5000), "parity:1m")
        # Fast path with refused rows among new good ones (line offset 0: the quarantine names staged lines).
        refused = [f"{later[0].split(',')[0]},1,2,3", "", "2099-01-01T00:00:00Z,1,2,0.5,1.5,3",
                   "2018-03-01T00:30:00Z,1,2,0.5,1.5,3", later[3].replace(",", ",-", 1)]
        load(btc, later[:3] + refused + later[4:800], "parity:fast-with-refusals")
        # Guarded path: a stored time (duplicate), changed bars (corrections), repeated times (identical,
        # conflicting), a non-canonical time, bad numbers, and new months after the stored ones.
        mixed = [first[10], _shift(first[11], 4, "1.001"), _shift(first[12], 5, "0.5"), first[12],
                 first[13].replace("T", " ").replace("Z", "+00:00", 1), later[900], later[900],
                 _shift(later[900], 5, "2"), f"{later[901].split(',')[0]},x,1,1,1,1", "2008-12-31T00:00:00Z,1,1,1,1,1"]
        load(btc, mixed + later[800:], "parity:guarded")
        # The corrected bar corrected again, and identical again.
        load(btc, [_shift(first[11], 4, "1.002"), first[14]], "parity:again")
        load(btc, [], "parity:empty")
        load(eth, ["nonsense", "2018-01-01T00:00:00Z,0,0,0,0,0"], "parity:all-refused")
        summary = [(r.read, r.loaded, r.duplicate, r.corrected, r.quarantined) for r in results]
    with psycopg.connect(db.dsn) as admin:
        digest = admin.execute(CONTENT).fetchone()
    assert summary == [(2000, 2000, 0, 0, 0), (3000, 3000, 0, 0, 0), (5000, 5000, 0, 0, 0),
                       (804, 799, 0, 0, 5), (710, 700, 4, 2, 4), (2, 0, 1, 1, 0), (0, 0, 0, 0, 0),
                       (2, 0, 0, 0, 2)], summary
    assert digest is not None and digest[0] == RECORDED, digest
