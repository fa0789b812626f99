-- Gate 13 — executed round trips follow from the FIFO allocations (DESIGN.md §3.5).
-- Reconstructs the round trips of every book and symbol from lots and allocations alone (a voided lot, the
-- allocations of a voided sell and the round trip such a sell had closed left out: api.void_fill): fills are ordered
-- by their chain seq; a lot opens a new trip when the lots held nothing just before its buy fill (every
-- older lot consumed); a trip is closed when all its lots are consumed. Rules: every closed trip has exactly one
-- trading.round_trip row and an open trip has none; the row's quantity (Σ its lots), entry time (first
-- lot), exit time (last allocation), fees (Σ entry and exit fee shares) and net_pnl (Σ realized PnL of the
-- trip's allocations) are those reconstructed, and gross_pnl − fees = net_pnl.
-- A row is one violation: the book, symbol, trip number and the figure that disagrees.
-- Scope: psql variables, all optional (without them the gate judges the whole database):
--   psql -v account=NAME -v from=2024-01-01 -v to=2024-02-01 -f validations/13_round_trips.sql
-- `predator validate --account NAME --from … --to …` sets the same three (from/to inclusive); the \gset line
-- looks the account's book id up once (-1 when unknown), so every scan below filters on a constant :book.
-- Account: the book's lots, allocations, fills and round trips; from/to do not apply (a trip is rebuilt from the book's first lot).
\if :{?account} \else \set account '' \endif
\if :{?from} \else \set from -infinity \endif
\if :{?to} \else \set to infinity \endif
SELECT coalesce((SELECT sc.book_id FROM trading.account sc WHERE sc.name = :'account'), -1) AS book \gset
WITH lots AS (
    SELECT l.book_id, l.symbol, l.lot_no, l.quantity, l.ts, f.seq AS fill_seq
      FROM trading.lot l
      LEFT JOIN trading.fill f ON f.book_id = l.book_id AND f.symbol = l.symbol AND f.venue_trade_id = l.venue_trade_id
                              AND f.side = 'buy'
     WHERE (:'account' = '' OR l.book_id = :book)
       -- a voided lot (api.void_fill: the venue never made its buy) opened nothing
       AND NOT EXISTS (SELECT FROM trading.fill_void v WHERE v.book_id = l.book_id AND v.symbol = l.symbol AND v.lot_no = l.lot_no)),
allocs AS (
    SELECT a.book_id, a.symbol, a.lot_no, a.quantity, a.realized_pnl, a.entry_fee, a.exit_fee, a.ts, f.seq AS fill_seq
      FROM trading.lot_allocation a
      LEFT JOIN trading.fill f ON f.book_id = a.book_id AND f.symbol = a.symbol AND f.venue_trade_id = a.venue_trade_id
                              AND f.side = 'sell'
     WHERE (:'account' = '' OR a.book_id = :book)
       -- a voided sell (api.void_fill: the venue never made it) consumed nothing
       AND NOT EXISTS (SELECT FROM trading.fill_void fv WHERE fv.book_id = a.book_id AND fv.symbol = a.symbol AND fv.venue_trade_id = a.venue_trade_id)),
moves AS (      -- what the lots held, fill by fill: + a lot opened by a buy, - an allocation of a sell
    SELECT book_id, symbol, fill_seq, lot_no, quantity, ts, quantity AS delta, true AS is_lot FROM lots
    UNION ALL
    SELECT book_id, symbol, fill_seq, NULL, NULL, NULL, -quantity, false FROM allocs),
starts AS (     -- a lot opens a trip when the lots held nothing just before its buy fill
    SELECT m.*,
           coalesce(sum(m.delta) OVER (PARTITION BY m.book_id, m.symbol ORDER BY m.fill_seq
                                       RANGE BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) = 0 AS starts_trip
      FROM moves m),
lot_trip AS (
    SELECT s.*, count(*) FILTER (WHERE s.starts_trip) OVER (PARTITION BY s.book_id, s.symbol ORDER BY s.lot_no) AS trip_no
      FROM starts s
     WHERE s.is_lot),
trips AS (
    SELECT t.book_id, t.symbol, t.trip_no, min(t.ts) AS entry_ts, sum(t.quantity) AS lot_qty,
           sum(x.qty) AS allocated, max(x.last_ts) AS exit_ts, sum(x.pnl) AS net_pnl, sum(x.fees) AS fees
      FROM lot_trip t
      LEFT JOIN (SELECT a.book_id, a.symbol, a.lot_no, sum(a.quantity) AS qty, max(a.ts) AS last_ts,
                        sum(a.realized_pnl) AS pnl, sum(a.entry_fee + a.exit_fee) AS fees
                   FROM allocs a GROUP BY 1, 2, 3) x
        ON x.book_id = t.book_id AND x.symbol = t.symbol AND x.lot_no = t.lot_no
     GROUP BY 1, 2, 3),
closed AS (
    SELECT * FROM trips WHERE allocated = lot_qty)
SELECT coalesce(c.book_id, r.book_id) AS book_id, coalesce(c.symbol, r.symbol) AS symbol,
       coalesce(c.trip_no, r.trip_no) AS trip_no,
       CASE WHEN r.seq IS NULL THEN 'closed trip without a round_trip row'
            WHEN c.trip_no IS NULL THEN 'round_trip row for a trip that is not closed'
            WHEN r.net_pnl <> c.net_pnl THEN format('net_pnl %s <> sum of realized PnL of its allocations %s', r.net_pnl, c.net_pnl)
            WHEN r.quantity <> c.lot_qty THEN format('quantity %s <> its lots'' quantity %s', r.quantity, c.lot_qty)
            WHEN r.fees <> c.fees THEN format('fees %s <> sum of its allocations'' fee shares %s', r.fees, c.fees)
            WHEN r.entry_ts <> c.entry_ts THEN format('entry_ts %s <> first lot %s', r.entry_ts, c.entry_ts)
            WHEN r.exit_ts <> c.exit_ts THEN format('exit_ts %s <> last allocation %s', r.exit_ts, c.exit_ts)
            ELSE format('gross_pnl %s - fees %s <> net_pnl %s', r.gross_pnl, r.fees, r.net_pnl) END AS problem
  FROM closed c
  FULL JOIN (SELECT * FROM trading.round_trip r WHERE (:'account' = '' OR r.book_id = :book)
               -- a round trip whose closing sell was voided is taken back: the trip is open again
               AND NOT EXISTS (SELECT FROM trading.fill_void v WHERE v.book_id = r.book_id AND v.round_trip_seq = r.seq)) r ON r.book_id = c.book_id AND r.symbol = c.symbol AND r.trip_no = c.trip_no
 WHERE r.seq IS NULL OR c.trip_no IS NULL OR r.net_pnl <> c.net_pnl OR r.quantity <> c.lot_qty OR r.fees <> c.fees
    OR r.entry_ts <> c.entry_ts OR r.exit_ts <> c.exit_ts OR r.gross_pnl - r.fees <> r.net_pnl
ORDER BY 1, 2, 3;
