-- Gate 17 — capital pools and several strategies per book (issue 13 items 1 and 2, docs/risk.md).
-- A row is one violation:
--   * an admitted entry (buy) whose recorded pool figures break its pool: the pool not enabled in the lane
--     (pool_enabled false), or the pool's exposure after it over the pool's budget (figures->'rules'->'pool');
--   * an admitted entry whose strategy's exposure after it is over the strategy's allocation
--     (figures->'rules'->'strategy_allocation');
--   * a pool over budget at an hour close: re-derived from the raw rows for every decision time H at which the
--     pool admitted an entry — its strategies' own positions from their fills up to H at the marks of H
--     (risk.strategy_figures) plus its buy orders admitted by H that no terminal event had closed by H
--     (remaining quantity at the limit or decision price) — over the largest budget its admissions at H
--     recorded;
--   * a strategy trading after its kill: an order from its signals with a decision time at or after the kill
--     (risk.halt_event at its strategy scope, reason strategy_killed: …) that was admitted before an operator
--     resumed it; and a kill of a strategy that held a position at that hour (portfolio.strategy_hour) without
--     its own exit orders (origin strategy_kill) at the kill's time.
--   * the net arbitration rule (docs/risk.md "Arbitration"): an admitted signal that traded a residual whose order
--     quantity is not that residual or whose residual plus offset is not the signal's quantity; a recorded residual
--     order (origin arbitration_net) that does not exist, is not owned by the strategy of the order it replaces, or
--     whose quantity plus its offset is not that order's quantity; an order the rule cancelled without an
--     arbitration_netted cancellation; and an order of origin arbitration_net that no decision records.
-- Scope: psql variables, all optional (without them the gate judges the whole database):
--   psql -v account=NAME -v from=2024-01-01 -v to=2024-02-01 -f validations/17_pools_strategies.sql
-- `predator validate --account NAME --from … --to …` sets the same three (from/to inclusive); the \gset line
-- looks the account's book id up once (-1 when unknown), so every scan below filters on a constant :book.
\if :{?account} \else \set account '' \endif
\if :{?from} \else \set from -infinity \endif
\if :{?to} \else \set to infinity \endif
SELECT coalesce((SELECT sc.book_id FROM trading.account sc WHERE sc.name = :'account'), -1) AS book \gset
WITH entries AS (
    SELECT d.book_id, d.signal_seq, d.client_order_id, d.strategy, d.ts, d.figures -> 'rules' AS rules
      FROM risk.decision d
      JOIN trading.order_request r ON r.client_order_id = d.client_order_id
     WHERE (:'account' = '' OR d.book_id = :book) AND d.ts >= :'from' AND d.ts <= :'to'
       AND d.outcome = 'admitted' AND r.side = 'buy' AND d.figures ? 'rules'),
recorded AS (
    SELECT e.book_id, e.signal_seq, e.client_order_id, e.ts, c.problem
      FROM entries e, LATERAL (VALUES
        (CASE WHEN (e.rules -> 'pool' ->> 'pool_enabled')::boolean IS FALSE
              THEN format('entry admitted in pool %s, which the lane does not enable', e.rules -> 'pool' ->> 'pool') END),
        (CASE WHEN (e.rules -> 'pool' ->> 'pool_after')::numeric > (e.rules -> 'pool' ->> 'pool_budget')::numeric
              THEN format('pool %s exposure %s after the entry over its budget %s', e.rules -> 'pool' ->> 'pool',
                          e.rules -> 'pool' ->> 'pool_after', e.rules -> 'pool' ->> 'pool_budget') END),
        (CASE WHEN (e.rules -> 'strategy_allocation' ->> 'strategy_after')::numeric
                   > (e.rules -> 'strategy_allocation' ->> 'strategy_allocation')::numeric
              THEN format('strategy %s exposure %s after the entry over its allocation %s', e.strategy,
                          e.rules -> 'strategy_allocation' ->> 'strategy_after',
                          e.rules -> 'strategy_allocation' ->> 'strategy_allocation') END)) AS c(problem)
     WHERE c.problem IS NOT NULL),
pool_hours AS (
    SELECT e.book_id, e.rules -> 'pool' ->> 'pool' AS pool, e.ts AS hour,
           max((e.rules -> 'pool' ->> 'pool_budget')::numeric) AS budget, min(e.signal_seq) AS signal_seq
      FROM entries e
     WHERE e.rules -> 'pool' ->> 'pool_budget' IS NOT NULL
     GROUP BY 1, 2, 3),
pool_close AS (
    SELECT h.book_id, h.signal_seq, h.pool, h.hour, h.budget,
           (SELECT coalesce(sum(f.position_value), 0)
              FROM trading.strategy s CROSS JOIN LATERAL risk.strategy_figures(h.book_id, s.strategy, h.hour) f
             WHERE s.book_id = h.book_id AND s.pool = h.pool) AS positions,
           (SELECT coalesce(sum((r.quantity - coalesce((SELECT sum(f.quantity) FROM trading.fill f
                                                         WHERE f.book_id = r.book_id AND f.client_order_id = r.client_order_id
                                                           AND f.ts <= h.hour), 0))
                                * coalesce(r.limit_price, r.decision_price)), 0)
              FROM trading.order_request r JOIN trading.strategy s ON s.book_id = r.book_id AND s.strategy = r.strategy
             WHERE r.book_id = h.book_id AND s.pool = h.pool AND r.side = 'buy' AND r.ts <= h.hour
               AND NOT EXISTS (SELECT FROM trading.order_event v
                                WHERE v.book_id = r.book_id AND v.client_order_id = r.client_order_id
                                  AND v.status_after IN ('filled', 'canceled', 'rejected', 'expired') AND v.ts <= h.hour)) AS open_buys
      FROM pool_hours h),
net AS (
    SELECT d.book_id, d.signal_seq, d.client_order_id, d.outcome, d.figures -> 'rules' -> 'arbitration' -> 'arbitration' AS a
      FROM risk.decision d
     WHERE (:'account' = '' OR d.book_id = :book) AND d.ts >= :'from' AND d.ts <= :'to'
       AND d.figures -> 'rules' -> 'arbitration' -> 'arbitration' ->> 'rule' = 'net'),
net_problems AS (
    SELECT n.book_id, n.signal_seq, n.client_order_id,
           format('net arbitration: admitted residual %s + offset %s <> quantity %s, or its order is %s',
                  n.a ->> 'residual', n.a ->> 'offset', n.a ->> 'quantity', o.quantity) AS problem
      FROM net n LEFT JOIN trading.order_request o ON o.client_order_id = n.client_order_id
     WHERE n.outcome = 'admitted'
       AND ((n.a ->> 'residual')::numeric + (n.a ->> 'offset')::numeric <> (n.a ->> 'quantity')::numeric
            OR o.quantity IS DISTINCT FROM (n.a ->> 'residual')::numeric)
    UNION ALL
    SELECT n.book_id, n.signal_seq, x ->> 'client_order_id',
           format('net arbitration: residual %s of %s missing, not owned by %s''s strategy, or %s + offset %s <> %s',
                  x ->> 'client_order_id', x ->> 'replaces', x ->> 'replaces', x ->> 'quantity', x ->> 'offset', p.quantity)
      FROM net n CROSS JOIN LATERAL jsonb_array_elements(n.a -> 'residuals') x
      JOIN trading.order_request p ON p.client_order_id = x ->> 'replaces'
      LEFT JOIN trading.order_request r ON r.client_order_id = x ->> 'client_order_id'
     WHERE r.client_order_id IS NULL OR r.origin <> 'arbitration_net' OR r.strategy IS DISTINCT FROM p.strategy
        OR r.side <> p.side OR r.symbol <> p.symbol
        OR r.quantity <> (x ->> 'quantity')::numeric
        OR (x ->> 'quantity')::numeric + (x ->> 'offset')::numeric <> p.quantity
    UNION ALL
    SELECT n.book_id, n.signal_seq, c.id,
           format('net arbitration: order %s recorded as cancelled without an arbitration_netted cancellation', c.id)
      FROM net n CROSS JOIN LATERAL jsonb_array_elements_text(n.a -> 'cancelled') c(id)
     WHERE NOT EXISTS (SELECT FROM trading.order_event v
                        WHERE v.client_order_id = c.id AND v.status_after = 'canceled' AND v.reason LIKE 'arbitration_netted:%')
    UNION ALL
    SELECT r.book_id, NULL, r.client_order_id,
           format('order %s of origin arbitration_net is not a residual any decision records', r.client_order_id)
      FROM trading.order_request r
     WHERE (:'account' = '' OR r.book_id = :book) AND r.ts >= :'from' AND r.ts <= :'to' AND r.origin = 'arbitration_net'
       AND NOT EXISTS (SELECT FROM risk.decision d, jsonb_array_elements(d.figures -> 'rules' -> 'arbitration' -> 'arbitration' -> 'residuals') x
                        WHERE d.book_id = r.book_id AND x ->> 'client_order_id' = r.client_order_id)),
kills AS (
    SELECT k.book_id, k.seq, k.scope_key, substr(k.scope_key, length(a.name) + 2) AS strategy, k.ts, k.effective_at,
           (SELECT min(r.effective_at) FROM risk.halt_event r
             WHERE r.scope_kind = 'strategy' AND r.scope_key = k.scope_key AND r.action = 'resume' AND r.seq > k.seq) AS resumed_at
      FROM risk.halt_event k JOIN trading.account a ON a.book_id = k.book_id
     WHERE (:'account' = '' OR k.book_id = :book) AND k.ts >= :'from' AND k.ts <= :'to'
       AND k.scope_kind = 'strategy' AND k.action = 'halt' AND k.reason LIKE 'strategy_killed:%')
SELECT r.book_id, r.signal_seq, r.client_order_id, r.problem FROM recorded r
UNION ALL
SELECT p.book_id, p.signal_seq, NULL,
       format('pool %s over budget at the hour close %s: positions %s + open buys %s > budget %s',
              p.pool, p.hour, p.positions, p.open_buys, p.budget)
  FROM pool_close p
 WHERE p.positions + p.open_buys > p.budget
UNION ALL
SELECT np.book_id, np.signal_seq, np.client_order_id, np.problem FROM net_problems np
UNION ALL
SELECT o.book_id, o.signal_seq, o.client_order_id,
       format('strategy %s traded after its kill at %s (order decided at %s)', k.strategy, k.ts, o.ts)
  FROM kills k
  JOIN trading.order_request o ON o.book_id = k.book_id AND o.strategy = k.strategy AND o.origin = 'signal'
 WHERE o.ts >= k.ts AND (k.resumed_at IS NULL OR o.admitted_at < k.resumed_at)
UNION ALL
SELECT k.book_id, NULL, NULL, format('strategy %s killed at %s while holding %s without its own exits', k.strategy, k.ts, h.position_value)
  FROM kills k
  JOIN portfolio.strategy_hour h ON h.book_id = k.book_id AND h.strategy = k.strategy AND h.hour = k.ts
 WHERE h.position_value > 0
   AND NOT EXISTS (SELECT FROM trading.order_request x
                    WHERE x.book_id = k.book_id AND x.strategy = k.strategy AND x.origin = 'strategy_kill' AND x.ts = k.ts)
ORDER BY 1, 2, 4;
