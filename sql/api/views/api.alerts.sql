-- api.alerts — the alerts outbox with each alert's outcome per channel.
CREATE VIEW api.alerts AS
SELECT o.seq, o.ts, o.business_ts, o.category, o.severity, o.account, o.dedup_key, o.title, o.payload,
       coalesce((SELECT jsonb_object_agg(s.channel, s.status)
                   FROM (SELECT DISTINCT ON (t.channel) t.channel, t.status FROM ops.alert_attempt t
                          WHERE t.alert_seq = o.seq ORDER BY t.channel, t.attempt DESC) s), '{}'::jsonb) AS channels,
       (SELECT count(*) FROM ops.alert_attempt t WHERE t.alert_seq = o.seq) AS attempts,
       o.source_table, o.source_key
  FROM ops.alert_outbox o;
COMMENT ON VIEW api.alerts IS 'Every alert of the outbox (category, severity, account, dedup key, title, payload, the row that raised it) with the latest status on each channel that tried it (channels: {"channel": "delivered|retry|failed|deduplicated"}; empty: not tried yet) and the number of attempts.';
