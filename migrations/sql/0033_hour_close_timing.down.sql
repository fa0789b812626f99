-- 0033_hour_close_timing.down.sql — undoes 0033 (the timings are wall-clock observations, not business data).
SET LOCAL session_replication_role = replica;
SET LOCAL ROLE predator_owner;

DROP TABLE ops.hour_close_timing;
