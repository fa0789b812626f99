-- api.order_events — the order lifecycle events.
CREATE VIEW api.order_events AS
SELECT a.name AS account, e.client_order_id, e.event_no, e.kind, e.status_before, e.status_after,
       e.filled_qty_after, e.venue_order_id, e.reason, e.ts, e.seq
  FROM trading.order_event e JOIN trading.account a USING (book_id);
COMMENT ON VIEW api.order_events IS 'Order lifecycle events with the status before and after each.';
