-- Gate 19 — sizing enforced and strategy health respected (issue 13, items 4 and 5; docs/risk.md).
-- Re-checks every admitted order against the volatility cap and the strategy's health at its decision:
--   * an admitted buy whose decision recorded a volatility cap: the instrument's position after the order
--     (figures instrument_after) is within it, and the cap is the one its recorded figures give,
--     round(equity × vol_target / (volatility × sqrt(8760)), 8);
--   * an admitted buy decided while a vol_target limit was in force for its symbol (the account's profile,
--     the symbol's scope else *, the latest revision recorded before the order was admitted, value not null)
--     recorded the volatility cap (it was applied);
--   * no order from a signal was decided while its strategy's health state (the latest risk.strategy_health
--     row at or before the decision time) was paused;
--   * an admitted buy decided while its strategy was demoted recorded health_demoted_cap and stayed within it.
-- A row is one violation: the decision (signal seq), its order and the broken rule.
-- Scope: psql variables, all optional (without them the gate judges the whole database):
--   psql -v account=NAME -v from=2024-01-01 -v to=2024-02-01 -f validations/19_sizing_health.sql
-- Account: the book's decisions; from/to: the decisions judged (ts), inclusive.
\if :{?account} \else \set account '' \endif
\if :{?from} \else \set from -infinity \endif
\if :{?to} \else \set to infinity \endif
SELECT coalesce((SELECT sc.book_id FROM trading.account sc WHERE sc.name = :'account'), -1) AS book \gset
WITH d AS (
    SELECT d.book_id, d.signal_seq, d.client_order_id, d.strategy, d.symbol, d.ts, d.figures, d.figures -> 'caps' AS caps,
           r.side, r.admitted_at, a.risk_profile,
           (d.figures ->> 'notional')::numeric AS notional,
           (SELECT h.state FROM risk.strategy_health h
             WHERE h.book_id = d.book_id AND h.strategy = d.strategy AND h.hour <= d.ts
             ORDER BY h.hour DESC LIMIT 1) AS health_state
      FROM risk.decision d
      JOIN trading.order_request r ON r.client_order_id = d.client_order_id
      JOIN trading.account a ON a.book_id = d.book_id
     WHERE (:'account' = '' OR d.book_id = :book) AND d.ts >= :'from' AND d.ts <= :'to'
       AND d.outcome = 'admitted'),
vt AS (
    -- the vol_target in force at admission: the symbol's scope when it has one, else *
    SELECT d.signal_seq, d.book_id,
           (SELECT s.value FROM risk.limit_setting s
             WHERE s.profile = d.risk_profile AND s.limit_name = 'vol_target' AND s.scope IN (d.symbol, '*')
               AND s.recorded_at <= d.admitted_at
             ORDER BY (s.scope = d.symbol) DESC, s.revision DESC LIMIT 1) AS in_force
      FROM d WHERE d.side = 'buy'),
checks AS (
    SELECT d.book_id, d.signal_seq, d.client_order_id, c.rule, c.ok
      FROM d LEFT JOIN vt USING (book_id, signal_seq), LATERAL (VALUES
        ('volatility_cap', d.side = 'sell' OR d.caps ->> 'volatility_cap' IS NULL
                           OR (d.figures ->> 'instrument_after')::numeric <= (d.caps ->> 'volatility_cap')::numeric),
        ('volatility_cap recorded from its figures', d.side = 'sell' OR d.caps ->> 'volatility_cap' IS NULL
                           OR (d.caps ->> 'volatility_cap')::numeric
                              = round((d.figures ->> 'equity')::numeric * (d.caps ->> 'vol_target')::numeric
                                      / ((d.caps ->> 'volatility')::numeric * sqrt(8760::numeric)), 8)),
        ('volatility cap in force was applied', d.side = 'sell' OR vt.in_force IS NULL OR d.caps ? 'vol_target'),
        ('health_demoted_cap', d.side = 'sell' OR d.health_state IS DISTINCT FROM 'demoted'
                               OR d.notional <= (d.caps ->> 'health_demoted_cap')::numeric)) AS c(rule, ok))
SELECT c.book_id, c.signal_seq, c.client_order_id, c.rule || ' violated' AS problem
  FROM checks c
 WHERE c.ok IS NOT TRUE
UNION ALL
SELECT d.book_id, d.signal_seq, d.client_order_id,
       format('order of strategy %s decided at %s while paused by its health score', d.strategy, d.ts)
  FROM d
 WHERE d.health_state = 'paused'
ORDER BY 1, 2, 4;
