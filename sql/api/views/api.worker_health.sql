-- api.worker_health — what workers reported about their own process (api.record_worker_health).
CREATE VIEW api.worker_health AS
SELECT a.name AS account, h.ts, h.rss_kb, round(h.rss_kb / 1024.0, 3) AS rss_mb, h.pid, h.detail, h.recorded_at, h.seq
  FROM ops.worker_health h JOIN trading.account a USING (book_id);
COMMENT ON VIEW api.worker_health IS 'The worker process''s resident memory (kB and MB) and pid as the worker reported them at each hour''s close: the input of the worker_rss_mb breaker.';
