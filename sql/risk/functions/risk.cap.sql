-- risk.cap(p_limits jsonb, p_limit text, p_scope text, p_base numeric) -> numeric
-- The cap of one limit for one scope key (override) or '*', as an amount: pct mode = value% of p_base
-- (equity, or peak/day-start equity for loss limits), abs/bps/count = value. NULL = no cap.
CREATE OR REPLACE FUNCTION risk.cap(p_limits jsonb, p_limit text, p_scope text, p_base numeric)
RETURNS numeric
LANGUAGE sql IMMUTABLE
AS $$
    -- One expression, no FROM: the planner inlines it into its caller's expression (no function call per cap).
    SELECT CASE coalesce(p_limits -> p_limit -> p_scope, p_limits -> p_limit -> '*') ->> 'mode'
               WHEN 'pct' THEN (coalesce(p_limits -> p_limit -> p_scope, p_limits -> p_limit -> '*') ->> 'value')::numeric
                               / 100 * p_base
               ELSE (coalesce(p_limits -> p_limit -> p_scope, p_limits -> p_limit -> '*') ->> 'value')::numeric
           END
$$;

COMMENT ON FUNCTION risk.cap(jsonb, text, text, numeric) IS 'Resolves a limit for a scope key (falling back to *) into an amount: pct of p_base, or the absolute value; NULL when disabled.';
