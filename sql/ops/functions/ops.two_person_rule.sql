-- ops.two_person_rule() -> boolean
-- Whether the two-person rule holds: the operator setting two_person_rule (api.set_setting) is 1, or unset
-- (the shipped default: on). While it holds, a resume of a global halt, a limit set above its policy ceiling,
-- a ceiling raised or lifted and the rule turned off each need a second operator's approval
-- (ops._require_approval).
CREATE OR REPLACE FUNCTION ops.two_person_rule()
RETURNS boolean
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$ SELECT coalesce(ops.setting_value('two_person_rule'), 1) = 1 $$;

COMMENT ON FUNCTION ops.two_person_rule() IS 'Whether the two-person rule holds (operator setting two_person_rule, 1 when unset): high-risk actions then need a second operator''s approval.';
