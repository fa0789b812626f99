-- 0013_kill_listeners.up.sql — the kill switch tells the truth (issue 12, item 5).
--
-- api.kill_listeners() (sql/api/functions/api.kill_listeners.sql, granted in sql/grants/20_safety.sql) lists
-- the sessions listening for the kill switch, so that predator kill can say whether a worker carries out the
-- cancels and exit orders now or only when one runs. It is a routine of the api schema, which every migrate
-- re-creates from sql/ at head: no table changes here, this revision marks the surface change.
SET LOCAL ROLE predator_owner;
SELECT 1;
