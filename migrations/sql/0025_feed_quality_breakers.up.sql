-- 0025_feed_quality_breakers — two data-quality breakers (issue 14 item 2, the feed faults; docs/risk.md):
-- flat_feed_hours (hours in a row a traded symbol's bar repeated the previous close flat, volume 0 or repeated:
-- a frozen feed; shipped threshold 3, the shipped Binance 1h data has runs of at most 2) and bar_outlier_pct (the
-- largest wick beyond its body of the bar that closed at the hour, percent: a single-venue print; threshold 25).
-- Account scope like stale_data_hours: a paper book reduces until the breaker clears, a live book halts globally.
-- api.close_hour, market.feed_quality, risk._trip and risk._breaker_pause are definitions (sql/), re-applied at
-- head by predator migrate.
SET LOCAL ROLE predator_owner;

INSERT INTO risk.breaker_kind (breaker, unit, description) VALUES
    ('flat_feed_hours', 'hours', 'Bars in a row of a traded symbol that repeat the previous close flat (O = H = L = C, volume 0 or repeated): a frozen feed'),
    ('bar_outlier_pct', 'pct', 'Largest wick beyond its body of a traded symbol''s bar that closed at the hour, in percent: a single-venue print');

INSERT INTO risk.breaker_setting (lane, account, breaker, revision, threshold, window_hours, min_events, trip_scope, reason, actor)
SELECT l.lane, '*', b.breaker, 1, b.threshold, 1, 1, 'account', 'shipped default', 'migration'
  FROM (VALUES ('paper'), ('live_canary'), ('live_promoted')) l(lane)
 CROSS JOIN (VALUES ('flat_feed_hours', 3), ('bar_outlier_pct', 25)) b(breaker, threshold);
