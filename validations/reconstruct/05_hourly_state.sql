-- Reconstruction 05 — each closed hour's cash, positions at mark, equity, peak, drawdown, realized PnL, fees and
-- unrealized PnL, rebuilt from the journal, the fills, the fill voids and the market candles (issue 17 item 3;
-- docs/audit.md, "Reconstruction"). Every closed hour of every book: books in one currency, books holding or
-- trading in currencies other than their reporting currency, and hours before and after a fill void.
--
-- What an hour covers: the chain heads it recorded (hourly_state.digests->'heads': the last journal transaction,
-- fill and fill void the close saw). A fill or a void is counted by the first close after it is recorded, not by
-- its time, so the heads are the only faithful cut; they are recorded inputs, not figures. "The close that counted
-- a fill" (or a void) below is the first hour whose head reaches its seq.
--
-- Voids (trading.fill_void, api.void_fill) only ever take back the newest lot of a symbol or its newest fill, so
-- the book an hour saw is the FIFO of the fills up to its fill head less those voided up to its void head. The
-- FIFO is therefore rebuilt once per distinct void head (an "epoch"): an hour before a void counts the ghost fill
-- in quantity, cost, fees and FIFO; an hour after it does not, and the sells recorded after the void are matched
-- against the lots without it.
--
-- Rebuilt for every closed hour, in the book's reporting currency R (trading.account.base_currency):
--   * cash currencies   R and every currency enabled for the book (trading.book_currency) before the hour was
--                       recorded (gate 20's rule); a symbol whose base is one of them is cash, not a position;
--   * rates             per currency C at time T, market.conversion_rate's rule in plain SQL (see the rates CTE;
--                       sql/market/functions/market.conversion_rate.sql): 1 for R; else the close of the latest
--                       1h bar of C/R closed by T, or round(1 / close, 12) of R/C, whichever opened later (C/R on
--                       a tie), no look-back bound; none: the amount is valued 0. Each pair among the revisions
--                       loaded by the load portfolio.hour_knowledge says the relevant close knew (a sync-fed
--                       hour), else among every revision stored;
--   * hour_cash         Σ over the cash currencies of the trading account's running sum of postings up to the
--                       hour's last transaction (not the stored balance_after) × the currency's rate at the hour;
--   * per symbol held: quantity = Σ buys − Σ sells − fees paid in the base over the fills the hour counts; cost
--     basis as api.record_fill keeps it (each buy's quantity × price plus its fee in quote unless paid in the
--     base, less each sell's FIFO allocations' quantity × entry price + entry fee share, back to 0 where a sell
--     leaves the symbol flat); mark = close of the last 1h bar closed by the hour (open time ≤ hour − 1h) and
--     opened within 7 days, highest revision (for an hour of a sync-fed run, among the revisions loaded by the
--     load portfolio.hour_knowledge says it knew); without such a bar the position is at cost: quantity ×
--     (cost basis / quantity);
--   * hour_positions_value  Σ quantity × mark × the rate of the symbol's quote at the hour;
--   * hour_equity           cash + positions value;
--   * hour_peak_equity      the running maximum of the rebuilt equity over the book's hours;
--   * hour_drawdown         1 − equity / peak (0 at or above the peak, 0 when the peak is not positive);
--   * hour_fees             cumulative, as the closes add them up: each fill's fee in its quote (trading.
--                           _fee_in_quote's rule: as is in the quote, at the fill price in the base, at the
--                           FEE/QUOTE mark by the fill's time within 7 days in a third currency, 0 without one)
--                           × the quote's rate at the fill's time, added by the close that counted the fill and
--                           taken back by the close that counted its void, each as that close knew the bars;
--   * hour_realized_pnl     cumulative likewise: each sell's realized PnL (Σ over its rebuilt FIFO allocations of
--                           quantity × (exit − entry) − entry fee share − exit fee share, as reconstruction 03
--                           rebuilds them) × the quote's rate at the sell's time, added by the close that counted
--                           the sell and taken back by the close that counted its void;
--   * hour_unrealized_pnl   positions value − Σ cost basis × the rate of the quote, over the positions held.
-- Not rebuilt: day-start equity, daily PnL, gross exposure and open orders (they need the order book's state),
-- and the recorded rates themselves (hourly_state.valuation; gate 20 compares them with market.conversion_rate).
-- Limits (each shows as a mismatch of that hour, none passes silently):
--   * a bar revised after the hour closed, outside a sync-fed hour (no portfolio.hour_knowledge row for the
--     pair): the rebuild reads every revision stored today;
--   * a position at cost: numeric division takes its scale from the digits of the cost basis, and api.void_fill
--     adjusts the stored cost basis by its own terms (the stored lot quantities may also carry other digits than
--     the rebuilt intervals), so after a void of the symbol, or with lots of mixed precision, the last digits may
--     differ (the tests see none);
--   * a fee in a third currency is valued at the FEE/QUOTE mark as the close that counted the fill knew it, while
--     api.record_fill valued the lot's fee share as the bars stood when it recorded the fill.
-- Columns: rule, book_id, key (hour), item, stored, rebuilt, agrees.
-- Pure SQL over portfolio.hourly_state (hour, heads, recorded_at), ledger.posting, trading.fill,
-- trading.fill_void, trading.book_currency, portfolio.hour_knowledge and market.candle: no Predator function is
-- called.
-- psql variables, all optional: account (one book; '' = every book), show ('all': every compared row; default:
-- only the mismatches).
--   psql -v account=NAME -f validations/reconstruct/05_hourly_state.sql
\if :{?account} \else \set account '' \endif
\if :{?show} \else \set show mismatches \endif
SELECT coalesce((SELECT sc.book_id FROM trading.account sc WHERE sc.name = :'account'), -1) AS book \gset
WITH books AS (
    SELECT a.book_id, a.venue, a.base_currency AS reporting
      FROM trading.account a
     WHERE :'account' = '' OR a.book_id = :book),
h AS (          -- every closed hour, its stored figures and the heads it recorded
    SELECT h.book_id, h.hour, h.recorded_at, h.cash, h.positions_value, h.equity, h.peak_equity, h.drawdown,
           h.realized_pnl, h.fees, h.unrealized_pnl, b.venue, b.reporting,
           coalesce((h.digests -> 'heads' ->> 'ledger.transaction')::bigint, 0) AS head_tx,
           coalesce((h.digests -> 'heads' ->> 'trading.fill')::bigint, 0) AS head_fill,
           coalesce((h.digests -> 'heads' ->> 'trading.fill_void')::bigint, 0) AS head_void
      FROM portfolio.hourly_state h
      JOIN books b ON b.book_id = h.book_id),
counted AS (    -- the close that counted each fill and each void: the first hour whose head reaches its seq (one
                -- stream per book and chain, read from the end: the smallest hour among the heads at or after it)
    SELECT x.book_id, x.chain, x.seq, x.hour
      FROM (SELECT s.book_id, s.chain, s.seq,
                   min(s.hour) OVER (PARTITION BY s.book_id, s.chain ORDER BY s.key DESC, s.hour IS NOT NULL DESC
                                     ROWS UNBOUNDED PRECEDING) AS hour
              FROM (SELECT f.book_id, 'fill' AS chain, f.seq, f.seq AS key, NULL::timestamptz AS hour
                      FROM trading.fill f JOIN books b ON b.book_id = f.book_id
                    UNION ALL
                    SELECT v.book_id, 'void', v.seq, v.seq, NULL
                      FROM trading.fill_void v JOIN books b ON b.book_id = v.book_id
                    UNION ALL
                    SELECT h.book_id, 'fill', NULL, h.head_fill, h.hour FROM h
                    UNION ALL
                    SELECT h.book_id, 'void', NULL, h.head_void, h.hour FROM h) s) x
     WHERE x.seq IS NOT NULL),
fills AS (      -- every fill, with the close that counted it and, when voided, its void and the close that counted that
    SELECT f.book_id, f.seq, f.symbol, f.side, f.quantity, f.price, f.fee, f.fee_currency, f.ts, b.venue, b.reporting,
           split_part(f.symbol, '/', 1) AS base, split_part(f.symbol, '/', 2) AS quote,
           CASE WHEN f.fee_currency = split_part(f.symbol, '/', 1) THEN f.fee ELSE 0 END AS fee_base,
           fc.hour AS counted_at, v.seq AS void_seq, vc.hour AS voided_at
      FROM trading.fill f
      JOIN books b ON b.book_id = f.book_id
      LEFT JOIN counted fc ON fc.book_id = f.book_id AND fc.chain = 'fill' AND fc.seq = f.seq
      LEFT JOIN trading.fill_void v ON v.book_id = f.book_id AND v.symbol = f.symbol AND v.venue_trade_id = f.venue_trade_id
      LEFT JOIN counted vc ON vc.book_id = v.book_id AND vc.chain = 'void' AND vc.seq = v.seq),
fee_quote AS (  -- each fill's fee in its quote (trading._fee_in_quote's rule), as the close that counted the fill
                -- (khour = counted_at) or its void (khour = voided_at) knew the FEE/QUOTE bars
    SELECT a.book_id, a.seq, a.khour,
           CASE WHEN a.fee = 0 OR a.fee_currency = a.quote THEN a.fee
                WHEN a.fee_currency = a.base THEN a.fee * a.price
                ELSE coalesce(a.fee * m.close, 0) END AS fee_quote
      FROM (SELECT f.*, f.counted_at AS khour FROM fills f WHERE f.counted_at IS NOT NULL
            UNION
            SELECT f.*, f.voided_at FROM fills f WHERE f.voided_at IS NOT NULL) a
      LEFT JOIN portfolio.hour_knowledge k ON k.book_id = a.book_id AND k.hour = a.khour AND k."interval" = '1h'
                                          AND k.symbol = a.fee_currency || '/' || a.quote
      LEFT JOIN LATERAL (
          SELECT c.close FROM market.candle c
           WHERE c.venue = a.venue AND c.symbol = a.fee_currency || '/' || a.quote AND c."interval" = '1h'
             AND c.ts <= a.ts - interval '1 hour' AND c.ts > a.ts - interval '7 days'
             AND (k.book_id IS NULL OR c.load_id <= coalesce(k.load_id, 0))
           ORDER BY c.ts DESC, c.revision DESC LIMIT 1) m ON a.fee <> 0 AND a.fee_currency NOT IN (a.base, a.quote)),
epochs AS (     -- one FIFO per distinct void head of the book's hours, over the fills up to its last hour's head
    SELECT h.book_id, h.head_void AS cut, max(h.head_fill) AS upto FROM h GROUP BY h.book_id, h.head_void),
efills AS (     -- the fills an epoch counts: recorded by its last hour, not voided by its void head
    SELECT e.cut, f.*, q.fee_quote
      FROM epochs e
      JOIN fills f ON f.book_id = e.book_id AND f.seq <= e.upto AND (f.void_seq IS NULL OR f.void_seq > e.cut)
      JOIN fee_quote q ON q.book_id = f.book_id AND q.seq = f.seq AND q.khour = f.counted_at),
-- FIFO per epoch and symbol, as reconstruction 03 rebuilds it: the lots' quantities laid end to end in fill order
-- ([lo, hi) per lot), the sells' consumed quantities likewise; a sell takes from a lot the overlap of the two.
lots0 AS (
    SELECT f.book_id, f.cut, f.symbol, row_number() OVER w AS lot_no,
           f.quantity - f.fee_base AS quantity, f.price,
           CASE WHEN f.fee_base > 0 THEN f.fee_base * f.price ELSE f.fee_quote END AS fee_quote,
           coalesce(sum(f.quantity - f.fee_base) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS lo
      FROM efills f WHERE f.side = 'buy'
    WINDOW w AS (PARTITION BY f.book_id, f.cut, f.symbol ORDER BY f.seq)),
lots AS (SELECT l.*, l.lo + l.quantity AS hi FROM lots0 l),
sells0 AS (
    SELECT f.book_id, f.cut, f.symbol, f.seq AS sell_seq, f.price, f.fee_quote, f.quantity + f.fee_base AS consumed,
           coalesce(sum(f.quantity + f.fee_base) OVER (PARTITION BY f.book_id, f.cut, f.symbol ORDER BY f.seq
                                                       ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS lo
      FROM efills f WHERE f.side = 'sell'),
sells AS (SELECT s.*, s.lo + s.consumed AS hi FROM sells0 s),
pieces0 AS (    -- the overlap of a sell's interval with a lot's: what the sell took from that lot
    SELECT l.book_id, l.cut, l.symbol, l.lot_no, s.sell_seq,
           least(l.hi, s.hi) - greatest(l.lo, s.lo) AS quantity,
           greatest(l.lo, s.lo) - l.lo AS before, least(l.hi, s.hi) - l.lo AS after,
           least(l.hi, s.hi) = s.hi AS last_of_sell,
           l.quantity AS lot_qty, l.fee_quote AS lot_fee, l.price AS entry_price, s.price AS exit_price,
           s.fee_quote AS sell_fee, s.consumed
      FROM sells s
      JOIN lots l ON l.book_id = s.book_id AND l.cut = s.cut AND l.symbol = s.symbol AND l.lo < s.hi AND s.lo < l.hi),
pieces AS (     -- the fee shares as the book defines them (reconstruction 03), realized PnL and cost taken out
    SELECT p.book_id, p.cut, p.sell_seq,
           p.quantity * (p.exit_price - p.entry_price) - p.entry_fee - p.exit_fee AS realized_pnl,
           p.quantity * p.entry_price + p.entry_fee AS cost
      FROM (SELECT p.*,
                   CASE WHEN p.after = p.lot_qty THEN p.lot_fee ELSE round(p.lot_fee * p.after / p.lot_qty, 18) END
                     - CASE WHEN p.before = 0 THEN 0 ELSE round(p.lot_fee * p.before / p.lot_qty, 18) END AS entry_fee,
                   CASE WHEN p.last_of_sell
                        THEN p.sell_fee - coalesce(sum(round(p.sell_fee * p.quantity / p.consumed, 18))
                                                   OVER (PARTITION BY p.book_id, p.cut, p.symbol, p.sell_seq ORDER BY p.lot_no
                                                         ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0)
                        ELSE round(p.sell_fee * p.quantity / p.consumed, 18) END AS exit_fee
              FROM pieces0 p) p),
sold AS (       -- per epoch, each sell's realized PnL and the cost basis it took out
    SELECT p.book_id, p.cut, p.sell_seq, sum(p.realized_pnl) AS realized_pnl, sum(p.cost) AS cost
      FROM pieces p GROUP BY p.book_id, p.cut, p.sell_seq),
-- Positions per hour: per epoch and symbol, a stream of the counted fills' moves and one marker per hour of the
-- epoch placed after the hour's fill head; the running sums at a marker are what the hour held.
moves AS (
    SELECT f.book_id, f.cut, f.symbol, f.seq AS key, false AS marker, NULL::timestamptz AS hour,
           CASE WHEN f.side = 'buy' THEN f.quantity - f.fee_base ELSE -(f.quantity + f.fee_base) END AS dqty,
           CASE WHEN f.side = 'buy' THEN f.quantity * f.price + CASE WHEN f.fee_base > 0 THEN 0 ELSE f.fee_quote END
                ELSE -coalesce(s.cost, 0) END AS dcost
      FROM efills f
      LEFT JOIN sold s ON s.book_id = f.book_id AND s.cut = f.cut AND s.sell_seq = f.seq
    UNION ALL
    SELECT h.book_id, h.head_void, x.symbol, h.head_fill, true, h.hour, NULL, NULL
      FROM h
      JOIN (SELECT DISTINCT f.book_id, f.cut, f.symbol FROM efills f) x ON x.book_id = h.book_id AND x.cut = h.head_void),
run1 AS (       -- the quantity after each move
    SELECT m.*, sum(m.dqty) OVER (PARTITION BY m.book_id, m.cut, m.symbol ORDER BY m.key, m.marker
                                  ROWS UNBOUNDED PRECEDING) AS qty
      FROM moves m),
run2 AS (       -- the trip: how many sells left the symbol flat before (record_fill puts the cost basis back to 0)
    SELECT r.*, count(*) FILTER (WHERE NOT r.marker AND r.qty = 0)
                    OVER (PARTITION BY r.book_id, r.cut, r.symbol ORDER BY r.key, r.marker
                          ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS trip
      FROM run1 r),
held AS (       -- per hour and symbol held: quantity and cost basis (in the symbol's quote)
    SELECT x.book_id, x.hour, x.symbol, split_part(x.symbol, '/', 1) AS base, split_part(x.symbol, '/', 2) AS quote,
           x.qty, x.cost
      FROM (SELECT r.*, sum(r.dcost) OVER (PARTITION BY r.book_id, r.cut, r.symbol, r.trip ORDER BY r.key, r.marker
                                           ROWS UNBOUNDED PRECEDING) AS cost
              FROM run2 r) x
     WHERE x.marker AND x.qty > 0),
cash_ccy AS (   -- each hour's cash currencies: the reporting currency and those enabled before the hour was recorded
    SELECT h.book_id, h.hour, h.reporting AS ccy FROM h
    UNION
    SELECT h.book_id, h.hour, c.currency
      FROM h JOIN trading.book_currency c ON c.book_id = h.book_id AND c.recorded_at <= h.recorded_at),
cash AS (       -- per hour and cash currency, the trading account's running sum of postings up to its transaction head
    SELECT x.book_id, x.hour, x.ccy, x.balance
      FROM (SELECT s.book_id, s.hour, s.ccy,
                   sum(s.amount) OVER (PARTITION BY s.book_id, s.ccy ORDER BY s.key, s.marker, s.pseq
                                       ROWS UNBOUNDED PRECEDING) AS balance
              FROM (SELECT p.book_id, p.currency AS ccy, p.tx_seq AS key, false AS marker, p.seq AS pseq, p.amount,
                           NULL::timestamptz AS hour
                      FROM ledger.posting p
                     WHERE p.account_code = 'trading'
                       AND (p.book_id, p.currency) IN (SELECT c.book_id, c.ccy FROM cash_ccy c)
                    UNION ALL
                    SELECT c.book_id, c.ccy, h.head_tx, true, 0, NULL, c.hour
                      FROM cash_ccy c JOIN h ON h.book_id = c.book_id AND h.hour = c.hour) s) x
     WHERE x.hour IS NOT NULL),
asks AS (       -- every conversion needed: a currency, at a time, as the close khour knew the bars
    SELECT c.book_id, c.ccy, c.hour AS at, c.hour AS khour FROM cash_ccy c
    UNION
    SELECT p.book_id, p.quote, p.hour, p.hour FROM held p
    UNION
    SELECT f.book_id, f.quote, f.ts, f.counted_at FROM fills f WHERE f.counted_at IS NOT NULL AND f.quote <> f.reporting
    UNION
    SELECT f.book_id, f.quote, f.ts, f.voided_at FROM fills f WHERE f.voided_at IS NOT NULL AND f.quote <> f.reporting),
rates AS (      -- market.conversion_rate(venue, ccy, reporting, at) in plain SQL (sql/market/functions/
                -- market.conversion_rate.sql, through market.bar_known): 1 for the reporting currency; else the latest
                -- effective 1h bar closed by `at` (open ts <= at - 1h, highest revision, no look-back bound) of CCY/R
                -- (rate = close) or of R/CCY (rate = round(1 / close, 12)), whichever opened later, the direct pair
                -- on a tie; an inverse bar that is later but not positive gives no rate, nor does the lack of both.
                -- Each pair among the revisions loaded up to the load portfolio.hour_knowledge records for khour
                -- (what a sync-fed close knew; as gate 20 passes p_direct_load / p_inverse_load), else every revision.
    SELECT a.book_id, a.ccy, a.at, a.khour, 1::numeric AS rate
      FROM asks a JOIN books b ON b.book_id = a.book_id AND a.ccy = b.reporting
    UNION ALL
    SELECT a.book_id, a.ccy, a.at, a.khour,
           CASE WHEN d.ts IS NOT NULL AND (i.ts IS NULL OR d.ts >= i.ts) THEN d.close
                WHEN i.close > 0 THEN round(1 / i.close, 12) END
      FROM asks a
      JOIN books b ON b.book_id = a.book_id AND a.ccy <> b.reporting
      LEFT JOIN portfolio.hour_knowledge kd ON kd.book_id = a.book_id AND kd.hour = a.khour AND kd."interval" = '1h'
                                           AND kd.symbol = a.ccy || '/' || b.reporting
      LEFT JOIN portfolio.hour_knowledge ki ON ki.book_id = a.book_id AND ki.hour = a.khour AND ki."interval" = '1h'
                                           AND ki.symbol = b.reporting || '/' || a.ccy
      LEFT JOIN LATERAL (
          SELECT c.ts, c.close FROM market.candle c
           WHERE c.venue = b.venue AND c.symbol = a.ccy || '/' || b.reporting AND c."interval" = '1h'
             AND c.ts <= a.at - interval '1 hour' AND (kd.book_id IS NULL OR c.load_id <= coalesce(kd.load_id, 0))
           ORDER BY c.ts DESC, c.revision DESC LIMIT 1) d ON true
      LEFT JOIN LATERAL (
          SELECT c.ts, c.close FROM market.candle c
           WHERE c.venue = b.venue AND c.symbol = b.reporting || '/' || a.ccy AND c."interval" = '1h'
             AND c.ts <= a.at - interval '1 hour' AND (ki.book_id IS NULL OR c.load_id <= coalesce(ki.load_id, 0))
           ORDER BY c.ts DESC, c.revision DESC LIMIT 1) i ON true),
valued AS (     -- per hour, the positions at mark (at cost without a bar) and their cost basis, in R
    SELECT p.book_id, p.hour,
           sum(CASE WHEN x.ccy IS NOT NULL THEN 0 ELSE p.qty * coalesce(m.close, p.cost / p.qty) END
               * coalesce(r.rate, 0)) AS positions_value,
           sum(CASE WHEN x.ccy IS NOT NULL THEN 0 ELSE p.cost END * coalesce(r.rate, 0)) AS cost_basis
      FROM held p
      JOIN h ON h.book_id = p.book_id AND h.hour = p.hour
      LEFT JOIN cash_ccy x ON x.book_id = p.book_id AND x.hour = p.hour AND x.ccy = p.base   -- its base is cash
      LEFT JOIN rates r ON r.book_id = p.book_id AND r.ccy = p.quote AND r.at = p.hour AND r.khour = p.hour
      LEFT JOIN portfolio.hour_knowledge k ON k.book_id = p.book_id AND k.hour = p.hour AND k.symbol = p.symbol
                                          AND k."interval" = '1h'
      LEFT JOIN LATERAL (
          SELECT c.close FROM market.candle c
           WHERE c.venue = h.venue AND c.symbol = p.symbol AND c."interval" = '1h'
             AND c.ts <= p.hour - interval '1 hour' AND c.ts > p.hour - interval '7 days'
             AND (k.book_id IS NULL OR c.load_id <= coalesce(k.load_id, 0))
           ORDER BY c.ts DESC, c.revision DESC LIMIT 1) m ON x.ccy IS NULL
     GROUP BY p.book_id, p.hour),
cash_value AS ( -- per hour, Σ over the cash currencies of the balance × the rate, in R
    SELECT c.book_id, c.hour, sum(coalesce(s.balance, 0) * coalesce(r.rate, 0)) AS cash
      FROM cash_ccy c
      LEFT JOIN cash s ON s.book_id = c.book_id AND s.hour = c.hour AND s.ccy = c.ccy
      LEFT JOIN rates r ON r.book_id = c.book_id AND r.ccy = c.ccy AND r.at = c.hour AND r.khour = c.hour
     GROUP BY c.book_id, c.hour),
flows AS (      -- per hour, the fees and realized PnL its close added (less those of the voids it counted), in R
    SELECT e.book_id, e.hour, sum(e.fee) AS fees, sum(e.realized_pnl) AS realized_pnl
      FROM (SELECT f.book_id, k.hour,
                   k.sign * CASE WHEN f.quote = f.reporting THEN q.fee_quote ELSE q.fee_quote * coalesce(r.rate, 0) END AS fee,
                   k.sign * CASE WHEN s.realized_pnl IS NULL THEN 0
                                 WHEN f.quote = f.reporting THEN s.realized_pnl
                                 ELSE s.realized_pnl * coalesce(r.rate, 0) END AS realized_pnl
              FROM fills f
              CROSS JOIN LATERAL (VALUES (f.counted_at, 1), (f.voided_at, -1)) k(hour, sign)
              JOIN fee_quote q ON q.book_id = f.book_id AND q.seq = f.seq AND q.khour = k.hour
              LEFT JOIN rates r ON r.book_id = f.book_id AND r.ccy = f.quote AND r.at = f.ts AND r.khour = k.hour
              -- a sell's realized PnL as its counting close saw it (none when voided by then: added and taken
              -- back by that same close)
              LEFT JOIN h hc ON hc.book_id = f.book_id AND hc.hour = f.counted_at AND f.side = 'sell'
              LEFT JOIN sold s ON s.book_id = f.book_id AND s.cut = hc.head_void AND s.sell_seq = f.seq
             WHERE k.hour IS NOT NULL) e
     GROUP BY e.book_id, e.hour),
rebuilt1 AS (
    SELECT h.book_id, h.hour, h.cash, h.positions_value, h.equity, h.peak_equity, h.drawdown, h.realized_pnl, h.fees,
           h.unrealized_pnl,
           coalesce(c.cash, 0) AS want_cash, coalesce(v.positions_value, 0) AS want_pv,
           coalesce(v.cost_basis, 0) AS want_cost,
           coalesce(c.cash, 0) + coalesce(v.positions_value, 0) AS want_equity,
           max(coalesce(c.cash, 0) + coalesce(v.positions_value, 0)) OVER w AS want_peak,
           sum(coalesce(fl.realized_pnl, 0)) OVER w AS want_realized,
           sum(coalesce(fl.fees, 0)) OVER w AS want_fees
      FROM h
      LEFT JOIN cash_value c ON c.book_id = h.book_id AND c.hour = h.hour
      LEFT JOIN valued v ON v.book_id = h.book_id AND v.hour = h.hour
      LEFT JOIN flows fl ON fl.book_id = h.book_id AND fl.hour = h.hour
    WINDOW w AS (PARTITION BY h.book_id ORDER BY h.hour)),
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
