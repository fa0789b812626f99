-- Reconstruction 05 — each closed hour's cash, positions at mark, equity, peak, drawdown, realized PnL, fees and
-- unrealized PnL, rebuilt from the journal, the fills and the market candles (issue 17 item 3; docs/audit.md,
-- "Reconstruction").
-- Which rows an hour covers: the chain heads it recorded (hourly_state.digests->'heads': the last journal
-- transaction, fill and fill void the close saw). A fill is counted by the first close after it is recorded, not
-- by its time, so the heads are the only faithful cut; they are recorded inputs, not figures.
-- Rebuilt for every closed hour of a single-currency book (no currency enabled besides its reporting currency,
-- trading.book_currency, and every fill quoted in it):
--   * hour_cash             Σ of the trading account's postings in the reporting currency up to the hour's last
--                           transaction (the running sum, not the stored balance_after);
--   * per symbol held: quantity = Σ buys − Σ sells − fees paid in the base over the fills up to the hour's head,
--     leaving out those voided by then; mark = close of the last 1h bar closed by the hour (open time ≤ hour − 1h)
--     and opened within 7 days, highest revision (for an hour of a sync-fed run, among the revisions loaded by the
--     load portfolio.hour_knowledge says it knew); without such a bar the position is at cost: quantity ×
--     (cost basis / quantity), the cost basis rebuilt from the FIFO lots and allocations as in reconstruction 03;
--   * hour_positions_value  Σ quantity × mark;   hour_equity = cash + positions value;
--   * hour_peak_equity      the running maximum of the rebuilt equity over the book's hours;
--   * hour_drawdown         1 − equity / peak (0 at or above the peak, 0 when the peak is not positive);
--   * hour_realized_pnl     Σ realized PnL of the rebuilt FIFO allocations of the sells up to the hour's head;
--   * hour_fees             Σ the fills' fees in quote up to the hour's head (not voided by then);
--   * hour_unrealized_pnl   positions value − Σ cost basis of the positions held.
-- Not rebuilt (left to gates 11 and 20, which recompute them with market.conversion_rate): hours of books holding
-- or trading in a currency other than their reporting currency (rates, conversions), and hours that counted a fill
-- voided after them (the hour valued the ghost fill; the rebuild leaves voided sells out of FIFO). Day-start equity,
-- daily PnL, gross exposure and open orders are not rebuilt.
-- Columns: rule, book_id, key (hour), item, stored, rebuilt, agrees.
-- Pure SQL over portfolio.hourly_state (hour and heads), ledger.posting, trading.fill, trading.fill_void,
-- portfolio.hour_knowledge and market.candle: no Predator function is called.
-- psql variables, all optional: account (one book; '' = every book), show ('all': every compared row; default:
-- only the mismatches).
--   psql -v account=NAME -f validations/reconstruct/05_hourly_state.sql
\if :{?account} \else \set account '' \endif
\if :{?show} \else \set show mismatches \endif
SELECT coalesce((SELECT sc.book_id FROM trading.account sc WHERE sc.name = :'account'), -1) AS book \gset
WITH single AS (  -- the books in one currency
    SELECT a.book_id, a.venue, a.base_currency AS reporting
      FROM trading.account a
     WHERE (:'account' = '' OR a.book_id = :book)
       AND NOT EXISTS (SELECT FROM trading.book_currency c WHERE c.book_id = a.book_id AND c.currency <> a.base_currency)
       AND NOT EXISTS (SELECT FROM trading.fill f WHERE f.book_id = a.book_id AND split_part(f.symbol, '/', 2) <> a.base_currency)),
fills AS (
    SELECT f.book_id, f.seq, f.symbol, f.side, f.venue_trade_id, f.quantity, f.price, f.fee, f.ts,
           split_part(f.symbol, '/', 2) AS quote, a.base_currency AS reporting, v.seq IS NOT NULL AS voided, v.seq AS void_seq,
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
      JOIN single s ON s.book_id = f.book_id),
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
h AS (
    SELECT h.book_id, h.hour, h.cash, h.positions_value, h.equity, h.peak_equity, h.drawdown, h.realized_pnl, h.fees,
           h.unrealized_pnl, s.venue, s.reporting,
           coalesce((h.digests -> 'heads' ->> 'ledger.transaction')::bigint, 0) AS head_tx,
           coalesce((h.digests -> 'heads' ->> 'trading.fill')::bigint, 0) AS head_fill,
           coalesce((h.digests -> 'heads' ->> 'trading.fill_void')::bigint, 0) AS head_void
      FROM portfolio.hourly_state h
      JOIN single s ON s.book_id = h.book_id),
hours AS (      -- leaving out the hours that counted a fill voided after them
    SELECT h.* FROM h
     WHERE NOT EXISTS (SELECT FROM fills f WHERE f.book_id = h.book_id AND f.voided AND f.seq <= h.head_fill
                                              AND f.void_seq > h.head_void)),
cash AS (
    SELECT p.book_id, p.tx_seq, sum(p.amount) OVER (PARTITION BY p.book_id ORDER BY p.tx_seq, p.seq) AS running,
           row_number() OVER (PARTITION BY p.book_id, p.tx_seq ORDER BY p.seq DESC) AS last_in_tx
      FROM ledger.posting p
      JOIN single s ON s.book_id = p.book_id AND p.currency = s.reporting
     WHERE p.account_code = 'trading'),
held AS (       -- per hour and symbol: quantity and cost basis from the fills and FIFO pieces up to its heads
    SELECT x.book_id, x.hour, x.symbol, sum(x.quantity) AS quantity, sum(x.cost) AS cost_basis
      FROM (SELECT h.book_id, h.hour, f.symbol,
                   CASE WHEN f.side = 'buy' THEN f.quantity - f.fee_base ELSE -(f.quantity + f.fee_base) END AS quantity,
                   CASE WHEN f.side = 'buy' THEN (f.quantity - f.fee_base) * f.price
                                                 + CASE WHEN f.fee_base > 0 THEN f.fee_base * f.price ELSE f.fee_quote END
                        ELSE 0 END AS cost
              FROM hours h
              JOIN fills f ON f.book_id = h.book_id AND f.seq <= h.head_fill
                          AND NOT (f.voided AND f.void_seq <= h.head_void)
            UNION ALL
            SELECT h.book_id, h.hour, p.symbol, 0, -(p.quantity * p.entry_price + p.entry_fee)
              FROM hours h JOIN pieces p ON p.book_id = h.book_id AND p.sell_seq <= h.head_fill) x
     GROUP BY x.book_id, x.hour, x.symbol),
valued AS (
    SELECT p.book_id, p.hour, p.symbol, p.quantity, p.cost_basis, m.close AS mark,
           p.quantity * coalesce(m.close, p.cost_basis / p.quantity) AS notional
      FROM held p
      JOIN hours h ON h.book_id = p.book_id AND h.hour = p.hour
      LEFT JOIN portfolio.hour_knowledge k ON k.book_id = p.book_id AND k.hour = p.hour AND k.symbol = p.symbol
                                          AND k."interval" = '1h'
      LEFT JOIN LATERAL (
          SELECT c.close FROM market.candle c
           WHERE c.venue = h.venue AND c.symbol = p.symbol AND c."interval" = '1h'
             AND c.ts <= p.hour - interval '1 hour' AND c.ts > p.hour - interval '7 days'
             AND (k.book_id IS NULL OR c.load_id <= coalesce(k.load_id, 0))
           ORDER BY c.ts DESC, c.revision DESC LIMIT 1) m ON true
     WHERE p.quantity > 0),
rebuilt0 AS (
    SELECT h.book_id, h.hour, h.cash, h.positions_value, h.equity, h.peak_equity, h.drawdown, h.realized_pnl, h.fees,
           h.unrealized_pnl,
           coalesce((SELECT c.running FROM cash c WHERE c.book_id = h.book_id AND c.tx_seq <= h.head_tx AND c.last_in_tx = 1
                      ORDER BY c.tx_seq DESC LIMIT 1), 0) AS want_cash,
           coalesce((SELECT sum(v.notional) FROM valued v WHERE v.book_id = h.book_id AND v.hour = h.hour), 0) AS want_pv,
           coalesce((SELECT sum(v.cost_basis) FROM valued v WHERE v.book_id = h.book_id AND v.hour = h.hour), 0) AS want_cost,
           coalesce((SELECT sum(p.realized_pnl) FROM pieces p WHERE p.book_id = h.book_id AND p.sell_seq <= h.head_fill), 0)
               AS want_realized,
           coalesce((SELECT sum(f.fee_quote) FROM fills f WHERE f.book_id = h.book_id AND f.seq <= h.head_fill
                                                            AND NOT (f.voided AND f.void_seq <= h.head_void)), 0) AS want_fees
      FROM hours h),
rebuilt1 AS (
    SELECT r.*, r.want_cash + r.want_pv AS want_equity,
           max(r.want_cash + r.want_pv) OVER (PARTITION BY r.book_id ORDER BY r.hour) AS want_peak
      FROM rebuilt0 r),
rebuilt AS (
    SELECT r.*, CASE WHEN r.want_peak > 0 THEN greatest(0, 1 - r.want_equity / r.want_peak) ELSE 0 END AS want_drawdown
      FROM rebuilt1 r),
cmp AS (
    SELECT x.rule, r.book_id, to_char(r.hour AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI"Z"') AS key, x.item,
           x.stored, x.rebuilt
      FROM rebuilt r, LATERAL (VALUES
          ('hour_cash', 'cash', r.cash, r.want_cash),
          ('hour_positions_value', 'positions_value', r.positions_value, r.want_pv),
          ('hour_equity', 'equity', r.equity, r.want_equity),
          ('hour_peak_equity', 'peak_equity', r.peak_equity, r.want_peak),
          ('hour_drawdown', 'drawdown', r.drawdown, r.want_drawdown),
          ('hour_realized_pnl', 'realized_pnl', r.realized_pnl, r.want_realized),
          ('hour_fees', 'fees', r.fees, r.want_fees),
          ('hour_unrealized_pnl', 'unrealized_pnl', r.unrealized_pnl, r.want_pv - r.want_cost))
          AS x(rule, item, stored, rebuilt))
SELECT c.rule, c.book_id, c.key, c.item, c.stored::text AS stored, c.rebuilt::text AS rebuilt,
       c.stored = c.rebuilt AS agrees
  FROM cmp c
 WHERE :'show' = 'all' OR c.stored <> c.rebuilt
ORDER BY 1, 2, 3, 4;
