-- risk._admission_state(p_book_id, p_side, p_ts) -> text[] (reason codes)
-- The risk state's part of the admission gate (api.submit_signal), at decision time p_ts: first mirrors
-- the halts in force (risk._sync_halt), then refuses an entry (a buy) with risk_reducing while the book is
-- reducing and risk_cooldown during a cooldown. Exits and reductions (sells) pass; a halted book's orders
-- are refused by the halt's own reason codes (halted_*).
CREATE OR REPLACE FUNCTION risk._admission_state(p_book_id integer, p_side text, p_ts timestamptz)
RETURNS text[]
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_state text := risk._sync_halt(p_book_id, p_ts);
BEGIN
    IF p_side = 'buy' AND v_state = 'reducing' THEN
        RETURN ARRAY['risk_reducing'];
    ELSIF p_side = 'buy' AND v_state = 'cooldown' THEN
        RETURN ARRAY['risk_cooldown'];
    END IF;
    RETURN '{}';
END
$$;

COMMENT ON FUNCTION risk._admission_state(integer, text, timestamptz) IS 'Internal: the risk state at admission: risk_reducing or risk_cooldown for an entry while the book is reducing or cooling down (after mirroring the halts in force).';
