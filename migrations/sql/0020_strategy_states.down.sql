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
ALTER TABLE risk.arbitration_setting DROP CONSTRAINT arbitration_rule_is_known,
    ADD CONSTRAINT arbitration_rule_is_known CHECK (rule IN ('refuse_both', 'priority')) NOT VALID;
ALTER TABLE trading.order_request DROP CONSTRAINT order_origin_is_known,
    ADD CONSTRAINT order_origin_is_known CHECK (origin IN ('signal', 'kill_switch', 'risk_flatten', 'strategy_kill')) NOT VALID;
DROP FUNCTION IF EXISTS risk._check_arbitration(integer, text, text, timestamptz, text, boolean, numeric, numeric);
DROP FUNCTION IF EXISTS risk._net_arbitration(integer, text, text, timestamptz, text, numeric, numeric, jsonb);
