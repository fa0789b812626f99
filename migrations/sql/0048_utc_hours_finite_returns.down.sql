-- 0048_utc_hours_finite_returns.down.sql — undoes 0048: the hour alignments truncate in the session's zone again
-- and ml.trial.returns loses its subscript and finiteness CHECKs.
SET LOCAL ROLE predator_owner;

ALTER TABLE ml.trial DROP CONSTRAINT trial_returns_are_finite;
ALTER TABLE ml.trial DROP CONSTRAINT trial_returns_start_at_1;

ALTER TABLE portfolio.hourly_state DROP CONSTRAINT hour_is_aligned;
ALTER TABLE portfolio.hourly_state ADD CONSTRAINT hour_is_aligned CHECK (date_trunc('hour', hour) = hour);
ALTER TABLE portfolio.hour_knowledge DROP CONSTRAINT hour_knowledge_hour_is_aligned;
ALTER TABLE portfolio.hour_knowledge ADD CONSTRAINT hour_knowledge_hour_is_aligned CHECK (date_trunc('hour', hour) = hour);
ALTER TABLE risk.shadow_comparison DROP CONSTRAINT shadow_comparison_hour_is_aligned;
ALTER TABLE risk.shadow_comparison ADD CONSTRAINT shadow_comparison_hour_is_aligned CHECK (date_trunc('hour', hour) = hour);
ALTER TABLE risk.strategy_health DROP CONSTRAINT strategy_health_hour_is_aligned;
ALTER TABLE risk.strategy_health ADD CONSTRAINT strategy_health_hour_is_aligned CHECK (date_trunc('hour', hour) = hour);
ALTER TABLE risk.horizon_flag DROP CONSTRAINT horizon_flag_hour_is_aligned;
ALTER TABLE risk.horizon_flag ADD CONSTRAINT horizon_flag_hour_is_aligned CHECK (date_trunc('hour', hour) = hour);
ALTER TABLE portfolio.strategy_hour DROP CONSTRAINT strategy_hour_is_aligned;
ALTER TABLE portfolio.strategy_hour ADD CONSTRAINT strategy_hour_is_aligned CHECK (date_trunc('hour', hour) = hour);
ALTER TABLE ledger.operating_cost DROP CONSTRAINT operating_cost_hour_is_aligned;
ALTER TABLE ledger.operating_cost ADD CONSTRAINT operating_cost_hour_is_aligned
    CHECK (date_trunc('hour', effective_from) = effective_from);
