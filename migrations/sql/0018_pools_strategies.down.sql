-- 0018_pools_strategies.down.sql — back to one pool-less strategy list (the routines live under sql/ and are
-- dropped with the api schema when an older revision's definitions are applied).
-- Append-only triggers must not fire while the migration unwinds (superuser only).
SET LOCAL session_replication_role = replica;
SET LOCAL ROLE predator_owner;

DROP TABLE portfolio.strategy_hour;
ALTER TABLE trading.order_request DROP CONSTRAINT order_origin_is_known,
    ADD CONSTRAINT order_origin_is_known CHECK (origin IN ('signal', 'kill_switch', 'risk_flatten')) NOT VALID;
DELETE FROM risk.limit_setting WHERE limit_name IN ('pool_budget', 'pool_max_daily_loss', 'pool_max_drawdown',
                                                     'strategy_allocation', 'strategy_max_daily_loss', 'strategy_max_drawdown');
DELETE FROM risk.limit_kind WHERE limit_name IN ('pool_budget', 'pool_max_daily_loss', 'pool_max_drawdown',
                                                 'strategy_allocation', 'strategy_max_daily_loss', 'strategy_max_drawdown');
ALTER TABLE trading.strategy DROP COLUMN priority, DROP COLUMN pool;
DROP TABLE risk.arbitration_setting;
DROP TABLE risk.lane_pool_setting;
DROP TABLE risk.pool;
