-- api.record_order_confusion(p_client_order_id, p_kind, p_ts, p_detail) -> text (incident, INC-<book>-<seq>)
-- Worker. Order-state confusion (issue 13 item 8): the venue reported an event for one of the book's orders
-- that the order state machine refused (PD005: an event after a terminal status, a fill for an order that is
-- not open). The book and the venue no longer agree on that order, so the worker does not stop: it reports
-- the event here, which opens an execution incident (severity 2, the order and the hour linked, what the
-- venue said in p_detail) and halts the account (a system halt that only an operator lifts; the book's risk
-- state moves to halted), unless the account is already halted. The event itself is not recorded.
--   p_kind    the refused event's kind (acknowledged, fill, canceled, expired, rejected, ...);
--   p_ts      its business time; p_detail what the venue said and the refusal's message.
-- PD011 unknown order, PD012 no kind, PD015 a business time out of bounds.
CREATE OR REPLACE FUNCTION api.record_order_confusion(p_client_order_id text, p_kind text, p_ts timestamptz,
                                                      p_detail text)
RETURNS text
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET timezone = 'UTC'
SET datestyle = 'ISO, YMD'
SET intervalstyle = 'postgres'
SET extra_float_digits = 1
AS $$
DECLARE
    v_book     integer;
    v_acct     trading.account;
    v_status   text;
    v_incident bigint;
BEGIN
    PERFORM ops._require_business_time('api.record_order_confusion', ARRAY['p_ts'], ARRAY[p_ts]);
    IF p_kind IS NULL OR length(btrim(p_kind)) = 0 THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012', MESSAGE = 'order confusion refused: the event kind is missing',
            HINT = 'Pass the kind of the venue event the order state machine refused.';
    END IF;
    v_book := trading._order_book(p_client_order_id);
    SELECT * INTO v_acct FROM trading.account a WHERE a.book_id = v_book;
    PERFORM ops._lock_book(v_book);
    SELECT s.status INTO v_status FROM trading.order_state s WHERE s.client_order_id = p_client_order_id;
    v_incident := ops._open_incident(v_book, 2, 'execution', 'account:' || v_acct.name,
        format('order-state confusion on %s', v_acct.name),
        format('the venue reported %s for order %s (status %s in the book) at %s, which the order state machine refused: %s',
               p_kind, p_client_order_id, v_status, p_ts, coalesce(p_detail, '')),
        jsonb_build_object('orders', jsonb_build_array(p_client_order_id), 'hours', jsonb_build_array(p_ts)), p_ts, 'system');
    IF NOT coalesce((SELECT h.active FROM risk.halt_state h WHERE h.scope_kind = 'account' AND h.scope_key = v_acct.name), false) THEN
        PERFORM risk._set_halt('account', v_acct.name, v_book, 'halt',
            format('order-state confusion: the venue reported %s for order %s (%s in the book) (incident %s of account %s)',
                   p_kind, p_client_order_id, v_status, v_incident, v_acct.name), 'system', p_ts, v_incident);
        PERFORM risk._sync_halt(v_book, p_ts);
    END IF;
    RETURN 'INC-' || v_book || '-' || v_incident;
END
$$;

COMMENT ON FUNCTION api.record_order_confusion(text, text, timestamptz, text) IS 'Worker: a venue event the order state machine refused (PD005): opens an execution incident and halts the account (system halt, operator lifts) instead of stopping the worker; returns the incident. PD011, PD012, PD015.';
