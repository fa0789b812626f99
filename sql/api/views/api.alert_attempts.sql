-- api.alert_attempts — every delivery attempt of an alert.
CREATE VIEW api.alert_attempts AS
SELECT t.alert_seq, o.category, o.dedup_key, t.channel, t.attempt, t.ts, t.ok, t.status, t.error, t.duplicate_of, t.actor
  FROM ops.alert_attempt t JOIN ops.alert_outbox o ON o.seq = t.alert_seq;
COMMENT ON VIEW api.alert_attempts IS 'Every delivery attempt of an alert on a notifier channel: attempt number, wall time, ok, status (delivered, retry, failed, deduplicated), the masked error and the alert it duplicated.';
