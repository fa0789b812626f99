-- ops.operator_login() -> text
-- Who an operator is for the two-person rule: the login role of the session (session_user). Unlike ops.actor()
-- it cannot be changed with SET ROLE, so one login cannot ask as itself and approve as a group role it is a
-- member of. Each person has a login of their own (predator_operator_login and predator_approver_login are
-- shipped; docs/operator.md, "Two-person rule").
CREATE OR REPLACE FUNCTION ops.operator_login()
RETURNS text
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$ SELECT session_user::text $$;

COMMENT ON FUNCTION ops.operator_login() IS 'The operator''s identity for the two-person rule: the session''s login role (session_user), which SET ROLE cannot change.';
