-- api.record_alert_attempt(p_seq, p_channel, p_ok, p_error, p_duplicate_of) -> text (status)
-- Notifier. Records one delivery attempt of alert p_seq on channel p_channel and returns its status, which the
-- database decides: deduplicated when p_duplicate_of names an earlier alert of the same dedup key delivered on
-- that channel within alert_dedup_window_seconds (nothing was sent); delivered when p_ok; otherwise retry, or
-- failed when this is attempt alert_max_attempts (the alert is given up on that channel, visible in api.alerts).
-- p_error is stored masked (a URL's password, a bot token, key=value secrets) and cut to 2000 characters.
-- PD011 for an unknown alert; PD012 for a channel that is not a name, an alert already settled on that channel,
-- a duplicate_of that is not such an alert, or p_ok NULL. Tables: ops.alert_attempt (written), ops.alert_outbox,
-- ops.setting (read).
CREATE OR REPLACE FUNCTION api.record_alert_attempt(p_seq bigint, p_channel text, p_ok boolean, p_error text DEFAULT NULL,
                                                    p_duplicate_of bigint DEFAULT NULL)
RETURNS text
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET timezone = 'UTC'
SET datestyle = 'ISO, YMD'
SET intervalstyle = 'postgres'
SET extra_float_digits = 1
AS $$
DECLARE
    v_alert  ops.alert_outbox%ROWTYPE;
    v_n      integer;
    v_max    integer := coalesce(ops.setting_value('alert_max_attempts'), 5)::integer;
    v_window interval := make_interval(secs => coalesce(ops.setting_value('alert_dedup_window_seconds'), 900)::double precision);
    v_status text;
    v_error  text;
BEGIN
    IF p_channel IS NULL OR p_channel !~ '^[a-z0-9][a-z0-9_.-]{0,62}$' THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012', MESSAGE = format('alert attempt refused: channel %L is not a name', p_channel),
            DETAIL = format('argument=p_channel value=%s', p_channel),
            HINT = 'Name each channel with lower-case letters, digits, _ . - (at most 63 characters).';
    END IF;
    SELECT * INTO v_alert FROM ops.alert_outbox o WHERE o.seq = p_seq;
    IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'PD011', MESSAGE = format('alert attempt refused: no alert %s', p_seq),
            DETAIL = format('seq=%s', p_seq), HINT = 'Take the alert from api.alerts_pending.';
    END IF;
    -- one attempt at a time per alert and channel (two notifiers on one channel serialise here)
    PERFORM pg_catalog.pg_advisory_xact_lock(1349731649, hashtext(p_seq::text || '/' || p_channel));
    IF EXISTS (SELECT FROM ops.alert_attempt t WHERE t.alert_seq = p_seq AND t.channel = p_channel AND t.status <> 'retry') THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012', MESSAGE = format('alert attempt refused: alert %s is already settled on %s', p_seq, p_channel),
            DETAIL = format('seq=%s channel=%s', p_seq, p_channel),
            HINT = 'A delivered, failed or deduplicated alert takes no further attempt on that channel.';
    END IF;
    IF p_duplicate_of IS NOT NULL THEN
        IF NOT EXISTS (SELECT FROM ops.alert_outbox p
                        WHERE p.seq = p_duplicate_of AND p.seq < p_seq AND p.dedup_key = v_alert.dedup_key
                          AND p.ts >= v_alert.ts - v_window
                          AND EXISTS (SELECT FROM ops.alert_attempt d WHERE d.alert_seq = p.seq AND d.channel = p_channel
                                                                        AND d.status = 'delivered')) THEN
            RAISE EXCEPTION USING ERRCODE = 'PD012',
                MESSAGE = format('alert attempt refused: alert %s is no delivered duplicate of %s on %s', p_duplicate_of, p_seq, p_channel),
                DETAIL = format('seq=%s duplicate_of=%s channel=%s', p_seq, p_duplicate_of, p_channel),
                HINT = 'duplicate_of must be an earlier alert of the same dedup key, delivered on the channel within alert_dedup_window_seconds (api.alerts_pending names it).';
        END IF;
        v_status := 'deduplicated';
    ELSIF p_ok IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012', MESSAGE = 'alert attempt refused: p_ok is NULL',
            DETAIL = 'argument=p_ok value=NULL', HINT = 'Say whether the channel accepted the alert.';
    END IF;
    SELECT count(*) + 1 INTO v_n FROM ops.alert_attempt t WHERE t.alert_seq = p_seq AND t.channel = p_channel;
    IF v_status IS NULL THEN
        v_status := CASE WHEN p_ok THEN 'delivered' WHEN v_n >= v_max THEN 'failed' ELSE 'retry' END;
    END IF;
    -- Mask what the caller may have missed: a URL's user:password@, a Telegram bot token, key=value secrets.
    v_error := regexp_replace(p_error, '(://[^/\s:@]*):[^/\s@]*@', '\1:[REDACTED]@', 'g');
    v_error := regexp_replace(v_error, '[0-9]{6,}:[A-Za-z0-9_-]{20,}', '[REDACTED]', 'g');
    v_error := regexp_replace(v_error, '((pass|password|token|secret|apikey|api_key|key)=)[^&\s]+', '\1[REDACTED]', 'gi');
    INSERT INTO ops.alert_attempt (alert_seq, channel, attempt, ok, status, error, duplicate_of, actor)
    VALUES (p_seq, p_channel, v_n, v_status IN ('delivered', 'deduplicated'), v_status, left(v_error, 2000), p_duplicate_of,
            ops.actor());
    RETURN v_status;
END
$$;

COMMENT ON FUNCTION api.record_alert_attempt(bigint, text, boolean, text, bigint) IS 'Notifier: records a delivery attempt of an alert on a channel; the database decides its status (deduplicated, delivered, retry, or failed at alert_max_attempts) and masks the error. PD011 unknown alert, PD012 bad channel, settled alert or bad duplicate_of.';
