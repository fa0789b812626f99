-- Reconstruction 03 — FIFO lots, allocations, cost basis and each fill's realized PnL and fee, rebuilt from the
-- fills alone (issue 17 item 3; docs/audit.md, "Reconstruction").
-- Rebuilt, per (book, symbol), in fill order (trading.fill.seq, the order the book recorded them):
--   * lots: buy number n opens lot n with quantity = bought − a fee paid in the base, the fill's price, and its
--     fee in quote (a fee in the quote as is; in the base at the fill price; in a third currency at the close of
--     the last 1h FEE/QUOTE bar closed by the fill's time within 7 days, highest revision, 0 without one);
--   * FIFO matching without a loop: on one axis the lots' quantities laid end to end in lot order ([lo, hi) of
--     each lot), on another the sells' consumed quantities (sold + a fee paid in the base) laid end to end in fill
--     order; a sell takes from a lot exactly the overlap of their two intervals. Because a sell never exceeds what
--     the open lots hold (no shorting), this is "the oldest open lot first", sell by sell;
--   * each allocation's fee shares as the book defines them: a lot's fee is shared by cumulative difference
--     (round(fee × consumed after / quantity, 18) − the same before; the whole fee once the lot is consumed), the
--     sell's fee pro rata of the quantity taken (round(…, 18)) with the last allocation taking what is left;
--     realized PnL = quantity × (exit − entry) − entry fee share − exit fee share;
--   * a lot's remaining = its quantity − what the sells took; a position's cost basis = Σ over lots of
--     quantity × price + fee − Σ over allocations of quantity × entry price + entry fee share;
--   * voided fills (trading.fill_void): a voided buy still numbers its lot but holds nothing (remaining 0); a voided
--     sell allocates nothing (its stored allocations, given back by the void, are not compared).
-- Compared, row by row, with what is stored:
--   * lot               trading.lot (venue trade id, quantity, price, fee_quote, remaining) by (symbol, lot_no);
--   * allocation        trading.lot_allocation (quantity, entry and exit price, fee shares, realized PnL) by
--                       (symbol, sell's venue trade id, lot_no);
--   * cost_basis        trading.position.cost_basis by symbol;
--   * fill_realized     per fill not voided whose quote is the book's reporting currency: the gross realized PnL
--                       Σ quantity × (exit − entry) of its allocations and its fee in quote vs the journal's
--                       realized memo (kind 'realized', ref the venue trade id: −realized_pnl leg, fee_expense leg).
--                       A fill quoted in another currency is not rebuilt here (its memo is converted at a rate).
-- Columns: rule, book_id, key (symbol), item, stored, rebuilt, agrees.
-- Pure SQL over trading.fill, trading.fill_void, trading.lot, trading.lot_allocation, trading.position,
-- ledger.transaction, ledger.posting and market.candle: no Predator function is called.
-- psql variables, all optional: account (one book; '' = every book), show ('all': every compared row; default:
-- only the mismatches).
--   psql -v account=NAME -f validations/reconstruct/03_fifo_lots_pnl.sql
\if :{?account} \else \set account '' \endif
\if :{?show} \else \set show mismatches \endif
SELECT coalesce((SELECT sc.book_id FROM trading.account sc WHERE sc.name = :'account'), -1) AS book \gset
WITH fills AS (
    SELECT f.book_id, f.seq, f.symbol, f.side, f.venue_trade_id, f.quantity, f.price, f.fee, f.ts,
           split_part(f.symbol, '/', 2) AS quote, a.base_currency AS reporting, v.seq IS NOT NULL AS voided,
           CASE WHEN f.fee_currency = split_part(f.symbol, '/', 1) THEN f.fee ELSE 0 END AS fee_base,
           CASE WHEN f.fee = 0 OR f.fee_currency = split_part(f.symbol, '/', 2) THEN f.fee
                WHEN f.fee_currency = split_part(f.symbol, '/', 1) THEN f.fee * f.price
                ELSE coalesce(f.fee * (SELECT c.close FROM market.candle c
                                        WHERE c.venue = a.venue AND c."interval" = '1h'
                                          AND c.symbol = f.fee_currency || '/' || split_part(f.symbol, '/', 2)
                                          AND c.ts <= f.ts - interval '1 hour' AND c.ts > f.ts - interval '7 days'
                                        ORDER BY c.ts DESC, c.revision DESC LIMIT 1), 0) END AS fee_quote
      FROM trading.fill f
      JOIN trading.account a ON a.book_id = f.book_id
      LEFT JOIN trading.fill_void v ON v.book_id = f.book_id AND v.symbol = f.symbol AND v.venue_trade_id = f.venue_trade_id
     WHERE (:'account' = '' OR f.book_id = :book)),
lots0 AS (
    SELECT f.book_id, f.symbol, f.seq AS fill_seq, f.venue_trade_id, f.voided,
           row_number() OVER w AS lot_no,
           f.quantity - f.fee_base AS quantity, f.price,
           CASE WHEN f.fee_base > 0 THEN f.fee_base * f.price ELSE f.fee_quote END AS fee_quote,
           CASE WHEN f.voided THEN 0 ELSE f.quantity - f.fee_base END AS avail,
           coalesce(sum(CASE WHEN f.voided THEN 0 ELSE f.quantity - f.fee_base END)
                        OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS lo
      FROM fills f WHERE f.side = 'buy'
    WINDOW w AS (PARTITION BY f.book_id, f.symbol ORDER BY f.seq)),
lots AS (SELECT l.*, l.lo + l.avail AS hi FROM lots0 l),
sells0 AS (
    SELECT f.book_id, f.symbol, f.seq AS fill_seq, f.venue_trade_id, f.price, f.fee_quote,
           f.quantity + f.fee_base AS consumed,
           coalesce(sum(f.quantity + f.fee_base) OVER (PARTITION BY f.book_id, f.symbol ORDER BY f.seq
                                                       ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS lo
      FROM fills f WHERE f.side = 'sell' AND NOT f.voided),
sells AS (SELECT s.*, s.lo + s.consumed AS hi FROM sells0 s),
pieces0 AS (    -- the overlap of a sell's interval with a lot's: what the sell took from that lot
    SELECT l.book_id, l.symbol, l.lot_no, s.venue_trade_id, s.fill_seq AS sell_seq,
           least(l.hi, s.hi) - greatest(l.lo, s.lo) AS quantity,
           greatest(l.lo, s.lo) - l.lo AS before, least(l.hi, s.hi) - l.lo AS after,
           least(l.hi, s.hi) = s.hi AS last_of_sell,
           l.quantity AS lot_qty, l.fee_quote AS lot_fee, l.price AS entry_price, s.price AS exit_price,
           s.fee_quote AS sell_fee, s.consumed
      FROM sells s
      JOIN lots l ON l.book_id = s.book_id AND l.symbol = s.symbol AND l.avail > 0 AND l.lo < s.hi AND s.lo < l.hi),
pieces1 AS (
    SELECT p.*,
           CASE WHEN p.after = p.lot_qty THEN p.lot_fee ELSE round(p.lot_fee * p.after / p.lot_qty, 18) END
             - CASE WHEN p.before = 0 THEN 0 ELSE round(p.lot_fee * p.before / p.lot_qty, 18) END AS entry_fee,
           CASE WHEN p.last_of_sell
                THEN p.sell_fee - coalesce(sum(round(p.sell_fee * p.quantity / p.consumed, 18))
                                           OVER (PARTITION BY p.book_id, p.symbol, p.sell_seq ORDER BY p.lot_no
                                                 ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0)
                ELSE round(p.sell_fee * p.quantity / p.consumed, 18) END AS exit_fee
      FROM pieces0 p),
pieces AS (
    SELECT p.*, p.quantity * (p.exit_price - p.entry_price) - p.entry_fee - p.exit_fee AS realized_pnl FROM pieces1 p),
rebuilt_lot AS (
    SELECT l.book_id, l.symbol, l.lot_no, l.venue_trade_id, l.quantity, l.price, l.fee_quote,
           CASE WHEN l.voided THEN 0
                ELSE l.quantity - coalesce((SELECT sum(p.quantity) FROM pieces p
                                             WHERE p.book_id = l.book_id AND p.symbol = l.symbol AND p.lot_no = l.lot_no), 0)
           END AS remaining
      FROM lots l),
stored_alloc AS (
    SELECT a.* FROM trading.lot_allocation a
     WHERE (:'account' = '' OR a.book_id = :book)
       AND NOT EXISTS (SELECT FROM trading.fill_void v
                        WHERE v.book_id = a.book_id AND v.symbol = a.symbol AND v.venue_trade_id = a.venue_trade_id)),
rebuilt_cost AS (
    SELECT x.book_id, x.symbol, sum(x.cost) AS cost_basis
      FROM (SELECT l.book_id, l.symbol, l.quantity * l.price + l.fee_quote AS cost FROM lots l WHERE NOT l.voided
            UNION ALL
            SELECT p.book_id, p.symbol, -(p.quantity * p.entry_price + p.entry_fee) FROM pieces p) x
     GROUP BY x.book_id, x.symbol),
memo AS (       -- the journal's realized memo of each fill: gross realized PnL and fee expense
    SELECT t.book_id, t.ref,
           -sum(p.amount) FILTER (WHERE p.account_code = 'realized_pnl') AS gross,
           sum(p.amount) FILTER (WHERE p.account_code = 'fee_expense') AS fee
      FROM ledger.transaction t
      JOIN ledger.posting p ON p.book_id = t.book_id AND p.tx_seq = t.seq
     WHERE (:'account' = '' OR t.book_id = :book) AND t.kind = 'realized'
     GROUP BY t.book_id, t.ref),
fill_pnl AS (
    SELECT f.book_id, f.symbol, f.venue_trade_id, f.fee_quote,
           coalesce((SELECT sum(p.quantity * (p.exit_price - p.entry_price)) FROM pieces p
                      WHERE p.book_id = f.book_id AND p.symbol = f.symbol AND p.sell_seq = f.seq), 0) AS gross
      FROM fills f WHERE NOT f.voided AND f.quote = f.reporting),
cmp AS (
    SELECT 'lot'::text AS rule, coalesce(s.book_id, r.book_id) AS book_id, coalesce(s.symbol, r.symbol) AS key,
           'lot ' || coalesce(s.lot_no, r.lot_no) AS item,
           CASE WHEN s.lot_no IS NOT NULL THEN format('trade %s qty %s @ %s fee %s remaining %s', s.venue_trade_id,
                s.quantity, s.price, s.fee_quote, s.remaining) END AS stored,
           CASE WHEN r.lot_no IS NOT NULL THEN format('trade %s qty %s @ %s fee %s remaining %s', r.venue_trade_id,
                r.quantity, r.price, r.fee_quote, r.remaining) END AS rebuilt,
           s.lot_no IS NOT NULL AND r.lot_no IS NOT NULL
           AND (s.venue_trade_id, s.quantity, s.price, s.fee_quote, s.remaining)
               = (r.venue_trade_id, r.quantity, r.price, r.fee_quote, r.remaining) AS agrees
      FROM (SELECT * FROM trading.lot l WHERE (:'account' = '' OR l.book_id = :book)) s
      FULL JOIN rebuilt_lot r ON r.book_id = s.book_id AND r.symbol = s.symbol AND r.lot_no = s.lot_no
    UNION ALL
    SELECT 'allocation', coalesce(s.book_id, r.book_id), coalesce(s.symbol, r.symbol),
           format('sell %s lot %s', coalesce(s.venue_trade_id, r.venue_trade_id), coalesce(s.lot_no, r.lot_no)),
           CASE WHEN s.seq IS NOT NULL THEN format('qty %s entry %s exit %s fees %s + %s pnl %s', s.quantity,
                s.entry_price, s.exit_price, s.entry_fee, s.exit_fee, s.realized_pnl) END,
           CASE WHEN r.lot_no IS NOT NULL THEN format('qty %s entry %s exit %s fees %s + %s pnl %s', r.quantity,
                r.entry_price, r.exit_price, r.entry_fee, r.exit_fee, r.realized_pnl) END,
           s.seq IS NOT NULL AND r.lot_no IS NOT NULL
           AND (s.quantity, s.entry_price, s.exit_price, s.entry_fee, s.exit_fee, s.realized_pnl)
               = (r.quantity, r.entry_price, r.exit_price, r.entry_fee, r.exit_fee, r.realized_pnl)
      FROM stored_alloc s
      FULL JOIN pieces r ON r.book_id = s.book_id AND r.symbol = s.symbol AND r.venue_trade_id = s.venue_trade_id
                        AND r.lot_no = s.lot_no
    UNION ALL
    SELECT 'cost_basis', coalesce(s.book_id, r.book_id), coalesce(s.symbol, r.symbol), 'cost basis',
           s.cost_basis::text, r.cost_basis::text, s.cost_basis IS NOT DISTINCT FROM r.cost_basis
      FROM (SELECT * FROM trading.position p WHERE (:'account' = '' OR p.book_id = :book)) s
      FULL JOIN rebuilt_cost r ON r.book_id = s.book_id AND r.symbol = s.symbol
    UNION ALL
    SELECT 'fill_realized', f.book_id, f.symbol, 'fill ' || f.venue_trade_id,
           CASE WHEN m.ref IS NOT NULL THEN format('gross %s fee %s', coalesce(m.gross, 0), coalesce(m.fee, 0)) END,
           format('gross %s fee %s', f.gross, f.fee_quote),
           CASE WHEN m.ref IS NULL THEN f.gross = 0 AND f.fee_quote = 0
                ELSE (coalesce(m.gross, 0), coalesce(m.fee, 0)) = (f.gross, f.fee_quote) END
      FROM fill_pnl f
      LEFT JOIN memo m ON m.book_id = f.book_id AND m.ref = f.venue_trade_id)
SELECT c.rule, c.book_id, c.key, c.item, c.stored, c.rebuilt, coalesce(c.agrees, false) AS agrees
  FROM cmp c
 WHERE :'show' = 'all' OR NOT coalesce(c.agrees, false)
ORDER BY 1, 2, 3, 4;
