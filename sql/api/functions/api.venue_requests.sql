-- api.venue_requests(p_account) -> setof (what the database asks of the account's venue)
-- Worker (the relay's service_requests), operator and auditor. Orders the venue is to be asked about, in admission order
-- (seq): an admitted order that never reached it (status new) to send, or a cancel request to carry out (an order
-- marked for cancellation that is new, open or partially filled), with the book's filled quantity (base units).
-- held_by: for a new order that is not marked for cancellation and whose origin is signal or arbitration_net, the
-- reason codes of the active halts covering it (risk._active_halts, the one definition: halted_global,
-- halted_lane, halted_account, halted_strategy); the relay does not send it while any is listed (it stays new:
-- a resume lets it go, the kill switch cancels it; docs/live.md "Halts, orders not yet sent, cancels and late
-- trades"). Empty for kill-switch, risk-flatten and strategy-kill exits (they go out under the halt that created
-- them) and for cancel requests. An unknown account has none. A function, not a view: a view calls its functions
-- with the caller's rights, and the logins may neither execute risk._active_halts nor read risk.halt_state.
-- Tables: reads trading.order_request, trading.order_state, trading.account, risk.halt_state.
CREATE OR REPLACE FUNCTION api.venue_requests(p_account text)
RETURNS TABLE (client_order_id text, symbol text, side text, order_type text, quantity numeric, limit_price numeric,
               ts timestamptz, expiry timestamptz, decision_price numeric, status text, cancel_requested boolean,
               updated_ts timestamptz, filled_qty numeric, origin text, strategy text, held_by text[], seq bigint)
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET timezone = 'UTC'
SET datestyle = 'ISO, YMD'
SET intervalstyle = 'postgres'
SET extra_float_digits = 1
AS $$
    SELECT r.client_order_id, r.symbol, r.side, r.order_type, r.quantity, r.limit_price, r.ts, r.expiry,
           r.decision_price, s.status, s.cancel_requested, s.updated_ts, s.filled_qty, r.origin, r.strategy,
           CASE WHEN s.status = 'new' AND NOT s.cancel_requested AND r.origin IN ('signal', 'arbitration_net')
                THEN risk._active_halts(a.name, a.lane, r.strategy)
                ELSE '{}'::text[] END,
           r.seq
      FROM trading.account a
      JOIN trading.order_request r ON r.book_id = a.book_id
      JOIN trading.order_state s ON s.client_order_id = r.client_order_id
     WHERE a.name = p_account
       AND (s.status = 'new' OR (s.cancel_requested AND s.status IN ('open', 'partially_filled')))
     ORDER BY r.seq
$$;

COMMENT ON FUNCTION api.venue_requests(text) IS 'Worker, operator and auditor: what the database asks of an account''s venue, in admission order: orders never sent (status new) and orders marked for cancellation, with the book''s filled quantity (base) and held_by, the reason codes of the active halts (risk._active_halts) covering a new, not cancel-requested order of origin signal or arbitration_net, which the relay does not send while any is listed; empty for kill-switch, risk-flatten and strategy-kill exits and cancel requests.';
