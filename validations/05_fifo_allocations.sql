-- Gate 05 — FIFO allocations (DESIGN.md §3.5).
-- Rules:
--   * oldest first: in allocation order (seq) the lots of a book and symbol are consumed by non-decreasing
--     lot number, and an allocation that moves on to lot N comes after every older lot was consumed
--     whole (the quantity allocated before it equals the older lots' quantity, less what voids took out);
--     the allocations of a voided sell (api.void_fill: they went back to their lots) are left out of this rule
--     and of the fee shares of a fully consumed lot;
--   * an allocation belongs to a sell fill of the same book and symbol (venue_trade_id), carries the lot's
--     price as entry price and the fill's price as exit price, and realized_pnl = quantity × (exit − entry)
--     − entry fee share − exit fee share;
--   * the allocations of a sell fill consume its quantity (plus its fee when paid in the base asset), and
--     their exit fee shares add up to the fill's fee in quote;
--   * the entry fee shares of a fully consumed lot add up to the lot's fee.
-- A row is one violation: the allocation, sell fill or lot concerned, and how.
-- Scope: psql variables, all optional (without them the gate judges the whole database):
--   psql -v account=NAME -v from=2024-01-01 -v to=2024-02-01 -f validations/05_fifo_allocations.sql
-- `predator validate --account NAME --from … --to …` sets the same three (from/to inclusive); the \gset line
-- looks the account's book id up once (-1 when unknown), so every scan below filters on a constant :book.
-- Account: the book's lots, allocations and fills; from/to: the allocations, sell fills and lots judged (ts; each is still checked against the book's history).
\if :{?account} \else \set account '' \endif
\if :{?from} \else \set from -infinity \endif
\if :{?to} \else \set to infinity \endif
SELECT coalesce((SELECT sc.book_id FROM trading.account sc WHERE sc.name = :'account'), -1) AS book \gset
WITH seqd AS (
    SELECT a.book_id, a.symbol, a.seq, a.lot_no, a.ts,
           lag(a.lot_no) OVER w AS prev_lot,
           coalesce(sum(a.quantity) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS allocated_before
      FROM trading.lot_allocation a
     WHERE (:'account' = '' OR a.book_id = :book)
       AND NOT EXISTS (SELECT FROM trading.fill_void fv WHERE fv.book_id = a.book_id AND fv.symbol = a.symbol AND fv.venue_trade_id = a.venue_trade_id)
    WINDOW w AS (PARTITION BY a.book_id, a.symbol ORDER BY a.seq)),
older AS (      -- a voided lot (api.void_fill: the venue never made its buy) holds nothing for a later sell
    SELECT l.book_id, l.symbol, l.lot_no,
           coalesce(sum(l.quantity - coalesce((SELECT sum(v.quantity) FROM trading.fill_void v
                                                WHERE v.book_id = l.book_id AND v.symbol = l.symbol AND v.lot_no = l.lot_no), 0))
                    OVER (PARTITION BY l.book_id, l.symbol ORDER BY l.lot_no
                          ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS older_qty
      FROM trading.lot l
     WHERE (:'account' = '' OR l.book_id = :book))
-- Oldest first, in allocation order: lot numbers never go back, and an allocation that moves on to a lot
-- comes after every older lot was consumed whole (what was allocated before it = the older lots' quantity).
SELECT a.book_id, a.symbol, a.seq AS alloc_seq, a.lot_no,
       CASE WHEN a.lot_no < a.prev_lot THEN format('goes back from lot %s to older lot %s', a.prev_lot, a.lot_no)
            ELSE format('moves on to lot %s with %s allocated before, while the older lots hold %s',
                        a.lot_no, a.allocated_before, coalesce(o.older_qty, 0)) END AS problem
  FROM seqd a
  LEFT JOIN older o ON o.book_id = a.book_id AND o.symbol = a.symbol AND o.lot_no = a.lot_no
 WHERE (a.lot_no < a.prev_lot
        OR (a.lot_no IS DISTINCT FROM a.prev_lot AND a.allocated_before <> coalesce(o.older_qty, 0)))
   AND a.ts >= :'from' AND a.ts <= :'to'
UNION ALL
SELECT a.book_id, a.symbol, a.seq, a.lot_no,
       CASE WHEN f.seq IS NULL THEN format('no sell fill %s', a.venue_trade_id)
            WHEN l.lot_no IS NULL THEN 'no such lot'
            WHEN a.entry_price <> l.price THEN format('entry price %s <> lot price %s', a.entry_price, l.price)
            WHEN a.exit_price <> f.price THEN format('exit price %s <> fill price %s', a.exit_price, f.price)
            ELSE format('realized_pnl %s <> quantity x (exit - entry) - fees = %s', a.realized_pnl,
                        a.quantity * (a.exit_price - a.entry_price) - a.entry_fee - a.exit_fee) END
  FROM trading.lot_allocation a
  LEFT JOIN trading.fill f ON f.book_id = a.book_id AND f.symbol = a.symbol AND f.venue_trade_id = a.venue_trade_id AND f.side = 'sell'
  LEFT JOIN trading.lot l ON l.book_id = a.book_id AND l.symbol = a.symbol AND l.lot_no = a.lot_no
 WHERE (:'account' = '' OR a.book_id = :book) AND a.ts >= :'from' AND a.ts <= :'to'
   AND (f.seq IS NULL OR l.lot_no IS NULL OR a.entry_price <> l.price OR a.exit_price <> f.price
        OR a.realized_pnl <> a.quantity * (a.exit_price - a.entry_price) - a.entry_fee - a.exit_fee)
UNION ALL
SELECT f.book_id, f.symbol, f.seq, NULL,
       format('sell fill %s: allocated %s (expected %s), exit fees %s (expected %s)', f.venue_trade_id,
              coalesce(x.qty, 0), f.quantity + CASE WHEN f.fee_currency = split_part(f.symbol, '/', 1) THEN f.fee ELSE 0 END,
              coalesce(x.exit_fee, 0), CASE WHEN f.fee_currency = split_part(f.symbol, '/', 1) THEN f.fee * f.price ELSE f.fee END)
  FROM trading.fill f
  LEFT JOIN (SELECT a.book_id, a.symbol, a.venue_trade_id, sum(a.quantity) AS qty, sum(a.exit_fee) AS exit_fee
               FROM trading.lot_allocation a WHERE (:'account' = '' OR a.book_id = :book) GROUP BY 1, 2, 3) x
         ON x.book_id = f.book_id AND x.symbol = f.symbol AND x.venue_trade_id = f.venue_trade_id
 WHERE (:'account' = '' OR f.book_id = :book) AND f.ts >= :'from' AND f.ts <= :'to'
   AND f.side = 'sell'
   AND (coalesce(x.qty, 0) <> f.quantity + CASE WHEN f.fee_currency = split_part(f.symbol, '/', 1) THEN f.fee ELSE 0 END
        OR coalesce(x.exit_fee, 0) <> CASE WHEN f.fee_currency = split_part(f.symbol, '/', 1) THEN f.fee * f.price ELSE f.fee END)
UNION ALL
SELECT l.book_id, l.symbol, NULL, l.lot_no,
       format('fully consumed lot: entry fee shares %s <> lot fee %s', x.entry_fee, l.fee_quote)
  FROM trading.lot l
  JOIN (SELECT a.book_id, a.symbol, a.lot_no, sum(a.quantity) AS qty, sum(a.entry_fee) AS entry_fee
          FROM trading.lot_allocation a WHERE (:'account' = '' OR a.book_id = :book)
           AND NOT EXISTS (SELECT FROM trading.fill_void fv WHERE fv.book_id = a.book_id AND fv.symbol = a.symbol AND fv.venue_trade_id = a.venue_trade_id) GROUP BY 1, 2, 3) x
    ON x.book_id = l.book_id AND x.symbol = l.symbol AND x.lot_no = l.lot_no
 WHERE (:'account' = '' OR l.book_id = :book) AND l.ts >= :'from' AND l.ts <= :'to'
   AND x.qty = l.quantity AND x.entry_fee <> l.fee_quote
ORDER BY 1, 2, 3, 4;
