-- api.kill_listeners() -> (pid, login, account, application_name)
-- Operator, auditor. The sessions of this database that listen for the kill switch (channel predator_kill): a
-- worker's kill-switch listener (predator.db.notify.listen) runs LISTEN predator_kill and then names its session
-- 'predator-killwatch:<account>' (application_name), so a session appears here only once its LISTEN has taken
-- effect, and disappears when it ends. PostgreSQL shows no other session's LISTEN channels; application_name is
-- the one column of pg_stat_activity every role may read for every session. predator kill uses it to say
-- whether the cancels and exit orders it marks go out now or only when a worker runs.
-- Tables read: pg_catalog.pg_stat_activity.
CREATE OR REPLACE FUNCTION api.kill_listeners()
RETURNS TABLE (pid integer, login text, account text, application_name text)
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET timezone = 'UTC'
SET datestyle = 'ISO, YMD'
SET intervalstyle = 'postgres'
SET extra_float_digits = 1
AS $$
    SELECT a.pid, a.usename::text, nullif(substr(a.application_name, length('predator-killwatch:') + 1), ''),
           a.application_name
      FROM pg_catalog.pg_stat_activity a
     WHERE a.datname = current_database()
       AND a.application_name LIKE 'predator-killwatch:%'
     ORDER BY a.pid;
$$;

COMMENT ON FUNCTION api.kill_listeners() IS 'Operator, auditor: the sessions of this database listening for the kill switch (channel predator_kill), by the application_name predator-killwatch:<account> a worker''s listener sets after its LISTEN; empty when no worker would carry out a kill switch now.';
