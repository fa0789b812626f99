-- 0025_feed_quality_breakers.down.sql — undoes 0025. The two breakers go away with their settings unless one has
-- tripped (risk.breaker_trip is append-only and chained: a trip stays, and so do the kinds and settings).
SET LOCAL ROLE predator_owner;

DO $down$
BEGIN
    IF EXISTS (SELECT FROM risk.breaker_trip t WHERE t.breaker IN ('flat_feed_hours', 'bar_outlier_pct')) THEN
        RAISE NOTICE 'risk.breaker_trip holds flat_feed_hours or bar_outlier_pct trips: the breaker kinds and their settings stay';
        RETURN;
    END IF;
    ALTER TABLE risk.breaker_setting DISABLE TRIGGER USER;
    DELETE FROM risk.breaker_setting WHERE breaker IN ('flat_feed_hours', 'bar_outlier_pct');
    ALTER TABLE risk.breaker_setting ENABLE TRIGGER USER;
    DELETE FROM risk.breaker_kind WHERE breaker IN ('flat_feed_hours', 'bar_outlier_pct');
END
$down$;
