-- ml._require_finite(p_routine, p_names, p_values) -> void
-- The first statement of every ml routine: refuses NaN, Infinity and -Infinity in any of p_values with PD012
-- (through ml._refuse), naming the routine and the argument. p_names and p_values are parallel arrays. NULLs
-- do not reach it: the public ml routines are STRICT (a NULL argument gives a NULL result).
CREATE OR REPLACE FUNCTION ml._require_finite(p_routine text, p_names text[], p_values double precision[])
RETURNS void
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v double precision;
    i integer := 0;
BEGIN
    FOREACH v IN ARRAY coalesce(p_values, '{}') LOOP  -- every element, whatever the array's subscripts
        i := i + 1;
        IF NOT (v > '-Infinity'::double precision AND v < 'Infinity'::double precision) THEN
            PERFORM ml._refuse(p_routine, p_names[i], v::text, 'is not a finite number',
                               'Pass a finite number: NaN, Infinity and -Infinity are never a Sharpe ratio, a moment, a count, a variance or a probability.');
        END IF;
    END LOOP;
END
$$;

COMMENT ON FUNCTION ml._require_finite(text, text[], double precision[]) IS 'Refuses NaN and ±Infinity (and NULL) among an ml routine''s arguments with PD012, naming the argument in DETAIL. Internal to the ml functions.';
