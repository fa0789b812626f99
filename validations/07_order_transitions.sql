-- Gate 07 — the order state machine (DESIGN.md §3.6, docs/state_machine.md).
-- Rules: every order's events are numbered 1, 2, 3 … without gaps; event 1 is 'created' with status new;
-- each later event's status_before equals the previous event's status_after, and every (before, after) pair
-- is a legal transition of trading.order_transition; nothing follows a terminal state (filled, canceled,
-- rejected, expired); the filled quantity only grows, and only by fills; order_state.status, filled_qty
-- and last_event_no equal the last event; every order request has events.
-- A row is one violation: the order (and event number) where the history breaks, and how.
-- Scope: psql variables, all optional (without them the gate judges the whole database):
--   psql -v account=NAME -v from=2024-01-01 -v to=2024-02-01 -f validations/07_order_transitions.sql
-- `predator validate --account NAME --from … --to …` sets the same three (from/to inclusive); the \gset line
-- looks the account's book id up once (-1 when unknown), so every scan below filters on a constant :book.
-- Account: the book's orders and their events; from/to: the events (ts) and orders (ts) judged (each event is still checked against the one before).
\if :{?account} \else \set account '' \endif
\if :{?from} \else \set from -infinity \endif
\if :{?to} \else \set to infinity \endif
SELECT coalesce((SELECT sc.book_id FROM trading.account sc WHERE sc.name = :'account'), -1) AS book \gset
WITH e AS (
    SELECT e.book_id, e.client_order_id, e.event_no, e.ts, e.kind, e.status_before, e.status_after, e.filled_qty_after,
           row_number() OVER w AS expected_no,
           lag(e.status_after) OVER w AS prev_after,
           lag(e.filled_qty_after) OVER w AS prev_filled
      FROM trading.order_event e
     WHERE (:'account' = '' OR e.book_id = :book)
    WINDOW w AS (PARTITION BY e.client_order_id ORDER BY e.event_no))
SELECT e.book_id, e.client_order_id, e.event_no,
       CASE WHEN e.event_no <> e.expected_no THEN format('event numbers have a gap: expected %s', e.expected_no)
            WHEN e.event_no = 1 AND (e.kind <> 'created' OR e.status_after <> 'new' OR e.status_before IS NOT NULL)
                THEN format('first event is %s (%s -> %s), not created -> new', e.kind, e.status_before, e.status_after)
            WHEN e.event_no > 1 AND e.status_before IS DISTINCT FROM e.prev_after
                THEN format('status_before %s <> previous status_after %s', e.status_before, e.prev_after)
            WHEN e.prev_after IN ('filled', 'canceled', 'rejected', 'expired')
                THEN format('event %s after terminal status %s', e.kind, e.prev_after)
            WHEN e.event_no > 1 AND NOT EXISTS (SELECT FROM trading.order_transition t
                                                 WHERE t.status_before = e.status_before AND t.status_after = e.status_after)
                THEN format('illegal transition %s -> %s (%s)', e.status_before, e.status_after, e.kind)
            WHEN e.status_before = e.status_after AND e.kind NOT IN ('cancel_requested', 'fill')
                THEN format('%s event keeps status %s (only cancel requests and partial fills may)', e.kind, e.status_after)
            ELSE format('filled quantity %s -> %s on a %s event', e.prev_filled, e.filled_qty_after, e.kind) END AS problem
  FROM e
 WHERE e.ts >= :'from' AND e.ts <= :'to' AND (
       e.event_no <> e.expected_no
    OR (e.event_no = 1 AND (e.kind <> 'created' OR e.status_after <> 'new' OR e.status_before IS NOT NULL))
    OR (e.event_no > 1 AND e.status_before IS DISTINCT FROM e.prev_after)
    OR e.prev_after IN ('filled', 'canceled', 'rejected', 'expired')
    OR (e.event_no > 1 AND NOT EXISTS (SELECT FROM trading.order_transition t
                                        WHERE t.status_before = e.status_before AND t.status_after = e.status_after))
    OR (e.status_before = e.status_after AND e.kind NOT IN ('cancel_requested', 'fill'))
    OR (e.event_no = 1 AND e.filled_qty_after <> 0)
    OR (e.event_no > 1 AND e.kind = 'fill' AND e.filled_qty_after <= e.prev_filled)
    OR (e.event_no > 1 AND e.kind <> 'fill' AND e.filled_qty_after <> e.prev_filled))
UNION ALL
SELECT r.book_id, r.client_order_id, l.event_no,
       CASE WHEN l.event_no IS NULL THEN 'order request without events'
            WHEN s.client_order_id IS NULL THEN 'order without order_state'
            ELSE format('order_state (status %s, filled %s, last event %s) <> last event (status %s, filled %s, event %s)',
                        s.status, s.filled_qty, s.last_event_no, l.status_after, l.filled_qty_after, l.event_no) END
  FROM trading.order_request r
  LEFT JOIN trading.order_state s ON s.client_order_id = r.client_order_id
  LEFT JOIN LATERAL (SELECT e.event_no, e.status_after, e.filled_qty_after FROM trading.order_event e
                      WHERE e.client_order_id = r.client_order_id ORDER BY e.event_no DESC LIMIT 1) l ON true
 WHERE (:'account' = '' OR r.book_id = :book) AND r.ts >= :'from' AND r.ts <= :'to'
   AND (l.event_no IS NULL OR s.client_order_id IS NULL
    OR (s.status, s.filled_qty, s.last_event_no) IS DISTINCT FROM (l.status_after, l.filled_qty_after, l.event_no))
ORDER BY 1, 2, 3;
