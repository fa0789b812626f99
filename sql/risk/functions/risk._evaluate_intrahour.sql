-- risk._evaluate_intrahour(p_book_id, p_ts) -> text[] (actions taken)
-- After a fill: the book's equity, peak and day-start equity at p_ts from the one valuation
-- (portfolio.valuation: cash per currency and positions at the close of the last bar closed by p_ts, at cost
-- when none, converted into the reporting currency; peak and day start continue from the last closed hour, a
-- new UTC day starting from its equity), through risk._evaluate_hour. Nothing before the first closed hour.
CREATE OR REPLACE FUNCTION risk._evaluate_intrahour(p_book_id integer, p_ts timestamptz)
RETURNS text[]
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_val record;
BEGIN
    SELECT * INTO v_val FROM portfolio.valuation(p_book_id, p_ts);
    IF v_val.last_hour IS NULL THEN
        RETURN '{}';
    END IF;
    RETURN risk._evaluate_hour(p_book_id, p_ts, v_val.equity, v_val.peak_equity, v_val.day_start_equity);
END
$$;

COMMENT ON FUNCTION risk._evaluate_intrahour(integer, timestamptz) IS 'Internal: intra-hour loss limits after a fill: equity, peak and day-start equity from portfolio.valuation (the one definition), through risk._evaluate_hour.';
