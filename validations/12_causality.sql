-- Gate 12 — causality and business time (DESIGN.md §3.10).
-- Rules: a decision uses only bars closed by its decision time (figures->>'bar_close' ≤ ts) and carries its
-- signal's time; an order carries its decision time; order events never precede their order and never go
-- back in time; fills never precede their order; a lot opens at its buy fill's time and an allocation
-- happens at its sell fill's time, never before the lot it consumes opened; no signal was recorded for a
-- decision time before an hour the book had already closed (the row names the first such hour).
-- A row is one violation: the table, book, row and what came before what.
-- Scope: psql variables, all optional (without them the gate judges the whole database):
--   psql -v account=NAME -v from=2024-01-01 -v to=2024-02-01 -f validations/12_causality.sql
-- `predator validate --account NAME --from … --to …` sets the same three (from/to inclusive); the \gset line
-- looks the account's book id up once (-1 when unknown), so every scan below filters on a constant :book.
-- Account: the book's rows; from/to: the rows judged (their business time).
\if :{?account} \else \set account '' \endif
\if :{?from} \else \set from -infinity \endif
\if :{?to} \else \set to infinity \endif
SELECT coalesce((SELECT sc.book_id FROM trading.account sc WHERE sc.name = :'account'), -1) AS book \gset
SELECT 'risk.decision' AS tbl, d.book_id, d.seq, format('decision at %s used a bar closing at %s', d.ts, d.figures ->> 'bar_close') AS problem
  FROM risk.decision d
 WHERE (:'account' = '' OR d.book_id = :book) AND d.ts >= :'from' AND d.ts <= :'to'
   AND (d.figures ->> 'bar_close')::timestamptz > d.ts
UNION ALL
SELECT 'risk.decision', d.book_id, d.seq, format('decision ts %s <> signal ts %s', d.ts, s.ts)
  FROM risk.decision d JOIN trading.signal s ON s.book_id = d.book_id AND s.seq = d.signal_seq
 WHERE (:'account' = '' OR d.book_id = :book) AND d.ts >= :'from' AND d.ts <= :'to'
   AND d.ts <> s.ts
UNION ALL
SELECT 'trading.order_request', r.book_id, r.seq, format('order ts %s <> decision ts %s', r.ts, d.ts)
  FROM trading.order_request r JOIN risk.decision d ON d.client_order_id = r.client_order_id
 WHERE (:'account' = '' OR r.book_id = :book) AND r.ts >= :'from' AND r.ts <= :'to'
   AND r.ts <> d.ts
UNION ALL
SELECT 'trading.order_event', e.book_id, e.seq,
       CASE WHEN e.ts < r.ts THEN format('event %s at %s precedes its order at %s', e.event_no, e.ts, r.ts)
            ELSE format('event %s at %s precedes the previous event at %s', e.event_no, e.ts, p.ts) END
  FROM trading.order_event e
  JOIN trading.order_request r ON r.client_order_id = e.client_order_id
  -- the order's previous event (the highest lower event number: a gap in the numbering changes nothing),
  -- looked up per judged event, so that the cost follows the window, not the book's history
  LEFT JOIN LATERAL (SELECT p.ts FROM trading.order_event p
                      WHERE p.client_order_id = e.client_order_id AND p.event_no < e.event_no
                      ORDER BY p.event_no DESC LIMIT 1) p ON true
 WHERE (:'account' = '' OR e.book_id = :book) AND e.ts >= :'from' AND e.ts <= :'to'
   AND (e.ts < r.ts OR e.ts < p.ts)
UNION ALL
SELECT 'trading.fill', f.book_id, f.seq, format('fill %s at %s precedes its order at %s', f.venue_trade_id, f.ts, r.ts)
  FROM trading.fill f JOIN trading.order_request r ON r.client_order_id = f.client_order_id
 WHERE (:'account' = '' OR f.book_id = :book) AND f.ts >= :'from' AND f.ts <= :'to'
   AND f.ts < r.ts
UNION ALL
SELECT 'trading.lot', l.book_id, l.seq, format('lot %s %s at %s: its buy fill is at %s', l.symbol, l.lot_no, l.ts, f.ts)
  FROM trading.lot l
  LEFT JOIN trading.fill f ON f.book_id = l.book_id AND f.symbol = l.symbol AND f.venue_trade_id = l.venue_trade_id AND f.side = 'buy'
 WHERE (:'account' = '' OR l.book_id = :book) AND l.ts >= :'from' AND l.ts <= :'to'
   AND f.ts IS DISTINCT FROM l.ts
UNION ALL
SELECT 'trading.lot_allocation', a.book_id, a.seq,
       format('allocation at %s of lot %s (opened %s); its sell fill is at %s', a.ts, a.lot_no, l.ts, f.ts)
  FROM trading.lot_allocation a
  JOIN trading.lot l ON l.book_id = a.book_id AND l.symbol = a.symbol AND l.lot_no = a.lot_no
  LEFT JOIN trading.fill f ON f.book_id = a.book_id AND f.symbol = a.symbol AND f.venue_trade_id = a.venue_trade_id AND f.side = 'sell'
 WHERE (:'account' = '' OR a.book_id = :book) AND a.ts >= :'from' AND a.ts <= :'to'
   AND (a.ts < l.ts OR f.ts IS DISTINCT FROM a.ts)
UNION ALL
SELECT 'trading.signal', s.book_id, s.seq, format('signal for %s recorded after hour %s had closed', s.ts, h.hour)
  FROM trading.signal s
  -- The first hour after the signal's time: the signal head stored at its close (the chain's last seq then)
  -- is below the signal's seq when that hour had closed before the signal was recorded. Heads grow with the
  -- hours, so if any later hour had closed first, the first one had: one index probe per signal, and the
  -- cost follows the window judged, not the book's history.
  JOIN LATERAL (SELECT h.hour, coalesce((h.digests -> 'heads' ->> 'trading.signal')::bigint, 0) AS head
                  FROM portfolio.hourly_state h
                 WHERE h.book_id = s.book_id AND h.hour > s.ts
                 ORDER BY h.hour LIMIT 1) h ON true
 WHERE (:'account' = '' OR s.book_id = :book) AND s.ts >= :'from' AND s.ts <= :'to'
   AND h.head < s.seq
ORDER BY 1, 2, 3;
