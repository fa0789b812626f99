-- Gate 09 — no order admitted during a halt (DESIGN.md §3.8).
-- Reconstructs every halt interval from risk.halt_event: per scope (kind, key), a halt starts at its
-- effective_at and lasts until the next resume of that scope (or is still active). An order that a halt
-- covers — origin 'signal', or any order that is not a reduce-only exit (kill switch and risk flatten exits
-- are the only orders allowed while halted) — must not have been admitted (order_request.admitted_at, wall
-- clock, like effective_at) inside such an interval. Coverage: global; lane = the account's lane;
-- account = the account's name; strategy = '<account>/<strategy>'.
-- Also: risk.halt_state (the cache admissions read) equals the latest event of every scope.
-- A row is one violation: the order admitted while halted (with the halt), or a scope whose state disagrees.
-- Scope: psql variables, all optional (without them the gate judges the whole database):
--   psql -v account=NAME -v from=2024-01-01 -v to=2024-02-01 -f validations/09_no_admission_during_halt.sql
-- `predator validate --account NAME --from … --to …` sets the same three (from/to inclusive); the \gset line
-- looks the account's book id up once (-1 when unknown), so every scan below filters on a constant :book.
-- Account: the book's orders, against every halt that covers it; from/to: the orders judged (ts). The halt_state check (small, global) always runs.
\if :{?account} \else \set account '' \endif
\if :{?from} \else \set from -infinity \endif
\if :{?to} \else \set to infinity \endif
SELECT coalesce((SELECT sc.book_id FROM trading.account sc WHERE sc.name = :'account'), -1) AS book \gset
WITH halts AS (
    -- a halt lasts until the next resume; a halt following a halt leaves the scope halted
    SELECT h.scope_kind, h.scope_key, h.reason, h.effective_at AS halted_from,
           (SELECT min(r.effective_at) FROM risk.halt_event r
             WHERE r.scope_kind = h.scope_kind AND r.scope_key = h.scope_key AND r.action = 'resume'
               AND (r.effective_at, r.seq) > (h.effective_at, h.seq)) AS halted_until
      FROM risk.halt_event h
     WHERE h.action = 'halt')
SELECT o.book_id, o.client_order_id, o.admitted_at,
       format('admitted while halted at %s %s since %s (%s)%s', h.scope_kind, h.scope_key, h.halted_from, h.reason,
              coalesce(' until ' || h.halted_until, '')) AS problem
  FROM trading.order_request o
  JOIN trading.account a ON a.book_id = o.book_id
  JOIN halts h ON (h.scope_kind = 'global'
                   OR (h.scope_kind = 'lane' AND h.scope_key = a.lane)
                   OR (h.scope_kind = 'account' AND h.scope_key = a.name)
                   OR (h.scope_kind = 'strategy' AND h.scope_key = a.name || '/' || coalesce(o.strategy, '')))
 WHERE (:'account' = '' OR o.book_id = :book) AND o.ts >= :'from' AND o.ts <= :'to'
   AND (o.origin = 'signal' OR NOT o.reduce_only)
   AND o.admitted_at >= h.halted_from
   AND (h.halted_until IS NULL OR o.admitted_at < h.halted_until)
UNION ALL
SELECT NULL, coalesce(s.scope_kind, l.scope_kind) || ':' || coalesce(s.scope_key, l.scope_key), NULL,
       format('halt_state active=%s but the latest event is %s', s.active, coalesce(l.action, 'missing'))
  FROM risk.halt_state s
  FULL JOIN (SELECT DISTINCT ON (e.scope_kind, e.scope_key) e.scope_kind, e.scope_key, e.action
               FROM risk.halt_event e ORDER BY e.scope_kind, e.scope_key, e.effective_at DESC, e.seq DESC) l
         ON l.scope_kind = s.scope_kind AND l.scope_key = s.scope_key
 WHERE s.active IS DISTINCT FROM (l.action = 'halt')
ORDER BY 1, 2, 3;
