-- 0048_utc_hours_finite_returns.up.sql — two CHECKs that a session's settings could get round (a review in the way
-- an attacker would try it, 2026-12-06; docs/security.md "Session settings").
--
-- * The hour alignment of the hourly tables was date_trunc('hour', x) = x, which truncates in the session's
--   TimeZone: under a zone with a half-hour offset (Asia/Kolkata) 10:30 UTC passed and 10:00 UTC failed, so an
--   operator could store an operating cost from 10:30 UTC, and a dump restored in such a session refused every
--   row. The hour is now truncated in UTC, whatever the session's zone.
-- * ml.trial.returns had no finiteness CHECK and ignored the array's subscripts: '[0:4]={NaN,…}' was stored past
--   the door's check (which read subscripts 1..n) and every later api.evaluate_promotion of the family failed.
--   The series now starts at subscript 1 and holds no NaN or ±Infinity.
SET LOCAL ROLE predator_owner;

ALTER TABLE portfolio.hourly_state DROP CONSTRAINT hour_is_aligned;
ALTER TABLE portfolio.hourly_state ADD CONSTRAINT hour_is_aligned CHECK (date_trunc('hour', hour, 'UTC') = hour);
ALTER TABLE portfolio.hour_knowledge DROP CONSTRAINT hour_knowledge_hour_is_aligned;
ALTER TABLE portfolio.hour_knowledge ADD CONSTRAINT hour_knowledge_hour_is_aligned
    CHECK (date_trunc('hour', hour, 'UTC') = hour);
ALTER TABLE risk.shadow_comparison DROP CONSTRAINT shadow_comparison_hour_is_aligned;
ALTER TABLE risk.shadow_comparison ADD CONSTRAINT shadow_comparison_hour_is_aligned
    CHECK (date_trunc('hour', hour, 'UTC') = hour);
ALTER TABLE risk.strategy_health DROP CONSTRAINT strategy_health_hour_is_aligned;
ALTER TABLE risk.strategy_health ADD CONSTRAINT strategy_health_hour_is_aligned
    CHECK (date_trunc('hour', hour, 'UTC') = hour);
ALTER TABLE risk.horizon_flag DROP CONSTRAINT horizon_flag_hour_is_aligned;
ALTER TABLE risk.horizon_flag ADD CONSTRAINT horizon_flag_hour_is_aligned
    CHECK (date_trunc('hour', hour, 'UTC') = hour);
ALTER TABLE portfolio.strategy_hour DROP CONSTRAINT strategy_hour_is_aligned;
ALTER TABLE portfolio.strategy_hour ADD CONSTRAINT strategy_hour_is_aligned
    CHECK (date_trunc('hour', hour, 'UTC') = hour);
ALTER TABLE ledger.operating_cost DROP CONSTRAINT operating_cost_hour_is_aligned;
ALTER TABLE ledger.operating_cost ADD CONSTRAINT operating_cost_hour_is_aligned
    CHECK (date_trunc('hour', effective_from, 'UTC') = effective_from);

ALTER TABLE ml.trial ADD CONSTRAINT trial_returns_start_at_1 CHECK (array_lower(returns, 1) = 1);
ALTER TABLE ml.trial ADD CONSTRAINT trial_returns_are_finite
    CHECK (NOT (returns && '{NaN,Infinity,-Infinity}'::double precision[]));
