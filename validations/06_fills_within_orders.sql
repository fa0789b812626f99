-- Gate 06 — fills never exceed their order (DESIGN.md §3.6).
-- Rules: per order, the fills add up to at most the order quantity; order_state.filled_qty = Σ fill
-- quantities and filled_notional = Σ quantity × price; order_state repeats the request's book, symbol, side
-- and quantity; the status is 'filled' exactly when the whole quantity is filled; every fill matches its
-- order's book, symbol and side; every order request has a state.
-- A row is one violation: the order (client order id) and what disagrees.
-- Scope: psql variables, all optional (without them the gate judges the whole database):
--   psql -v account=NAME -v from=2024-01-01 -v to=2024-02-01 -f validations/06_fills_within_orders.sql
-- `predator validate --account NAME --from … --to …` sets the same three (from/to inclusive); the \gset line
-- looks the account's book id up once (-1 when unknown), so every scan below filters on a constant :book.
-- Account: the book's orders (and every fill naming them) and fills; from/to: the orders (ts) and orphan fills (ts) judged.
\if :{?account} \else \set account '' \endif
\if :{?from} \else \set from -infinity \endif
\if :{?to} \else \set to infinity \endif
SELECT coalesce((SELECT sc.book_id FROM trading.account sc WHERE sc.name = :'account'), -1) AS book \gset
WITH f AS (
    SELECT f.client_order_id, sum(f.quantity) AS qty, sum(f.quantity * f.price) AS notional, count(*) AS n,
           bool_or(f.book_id <> r.book_id OR f.symbol <> r.symbol OR f.side <> r.side) AS mismatched
      FROM trading.fill f JOIN trading.order_request r USING (client_order_id)
     WHERE (:'account' = '' OR r.book_id = :book) AND r.ts >= :'from' AND r.ts <= :'to'
     GROUP BY f.client_order_id)
SELECT r.book_id, r.client_order_id,
       CASE WHEN s.client_order_id IS NULL THEN 'order request without order_state'
            WHEN coalesce(f.mismatched, false) THEN 'a fill does not match the order''s book, symbol or side'
            WHEN coalesce(f.qty, 0) > r.quantity THEN format('fills %s exceed the order quantity %s', f.qty, r.quantity)
            WHEN s.filled_qty <> coalesce(f.qty, 0) THEN format('order_state.filled_qty %s <> sum of fills %s', s.filled_qty, coalesce(f.qty, 0))
            WHEN s.filled_notional <> coalesce(f.notional, 0) THEN format('order_state.filled_notional %s <> sum of fill notionals %s', s.filled_notional, coalesce(f.notional, 0))
            WHEN (s.book_id, s.symbol, s.side, s.quantity) IS DISTINCT FROM (r.book_id, r.symbol, r.side, r.quantity)
                THEN 'order_state does not repeat the request''s book, symbol, side and quantity'
            ELSE format('status %s with %s of %s filled', s.status, s.filled_qty, s.quantity) END AS problem
  FROM trading.order_request r
  LEFT JOIN trading.order_state s ON s.client_order_id = r.client_order_id
  LEFT JOIN f ON f.client_order_id = r.client_order_id
 WHERE (:'account' = '' OR r.book_id = :book) AND r.ts >= :'from' AND r.ts <= :'to'
   AND (s.client_order_id IS NULL
    OR coalesce(f.mismatched, false)
    OR coalesce(f.qty, 0) > r.quantity
    OR s.filled_qty <> coalesce(f.qty, 0)
    OR s.filled_notional <> coalesce(f.notional, 0)
    OR (s.book_id, s.symbol, s.side, s.quantity) IS DISTINCT FROM (r.book_id, r.symbol, r.side, r.quantity)
    OR (s.status = 'filled') <> (s.filled_qty = s.quantity))
UNION ALL
SELECT f.book_id, f.client_order_id, format('fill %s has no order request', f.venue_trade_id)
  FROM trading.fill f
 WHERE (:'account' = '' OR f.book_id = :book) AND f.ts >= :'from' AND f.ts <= :'to'
   AND NOT EXISTS (SELECT FROM trading.order_request r WHERE r.client_order_id = f.client_order_id)
ORDER BY 1, 2;
