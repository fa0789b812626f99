-- risk._arbitrated_quantity(p_arbitration, p_qty, p_notional) -> (quantity, notional)
-- The quantity api.submit_signal trades after arbitration (issue 13 item 2): under the net rule a signal admitted
-- for its residual (p_arbitration -> 'arbitration' -> 'residual', from risk._net_arbitration) trades that residual
-- at the same unit price; otherwise the quantity and notional are unchanged.
CREATE OR REPLACE FUNCTION risk._arbitrated_quantity(p_arbitration jsonb, p_qty numeric, p_notional numeric)
RETURNS TABLE (quantity numeric, notional numeric)
LANGUAGE plpgsql IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_res numeric := (p_arbitration -> 'arbitration' ->> 'residual')::numeric;
BEGIN
    IF v_res IS NULL THEN
        RETURN QUERY SELECT p_qty, p_notional;
    ELSE
        RETURN QUERY SELECT v_res, v_res * (p_arbitration -> 'arbitration' ->> 'price')::numeric;
    END IF;
END
$$;

COMMENT ON FUNCTION risk._arbitrated_quantity(jsonb, numeric, numeric) IS 'Internal: the quantity and notional a signal trades after arbitration: the net rule''s residual at the same unit price, else unchanged.';
