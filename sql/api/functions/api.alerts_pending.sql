-- api.alerts_pending(p_channels, p_limit)
--   -> (seq, ts, business_ts, category, severity, account, dedup_key, title, payload, channel, attempts,
--       last_attempt_at, duplicate_of, channel_sends_last_minute)
-- Notifier. The alerts not yet settled on each channel of p_channels (no delivered, failed or deduplicated
-- attempt there), oldest first, at most p_limit rows (1..1000): one row per alert and channel, with the attempts
-- made so far and the last one's wall time (the notifier's backoff), duplicate_of (the earliest alert of the same
-- dedup key delivered on that channel within alert_dedup_window_seconds before this one's ts: this one is then
-- recorded deduplicated, not sent) and the channel's sends in the last 60 seconds (its rate limit). PD012 for a
-- channel that is not a name or a limit out of range. Tables read: ops.alert_outbox, ops.alert_attempt, ops.setting.
CREATE OR REPLACE FUNCTION api.alerts_pending(p_channels text[], p_limit integer DEFAULT 100)
RETURNS TABLE (seq bigint, ts timestamptz, business_ts timestamptz, category text, severity text, account text,
               dedup_key text, title text, payload jsonb, channel text, attempts integer, last_attempt_at timestamptz,
               duplicate_of bigint, channel_sends_last_minute integer)
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET timezone = 'UTC'
SET datestyle = 'ISO, YMD'
SET intervalstyle = 'postgres'
SET extra_float_digits = 1
AS $$
DECLARE
    v_window interval := make_interval(secs => coalesce(ops.setting_value('alert_dedup_window_seconds'), 900)::double precision);
BEGIN
    IF p_limit IS NULL OR p_limit < 1 OR p_limit > 1000 THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012', MESSAGE = format('alerts_pending refused: limit %s is out of range', p_limit),
            DETAIL = format('argument=p_limit value=%s', p_limit), HINT = 'Ask for 1 to 1000 alerts at a time.';
    END IF;
    IF p_channels IS NULL OR cardinality(p_channels) = 0
       OR EXISTS (SELECT FROM unnest(p_channels) c WHERE c IS NULL OR c !~ '^[a-z0-9][a-z0-9_.-]{0,62}$') THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012', MESSAGE = 'alerts_pending refused: channels must be names',
            DETAIL = format('argument=p_channels value=%s', p_channels),
            HINT = 'Name each channel with lower-case letters, digits, _ . - (at most 63 characters).';
    END IF;
    RETURN QUERY
    SELECT o.seq, o.ts, o.business_ts, o.category, o.severity, o.account, o.dedup_key, o.title, o.payload, c.channel,
           coalesce(a.n, 0)::integer, a.last_ts,
           (SELECT p.seq FROM ops.alert_outbox p
             WHERE p.dedup_key = o.dedup_key AND p.seq < o.seq AND p.ts >= o.ts - v_window
               AND EXISTS (SELECT FROM ops.alert_attempt d
                            WHERE d.alert_seq = p.seq AND d.channel = c.channel AND d.status = 'delivered')
             ORDER BY p.seq LIMIT 1),
           (SELECT count(*) FROM ops.alert_attempt r
             WHERE r.channel = c.channel AND r.status <> 'deduplicated'
               AND r.ts > clock_timestamp() - interval '60 seconds')::integer
      FROM ops.alert_outbox o
     CROSS JOIN (SELECT DISTINCT u.c AS channel FROM unnest(p_channels) u(c)) c
      LEFT JOIN LATERAL (SELECT count(*) AS n, max(t.ts) AS last_ts FROM ops.alert_attempt t
                          WHERE t.alert_seq = o.seq AND t.channel = c.channel) a ON true
     WHERE NOT EXISTS (SELECT FROM ops.alert_attempt t
                        WHERE t.alert_seq = o.seq AND t.channel = c.channel AND t.status <> 'retry')
     ORDER BY o.seq, c.channel
     LIMIT p_limit;
END
$$;

COMMENT ON FUNCTION api.alerts_pending(text[], integer) IS 'Notifier: alerts not yet settled on each channel (oldest first, at most p_limit rows), with attempts so far, the last attempt''s time, the earlier delivered alert of the same key within the dedup window (duplicate_of) and the channel''s sends in the last minute.';
