-- ops.actor() -> text
-- Who is acting: the role set for the session (SET ROLE, or -c role= at connect) when there is one,
-- else the login role. Inside SECURITY DEFINER procedures current_user is the owner, so it is not used.
CREATE OR REPLACE FUNCTION ops.actor()
RETURNS text
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$ SELECT coalesce(nullif(current_setting('role'), 'none'), session_user::text) $$;

COMMENT ON FUNCTION ops.actor() IS 'The acting role: the session''s SET ROLE when set, else the login role.';
