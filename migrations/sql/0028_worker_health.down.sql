-- 0028_worker_health.down.sql — undoes 0028. The worker_rss_mb breaker goes away with its settings unless it
-- has tripped (risk.breaker_trip is append-only and chained: a trip stays, and so does its kind).
SET LOCAL session_replication_role = replica;
SET LOCAL ROLE predator_owner;

DROP TABLE ops.worker_health;

DO $down$
BEGIN
    IF EXISTS (SELECT FROM risk.breaker_trip t WHERE t.breaker = 'worker_rss_mb') THEN
        RAISE NOTICE 'risk.breaker_trip holds worker_rss_mb trips: the breaker kind and its settings stay';
        RETURN;
    END IF;
    DELETE FROM risk.breaker_setting WHERE breaker = 'worker_rss_mb';
    DELETE FROM risk.breaker_kind WHERE breaker = 'worker_rss_mb';
END
$down$;
