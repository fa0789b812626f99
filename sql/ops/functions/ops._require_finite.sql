-- ops._require_finite(p_routine, p_names, p_values) -> void
-- The first statement of every api routine that takes numbers: refuses NaN, Infinity and -Infinity in any
-- of p_values (NULL is left to the routine's own checks) with PD012, naming the routine and the argument.
-- p_names and p_values are parallel arrays (argument names, their values): the k-th name is the k-th element's,
-- whatever subscripts p_values has (an array may start anywhere: '[0:2]={NaN,1,2}' starts at 0, and every
-- element is checked).
CREATE OR REPLACE FUNCTION ops._require_finite(p_routine text, p_names text[], p_values numeric[])
RETURNS void
LANGUAGE plpgsql IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v numeric;
    i integer := 0;
BEGIN
    FOREACH v IN ARRAY coalesce(p_values, '{}') LOOP
        i := i + 1;
        IF v IS NOT NULL AND NOT ops.is_finite(v) THEN
            RAISE EXCEPTION USING ERRCODE = 'PD012',
                MESSAGE = format('%s refused: %s is not a finite number', p_routine, p_names[i]),
                DETAIL = format('argument=%s value=%s', p_names[i], v),
                HINT = 'Pass a finite number: NaN, Infinity and -Infinity are never a valid price, quantity, amount, fee, limit, threshold, tolerance or edge.';
        END IF;
    END LOOP;
END
$$;

COMMENT ON FUNCTION ops._require_finite(text, text[], numeric[]) IS 'Refuses NaN and ±Infinity among an api routine''s numeric arguments with PD012 (argument named in DETAIL); NULLs pass.';
