-- ops._require_finite_json(p_routine, p_name, p_json) -> void
-- For api routines that read numbers out of a jsonb argument: every top-level value of p_json (an object's
-- values or an array's elements) that is a number or a string must be a finite number (JSON strings such
-- as "NaN", "Infinity" or "-inf" parse as non-finite numerics). Refuses with PD012, naming the argument
-- and the key; a string that is not a number at all is refused the same way.
CREATE OR REPLACE FUNCTION ops._require_finite_json(p_routine text, p_name text, p_json jsonb)
RETURNS void
LANGUAGE plpgsql IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    r record;
BEGIN
    FOR r IN
        SELECT e.key, e.value FROM jsonb_each(CASE jsonb_typeof(p_json) WHEN 'object' THEN p_json ELSE '{}' END) e
        UNION ALL
        SELECT (e.ord - 1)::text, e.value
          FROM jsonb_array_elements(CASE jsonb_typeof(p_json) WHEN 'array' THEN p_json ELSE '[]' END) WITH ORDINALITY e(value, ord)
    LOOP
        CONTINUE WHEN jsonb_typeof(r.value) NOT IN ('number', 'string');
        -- A finite decimal is exactly what this pattern matches; NaN, Infinity, inf and words do not.
        CONTINUE WHEN (r.value #>> '{}') ~ '^\s*[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?\s*$';
        RAISE EXCEPTION USING ERRCODE = 'PD012',
            MESSAGE = format('%s refused: %s[%s] is not a finite number', p_routine, p_name, r.key),
            DETAIL = format('argument=%s key=%s value=%s', p_name, r.key, r.value),
            HINT = 'Pass finite decimal numbers (as JSON numbers or decimal strings): NaN, Infinity and -Infinity are refused.';
    END LOOP;
END
$$;

COMMENT ON FUNCTION ops._require_finite_json(text, text, jsonb) IS 'Refuses a jsonb argument whose top-level values include a number or numeric string that is NaN, ±Infinity or not a number, with PD012 (argument and key in DETAIL).';
