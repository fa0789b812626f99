-- 0017_risk_state.down.sql — undoes 0017 (the routines under sql/ are dropped with their schema's re-apply).
SET LOCAL ROLE predator_owner;

DROP TABLE IF EXISTS risk.state_current, risk.state_event, risk.state_transition;
ALTER TABLE risk.limit_setting DISABLE TRIGGER USER;
DELETE FROM risk.limit_setting WHERE limit_name IN ('cooldown_hours', 'breaker_clear_hours', 'breaker_clear_pct');
ALTER TABLE risk.limit_setting ENABLE TRIGGER USER;
DELETE FROM risk.limit_kind WHERE limit_name IN ('cooldown_hours', 'breaker_clear_hours', 'breaker_clear_pct');
COMMENT ON TABLE risk.breaker_trip IS 'Every circuit-breaker trip: the figure that tripped it against its threshold, the scope halted and the incident opened. Append-only, chained per book.';
