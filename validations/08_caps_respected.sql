-- Gate 08 — every admitted order respected the caps (DESIGN.md §3.7).
-- Re-checks each admission against the caps from the figures the gate recorded in risk.decision.figures (equity,
-- cash, open buys, exposures after the trade, and the caps in force as amounts under figures->'caps'):
--   * an admitted decision has no reason codes, and its order request is the one of its signal (same book,
--     strategy, symbol, decision time; the decision price and notional are the recorded ones);
--   * buys: notional ≤ max_order_notional; instrument, cluster, quote-currency and portfolio exposure after
--     the trade ≤ their caps; notional × (1 + fee rate) ≤ cash − open buys × (1 + fee rate); the signal's
--     edge ≥ min_edge_bps and ≤ max_claimed_edge_bps; the daily loss was below max_daily_loss and the drawdown below max_drawdown;
--   * multi-currency (decisions recording figures->'valuation', migration 0019): caps compare the notional in
--     the reporting currency (valuation.notional_value = notional × the quote's recorded rate), cash sufficiency
--     compares in the instrument's quote (valuation.quote_cash − valuation.quote_open_buys); gate 20 checks
--     the recorded rate against the candles;
--   * sells never exceed the free position (position − open sells);
--   * fewer than max_orders_per_hour orders had been admitted in the hour before;
--   * every order created from a signal has an admitted decision.
-- What each admission relied on, recomputed from the source as of the decision (issue 17 item 2) — not taken from
-- the figures it recorded, so a bug in the admission arithmetic (portfolio.valuation, portfolio._exposure,
-- api.submit_signal) fails here; plain SQL over the candles and their loads, the hour knowledge, the journal,
-- fills, lots, allocations, voids, orders and order events, no Predator function called; "before the decision"
-- means recorded before its signal (api.submit_signal records the signal, then values the book: what the
-- admission writes after that, its own order and the orders net arbitration cancels or replaces, is not what it
-- relied on); every candle read as the decision knew it (the knowledge rule: among the revisions written by a
-- load recorded by its signal, so a bar revised later is not held against it; for a decision of a sync-fed hour,
-- also only the loads up to the one portfolio.hour_knowledge names for that hour and the bar's symbol); exact
-- comparisons (numeric, no tolerance):
--   * 'mark recomputed from the candles': figures price and bar_close = the close of the latest 1h bar of the
--     symbol closed by the decision time (open ts <= ts − 1h) and opened within 7 days, highest revision among
--     the revisions the knowledge rule admits;
--   * the rates (every figure below in the reporting currency R uses them): a currency C's rate at the decision
--     time is market.conversion_rate's rule in plain SQL (1 for R; else the close of the latest 1h bar of C/R
--     closed by the decision time, or round(1 / close, 12) of R/C, whichever opened later, C/R on a tie, no
--     look-back bound), each pair among the revisions the knowledge rule admits — so a conversion bar revised
--     after the decision is not held against it either (gate 20 compares the rate recorded for the decision's
--     quote with the same rule);
--   * 'cash recomputed from the journal': figures cash = Σ over the cash currencies (the reporting one and every
--     currency enabled before the decision) of the trading account's balance after the last posting recorded
--     before the decision × the currency's rate;
--     'cash per currency recomputed from the journal': each of those balances = figures valuation.rates.C.cash;
--   * 'position recomputed from the fills': figures position_qty ≤ the book's position in the symbol before the
--     decision (buys − sells − fees paid in the base, less the voids; a strategy's own position never exceeds
--     the book's);
--   * 'open buys recomputed from the orders': figures open_buy_notional = Σ over the book's buy orders recorded
--     before the decision with no terminal event (filled, canceled, rejected, expired) before it of
--     (quantity − the fills before it) × (limit price, else decision price) × the rate of the symbol's quote;
--   * 'positions value recomputed from fills and candles': figures positions_value = Σ over the symbols held
--     before the decision of the position × its mark (the rule of the first point, per symbol) × the rate of its
--     quote; a symbol whose base is a cash currency of the book is cash, valued 0 here; a symbol without such a
--     bar at its cost basis, as the valuation does (quantity × (cost basis / quantity)): the cost basis rebuilt
--     from the symbol's fills, lots and allocations before the decision the way record_fill keeps it (each buy's
--     quantity × price plus its lot's fee in quote, each sell's allocations' quantity × entry price plus entry fee
--     taken out, back to 0 when a sell left the symbol flat), so that the division rounds alike. When such a
--     symbol had a fill voided before the decision, its cost basis is not rebuilt (api.void_fill adjusts it in
--     ways the fills alone do not replay) and this rule, 'equity recomputed' and 'exposures recomputed' are
--     skipped for that decision only;
--   * 'equity recomputed': figures equity = the recomputed cash + the recomputed positions value;
--   * 'exposures recomputed': instrument_after, cluster_after and quote_after = the recomputed positions at mark
--     plus open buys of the decision's symbol, of the symbols of its cluster (market.asset) and of the symbols
--     quoted in its quote, plus for a buy the signal's notional in the reporting currency (signal quantity ×
--     (limit price, else the recomputed mark) × the quote's rate: the whole signal, also when net arbitration
--     then traded a residual); portfolio_after = positions value + open buys + that notional (null for a sell).
-- Cost: per book, the state before the window is rebuilt by index at the heads of the last hour close recorded
-- before its first decision judged (lots open then: open now, or consumed or voided since; orders open then:
-- open now, or with an event since; the last posting per currency); the fills, orders, order events, voids and
-- postings after those heads, up to the heads of the first close after its last decision judged (no decision is
-- taken after a later hour closed: PD013), are streamed in recorded order with the decisions; marks and cost bases
-- are index probes per decision and symbol, rates per decision and currency (one backward probe per pair). An
-- incremental run (a window at the book's end) thus reads the window, the open lots and orders, and what was
-- consumed or ended since; a window in the middle of the history also reads what was consumed, ended or posted
-- after it.
-- A cap recorded as null was disabled. A row is one violation: the decision (signal seq) and the broken cap.
-- Scope: psql variables, all optional (without them the gate judges the whole database):
--   psql -v account=NAME -v from=2024-01-01 -v to=2024-02-01 -f validations/08_caps_respected.sql
-- `predator validate --account NAME --from … --to …` sets the same three (from/to inclusive); the \gset line
-- looks the account's book id up once (-1 when unknown), so every scan below filters on a constant :book.
-- Account: the book's decisions and orders; from/to: the decisions (ts) and orders (ts) judged.
\if :{?account} \else \set account '' \endif
\if :{?from} \else \set from -infinity \endif
\if :{?to} \else \set to infinity \endif
SELECT coalesce((SELECT sc.book_id FROM trading.account sc WHERE sc.name = :'account'), -1) AS book \gset
WITH d AS (
    SELECT d.book_id, d.signal_seq, d.client_order_id, d.reasons, d.figures, d.figures -> 'caps' AS caps,
           d.symbol, d.ts, s.recorded_at AS as_of, a.venue, a.base_currency AS reporting, i.quote, x.cluster,
           s.edge_bps, s.quantity AS signal_qty, s.limit_price AS signal_limit,
           r.side, r.quantity, r.limit_price, r.decision_price, r.seq AS order_seq, r.ts AS order_ts,
           (r.book_id, r.signal_seq, r.strategy, r.symbol, r.ts, r.origin)
               IS NOT DISTINCT FROM (d.book_id, d.signal_seq, d.strategy, d.symbol, d.ts, 'signal') AS order_matches,
           (d.figures ->> 'notional')::numeric AS notional
      FROM risk.decision d
      -- each judged decision's signal and order by their keys (LATERAL … OFFSET 0: an index probe per decision,
      -- whatever the planner estimates, so that the cost follows the window and not the book's history)
      CROSS JOIN LATERAL (SELECT s.* FROM trading.signal s WHERE s.book_id = d.book_id AND s.seq = d.signal_seq OFFSET 0) s
      JOIN trading.account a ON a.book_id = d.book_id
      LEFT JOIN market.instrument i ON i.venue = a.venue AND i.symbol = d.symbol
      LEFT JOIN market.asset x ON x.asset = i.base
      LEFT JOIN LATERAL (SELECT r.* FROM trading.order_request r WHERE r.client_order_id = d.client_order_id OFFSET 0) r ON true
     WHERE (:'account' = '' OR d.book_id = :book) AND d.ts >= :'from' AND d.ts <= :'to'
       AND d.outcome = 'admitted'),
-- What each admission relied on, recomputed from the source as of its signal's recorded_at: see the header.
mark AS (       -- the close of the latest 1h bar closed by ts within 7 days, highest revision loaded by then
    SELECT d.book_id, d.signal_seq, b.close AS mark, b.ts + interval '1 hour' AS bar_close
      FROM d
      LEFT JOIN portfolio.hour_knowledge k ON k.book_id = d.book_id AND k.hour = d.ts AND k.symbol = d.symbol
                                          AND k."interval" = '1h'
      LEFT JOIN LATERAL (
          SELECT c.ts, c.close FROM market.candle c
           WHERE c.venue = d.venue AND c.symbol = d.symbol AND c."interval" = '1h'
             AND c.ts <= d.ts - interval '1 hour' AND c.ts > d.ts - interval '7 days'
             AND (k.book_id IS NULL OR c.load_id <= coalesce(k.load_id, 0))
             AND NOT EXISTS (SELECT FROM market.candle_load l WHERE l.load_id = c.load_id AND l.recorded_at > d.as_of)
           ORDER BY c.ts DESC, c.revision DESC
           LIMIT 1) b ON true),
ccys AS (       -- the cash currencies at each decision: the reporting one and every one enabled by then
    SELECT d.book_id, d.signal_seq, d.as_of, d.reporting AS ccy FROM d
    UNION
    SELECT d.book_id, d.signal_seq, d.as_of, b.currency
      FROM d JOIN trading.book_currency b ON b.book_id = d.book_id AND b.recorded_at <= d.as_of),
-- The window: per book, rows up to the chain heads of the last close recorded before its first decision judged
-- were recorded before every decision judged (the state there is rebuilt by index: the lots and orders still open
-- then, the last posting per currency); rows after those heads and up to the heads of the first close after its
-- last decision (every decision precedes that close: PD013) are streamed in recorded order with the decisions.
win AS (
    SELECT d.book_id, min(d.as_of) AS t0, min(d.ts) AS ts0, max(d.ts) AS ts1 FROM d GROUP BY d.book_id),
heads AS (
    SELECT w.book_id,
           coalesce((h0.heads ->> 'trading.fill')::bigint, 0) AS fill0,
           coalesce((h0.heads ->> 'trading.lot')::bigint, 0) AS lot0,
           coalesce((h0.heads ->> 'trading.lot_allocation')::bigint, 0) AS alloc0,
           coalesce((h0.heads ->> 'trading.fill_void')::bigint, 0) AS void0,
           coalesce((h0.heads ->> 'trading.order_request')::bigint, 0) AS req0,
           coalesce((h0.heads ->> 'trading.order_event')::bigint, 0) AS event0,
           coalesce((h0.heads ->> 'ledger.transaction')::bigint, 0) AS tx0,
           coalesce((h1.heads ->> 'trading.fill')::bigint, h1.none) AS fill1,
           coalesce((h1.heads ->> 'trading.fill_void')::bigint, h1.none) AS void1,
           coalesce((h1.heads ->> 'trading.order_request')::bigint, h1.none) AS req1,
           coalesce((h1.heads ->> 'trading.order_event')::bigint, h1.none) AS event1,
           coalesce((h1.heads ->> 'ledger.transaction')::bigint, h1.none) AS tx1
      FROM win w
      LEFT JOIN LATERAL (SELECT h.digests -> 'heads' AS heads FROM portfolio.hourly_state h
                          WHERE h.book_id = w.book_id AND h.hour <= w.ts0 AND h.recorded_at < w.t0
                          ORDER BY h.hour DESC LIMIT 1) h0 ON true
      LEFT JOIN LATERAL (SELECT h.digests -> 'heads' AS heads,
                                0::bigint AS none   -- a chain without a row at that close: nothing of it to stream
                           FROM portfolio.hourly_state h
                          WHERE h.book_id = w.book_id AND h.hour > w.ts1
                          ORDER BY h.hour LIMIT 1) h1x ON true
      CROSS JOIN LATERAL (SELECT h1x.heads, coalesce(h1x.none, 9223372036854775807) AS none) h1),
lot_open AS (   -- the lots that may have been open at the window's start: open now, consumed or voided since
    SELECT l.book_id, l.symbol, l.lot_no FROM heads h JOIN trading.lot l ON l.book_id = h.book_id AND l.remaining > 0
    UNION
    SELECT a.book_id, a.symbol, a.lot_no
      FROM heads h CROSS JOIN LATERAL (SELECT a.* FROM trading.lot_allocation a
                                         WHERE a.book_id = h.book_id AND a.seq > h.alloc0 OFFSET 0) a
    UNION
    SELECT v.book_id, v.symbol, v.lot_no
      FROM heads h CROSS JOIN LATERAL (SELECT v.* FROM trading.fill_void v WHERE v.book_id = h.book_id AND v.seq > h.void0 OFFSET 0) v),
pos0 AS (       -- each symbol's position at the window's start: what its lots held then (FIFO), voided buys left out
    SELECT l.book_id, l.symbol,
           sum(l.quantity - coalesce((SELECT sum(a.quantity) FROM trading.lot_allocation a
                                       WHERE a.book_id = l.book_id AND a.symbol = l.symbol AND a.lot_no = l.lot_no
                                         AND a.seq <= h.alloc0
                                         AND NOT EXISTS (SELECT FROM trading.fill_void v
                                                          WHERE v.book_id = a.book_id AND v.symbol = a.symbol
                                                            AND v.venue_trade_id = a.venue_trade_id AND v.seq <= h.void0)), 0)) AS qty
      FROM lot_open o
      JOIN heads h ON h.book_id = o.book_id
      CROSS JOIN LATERAL (SELECT l.* FROM trading.lot l
                           WHERE l.book_id = o.book_id AND l.symbol = o.symbol AND l.lot_no = o.lot_no OFFSET 0) l
     WHERE l.seq <= h.lot0
       AND NOT EXISTS (SELECT FROM trading.fill_void v WHERE v.book_id = l.book_id AND v.symbol = l.symbol
                                                         AND v.venue_trade_id = l.venue_trade_id AND v.seq <= h.void0)
     GROUP BY l.book_id, l.symbol),
order_open AS ( -- the orders that may have been open at the window's start: open now, or with an event since
    SELECT s.client_order_id FROM heads h
      JOIN trading.order_state s ON s.book_id = h.book_id AND s.status IN ('new', 'open', 'partially_filled')
    UNION
    SELECT e.client_order_id
      FROM heads h CROSS JOIN LATERAL (SELECT e.client_order_id FROM trading.order_event e
                                         WHERE e.book_id = h.book_id AND e.seq > h.event0 OFFSET 0) e),
buy0 AS (       -- each symbol's open buys at the window's start: remaining quantity × limit (or decision) price
    SELECT r.book_id, r.symbol,
           sum((r.quantity - coalesce((SELECT sum(f.quantity) FROM trading.fill f
                                        WHERE f.client_order_id = r.client_order_id AND f.seq <= h.fill0), 0))
               * coalesce(r.limit_price, r.decision_price)) AS open_buy
      FROM order_open o
      CROSS JOIN LATERAL (SELECT r.* FROM trading.order_request r WHERE r.client_order_id = o.client_order_id OFFSET 0) r
      JOIN heads h ON h.book_id = r.book_id
     WHERE r.side = 'buy' AND r.seq <= h.req0
       AND NOT EXISTS (SELECT FROM trading.order_event e
                        WHERE e.client_order_id = r.client_order_id AND e.seq <= h.event0
                          AND e.status_after IN ('filled', 'canceled', 'rejected', 'expired'))
     GROUP BY r.book_id, r.symbol),
moves AS (      -- what moved positions and open buys in the window, in recorded order
    SELECT f.book_id, f.symbol, f.recorded_at, f.seq,
           CASE WHEN f.side = 'buy' THEN f.quantity ELSE -f.quantity END
           - CASE WHEN f.fee_currency = split_part(f.symbol, '/', 1) THEN f.fee ELSE 0 END AS dqty,
           CASE WHEN f.side = 'buy' THEN -f.quantity * coalesce(r.limit_price, r.decision_price) ELSE 0 END AS dbuy
      FROM heads h
      CROSS JOIN LATERAL (SELECT f.* FROM trading.fill f WHERE f.book_id = h.book_id AND f.seq > h.fill0 AND f.seq <= h.fill1
                           OFFSET 0) f
      CROSS JOIN LATERAL (SELECT r.* FROM trading.order_request r WHERE r.client_order_id = f.client_order_id OFFSET 0) r
    UNION ALL       -- a buy order created
    SELECT r.book_id, r.symbol, r.recorded_at, r.seq, 0, r.quantity * coalesce(r.limit_price, r.decision_price)
      FROM heads h
      CROSS JOIN LATERAL (SELECT r.* FROM trading.order_request r
                           WHERE r.book_id = h.book_id AND r.seq > h.req0 AND r.seq <= h.req1 OFFSET 0) r
     WHERE r.side = 'buy'
    UNION ALL       -- a buy order ended unfilled (no fill follows a terminal event): what it had left
    SELECT e.book_id, r.symbol, e.recorded_at, e.seq, 0,
           -(r.quantity - coalesce((SELECT sum(f.quantity) FROM trading.fill f WHERE f.client_order_id = r.client_order_id), 0))
           * coalesce(r.limit_price, r.decision_price)
      FROM heads h
      CROSS JOIN LATERAL (SELECT e.* FROM trading.order_event e
                           WHERE e.book_id = h.book_id AND e.seq > h.event0 AND e.seq <= h.event1 OFFSET 0) e
      CROSS JOIN LATERAL (SELECT r.* FROM trading.order_request r WHERE r.client_order_id = e.client_order_id OFFSET 0) r
     WHERE e.status_after IN ('canceled', 'rejected', 'expired') AND r.side = 'buy'
    UNION ALL       -- a void: a buy's quantity taken out, a sell's given back
    SELECT v.book_id, v.symbol, v.recorded_at, v.seq,
           CASE WHEN vf.side = 'sell' THEN v.quantity ELSE -v.quantity END, 0
      FROM heads h
      CROSS JOIN LATERAL (SELECT v.* FROM trading.fill_void v
                           WHERE v.book_id = h.book_id AND v.seq > h.void0 AND v.seq <= h.void1 OFFSET 0) v
      JOIN trading.fill vf ON vf.book_id = v.book_id AND vf.symbol = v.symbol AND vf.venue_trade_id = v.venue_trade_id),
syms AS (
    SELECT p.book_id, p.symbol FROM pos0 p UNION SELECT b.book_id, b.symbol FROM buy0 b
    UNION SELECT m.book_id, m.symbol FROM moves m UNION SELECT d.book_id, d.symbol FROM d),
run AS (        -- the window's moves and, per symbol, a mark for each decision (at its signal), in recorded order
    SELECT e.*, sum(e.dqty) OVER w AS qty_moved, sum(e.dbuy) OVER w AS buy_moved
      FROM (SELECT m.book_id, m.symbol, m.recorded_at, 0 AS kind, m.seq, m.dqty, m.dbuy, NULL::bigint AS signal_seq,
                   NULL::text AS venue, NULL::text AS reporting, NULL::timestamptz AS ts, NULL::text AS own_symbol,
                   NULL::text AS own_cluster, NULL::text AS own_quote
              FROM moves m
            UNION ALL
            SELECT d.book_id, s.symbol, d.as_of, 1, 0, 0, 0, d.signal_seq, d.venue, d.reporting, d.ts, d.symbol,
                   d.cluster, d.quote
              FROM d JOIN syms s ON s.book_id = d.book_id) e
    WINDOW w AS (PARTITION BY e.book_id, e.symbol ORDER BY e.recorded_at, e.kind, e.seq)),
held AS (       -- each decision's book symbol by symbol: position and open buys
    SELECT r.book_id, r.signal_seq, r.symbol, r.recorded_at AS as_of, r.venue, r.reporting, r.ts, r.own_symbol, r.own_cluster,
           r.own_quote, coalesce(p.qty, 0) + r.qty_moved AS qty, coalesce(b.open_buy, 0) + r.buy_moved AS local_open_buy
      FROM run r
      LEFT JOIN pos0 p ON p.book_id = r.book_id AND p.symbol = r.symbol
      LEFT JOIN buy0 b ON b.book_id = r.book_id AND b.symbol = r.symbol
     WHERE r.signal_seq IS NOT NULL),
asks AS (       -- every currency a decision converted into the reporting one: its cash currencies, the quotes
                -- of the symbols it valued, its own symbol's quote
    SELECT d.book_id, d.signal_seq, d.venue, d.reporting, d.ts, d.as_of, c.ccy
      FROM d JOIN ccys c ON c.book_id = d.book_id AND c.signal_seq = d.signal_seq
    UNION
    SELECT h.book_id, h.signal_seq, h.venue, h.reporting, h.ts, h.as_of, i.quote
      FROM held h JOIN market.instrument i ON i.venue = h.venue AND i.symbol = h.symbol
    UNION
    SELECT d.book_id, d.signal_seq, d.venue, d.reporting, d.ts, d.as_of, d.quote FROM d WHERE d.quote IS NOT NULL),
fx AS (         -- each of those rates as the decision knew it: market.conversion_rate's rule in plain SQL (1 for the
                -- reporting currency R; else the latest 1h bar closed by ts of CCY/R, rate = close, or of R/CCY, rate =
                -- round(1 / close, 12), whichever opened later, CCY/R on a tie; no look-back bound; a later inverse bar
                -- that is not positive gives no rate), each pair among the revisions the knowledge rule admits, as
                -- for the mark: written by a load recorded by the decision's signal and, in a sync-fed hour, up to
                -- the load portfolio.hour_knowledge names for that hour and pair (one probe; no row: no such bound)
    SELECT a.book_id, a.signal_seq, a.ccy,
           CASE WHEN a.ccy = a.reporting THEN 1::numeric
                WHEN dr.ts IS NOT NULL AND (iv.ts IS NULL OR dr.ts >= iv.ts) THEN dr.close
                WHEN iv.close > 0 THEN round(1 / iv.close, 12) END AS rate
      FROM asks a
      LEFT JOIN LATERAL (
          SELECT c.ts, c.close FROM market.candle c
           WHERE a.ccy <> a.reporting AND c.venue = a.venue AND c.symbol = a.ccy || '/' || a.reporting
             AND c."interval" = '1h' AND c.ts <= a.ts - interval '1 hour'
             AND c.load_id <= coalesce((SELECT coalesce(k.load_id, 0) FROM portfolio.hour_knowledge k
                                         WHERE k.book_id = a.book_id AND k.hour = a.ts AND k."interval" = '1h'
                                           AND k.symbol = a.ccy || '/' || a.reporting), 9223372036854775807)
             AND NOT EXISTS (SELECT FROM market.candle_load l WHERE l.load_id = c.load_id AND l.recorded_at > a.as_of)
           ORDER BY c.ts DESC, c.revision DESC
           LIMIT 1) dr ON true
      LEFT JOIN LATERAL (
          SELECT c.ts, c.close FROM market.candle c
           WHERE a.ccy <> a.reporting AND c.venue = a.venue AND c.symbol = a.reporting || '/' || a.ccy
             AND c."interval" = '1h' AND c.ts <= a.ts - interval '1 hour'
             AND c.load_id <= coalesce((SELECT coalesce(k.load_id, 0) FROM portfolio.hour_knowledge k
                                         WHERE k.book_id = a.book_id AND k.hour = a.ts AND k."interval" = '1h'
                                           AND k.symbol = a.reporting || '/' || a.ccy), 9223372036854775807)
             AND NOT EXISTS (SELECT FROM market.candle_load l WHERE l.load_id = c.load_id AND l.recorded_at > a.as_of)
           ORDER BY c.ts DESC, c.revision DESC
           LIMIT 1) iv ON true),
lines AS (      -- the valuation's lines (each symbol held or with an open buy) at mark, at cost basis without a bar
    SELECT h.*, i.quote, x.cluster, b.close AS mark, cb.value AS cost_value, cb.voided, r.rate,
           h.qty > 0 AND NOT cash.is_cash AS valued
      FROM held h
      JOIN market.instrument i ON i.venue = h.venue AND i.symbol = h.symbol
      JOIN market.asset x ON x.asset = i.base
      -- a symbol whose base is a cash currency of the book is cash, not a position
      CROSS JOIN LATERAL (SELECT i.base = h.reporting
                                 OR EXISTS (SELECT FROM trading.book_currency c
                                             WHERE c.book_id = h.book_id AND c.currency = i.base
                                               AND c.recorded_at <= h.as_of) AS is_cash) cash
      LEFT JOIN portfolio.hour_knowledge k ON k.book_id = h.book_id AND k.hour = h.ts AND k.symbol = h.symbol
                                          AND k."interval" = '1h'
      LEFT JOIN LATERAL (   -- the mark, as for the decision's own symbol
          SELECT m.close FROM market.candle m
           WHERE h.qty > 0 AND m.venue = h.venue AND m.symbol = h.symbol AND m."interval" = '1h'
             AND m.ts <= h.ts - interval '1 hour' AND m.ts > h.ts - interval '7 days'
             AND (k.book_id IS NULL OR m.load_id <= coalesce(k.load_id, 0))
             AND NOT EXISTS (SELECT FROM market.candle_load l WHERE l.load_id = m.load_id AND l.recorded_at > h.as_of)
           ORDER BY m.ts DESC, m.revision DESC
           LIMIT 1) b ON true
      LEFT JOIN LATERAL (   -- no bar: quantity × (cost basis / quantity), both rebuilt from the symbol's fills and
                            -- lots as record_fill keeps them (the cost basis restarts at 0 when a sell leaves the
                            -- symbol flat), so that the division rounds alike; a void by then: not rebuilt
          SELECT bool_or(t.voided) AS voided,
                 (0 + sum(t.dqty)) * ((0 + coalesce(sum(t.cost) FILTER (WHERE t.seq > t.flat), 0)) / (0 + sum(t.dqty))) AS value
            FROM (SELECT u.*, coalesce(max(u.seq) FILTER (WHERE u.side = 'sell' AND u.after = 0) OVER (), 0) AS flat
                    FROM (SELECT f.seq, f.side, v.book_id IS NOT NULL AS voided,
                                 CASE WHEN f.side = 'buy' THEN f.quantity ELSE -f.quantity END
                                 - CASE WHEN f.fee_currency = split_part(f.symbol, '/', 1) THEN f.fee ELSE 0 END AS dqty,
                                 sum(CASE WHEN f.side = 'buy' THEN f.quantity ELSE -f.quantity END
                                     - CASE WHEN f.fee_currency = split_part(f.symbol, '/', 1) THEN f.fee ELSE 0 END)
                                     OVER (ORDER BY f.seq) AS after,
                                 CASE WHEN f.side = 'buy'
                                      THEN f.quantity * f.price
                                           + CASE WHEN (CASE WHEN f.fee_currency = split_part(f.symbol, '/', 1) THEN f.fee ELSE 0 END) > 0
                                                  THEN 0 ELSE lt.fee_quote END
                                      ELSE -(SELECT sum(a.quantity * a.entry_price + a.entry_fee) FROM trading.lot_allocation a
                                              WHERE a.book_id = f.book_id AND a.symbol = f.symbol
                                                AND a.venue_trade_id = f.venue_trade_id) END AS cost
                            FROM trading.fill f
                            LEFT JOIN trading.lot lt ON lt.book_id = f.book_id AND lt.symbol = f.symbol
                                                    AND lt.venue_trade_id = f.venue_trade_id
                            LEFT JOIN trading.fill_void v ON v.book_id = f.book_id AND v.symbol = f.symbol
                                                         AND v.venue_trade_id = f.venue_trade_id AND v.recorded_at < h.as_of
                           WHERE h.qty > 0 AND NOT cash.is_cash AND b.close IS NULL
                             AND f.book_id = h.book_id AND f.symbol = h.symbol AND f.recorded_at < h.as_of) u) t) cb ON true
      LEFT JOIN fx r ON r.book_id = h.book_id AND r.signal_seq = h.signal_seq AND r.ccy = i.quote),
val AS (        -- positions at mark, open buys, and the exposure of the symbol, its cluster and its quote before the trade
    SELECT v.book_id, v.signal_seq,
           coalesce(sum(v.qty) FILTER (WHERE v.symbol = v.own_symbol), 0) AS position_qty,
           sum(v.notional) AS positions_value, sum(v.open_buy) AS open_buys,
           coalesce(sum(v.notional + v.open_buy) FILTER (WHERE v.symbol = v.own_symbol), 0) AS instrument,
           coalesce(sum(v.notional + v.open_buy) FILTER (WHERE v.cluster = v.own_cluster), 0) AS cluster,
           coalesce(sum(v.notional + v.open_buy) FILTER (WHERE v.quote = v.own_quote), 0) AS quote,
           bool_or(v.not_rebuilt) AS not_rebuilt
      FROM (SELECT l.*,
                   CASE WHEN l.valued THEN coalesce(l.qty * l.mark, l.cost_value) ELSE 0 END * coalesce(l.rate, 0) AS notional,
                   l.local_open_buy * coalesce(l.rate, 0) AS open_buy,
                   l.valued AND l.mark IS NULL AND coalesce(l.voided, false) AS not_rebuilt
              FROM lines l) v
     GROUP BY v.book_id, v.signal_seq),
dc AS (         -- each decision's cash currencies with their rate and the balance the decision recorded for each
    SELECT c.book_id, c.signal_seq, c.as_of, c.ccy, r.rate,
           d.figures -> 'valuation' -> 'rates' IS NULL AS unrecorded,
           (d.figures -> 'valuation' -> 'rates' -> c.ccy ->> 'cash')::numeric AS recorded
      FROM ccys c
      JOIN d ON d.book_id = c.book_id AND d.signal_seq = c.signal_seq
      LEFT JOIN fx r ON r.book_id = c.book_id AND r.signal_seq = c.signal_seq AND r.ccy = c.ccy),
cash0 AS (      -- each cash currency's balance at the window's start: the trading account's last posting by then
    SELECT c.book_id, c.ccy, p.balance_after AS balance
      FROM (SELECT DISTINCT c.book_id, c.ccy FROM ccys c) c
      JOIN heads h ON h.book_id = c.book_id
      JOIN LATERAL (SELECT p.balance_after FROM ledger.posting p
                     WHERE p.book_id = c.book_id AND p.account_code = 'trading' AND p.currency = c.ccy AND p.tx_seq <= h.tx0
                     ORDER BY p.seq DESC LIMIT 1) p ON true),
cash_run AS (   -- the trading account's postings in the window and the decisions, per currency in recorded order
    SELECT e.*, count(*) FILTER (WHERE e.kind = 0) OVER (PARTITION BY e.book_id, e.ccy ORDER BY e.recorded_at, e.kind, e.seq) AS g
      FROM (SELECT p.book_id, p.currency AS ccy, p.recorded_at, 0 AS kind, p.seq, p.balance_after, NULL::bigint AS signal_seq,
                   NULL::numeric AS rate, NULL::boolean AS unrecorded, NULL::numeric AS recorded
              FROM heads h
              CROSS JOIN LATERAL (SELECT p.* FROM ledger.posting p
                                   WHERE p.book_id = h.book_id AND p.tx_seq > h.tx0 AND p.tx_seq <= h.tx1 OFFSET 0) p
             WHERE p.account_code = 'trading'
            UNION ALL
            SELECT c.book_id, c.ccy, c.as_of, 1, 0, NULL, c.signal_seq, c.rate, c.unrecorded, c.recorded FROM dc c) e),
cash_at AS (    -- each decision's balance per cash currency: the last posting recorded before it (else at the start)
    SELECT c.*, coalesce(c.last, z.balance, 0) AS balance
      FROM (SELECT c.*, CASE WHEN c.g > 0 THEN first_value(c.balance_after) OVER (PARTITION BY c.book_id, c.ccy, c.g
                                                                                ORDER BY c.kind, c.seq) END AS last
              FROM cash_run c) c
      LEFT JOIN cash0 z ON z.book_id = c.book_id AND z.ccy = c.ccy
     WHERE c.signal_seq IS NOT NULL),
cash AS (
    SELECT c.book_id, c.signal_seq, sum(c.balance * coalesce(c.rate, 0)) AS cash,
           bool_and(c.unrecorded OR c.recorded IS NOT DISTINCT FROM c.balance) AS ccy_cash_ok
      FROM cash_at c
     GROUP BY c.book_id, c.signal_seq),
src AS (
    SELECT d.book_id, d.signal_seq, m.mark, m.bar_close, c.cash, c.ccy_cash_ok, v.position_qty,
           v.positions_value, v.open_buys, v.not_rebuilt,
           CASE WHEN d.side = 'buy'
                THEN coalesce(d.signal_qty * coalesce(d.signal_limit, m.mark), 0) * coalesce(r.rate, 0) END AS whole,
           v.instrument, v.cluster, v.quote
      FROM d
      JOIN mark m ON m.book_id = d.book_id AND m.signal_seq = d.signal_seq
      JOIN cash c ON c.book_id = d.book_id AND c.signal_seq = d.signal_seq
      JOIN val v ON v.book_id = d.book_id AND v.signal_seq = d.signal_seq
      LEFT JOIN fx r ON r.book_id = d.book_id AND r.signal_seq = d.signal_seq AND r.ccy = d.quote),
checks AS (
    SELECT d.book_id, d.signal_seq, d.client_order_id, c.rule, c.ok
      FROM d
      JOIN src ON src.book_id = d.book_id AND src.signal_seq = d.signal_seq,
           LATERAL (VALUES
        ('admitted without reasons', cardinality(d.reasons) = 0),
        ('order request is the signal''s', d.order_matches),
        ('mark recomputed from the candles', (d.figures ->> 'price')::numeric IS NOT DISTINCT FROM src.mark
                                             AND (d.figures ->> 'bar_close')::timestamptz IS NOT DISTINCT FROM src.bar_close),
        ('cash recomputed from the journal', (d.figures ->> 'cash')::numeric IS NOT DISTINCT FROM src.cash),
        ('cash per currency recomputed from the journal', src.ccy_cash_ok),
        ('position recomputed from the fills', (d.figures ->> 'position_qty')::numeric <= src.position_qty),
        ('open buys recomputed from the orders', (d.figures ->> 'open_buy_notional')::numeric IS NOT DISTINCT FROM src.open_buys),
        ('positions value recomputed from fills and candles',
         src.not_rebuilt OR (d.figures ->> 'positions_value')::numeric IS NOT DISTINCT FROM src.positions_value),
        ('equity recomputed', src.not_rebuilt OR (d.figures ->> 'equity')::numeric IS NOT DISTINCT FROM src.cash + src.positions_value),
        ('exposures recomputed',
         src.not_rebuilt
         OR ((d.figures ->> 'instrument_after')::numeric, (d.figures ->> 'cluster_after')::numeric,
             (d.figures ->> 'quote_after')::numeric, (d.figures ->> 'portfolio_after')::numeric)
            IS NOT DISTINCT FROM
            (src.instrument + coalesce(src.whole, 0), src.cluster + coalesce(src.whole, 0), src.quote + coalesce(src.whole, 0),
             src.positions_value + src.open_buys + src.whole)),
        ('decision price recorded', d.decision_price = (d.figures ->> 'price')::numeric),
        ('notional recorded', d.quantity * coalesce(d.limit_price, d.decision_price) = d.notional),
        ('notional value recorded', d.figures -> 'valuation' IS NULL
                                    OR (d.figures -> 'valuation' ->> 'notional_value')::numeric
                                       = d.notional * coalesce((d.figures -> 'valuation' ->> 'rate')::numeric, 0)),
        ('max_order_notional', d.side = 'sell' OR d.caps ->> 'max_order_notional' IS NULL
                               OR coalesce((d.figures -> 'valuation' ->> 'notional_value')::numeric, d.notional)
                                  <= (d.caps ->> 'max_order_notional')::numeric),
        ('max_instrument_exposure', d.side = 'sell' OR d.caps ->> 'max_instrument_exposure' IS NULL
                                    OR (d.figures ->> 'instrument_after')::numeric <= (d.caps ->> 'max_instrument_exposure')::numeric),
        ('max_cluster_exposure', d.side = 'sell' OR d.caps ->> 'max_cluster_exposure' IS NULL
                                 OR (d.figures ->> 'cluster_after')::numeric <= (d.caps ->> 'max_cluster_exposure')::numeric),
        ('max_quote_exposure', d.side = 'sell' OR d.caps ->> 'max_quote_exposure' IS NULL
                               OR (d.figures ->> 'quote_after')::numeric <= (d.caps ->> 'max_quote_exposure')::numeric),
        ('max_portfolio_exposure', d.side = 'sell' OR d.caps ->> 'max_portfolio_exposure' IS NULL
                                   OR (d.figures ->> 'portfolio_after')::numeric <= (d.caps ->> 'max_portfolio_exposure')::numeric),
        ('cash', d.side = 'sell'
                 OR d.notional * (1 + (d.figures ->> 'fee_rate')::numeric)
                    <= coalesce((d.figures -> 'valuation' ->> 'quote_cash')::numeric, (d.figures ->> 'cash')::numeric)
                       - coalesce((d.figures -> 'valuation' ->> 'quote_open_buys')::numeric, (d.figures ->> 'open_buy_notional')::numeric)
                         * (1 + (d.figures ->> 'fee_rate')::numeric)),
        ('min_edge_bps', d.side = 'sell' OR d.caps ->> 'min_edge_bps' IS NULL
                         OR d.edge_bps >= (d.caps ->> 'min_edge_bps')::numeric),
        ('max_claimed_edge_bps', d.side = 'sell' OR d.caps ->> 'max_claimed_edge_bps' IS NULL
                                 OR d.edge_bps <= (d.caps ->> 'max_claimed_edge_bps')::numeric),
        ('max_daily_loss', d.side = 'sell' OR d.caps ->> 'max_daily_loss' IS NULL
                           OR (d.figures ->> 'daily_pnl')::numeric >= 0
                           OR -(d.figures ->> 'daily_pnl')::numeric < (d.caps ->> 'max_daily_loss')::numeric),
        ('max_drawdown', d.side = 'sell' OR d.caps ->> 'max_drawdown' IS NULL
                         OR (d.figures ->> 'peak_equity')::numeric <= (d.figures ->> 'equity')::numeric
                         OR (d.figures ->> 'peak_equity')::numeric - (d.figures ->> 'equity')::numeric < (d.caps ->> 'max_drawdown')::numeric),
        ('sell within the free position', d.side = 'buy'
                                          OR d.quantity <= (d.figures ->> 'position_qty')::numeric - (d.figures ->> 'open_sell_qty')::numeric),
        ('max_orders_per_hour', d.caps ->> 'max_orders_per_hour' IS NULL
                                OR (SELECT count(*) FROM trading.order_request o
                                     WHERE o.book_id = d.book_id AND o.seq < d.order_seq
                                       AND o.ts > d.order_ts - interval '1 hour' AND o.ts <= d.order_ts)
                                   < (d.caps ->> 'max_orders_per_hour')::numeric)) AS c(rule, ok))
SELECT c.book_id, c.signal_seq, c.client_order_id, c.rule || ' violated' AS problem
  FROM checks c
 WHERE c.ok IS NOT TRUE
UNION ALL
SELECT r.book_id, r.signal_seq, r.client_order_id, 'order created from a signal without an admitted decision'
  FROM trading.order_request r
 WHERE (:'account' = '' OR r.book_id = :book) AND r.ts >= :'from' AND r.ts <= :'to'
   AND r.origin = 'signal'
   AND NOT EXISTS (SELECT FROM risk.decision d
                    WHERE d.book_id = r.book_id AND d.signal_seq = r.signal_seq AND d.outcome = 'admitted'
                      AND d.client_order_id = r.client_order_id)
ORDER BY 1, 2, 4;
