-- Gate 22 — fill checkpoints (issue 18 item 6; migration 0045, docs/performance.md "Cost as work grows").
-- A strategy's own figures start from the day's checkpoint of its fill sums (risk.fill_checkpoint_total); each
-- checkpoint must be exactly the sums over the fills it declares it holds. Recomputed here from the fills alone, in
-- plain SQL (not through risk._fill_totals, which writes and reads them). A row is one violation:
--   * total_mismatch: a checkpoint's strategy and symbol whose stored qty, flow, buy_qty or buy_notional is not,
--     value for value, the sum over the fills of that strategy's orders with seq <= fill_seq and ts <= as_of, not
--     voided by a void with seq <= void_seq and ts <= as_of (qty: buys - sells - fees in the base; flow: sell
--     proceeds - buy cost - fees in the quote or, at the fill's price, in the base; fees in a third currency are
--     not checkpointed); a strategy and symbol with such fills and no stored row, or a stored row without fills;
--   * head_ahead: a checkpoint whose fill_seq or void_seq is past the book's chain (a set that cannot exist).
-- Scope: psql variables, all optional (without them the gate judges the whole database):
--   psql -v account=NAME -v from=2024-01-01 -v to=2024-02-01 -f validations/22_fill_checkpoints.sql
-- Account: the book; from/to: the checkpoints judged (as_of), inclusive.
\if :{?account} \else \set account '' \endif
\if :{?from} \else \set from -infinity \endif
\if :{?to} \else \set to infinity \endif
SELECT coalesce((SELECT sc.book_id FROM trading.account sc WHERE sc.name = :'account'), -1) AS book \gset
WITH c AS (
    SELECT k.* FROM risk.fill_checkpoint k
     WHERE (:'account' = '' OR k.book_id = :book) AND k.as_of >= :'from' AND k.as_of <= :'to'
), recomputed AS (
    SELECT c.book_id, c.as_of, r.strategy, f.symbol,
           sum(CASE WHEN f.side = 'buy' THEN f.quantity ELSE -f.quantity END
               - CASE WHEN f.fee_currency = split_part(f.symbol, '/', 1) THEN f.fee ELSE 0 END) AS qty,
           sum(CASE WHEN f.side = 'buy' THEN -f.quantity * f.price ELSE f.quantity * f.price END
               - CASE WHEN f.fee_currency = split_part(f.symbol, '/', 2) THEN f.fee ELSE 0 END) AS flow,
           sum(f.quantity) FILTER (WHERE f.side = 'buy') AS buy_qty,
           sum(f.quantity * f.price) FILTER (WHERE f.side = 'buy') AS buy_notional
      FROM c
      JOIN trading.fill f ON f.book_id = c.book_id AND f.seq <= c.fill_seq AND f.ts <= c.as_of
      JOIN trading.order_request r ON r.client_order_id = f.client_order_id AND r.strategy IS NOT NULL
     WHERE NOT EXISTS (SELECT FROM trading.fill_void v
                        WHERE v.book_id = f.book_id AND v.symbol = f.symbol AND v.venue_trade_id = f.venue_trade_id
                          AND v.seq <= c.void_seq AND v.ts <= c.as_of)
     GROUP BY c.book_id, c.as_of, r.strategy, f.symbol
), stored AS (
    SELECT t.* FROM risk.fill_checkpoint_total t JOIN c ON c.book_id = t.book_id AND c.as_of = t.as_of
)
SELECT coalesce(s.book_id, x.book_id) AS book_id, coalesce(s.as_of, x.as_of) AS as_of,
       format('total_mismatch: checkpoint %s strategy %s %s stores qty=%s flow=%s buy_qty=%s buy_notional=%s, its fills sum to qty=%s flow=%s buy_qty=%s buy_notional=%s',
              coalesce(s.as_of, x.as_of), coalesce(s.strategy, x.strategy), coalesce(s.symbol, x.symbol),
              s.qty, s.flow, s.buy_qty, s.buy_notional, x.qty, x.flow, x.buy_qty, x.buy_notional) AS problem
  FROM stored s
  FULL JOIN recomputed x ON x.book_id = s.book_id AND x.as_of = s.as_of AND x.strategy = s.strategy AND x.symbol = s.symbol
 WHERE s.book_id IS NULL OR x.book_id IS NULL
    OR (s.qty, s.flow) IS DISTINCT FROM (x.qty, x.flow)
    OR (s.buy_qty, s.buy_notional) IS DISTINCT FROM (x.buy_qty, x.buy_notional)
UNION ALL
SELECT c.book_id, c.as_of, format('head_ahead: checkpoint %s declares fill_seq %s and void_seq %s, the chains hold %s and %s',
                                  c.as_of, c.fill_seq, c.void_seq,
                                  (SELECT max(f.seq) FROM trading.fill f WHERE f.book_id = c.book_id),
                                  (SELECT max(v.seq) FROM trading.fill_void v WHERE v.book_id = c.book_id))
  FROM c
 WHERE c.fill_seq > coalesce((SELECT max(f.seq) FROM trading.fill f WHERE f.book_id = c.book_id), 0)
    OR c.void_seq > coalesce((SELECT max(v.seq) FROM trading.fill_void v WHERE v.book_id = c.book_id), 0)
ORDER BY 1, 2, 3;
