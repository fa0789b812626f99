-- ops._enqueue_alert(p_category, p_severity, p_book_id, p_dedup_key, p_title, p_payload, p_source_table,
--                    p_source_key, p_business_ts) -> bigint (outbox seq)
-- Appends one alert to ops.alert_outbox in the caller's transaction (called by ops.tg_alert__enqueue, the AFTER
-- INSERT trigger of the tables that record alertable events), so the alert commits or rolls back with its event.
-- The account's name is copied from trading.account for the message. Not SECURITY DEFINER: it runs as the
-- governed routine that inserted the event (the owner); no component may insert those rows itself.
-- Tables: ops.alert_outbox (written), trading.account (read).
CREATE OR REPLACE FUNCTION ops._enqueue_alert(
    p_category text, p_severity text, p_book_id integer, p_dedup_key text, p_title text, p_payload jsonb,
    p_source_table text, p_source_key text, p_business_ts timestamptz)
RETURNS bigint
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_seq bigint;
BEGIN
    INSERT INTO ops.alert_outbox (business_ts, category, severity, book_id, account, dedup_key, title, payload,
                                  source_table, source_key)
    VALUES (p_business_ts, p_category, p_severity, nullif(p_book_id, 0),
            (SELECT a.name FROM trading.account a WHERE a.book_id = nullif(p_book_id, 0)),
            p_dedup_key, left(p_title, 500), coalesce(p_payload, '{}'::jsonb), p_source_table, p_source_key)
    RETURNING seq INTO v_seq;
    RETURN v_seq;
END
$$;

COMMENT ON FUNCTION ops._enqueue_alert(text, text, integer, text, text, jsonb, text, text, timestamptz) IS 'Internal: appends an alert (category, severity, book, dedup key, title, payload, the source row) to ops.alert_outbox in the caller''s transaction; returns its seq.';
