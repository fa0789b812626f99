-- Gate 14 — business time is finite and never ahead of the wall clock (DESIGN.md §3.10; issue 9).
-- Rules: every business time (signal and order ts and expiry, order event, fill, lot, allocation, round
-- trip, journal transaction and posting, decision, halt, breaker trip, hourly state, reconciliation,
-- incident, venue health, venue transfer, candle load clock and last bar) is finite; none but the
-- expiries (deadlines) is later than the wall time its row was recorded at (recorded_at) plus the
-- max_clock_skew_seconds in force then (ops.setting); and no fill is dated after the hour that counts it
-- (an hour counts the fills recorded since the previous close: seq in (previous head, its head]).
-- A row is one violation: the table, book, row and what is wrong.
-- Scope: psql variables, all optional (without them the gate judges the whole database):
--   psql -v account=NAME -v from=2024-01-01 -v to=2024-02-01 -f validations/14_business_time_bounded.sql
-- `predator validate --account NAME --from … --to …` sets the same three (from/to inclusive); the \gset line
-- looks the account's book id up once (-1 when unknown), so every scan below filters on a constant :book.
-- Account: the book's rows (candle loads belong to no book: only the whole-database run judges them); from/to: the rows judged (their business time).
\if :{?account} \else \set account '' \endif
\if :{?from} \else \set from -infinity \endif
\if :{?to} \else \set to infinity \endif
SELECT coalesce((SELECT sc.book_id FROM trading.account sc WHERE sc.name = :'account'), -1) AS book \gset
WITH skew AS (
    SELECT CASE WHEN s.revision = min(s.revision) OVER () THEN '-infinity'::timestamptz ELSE s.recorded_at END AS since,
           coalesce(lead(s.recorded_at) OVER (ORDER BY s.revision), 'infinity'::timestamptz) AS until,
           make_interval(secs => s.value::double precision) AS skew
      FROM ops.setting s
     WHERE s.name = 'max_clock_skew_seconds'
), t (tbl, book_id, seq, col, ts, recorded_at, bounded) AS (
    SELECT 'trading.signal', s.book_id, s.seq, 'ts', s.ts, s.recorded_at, true FROM trading.signal s WHERE (:'account' = '' OR s.book_id = :book) AND (NOT isfinite(s.ts) OR s.ts BETWEEN :'from' AND :'to')
    UNION ALL SELECT 'trading.signal', s.book_id, s.seq, 'expiry', s.expiry, s.recorded_at, false FROM trading.signal s WHERE (:'account' = '' OR s.book_id = :book) AND (NOT isfinite(s.ts) OR s.ts BETWEEN :'from' AND :'to')
    UNION ALL SELECT 'trading.order_request', r.book_id, r.seq, 'ts', r.ts, r.recorded_at, true FROM trading.order_request r WHERE (:'account' = '' OR r.book_id = :book) AND (NOT isfinite(r.ts) OR r.ts BETWEEN :'from' AND :'to')
    UNION ALL SELECT 'trading.order_request', r.book_id, r.seq, 'expiry', r.expiry, r.recorded_at, false FROM trading.order_request r WHERE (:'account' = '' OR r.book_id = :book) AND (NOT isfinite(r.ts) OR r.ts BETWEEN :'from' AND :'to')
    UNION ALL SELECT 'trading.order_event', e.book_id, e.seq, 'ts', e.ts, e.recorded_at, true FROM trading.order_event e WHERE (:'account' = '' OR e.book_id = :book) AND (NOT isfinite(e.ts) OR e.ts BETWEEN :'from' AND :'to')
    UNION ALL SELECT 'trading.fill', f.book_id, f.seq, 'ts', f.ts, f.recorded_at, true FROM trading.fill f WHERE (:'account' = '' OR f.book_id = :book) AND (NOT isfinite(f.ts) OR f.ts BETWEEN :'from' AND :'to')
    UNION ALL SELECT 'trading.lot', l.book_id, l.seq, 'ts', l.ts, l.recorded_at, true FROM trading.lot l WHERE (:'account' = '' OR l.book_id = :book) AND (NOT isfinite(l.ts) OR l.ts BETWEEN :'from' AND :'to')
    UNION ALL SELECT 'trading.lot_allocation', a.book_id, a.seq, 'ts', a.ts, a.recorded_at, true FROM trading.lot_allocation a WHERE (:'account' = '' OR a.book_id = :book) AND (NOT isfinite(a.ts) OR a.ts BETWEEN :'from' AND :'to')
    UNION ALL SELECT 'trading.round_trip', r.book_id, r.seq, 'exit_ts', r.exit_ts, r.recorded_at, true FROM trading.round_trip r WHERE (:'account' = '' OR r.book_id = :book) AND (NOT isfinite(r.exit_ts) OR r.exit_ts BETWEEN :'from' AND :'to')
    UNION ALL SELECT 'ledger.transaction', x.book_id, x.seq, 'ts', x.ts, x.recorded_at, true FROM ledger.transaction x WHERE (:'account' = '' OR x.book_id = :book) AND (NOT isfinite(x.ts) OR x.ts BETWEEN :'from' AND :'to')
    UNION ALL SELECT 'ledger.posting', p.book_id, p.tx_seq, 'ts', p.ts, p.recorded_at, true FROM ledger.posting p WHERE (:'account' = '' OR p.book_id = :book) AND (NOT isfinite(p.ts) OR p.ts BETWEEN :'from' AND :'to')
    UNION ALL SELECT 'risk.decision', d.book_id, d.seq, 'ts', d.ts, d.recorded_at, true FROM risk.decision d WHERE (:'account' = '' OR d.book_id = :book) AND (NOT isfinite(d.ts) OR d.ts BETWEEN :'from' AND :'to')
    UNION ALL SELECT 'risk.halt_event', h.book_id, h.seq, 'ts', h.ts, h.recorded_at, true FROM risk.halt_event h WHERE h.ts IS NOT NULL AND (:'account' = '' OR h.book_id = :book) AND (NOT isfinite(h.ts) OR h.ts BETWEEN :'from' AND :'to')
    UNION ALL SELECT 'risk.breaker_trip', b.book_id, b.seq, 'ts', b.ts, b.recorded_at, true FROM risk.breaker_trip b WHERE (:'account' = '' OR b.book_id = :book) AND (NOT isfinite(b.ts) OR b.ts BETWEEN :'from' AND :'to')
    UNION ALL SELECT 'portfolio.hourly_state', h.book_id, h.seq, 'hour', h.hour, h.recorded_at, true FROM portfolio.hourly_state h WHERE (:'account' = '' OR h.book_id = :book) AND (NOT isfinite(h.hour) OR h.hour BETWEEN :'from' AND :'to')
    UNION ALL SELECT 'ops.reconciliation', r.book_id, r.seq, 'ts', r.ts, r.recorded_at, true FROM ops.reconciliation r WHERE (:'account' = '' OR r.book_id = :book) AND (NOT isfinite(r.ts) OR r.ts BETWEEN :'from' AND :'to')
    UNION ALL SELECT 'ops.incident', i.book_id, i.seq, 'ts', i.ts, i.recorded_at, true FROM ops.incident i WHERE i.ts IS NOT NULL AND (:'account' = '' OR i.book_id = :book) AND (NOT isfinite(i.ts) OR i.ts BETWEEN :'from' AND :'to')
    UNION ALL SELECT 'ops.venue_health', v.book_id, v.seq, 'ts', v.ts, v.recorded_at, true FROM ops.venue_health v WHERE (:'account' = '' OR v.book_id = :book) AND (NOT isfinite(v.ts) OR v.ts BETWEEN :'from' AND :'to')
    UNION ALL SELECT 'ops.venue_transfer', v.book_id, v.seq, 'ts', v.ts, v.recorded_at, true FROM ops.venue_transfer v WHERE (:'account' = '' OR v.book_id = :book) AND (NOT isfinite(v.ts) OR v.ts BETWEEN :'from' AND :'to')
    UNION ALL SELECT 'market.candle_load', 0, l.load_id, 'clock', l.clock, l.recorded_at, true FROM market.candle_load l
     WHERE :'account' = '' AND (NOT isfinite(l.clock) OR l.clock BETWEEN :'from' AND :'to')
    UNION ALL SELECT 'market.candle_load', 0, l.load_id, 'last_ts', l.last_ts, l.recorded_at, true FROM market.candle_load l
     WHERE l.last_ts IS NOT NULL AND :'account' = '' AND (NOT isfinite(l.last_ts) OR l.last_ts BETWEEN :'from' AND :'to')
)
SELECT t.tbl, t.book_id, t.seq,
       CASE WHEN NOT isfinite(t.ts) THEN format('%s %s is not a finite time', t.col, t.ts)
            ELSE format('%s %s is later than its recording time %s plus the skew %s', t.col, t.ts, t.recorded_at, k.skew) END AS problem
  FROM t
  LEFT JOIN skew k ON t.recorded_at >= k.since AND t.recorded_at < k.until
 WHERE NOT isfinite(t.ts) OR (t.bounded AND t.ts > t.recorded_at + coalesce(k.skew, interval '300 seconds'))
UNION ALL
SELECT 'trading.fill', f.book_id, f.seq, format('fill %s at %s is counted in the earlier hour %s', f.venue_trade_id, f.ts, h.hour)
  FROM (SELECT h.book_id, h.hour,
               coalesce(lag(coalesce((h.digests -> 'heads' ->> 'trading.fill')::bigint, 0))
                            OVER (PARTITION BY h.book_id ORDER BY h.hour), 0) AS prev_head,
               coalesce((h.digests -> 'heads' ->> 'trading.fill')::bigint, 0) AS head
          FROM portfolio.hourly_state h
         WHERE (:'account' = '' OR h.book_id = :book)) h
  -- the fills recorded after the previous close and by this one: the fills this hour counted
  JOIN trading.fill f ON f.book_id = h.book_id AND f.seq > h.prev_head AND f.seq <= h.head
 WHERE (NOT isfinite(f.ts) OR f.ts BETWEEN :'from' AND :'to')
   AND f.ts > h.hour
ORDER BY 1, 2, 3;
