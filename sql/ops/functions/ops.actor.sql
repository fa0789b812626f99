-- ops.actor() -> text
-- Who is acting, as stored in every actor column: the login role of the session (session_user), which SET ROLE
-- cannot change, followed by ' as <role>' while the session has SET ROLE (or -c role= at connect) to another role.
-- A login may always SET ROLE to its own group role: recording the group alone would let the operator and the
-- approver logins act under one name (a review of the authority, 2026-12-06; docs/security.md). Inside SECURITY
-- DEFINER procedures current_user is the owner, so it is not used.
CREATE OR REPLACE FUNCTION ops.actor()
RETURNS text
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT CASE WHEN r.role IS NULL OR r.role = session_user::text THEN session_user::text
                ELSE session_user::text || ' as ' || r.role END
      FROM (SELECT nullif(current_setting('role'), 'none') AS role) r
$$;

COMMENT ON FUNCTION ops.actor() IS 'The acting login (session_user), with '' as <role>'' appended while the session has SET ROLE to another role.';
