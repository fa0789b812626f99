-- Reconstruction 02 — positions rebuilt from the fills alone (issue 17 item 3; docs/audit.md, "Reconstruction").
-- Rebuilt: per (book, symbol) Σ buys − Σ sells − the fees paid in the base asset (a fee in the base is taken out
-- of what a buy brings and added to what a sell takes), over the fills that were not voided (trading.fill_void:
-- the venue never made them). Compared, row by row, with trading.position.quantity (rule position_quantity); a
-- symbol with fills and no position row, or a position row without fills, is a mismatch.
-- Columns: rule, book_id, key (symbol), item, stored, rebuilt, agrees.
-- Pure SQL over trading.fill, trading.fill_void and trading.position: no Predator function is called.
-- psql variables, all optional: account (one book; '' = every book), show ('all': every compared row; default:
-- only the mismatches).
--   psql -v account=NAME -f validations/reconstruct/02_positions.sql
\if :{?account} \else \set account '' \endif
\if :{?show} \else \set show mismatches \endif
SELECT coalesce((SELECT sc.book_id FROM trading.account sc WHERE sc.name = :'account'), -1) AS book \gset
WITH rebuilt AS (
    SELECT f.book_id, f.symbol,
           sum(CASE WHEN f.side = 'buy' THEN f.quantity ELSE -f.quantity END
               - CASE WHEN f.fee_currency = split_part(f.symbol, '/', 1) THEN f.fee ELSE 0 END) AS quantity
      FROM trading.fill f
     WHERE (:'account' = '' OR f.book_id = :book)
       AND NOT EXISTS (SELECT FROM trading.fill_void v
                        WHERE v.book_id = f.book_id AND v.symbol = f.symbol AND v.venue_trade_id = f.venue_trade_id)
     GROUP BY f.book_id, f.symbol),
stored AS (
    SELECT p.book_id, p.symbol, p.quantity FROM trading.position p WHERE (:'account' = '' OR p.book_id = :book)),
cmp AS (
    SELECT 'position_quantity'::text AS rule, coalesce(s.book_id, r.book_id) AS book_id,
           coalesce(s.symbol, r.symbol) AS key, 'quantity'::text AS item, s.quantity AS stored, r.quantity AS rebuilt
      FROM stored s FULL JOIN rebuilt r ON r.book_id = s.book_id AND r.symbol = s.symbol)
SELECT c.rule, c.book_id, c.key, c.item, c.stored::text AS stored, c.rebuilt::text AS rebuilt,
       c.stored IS NOT DISTINCT FROM c.rebuilt AS agrees
  FROM cmp c
 WHERE :'show' = 'all' OR c.stored IS DISTINCT FROM c.rebuilt
ORDER BY 1, 2, 3, 4;
