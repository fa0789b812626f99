-- 0016_sizing_health.down.sql — removes the health and horizon tables and the limits of 0016 (with their settings).
SET LOCAL session_replication_role = replica;
SET LOCAL ROLE predator_owner;
DROP TABLE IF EXISTS risk.horizon_flag;
DROP TABLE IF EXISTS risk.strategy_health;
DELETE FROM ops.chain_head WHERE chain LIKE 'risk.strategy_health:%' OR chain LIKE 'risk.horizon_flag:%';
DELETE FROM risk.limit_setting WHERE limit_name IN ('vol_target', 'vol_window_hours', 'health_window_hours', 'health_min_trades',
                                                     'health_edge_fraction', 'health_demote_score', 'health_pause_score',
                                                     'health_demoted_size');
DELETE FROM risk.limit_kind WHERE limit_name IN ('vol_target', 'vol_window_hours', 'health_window_hours', 'health_min_trades',
                                                  'health_edge_fraction', 'health_demote_score', 'health_pause_score',
                                                  'health_demoted_size');
