-- Gate 04 — FIFO lots, positions and the ledger agree (DESIGN.md §3.4, §3.5).
-- Rules:
--   * every lot's remaining = its quantity − the quantities allocated from it by sells not voided − the quantity a
--     void of its own buy took out (api.void_fill, trading.fill_void: a voided sell's allocations went back to
--     their lots), and is never negative;
--   * every position's quantity = the remaining of its open lots (per book and symbol);
--   * per book and asset other than the book's cash currencies (its base, i.e. reporting, currency and the quote
--     currencies enabled for it, trading.book_currency), what fills moved into the trading account (the trading
--     postings of 'fill' journal transactions, less what voids of fills the venue never made reversed: their
--     'void' transactions) = the remaining of the open lots of that asset (the book trades
--     only instruments quoted in its cash currencies, so those postings are base-asset legs; a cash currency
--     bought as a base, USDC on USDC/USD, is cash and is left out of this rule);
--   * the trading account's balance of that asset covers its open lots (it holds what the lots say).
-- A row is one violation: the lot, symbol or asset whose figures disagree, with both sides.
-- Scope: psql variables, all optional (without them the gate judges the whole database):
--   psql -v account=NAME -v from=2024-01-01 -v to=2024-02-01 -f validations/04_lots_positions_ledger.sql
-- `predator validate --account NAME --from … --to …` sets the same three (from/to inclusive); the \gset line
-- looks the account's book id up once (-1 when unknown), so every scan below filters on a constant :book.
-- Account: the book's lots, positions and journal; from/to do not apply (the rules judge the current state).
\if :{?account} \else \set account '' \endif
\if :{?from} \else \set from -infinity \endif
\if :{?to} \else \set to infinity \endif
SELECT coalesce((SELECT sc.book_id FROM trading.account sc WHERE sc.name = :'account'), -1) AS book \gset
WITH lot_sum AS (
    SELECT l.book_id, l.symbol, sum(l.remaining) AS remaining
      FROM trading.lot l WHERE (:'account' = '' OR l.book_id = :book) GROUP BY l.book_id, l.symbol),
asset_lots AS (
    SELECT s.book_id, split_part(s.symbol, '/', 1) AS asset, sum(s.remaining) AS remaining
      FROM lot_sum s GROUP BY 1, 2),
cash_ccy AS (   -- the book's cash currencies: its reporting currency and every currency enabled for it (0019)
    SELECT a.book_id, a.base_currency AS ccy FROM trading.account a WHERE (:'account' = '' OR a.book_id = :book)
    UNION
    SELECT c.book_id, c.currency FROM trading.book_currency c WHERE (:'account' = '' OR c.book_id = :book)),
fill_flow AS (
    SELECT p.book_id, p.currency AS asset, sum(p.amount) AS moved
      FROM ledger.posting p
      JOIN ledger.transaction t ON t.book_id = p.book_id AND t.seq = p.tx_seq
     WHERE (:'account' = '' OR p.book_id = :book)
       AND t.kind IN ('fill', 'void') AND p.account_code = 'trading'
       AND NOT EXISTS (SELECT FROM cash_ccy c WHERE c.book_id = p.book_id AND c.ccy = p.currency)
     GROUP BY 1, 2)
SELECT l.book_id, l.symbol AS key, l.lot_no::text AS item,
       format('lot remaining %s <> quantity %s - allocated %s - voided %s', l.remaining, l.quantity, coalesce(x.allocated, 0),
              coalesce(v.voided, 0)) AS problem
  FROM trading.lot l
  LEFT JOIN (SELECT a.book_id, a.symbol, a.lot_no, sum(a.quantity) AS allocated
               FROM trading.lot_allocation a WHERE (:'account' = '' OR a.book_id = :book)
                AND NOT EXISTS (SELECT FROM trading.fill_void fv WHERE fv.book_id = a.book_id AND fv.symbol = a.symbol AND fv.venue_trade_id = a.venue_trade_id) GROUP BY 1, 2, 3) x
         ON x.book_id = l.book_id AND x.symbol = l.symbol AND x.lot_no = l.lot_no
  LEFT JOIN (SELECT v.book_id, v.symbol, v.lot_no, sum(v.quantity) AS voided
               FROM trading.fill_void v WHERE (:'account' = '' OR v.book_id = :book) AND v.lot_no IS NOT NULL
              GROUP BY 1, 2, 3) v
         ON v.book_id = l.book_id AND v.symbol = l.symbol AND v.lot_no = l.lot_no
 WHERE (:'account' = '' OR l.book_id = :book)
   AND (l.remaining <> l.quantity - coalesce(x.allocated, 0) - coalesce(v.voided, 0) OR l.remaining < 0)
UNION ALL
SELECT coalesce(p.book_id, s.book_id), coalesce(p.symbol, s.symbol), 'position',
       format('position quantity %s <> remaining of open lots %s', coalesce(p.quantity, 0), coalesce(s.remaining, 0))
  FROM (SELECT * FROM trading.position p WHERE (:'account' = '' OR p.book_id = :book)) p
  FULL JOIN lot_sum s ON s.book_id = p.book_id AND s.symbol = p.symbol
 WHERE coalesce(p.quantity, 0) <> coalesce(s.remaining, 0)
UNION ALL
SELECT coalesce(f.book_id, l.book_id), coalesce(f.asset, l.asset), 'ledger',
       format('fills moved %s %s into the trading account, open lots hold %s', coalesce(f.moved, 0),
              coalesce(f.asset, l.asset), coalesce(l.remaining, 0))
  FROM fill_flow f
  FULL JOIN (SELECT l.* FROM asset_lots l
              WHERE NOT EXISTS (SELECT FROM cash_ccy c WHERE c.book_id = l.book_id AND c.ccy = l.asset)) l
    ON l.book_id = f.book_id AND l.asset = f.asset
 WHERE coalesce(f.moved, 0) <> coalesce(l.remaining, 0)
UNION ALL
SELECT l.book_id, l.asset, 'balance',
       format('trading balance %s %s does not cover the open lots %s', coalesce(b.balance, 0), l.asset, l.remaining)
  FROM asset_lots l
  LEFT JOIN ledger.balance b ON b.book_id = l.book_id AND b.account_code = 'trading' AND b.currency = l.asset
 WHERE coalesce(b.balance, 0) < l.remaining
ORDER BY 1, 2, 3;
