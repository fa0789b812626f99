-- Gate 18 — the risk state machine of every book and of every strategy (docs/risk.md; issue 13 items 3 and 7).
-- Three checks, one row per violation:
--   1. every recorded move (risk.state_event, in chain order per book and scope: the book, each strategy) is a
--      row of risk.state_transition and starts from the state the previous move of that scope ended in (normal
--      before the first);
--   2. risk.state_current (the cache admissions read) equals the latest move of every book and strategy;
--   3. no entry was admitted while the book, or the order's own strategy, was reducing, halted or cooling
--      down: an order of origin signal that buys, admitted (order_request.admitted_at, wall clock) after a move
--      of that scope into one of those states (state_event.recorded_at) and before its next move. Sells (exits,
--      reductions) are allowed; another strategy's state does not bind the order.
-- Scope: psql variables, all optional (without them the gate judges the whole database):
--   psql -v account=NAME -v from=2024-01-01 -v to=2024-02-01 -f validations/18_risk_state.sql
-- Account: the book's moves and orders; from/to: the moves and orders judged (business time ts).
\if :{?account} \else \set account '' \endif
\if :{?from} \else \set from -infinity \endif
\if :{?to} \else \set to infinity \endif
SELECT coalesce((SELECT sc.book_id FROM trading.account sc WHERE sc.name = :'account'), -1) AS book \gset
WITH moves AS (
    SELECT e.book_id, e.seq, e.scope_kind, e.scope_key, e.state_before, e.state_after, e.cause, e.ts, e.recorded_at,
           coalesce(lag(e.state_after) OVER w, 'normal') AS previous_state,
           lead(e.recorded_at) OVER w AS next_recorded_at
      FROM risk.state_event e
     WHERE (:'account' = '' OR e.book_id = :book)
    WINDOW w AS (PARTITION BY e.book_id, e.scope_kind, e.scope_key ORDER BY e.seq))
SELECT m.book_id, 'state_event ' || m.seq AS item, m.ts,
       format('move %s -> %s (%s) is %s', m.state_before, m.state_after, m.cause,
              CASE WHEN m.state_before <> m.previous_state THEN 'not from the previous state ' || m.previous_state
                   ELSE 'not a row of risk.state_transition' END) AS problem
  FROM moves m
 WHERE m.ts >= :'from' AND m.ts <= :'to'
   AND (m.state_before <> m.previous_state
        OR NOT EXISTS (SELECT FROM risk.state_transition t WHERE t.state_before = m.state_before AND t.state_after = m.state_after))
UNION ALL
SELECT coalesce(c.book_id, l.book_id), 'state_current ' || coalesce(c.scope_key, l.scope_key), NULL,
       format('state_current %s but the latest move ends in %s', c.state, coalesce(l.state_after, 'nothing'))
  FROM (SELECT * FROM risk.state_current sc WHERE :'account' = '' OR sc.book_id = :book) c
  FULL JOIN (SELECT DISTINCT ON (e.book_id, e.scope_kind, e.scope_key) e.book_id, e.scope_kind, e.scope_key, e.state_after
               FROM risk.state_event e WHERE :'account' = '' OR e.book_id = :book
              ORDER BY e.book_id, e.scope_kind, e.scope_key, e.seq DESC) l
         ON l.book_id = c.book_id AND l.scope_kind = c.scope_kind AND l.scope_key = c.scope_key
 WHERE c.state IS DISTINCT FROM l.state_after
UNION ALL
SELECT o.book_id, o.client_order_id, o.ts,
       format('entry admitted at %s while the %s was %s since move %s (%s)', o.admitted_at,
              CASE m.scope_kind WHEN 'book' THEN 'book' ELSE 'strategy ' || m.scope_key END, m.state_after, m.seq, m.cause)
  FROM trading.order_request o
  JOIN moves m ON m.book_id = o.book_id AND (m.scope_kind = 'book' OR m.scope_key = o.strategy)
 WHERE (:'account' = '' OR o.book_id = :book) AND o.ts >= :'from' AND o.ts <= :'to'
   AND o.origin = 'signal' AND o.side = 'buy'
   AND m.state_after IN ('reducing', 'halted', 'cooldown')
   AND o.admitted_at >= m.recorded_at
   AND (m.next_recorded_at IS NULL OR o.admitted_at < m.next_recorded_at)
ORDER BY 1, 2, 3;
