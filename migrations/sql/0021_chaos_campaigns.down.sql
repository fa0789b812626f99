-- 0021_chaos_campaigns.down.sql — drop the chaos campaign tables (the api routines and views that read them
-- are dropped with the api schema when an older revision's definitions are applied).
SET LOCAL session_replication_role = replica;
SET LOCAL ROLE predator_owner;

DROP TABLE ops.chaos_fault;
DROP TABLE ops.chaos_campaign;
