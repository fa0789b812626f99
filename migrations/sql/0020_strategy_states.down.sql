-- 0020_strategy_states.down.sql — back to a risk state per book only.
SET LOCAL session_replication_role = replica;
SET LOCAL ROLE predator_owner;

DELETE FROM risk.limit_setting WHERE limit_name IN ('strategy_reduce_daily_loss', 'strategy_reduce_drawdown');
DELETE FROM risk.limit_kind WHERE limit_name IN ('strategy_reduce_daily_loss', 'strategy_reduce_drawdown');
DELETE FROM risk.state_current WHERE scope_kind = 'strategy';
DELETE FROM risk.state_event WHERE scope_kind = 'strategy';
ALTER TABLE risk.state_current DROP COLUMN hold;
ALTER TABLE risk.state_event DROP CONSTRAINT state_scope_is_known,
    ADD CONSTRAINT state_scope_is_known CHECK (scope_kind IN ('book')) NOT VALID;
