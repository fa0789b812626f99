-- ml._refuse(p_routine, p_argument, p_value, p_rule, p_hint) -> void
-- Raises PD012 (InvalidArgument, docs/errors.md) for one argument of an ml routine outside its domain:
-- MESSAGE '<routine> refused: <argument> <rule>', DETAIL 'argument=<argument> value=<value>', HINT p_hint.
-- Every refusal of the ml schema goes through here, so that they all read alike.
CREATE OR REPLACE FUNCTION ml._refuse(p_routine text, p_argument text, p_value text, p_rule text, p_hint text)
RETURNS void
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    RAISE EXCEPTION USING ERRCODE = 'PD012',
        MESSAGE = format('%s refused: %s %s', p_routine, p_argument, p_rule),
        DETAIL = format('argument=%s value=%s', p_argument, coalesce(p_value, 'NULL')),
        HINT = p_hint;
END
$$;

COMMENT ON FUNCTION ml._refuse(text, text, text, text, text) IS 'Raises PD012 for an ml routine''s argument outside its domain: MESSAGE "<routine> refused: <argument> <rule>", DETAIL "argument=<name> value=<value>", HINT as given. Internal to the ml functions.';
